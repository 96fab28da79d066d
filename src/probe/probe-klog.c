/* probe-klog.c - placeholder until the klog probe lands. */
#include "probe.h"

void probe_klog(const struct probe_ctx *ctx, struct snap_klog *klog)
{
        (void)ctx;
        (void)klog;
}
