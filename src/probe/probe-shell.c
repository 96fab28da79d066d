/* probe-shell.c - placeholder until the shell probe lands. */
#include "probe.h"

void probe_shell(const struct probe_ctx *ctx, struct snap_shell *sh)
{
        (void)ctx;
        (void)sh;
}
