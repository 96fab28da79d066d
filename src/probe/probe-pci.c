/* probe-pci.c - placeholder until the pci probe lands. */
#include "probe.h"

void probe_pci(const struct probe_ctx *ctx, struct snap_pci *pci)
{
        (void)ctx;
        (void)pci;
}
