/* probe-fabric.c - NVIDIA Fabric Manager, which NVSwitch systems need
 * before CUDA can use the GPUs: installed version, running, enabled. */
#include "probe.h"

#include <string.h>

#include "dpkg-status.h"
#include "probe-internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define FABRIC_PACKAGE "nvidia-fabricmanager"
#define FABRIC_COMM "nv-fabricmanager"
#define FABRIC_BINARY "/usr/bin/nv-fabricmanager"
#define FABRIC_WANTS "/etc/systemd/system/multi-user.target.wants/nvidia-fabricmanager.service"
#define FABRIC_DPKG_MAX (64u << 20) /* a desktop's status file is a few MiB */

static void fabric_version(const struct probe_ctx *ctx, struct snap_fabric *fm)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        char *v = NULL;

        strbuf_init(&sb, FABRIC_DPKG_MAX);
        if (sys_read_file(ctx->root, "/var/lib/dpkg/status", FABRIC_DPKG_MAX, &sb) >= 0)
                v = dpkg_status_version(sb.buf, sb.len, FABRIC_PACKAGE);
        if (v)
                fact_take_str(&fm->version, v);
        else if (sys_exists(ctx->root, FABRIC_BINARY)) /* rpm or a tarball: no version */
                fact_fail_str(&fm->version, FACT_UNSUPPORTED, "installed outside dpkg");
        else
                fact_fail_str(&fm->version, FACT_ABSENT, "not installed");
}

/* 1 when a process's comm is nv-fabricmanager. */
static void fabric_running(const struct probe_ctx *ctx, struct snap_fabric *fm)
{
        _cleanup_(strv_release) struct strv pids = STRV_INIT;
        int r = sys_list_dir(ctx->root, "/proc", &pids);

        if (r < 0) {
                probe_fail_num(&fm->running, r);
                return;
        }
        for (size_t i = 0; i < pids.n; i++) {
                _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
                _cleanup_free_ char *p = NULL;

                if (strspn(pids.v[i], "0123456789") != strlen(pids.v[i]))
                        continue;
                p = xasprintf("/proc/%s/comm", pids.v[i]);
                if (sys_read_value(ctx->root, p, &sb) >= 0 && !strcmp(sb.buf, FABRIC_COMM)) {
                        fact_set_num(&fm->running, 1);
                        return;
                }
        }
        fact_set_num(&fm->running, 0);
}

static void fabric_enabled(const struct probe_ctx *ctx, struct snap_fabric *fm)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;

        /* The wants/ entry is a link to the unit; its target may live in
         * /lib or /usr/lib, so the link itself is what counts. */
        fact_set_num(&fm->enabled, sys_readlink(ctx->root, FABRIC_WANTS, &sb) >= 0 ||
                                   sys_exists(ctx->root, FABRIC_WANTS));
}

void probe_fabric(const struct probe_ctx *ctx, struct snap_fabric *fm)
{
        fabric_version(ctx, fm);
        fabric_running(ctx, fm);
        fabric_enabled(ctx, fm);
        probe_set(&fm->probe, FACT_OK, NULL);
}
