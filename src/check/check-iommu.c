/* check-iommu.c - the IOMMU translating the GPUs' DMA on a bare-metal
 * multi-GPU machine (docs/topo.md). With translation (IOMMU group type
 * DMA or DMA-FQ) every peer-to-peer transaction is routed through the
 * root complex's IOMMU: P2P bandwidth drops and NCCL can hang, which is why
 * NVIDIA's and NCCL's guides ask for iommu=pt (passthrough) on bare metal.
 * Inside a virtual machine translation is how the hypervisor isolates the
 * guest, so the check stays silent there, and when it cannot tell. */
#include "check.h"

#include <stdbool.h>
#include <string.h>

#include "check-util.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

static bool translated(const struct snap_pci_dev *d)
{
        return snap_pci_is_gpu(d) && fact_ok(&d->iommu_type) &&
               (!strcmp(d->iommu_type.v, "DMA") || !strcmp(d->iommu_type.v, "DMA-FQ"));
}

static bool token_is(const char *p, size_t n, const char *prefix)
{
        size_t k = strlen(prefix);

        return n >= k && !strncmp(p, prefix, k);
}

/* The IOMMU parameters of the kernel command line, "intel_iommu=on" ...,
 * or "none" (owned by sb). */
static const char *iommu_params(const struct snapshot *s, struct strbuf *sb)
{
        const char *p = fact_ok(&s->os.cmdline) ? s->os.cmdline.v : "";

        while (*p) {
                size_t n = strcspn(p, " \t");

                if (token_is(p, n, "iommu=") || token_is(p, n, "intel_iommu=") ||
                    token_is(p, n, "amd_iommu="))
                        strbuf_addf(sb, "%s%.*s", sb->len ? " " : "", (int)n, p);
                p += n;
                p += strspn(p, " \t");
        }
        return sb->len ? sb->buf : "none";
}

void check_iommu(const struct snapshot *s, struct findings *fs)
{
        _cleanup_(strbuf_releasep) struct strbuf params = STRBUF_INIT;
        size_t ngpus = snap_pci_count(s, "gpu"), n = 0;
        const struct snap_pci_dev *first = NULL;
        struct finding *f;

        if (ngpus < 2 || !fact_ok(&s->os.hypervisor) || s->os.hypervisor.v != 0)
                return;
        for (size_t i = 0; i < s->pci.n; i++) {
                if (!translated(&s->pci.devs[i]))
                        continue;
                first = first ? first : &s->pci.devs[i];
                n++;
        }
        if (!n)
                return;
        f = finding_add(fs, "topo.iommu-translated", "the IOMMU translates the GPUs' DMA on "
                        "bare metal: P2P between GPUs is slower and NCCL can hang");
        finding_evidence(f, "%zu of %zu GPUs in IOMMU groups of type %s (translated), first "
                         "%s", n, ngpus, first->iommu_type.v, first->bus_id);
        finding_evidence(f, "kernel command line IOMMU parameters: %s; no hypervisor flag in "
                         "/proc/cpuinfo (bare metal)", iommu_params(s, &params));
        finding_fix(f, "sudo sed -i 's/^GRUB_CMDLINE_LINUX=\"/&iommu=pt /' /etc/default/grub");
        finding_fix(f, "sudo update-grub   # RHEL/Rocky: sudo grub2-mkconfig -o /boot/grub2/grub.cfg");
        finding_fix(f, "sudo reboot   # then cat /sys/kernel/iommu_groups/*/type says identity");
        finding_fix(f, "# iommu=pt keeps the IOMMU for VFIO and isolation but lets the host's own "
                       "devices DMA untranslated");
}
