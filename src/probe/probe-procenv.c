/* probe-procenv.c - the environment dlrig runs in, as the kernel keeps it
 * in /proc/self/environ. Read through the root layer like every other
 * file: on this machine it is dlrig's own environment; below --root it is
 * the environment a recording or fixture describes (absent when it gives
 * none), never the environment of the dlrig that inspects it. */
#include "probe.h"

#include <errno.h>
#include <string.h>

#include "environ-parse.h"
#include "util/cleanup.h"

#define PROCENV_FILE_MAX (1u << 20) /* ARG_MAX-sized environments exist */

void probe_procenv(const struct probe_ctx *ctx, struct snap_procenv *pe)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        int r = sys_read_file(ctx->root, "/proc/self/environ", PROCENV_FILE_MAX, &buf);
        char *v;

        if (r < 0) {
                probe_set(&pe->probe, r == -ENOENT ? FACT_ABSENT : FACT_ERROR,
                          r == -ENOENT ? "no /proc/self/environ below the root" : strerror(-r));
                return;
        }
#define PROCENV_READ(kind, name, var)                                          \
        if ((v = environ_get(buf.buf, buf.len, var)))                          \
                fact_take_str(&pe->name, v);                                   \
        else                                                                   \
                fact_fail_str(&pe->name, FACT_ABSENT, "unset");
        SNAP_PROCENV_VARS(PROCENV_READ)
#undef PROCENV_READ
        probe_set(&pe->probe, FACT_OK, NULL);
}
