/* test-host-parse.c - the parsers of the host probes' files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probe/dpkg-status.h"
#include "probe/host-parse.h"

#define P(s) (s), strlen(s)

static void test_mount_size(void **state)
{
        const char *mounts = "overlay / overlay rw 0 0\n"
                             "shm /dev/shm tmpfs rw,nosuid,nodev,size=65536k 0 0\n";

        (void)state;
        assert_int_equal(host_parse_mount_size(P(mounts), "/dev/shm"), 64LL << 20);
        assert_int_equal(host_parse_mount_size(P("tmpfs /dev/shm tmpfs rw,size=2g 0 0\n"), "/dev/shm"), 2LL << 30);
        assert_int_equal(host_parse_mount_size(P("tmpfs /dev/shm tmpfs rw,size=1048576 0 0\n"), "/dev/shm"), 1048576);
        assert_int_equal(host_parse_mount_size(P("tmpfs /dev/shm tmpfs rw,nosuid 0 0\n"), "/dev/shm"), -1);
        assert_int_equal(host_parse_mount_size(P("tmpfs /dev/shm tmpfs rw,size=50% 0 0\n"), "/dev/shm"), -1);
        assert_int_equal(host_parse_mount_size(P("tmpfs /dev/shmx tmpfs rw,size=1k 0 0\n"), "/dev/shm"), -1);
        assert_int_equal(host_parse_mount_size(P("garbage\n\n /dev/shm\n"), "/dev/shm"), -1);
}

static void test_tcp(void **state)
{
        const char *tcp = "  sl  local_address rem_address   st\n"
                          "   0: 00000000:733C 00000000:0000 0A 0\n"
                          "   1: 0100007F:733D 0100007F:733C 01 0\n";

        (void)state;
        assert_true(host_parse_tcp_listening(P(tcp), 29500));
        assert_false(host_parse_tcp_listening(P(tcp), 29501));   /* established, not listening */
        assert_true(host_parse_tcp_listening(P("0: 00000000000000000000000000000000:733C 0:0 0A\n"), 29500));
        assert_false(host_parse_tcp_listening(P("0: 733C\n"), 29500));
}

static void test_apt(void **state)
{
        const char *periodic = "APT::Periodic::Update-Package-Lists \"1\";\n"
                               "// APT::Periodic::Unattended-Upgrade \"0\";\n"
                               "APT::Periodic::Unattended-Upgrade \"1\";\n";
        const char *bl = "Unattended-Upgrade::Package-Blacklist {\n    // \"nvidia-\";\n    \"linux-\";\n};\n"
                         "Unattended-Upgrade::Mail \"nvidia@x\";\n";
        char *v;

        (void)state;
        v = host_parse_apt_value(P(periodic), "APT::Periodic::Unattended-Upgrade");
        assert_string_equal(v, "1");
        free(v);
        assert_null(host_parse_apt_value(P("# APT::Periodic::Unattended-Upgrade \"1\";\n"),
                                         "APT::Periodic::Unattended-Upgrade"));
        assert_false(host_parse_apt_blacklists(P(bl), "nvidia"));
        assert_true(host_parse_apt_blacklists(P("Unattended-Upgrade::Package-Blacklist {\n\"nvidia-\";\n};\n"), "nvidia"));
}

static void test_yaml_and_units(void **state)
{
        const char *yaml = "compute_environment: LOCAL_MACHINE\nnum_processes: 8\nuse_cpu: 'true' # x\n";
        char *v;

        (void)state;
        v = host_parse_yaml_value(P(yaml), "use_cpu");
        assert_string_equal(v, "true");
        free(v);
        v = host_parse_yaml_value(P(yaml), "num_processes");
        assert_string_equal(v, "8");
        free(v);
        assert_null(host_parse_yaml_value(P("  use_cpu: true\n"), "use_cpu"));   /* not top level */
        v = host_parse_unit_env(P("[Service]\nEnvironment=\"A=1\" \"CUDA_VISIBLE_DEVICES=0,1\"\n"), "CUDA_VISIBLE_DEVICES");
        assert_string_equal(v, "CUDA_VISIBLE_DEVICES=0,1");
        free(v);
        v = host_parse_unit_env(P("Environment=CUDA_VISIBLE_DEVICES=2 B=3\n"), "CUDA_VISIBLE_DEVICES");
        assert_string_equal(v, "CUDA_VISIBLE_DEVICES=2");
        free(v);
        assert_null(host_parse_unit_env(P("Environment=XCUDA_VISIBLE_DEVICES=2\n"), "CUDA_VISIBLE_DEVICES"));
}

static void test_cpu_flag(void **state)
{
        static const struct { const char *in; int want; } cases[] = {
                { "processor\t: 0\nflags\t\t: fpu vme hypervisor lm\n\n", 1 },
                { "processor\t: 0\nflags\t\t: fpu vme lm\nflags\t\t: fpu\n", 0 },
                { "flags: hypervisor", 1 },
                /* a word that only contains it, another field named like it */
                { "flags\t: hypervisorx\nvmx flags\t: hypervisor\n", 0 },
                { "flagsx\t: hypervisor\n", -1 },
                { "Features\t: fp asimd evtstrm\n", -1 }, /* arm64 */
                { "", -1 },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                assert_int_equal(host_parse_cpu_flag(cases[i].in, strlen(cases[i].in),
                                                     "hypervisor"), cases[i].want);
}

static void test_dpkg_held(void **state)
{
        const char *st = "Package: nvidia-driver-535\nStatus: hold ok installed\nVersion: 535.161.08-0ubuntu1\n\n"
                         "Package: libnvidia-compute-535\nStatus: install ok installed\nVersion: 535\n";

        (void)state;
        assert_true(dpkg_status_held(P(st), "nvidia-driver-"));
        assert_false(dpkg_status_held(P(st), "libnvidia-compute-"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_mount_size), cmocka_unit_test(test_tcp),
                cmocka_unit_test(test_apt), cmocka_unit_test(test_yaml_and_units),
                cmocka_unit_test(test_dpkg_held), cmocka_unit_test(test_cpu_flag),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
