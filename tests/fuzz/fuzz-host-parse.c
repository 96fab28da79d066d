/* fuzz-host-parse.c - the host probes' parsers: mount tables, socket
 * tables, apt configuration, simple YAML, systemd units, dpkg holds. */
#include <stdlib.h>

#include "fuzz.h"
#include "probe/dpkg-status.h"
#include "probe/host-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *buf = (const char *)data;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        (void)host_parse_mount_size(buf, size, "/dev/shm");
        (void)host_parse_tcp_listening(buf, size, 29500);
        if (host_parse_cpu_flag(buf, size, "hypervisor") > 1)
                __builtin_trap();
        (void)host_parse_apt_blacklists(buf, size, "nvidia");
        (void)dpkg_status_held(buf, size, "nvidia-driver-");
        free(host_parse_apt_value(buf, size, "APT::Periodic::Unattended-Upgrade"));
        free(host_parse_yaml_value(buf, size, "use_cpu"));
        free(host_parse_unit_env(buf, size, "CUDA_VISIBLE_DEVICES"));
        return 0;
}
