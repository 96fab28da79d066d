/* probe-toolkits.c - placeholder until the toolkits probe lands. */
#include "probe.h"

void probe_toolkits(const struct probe_ctx *ctx, struct snapshot *s)
{
        (void)ctx;
        (void)s;
}
