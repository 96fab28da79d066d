/* probe-os.c - distribution, kernel, architecture, Secure Boot, the kernel
 * command line, whether it runs in a virtual machine, its NUMA nodes. */
#include "probe-internal.h"

#include <errno.h>
#include <string.h>
#include <sys/utsname.h>

#include "host-parse.h"
#include "os-release.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* The EFI variable holding the Secure Boot state: 4 attribute bytes, then
 * one byte, 1 when enabled. */
#define SECURE_BOOT_VAR "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"

static void fail_str_errno(struct fact_str *f, const char *path, int r)
{
        _cleanup_free_ char *why = xasprintf("cannot read %s: %s", path, strerror(-r));

        fact_fail_str(f, r == -ENOENT ? FACT_ABSENT : r == -EACCES ? FACT_DENIED : FACT_ERROR,
                      why);
}

static void set_from_release(struct fact_str *f, const struct strbuf *buf, const char *key)
{
        char *v = os_release_get(buf->buf, buf->len, key);

        if (v)
                fact_take_str(f, v);
        else
                fact_fail_str(f, FACT_ABSENT, "not in os-release");
}

static void probe_os_release(const struct probe_ctx *ctx, struct snap_os *os)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        int r = sys_read_file(ctx->root, "/etc/os-release", 64 * 1024, &buf);

        if (r == -ENOENT)
                r = sys_read_file(ctx->root, "/usr/lib/os-release", 64 * 1024, &buf);
        if (r < 0) {
                fail_str_errno(&os->distro_id, "/etc/os-release", r);
                fail_str_errno(&os->version_id, "/etc/os-release", r);
                fail_str_errno(&os->pretty_name, "/etc/os-release", r);
                return;
        }
        set_from_release(&os->distro_id, &buf, "ID");
        set_from_release(&os->version_id, &buf, "VERSION_ID");
        set_from_release(&os->pretty_name, &buf, "PRETTY_NAME");
}

/* Reads a one-line /proc value; on this host uname() answers when /proc
 * lacks it (kernels before 6.x have no /proc/sys/kernel/arch). */
static void probe_uname_value(const struct probe_ctx *ctx, struct fact_str *f,
                              const char *path, bool machine)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        struct utsname u;
        int r = sys_read_value(ctx->root, path, &buf);

        if (r >= 0 && buf.len) {
                fact_set_str(f, buf.buf);
                return;
        }
        if (sysroot_is_host(ctx->root) && uname(&u) == 0) {
                fact_set_str(f, machine ? u.machine : u.release);
                return;
        }
        fail_str_errno(f, path, r < 0 ? r : -ENOENT);
}

/* The node's name (dlrig fleet's rows): the kernel's, else the file a
 * recorded root or an image keeps it in. */
static void probe_hostname(const struct probe_ctx *ctx, struct snap_os *os)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        struct utsname u;

        if (sys_read_value(ctx->root, "/proc/sys/kernel/hostname", &buf) >= 0 && buf.len) {
                fact_set_str(&os->hostname, buf.buf);
                return;
        }
        if (sysroot_is_host(ctx->root) && uname(&u) == 0 && u.nodename[0]) {
                fact_set_str(&os->hostname, u.nodename);
                return;
        }
        strbuf_reset(&buf);
        if (sys_read_value(ctx->root, "/etc/hostname", &buf) >= 0 && buf.len) {
                fact_set_str(&os->hostname, buf.buf);
                return;
        }
        fact_fail_str(&os->hostname, FACT_ABSENT, "no /proc/sys/kernel/hostname or /etc/hostname");
}

static void probe_secure_boot(const struct probe_ctx *ctx, struct snap_os *os)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        int r;

        if (!sys_exists(ctx->root, "/sys/firmware/efi")) {
                fact_fail_num(&os->secure_boot, FACT_ABSENT, "legacy BIOS boot (no EFI)");
                return;
        }
        r = sys_read_file(ctx->root, SECURE_BOOT_VAR, 64, &buf);
        if (r < 0) {
                fact_fail_num(&os->secure_boot, r == -ENOENT ? FACT_ABSENT : FACT_ERROR,
                              strerror(-r));
                return;
        }
        if (buf.len < 5) {
                fact_fail_num(&os->secure_boot, FACT_ERROR, "SecureBoot variable too short");
                return;
        }
        fact_set_num(&os->secure_boot, buf.buf[4] == 1);
}

/* The kernel command line and whether the CPU runs under a hypervisor:
 * the IOMMU check (check-iommu.c) judges bare metal only. */
static void probe_boot(const struct probe_ctx *ctx, struct snap_os *os)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        int r = sys_read_value(ctx->root, "/proc/cmdline", &buf);

        if (r < 0)
                fail_str_errno(&os->cmdline, "/proc/cmdline", r);
        else
                fact_set_str(&os->cmdline, buf.buf);
        strbuf_reset(&buf);
        r = sys_read_file(ctx->root, "/proc/cpuinfo", 1 << 22, &buf);
        if (r < 0)
                fact_fail_num(&os->hypervisor, probe_st_from_errno(r), strerror(-r));
        else if ((r = host_parse_cpu_flag(buf.buf, buf.len, "hypervisor")) < 0)
                fact_fail_num(&os->hypervisor, FACT_ABSENT, "no flags line in /proc/cpuinfo");
        else
                fact_set_num(&os->hypervisor, r);
}

/* node0, node1, ...: the NUMA nodes the kernel knows (the folder also
 * holds files such as "online"). */
static void probe_numa_nodes(const struct probe_ctx *ctx, struct snap_os *os)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;
        int64_t n = 0;
        int r = sys_list_dir(ctx->root, "/sys/devices/system/node", &names);

        if (r < 0) {
                fact_fail_num(&os->numa_nodes, probe_st_from_errno(r), strerror(-r));
                return;
        }
        for (size_t i = 0; i < names.n; i++) {
                const char *p = names.v[i];

                n += startswith(p, "node") && p[4] && strspn(p + 4, "0123456789") == strlen(p + 4);
        }
        fact_set_num(&os->numa_nodes, n);
}

void probe_os(const struct probe_ctx *ctx, struct snap_os *os)
{
        probe_os_release(ctx, os);
        probe_uname_value(ctx, &os->kernel, "/proc/sys/kernel/osrelease", false);
        probe_uname_value(ctx, &os->arch, "/proc/sys/kernel/arch", true);
        probe_secure_boot(ctx, os);
        probe_mok(ctx, os);
        probe_boot(ctx, os);
        probe_numa_nodes(ctx, os);
        probe_hostname(ctx, os);
        probe_set(&os->probe, FACT_OK, NULL);
}
