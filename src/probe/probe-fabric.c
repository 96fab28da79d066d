/* probe-fabric.c - NVIDIA Fabric Manager, which NVSwitch systems need
 * before CUDA can use the GPUs: installed version, running, enabled. */
#include "probe.h"

#include <string.h>

#include "probe-internal.h"
#include "util/cleanup.h"

#define FABRIC_PACKAGE "nvidia-fabricmanager"
#define FABRIC_COMM "nv-fabricmanager"
#define FABRIC_BINARY "/usr/bin/nv-fabricmanager"
#define FABRIC_WANTS "/etc/systemd/system/multi-user.target.wants/nvidia-fabricmanager.service"

static void fabric_version(const struct probe_ctx *ctx, const struct probe_cache *c,
                           struct snap_fabric *fm)
{
        char *v = dpkg_db_version(&c->dpkg, FABRIC_PACKAGE);

        if (v)
                fact_take_str(&fm->version, v);
        else if (sys_exists(ctx->root, FABRIC_BINARY)) /* rpm or a tarball: no version */
                fact_fail_str(&fm->version, FACT_UNSUPPORTED, "installed outside dpkg");
        else
                fact_fail_str(&fm->version, FACT_ABSENT, "not installed");
}

/* 1 when a process's comm is nv-fabricmanager. */
static void fabric_running(const struct probe_cache *c, struct snap_fabric *fm)
{
        if (c->procs_err < 0)
                probe_fail_num(&fm->running, c->procs_err);
        else
                fact_set_num(&fm->running, strv_find(&c->comms, FABRIC_COMM) >= 0);
}

static void fabric_enabled(const struct probe_ctx *ctx, struct snap_fabric *fm)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;

        /* The wants/ entry is a link to the unit; its target may live in
         * /lib or /usr/lib, so the link itself is what counts. */
        fact_set_num(&fm->enabled, sys_readlink(ctx->root, FABRIC_WANTS, &sb) >= 0 ||
                                   sys_exists(ctx->root, FABRIC_WANTS));
}

void probe_fabric(const struct probe_ctx *ctx, const struct probe_cache *c,
                  struct snap_fabric *fm)
{
        fabric_version(ctx, c, fm);
        fabric_running(c, fm);
        fabric_enabled(ctx, fm);
        probe_set(&fm->probe, FACT_OK, NULL);
}
