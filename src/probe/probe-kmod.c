/* probe-kmod.c - placeholder until the kmod probe lands. */
#include "probe.h"

void probe_kmod(const struct probe_ctx *ctx, struct snapshot *s)
{
        (void)ctx;
        (void)s;
}
