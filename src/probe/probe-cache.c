/* probe-cache.c - the files several probes share, read once (see
 * struct probe_cache in probe.h). */
#include "probe.h"

#include <string.h>

#include "util/cleanup.h"
#include "util/xalloc.h"

#define CACHE_DPKG_MAX (64u << 20) /* a desktop's status file is a few MiB */

static void cache_dpkg(const struct probe_ctx *ctx, struct probe_cache *c)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;

        strbuf_init(&sb, CACHE_DPKG_MAX);
        if (sys_read_file(ctx->root, "/var/lib/dpkg/status", CACHE_DPKG_MAX, &sb) >= 0)
                dpkg_db_parse(sb.buf, sb.len, &c->dpkg);
}

/* Each numeric /proc entry whose comm can be read, in /proc's order; a
 * process that exits meanwhile is simply left out. */
static void cache_procs(const struct probe_ctx *ctx, struct probe_cache *c)
{
        _cleanup_(strv_release) struct strv pids = STRV_INIT;
        int r = sys_list_dir(ctx->root, "/proc", &pids);

        if (r < 0) {
                c->procs_err = r;
                return;
        }
        for (size_t i = 0; i < pids.n; i++) {
                _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
                _cleanup_free_ char *p = NULL;

                if (strspn(pids.v[i], "0123456789") != strlen(pids.v[i]))
                        continue;
                p = xasprintf("/proc/%s/comm", pids.v[i]);
                if (sys_read_value(ctx->root, p, &sb) < 0)
                        continue;
                strv_push(&c->pids, xstrdup(pids.v[i]));
                strv_push(&c->comms, strbuf_detach(&sb));
        }
}

void probe_cache_load(const struct probe_ctx *ctx, struct probe_cache *c)
{
        *c = (struct probe_cache){ DPKG_DB_INIT, STRV_INIT, STRV_INIT, 0 };
        cache_dpkg(ctx, c);
        cache_procs(ctx, c);
}

void probe_cache_release(struct probe_cache *c)
{
        dpkg_db_release(&c->dpkg);
        strv_release(&c->pids);
        strv_release(&c->comms);
}
