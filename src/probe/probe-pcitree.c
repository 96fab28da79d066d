/* probe-pcitree.c - where the GPUs and NVSwitches sit in the PCI tree, their
 * IOMMU group type, and the ACS state of every bridge above them
 * (docs/topo.md).
 *
 * The tree comes from the targets of the /sys/bus/pci/devices links; each
 * bridge's `config` file gives its ACS capability. Without root sysfs hands
 * out only the first 64 bytes of config space, which the ACS fact records
 * as denied: the check then says it could not judge, never "fine". */
#include "probe-internal.h"

#include "pci-config.h"
#include "pci-sysfs.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define PCI_DEVICES "/sys/bus/pci/devices"

static void pcitree_upstream(const struct sysroot *root, struct snap_pci_dev *d)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_free_ char *path = xasprintf(PCI_DEVICES "/%s", d->bus_id);

        /* no link or a flat one: the tree stays unknown (empty upstream) */
        if (sys_readlink(root, path, &sb) < 0)
                return;
        (void)pci_sysfs_upstream(sb.buf, &d->upstream);
}

/* The device's IOMMU group type; no iommu_group link: no IOMMU (or it is
 * off), which is what passthrough achieves too. */
static void pcitree_iommu(const struct sysroot *root, struct snap_pci_dev *d)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_free_ char *path = xasprintf(PCI_DEVICES "/%s/iommu_group/type", d->bus_id);
        _cleanup_free_ char *group = xasprintf(PCI_DEVICES "/%s/iommu_group", d->bus_id);
        int r;

        if (!sys_exists(root, group)) {
                fact_fail_str(&d->iommu_type, FACT_ABSENT, "no IOMMU group");
                return;
        }
        r = sys_read_value(root, path, &sb);
        if (r < 0)
                probe_fail_str(&d->iommu_type, r);
        else
                fact_set_str(&d->iommu_type, sb.buf);
}

static void pcitree_acs(const struct sysroot *root, struct snap_pci_bridge *b)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_free_ char *path = xasprintf(PCI_DEVICES "/%s/config", b->bus_id);
        struct pci_acs acs;
        int r = sys_read_file(root, path, PCI_CFG_SPACE_EXP_SIZE, &sb);

        if (r < 0) {
                probe_fail_num(&b->acs_cap, r);
                probe_fail_num(&b->acs_ctrl, r);
                return;
        }
        /* the first 64 bytes are readable by anyone: who made the bridge */
        if (sb.len >= 4) {
                b->vendor_id = (uint8_t)sb.buf[0] | (uint8_t)sb.buf[1] << 8;
                b->device_id = (uint8_t)sb.buf[2] | (uint8_t)sb.buf[3] << 8;
        }
        r = pci_config_acs((const uint8_t *)sb.buf, sb.len, &acs);
        if (r == -EACCES) {
                fact_fail_num(&b->acs_cap, FACT_DENIED, "config space past 64 bytes needs root");
                fact_fail_num(&b->acs_ctrl, FACT_DENIED, "config space past 64 bytes needs root");
        } else if (r == -ENOENT) {
                fact_fail_num(&b->acs_cap, FACT_ABSENT, "no ACS capability");
                fact_fail_num(&b->acs_ctrl, FACT_ABSENT, "no ACS capability");
        } else if (r < 0) {
                fact_fail_num(&b->acs_cap, FACT_ERROR, "malformed extended capability list");
                fact_fail_num(&b->acs_ctrl, FACT_ERROR, "malformed extended capability list");
        } else {
                fact_set_num(&b->acs_cap, acs.cap);
                fact_set_num(&b->acs_ctrl, acs.ctrl);
        }
}

void probe_pci_tree(const struct probe_ctx *ctx, struct snap_pci *pci)
{
        for (size_t i = 0; i < pci->n; i++) {
                struct snap_pci_dev *d = &pci->devs[i];

                pcitree_upstream(ctx->root, d);
                pcitree_iommu(ctx->root, d);
                /* [0] is the host bridge, which has no config file */
                for (size_t j = 1; j < d->upstream.n; j++) {
                        struct snap_pci_bridge *b;

                        if (snap_pci_bridge_of(pci, d->upstream.v[j]))
                                continue;
                        b = snap_add_pci_bridge(pci);
                        b->bus_id = xstrdup(d->upstream.v[j]);
                        pcitree_acs(ctx->root, b);
                }
        }
}
