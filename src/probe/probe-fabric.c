/* probe-fabric.c - placeholder until the fabric probe lands. */
#include "probe.h"

void probe_fabric(const struct probe_ctx *ctx, struct snap_fabric *fm)
{
        (void)ctx;
        (void)fm;
}
