/* probe-devnodes.c - placeholder until the devnodes probe lands. */
#include "probe.h"

void probe_devnodes(const struct probe_ctx *ctx, struct snap_devnodes *dn)
{
        (void)ctx;
        (void)dn;
}
