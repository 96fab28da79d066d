/* probe-host.c - the container dlrig may run in, and the container tools
 * of a host: which runtime, /dev/shm's size limit, the engines installed
 * and whether NVIDIA's container toolkit is installed and wired to them. */
#include "probe.h"

#include <string.h>

#include "host-parse.h"
#include "probe-internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define HOST_FILE_MAX (1u << 20)

/* The marker files the runtimes leave, then the cgroup path of PID 1. */
static void host_container(const struct probe_ctx *ctx, struct snap_host *h)
{
        static const struct { const char *needle, *name; } cgroup[] = {
                { "kubepods", "kubernetes" }, { "docker", "docker" },
                { "libpod", "podman" }, { "lxc", "lxc" },
        };
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;

        if (sys_exists(ctx->root, "/.dockerenv")) {
                fact_set_str(&h->container, "docker");
                return;
        }
        if (sys_exists(ctx->root, "/run/.containerenv")) {
                fact_set_str(&h->container, "podman");
                return;
        }
        if (sys_read_file(ctx->root, "/proc/1/cgroup", HOST_FILE_MAX, &sb) >= 0)
                for (size_t i = 0; i < sizeof(cgroup) / sizeof(cgroup[0]); i++)
                        if (strstr(sb.buf, cgroup[i].needle)) {
                                fact_set_str(&h->container, cgroup[i].name);
                                return;
                        }
        fact_fail_str(&h->container, FACT_ABSENT, "not in a container");
}

static void host_shm(const struct probe_ctx *ctx, struct snap_host *h)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        int r = sys_read_file(ctx->root, "/proc/mounts", HOST_FILE_MAX, &sb);
        int64_t size;

        if (r < 0) {
                probe_fail_num(&h->shm_bytes, r);
                return;
        }
        size = host_parse_mount_size(sb.buf, sb.len, "/dev/shm");
        if (size >= 0)
                fact_set_num(&h->shm_bytes, size);
        else
                fact_fail_num(&h->shm_bytes, FACT_ABSENT, "no size limit on /dev/shm");
}

static void host_engines(const struct probe_ctx *ctx, struct snap_host *h)
{
        static const char *const engines[][2] = {
                { "docker", "/usr/bin/dockerd" }, { "containerd", "/usr/bin/containerd" },
                { "podman", "/usr/bin/podman" },
        };
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;

        for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
                if (sys_exists(ctx->root, engines[i][1]))
                        strbuf_addf(&sb, "%s%s", sb.len ? " " : "", engines[i][0]);
        if (sb.len)
                fact_set_str(&h->engines, sb.buf);
        else
                fact_fail_str(&h->engines, FACT_ABSENT, "no container engine installed");
}

/* Docker's daemon.json or containerd's config naming NVIDIA's runtime, or a
 * CDI specification (the toolkit's newer way) for the GPUs. */
static bool host_ctk_wired(const struct probe_ctx *ctx)
{
        static const char *const configs[] = { "/etc/docker/daemon.json",
                                               "/etc/containerd/config.toml" };
        static const char *const cdi[] = { "/etc/cdi/nvidia.yaml", "/etc/cdi/nvidia.json",
                                           "/var/run/cdi/nvidia.yaml", "/var/run/cdi/nvidia.json" };

        for (size_t i = 0; i < sizeof(cdi) / sizeof(cdi[0]); i++)
                if (sys_exists(ctx->root, cdi[i]))
                        return true;
        for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
                _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;

                if (sys_read_file(ctx->root, configs[i], HOST_FILE_MAX, &sb) >= 0 &&
                    strstr(sb.buf, "nvidia-container-runtime"))
                        return true;
        }
        return false;
}

static void host_ctk(const struct probe_ctx *ctx, const struct dpkg_db *dpkg, struct snap_host *h)
{
        char *v = dpkg_db_version(dpkg, "nvidia-container-toolkit");

        if (v)
                fact_take_str(&h->ctk_version, v);
        else if (sys_exists(ctx->root, "/usr/bin/nvidia-ctk"))
                fact_fail_str(&h->ctk_version, FACT_UNSUPPORTED, "installed outside dpkg");
        else
                fact_fail_str(&h->ctk_version, FACT_ABSENT, "not installed");
        /* Wiring is a property of an engine: with none there is nothing
         * to judge, and a 0 would read as "engines left unconfigured". */
        if (fact_ok(&h->engines))
                fact_set_num(&h->ctk_configured, host_ctk_wired(ctx));
        else
                fact_fail_num(&h->ctk_configured, FACT_ABSENT, "no container engine installed");
}

void probe_host(const struct probe_ctx *ctx, const struct probe_cache *c, struct snapshot *s)
{
        struct snap_host *h = &s->host;

        host_container(ctx, h);
        host_shm(ctx, h);
        host_engines(ctx, h);
        host_ctk(ctx, &c->dpkg, h);
        probe_upkeep(ctx, c, s);
        probe_set(&h->probe, FACT_OK, NULL);
}
