/* check-topo.c - how the GPUs reach each other (docs/topo.md): NVLink
 * links down against what the GPU model has, where a peer GPU should be
 * reachable over them, and P2P refused between GPUs that share a PCIe
 * switch. Silent when the driver gives no topology. */
#include "check.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check-util.h"
#include "kb/kb.h"

/* NVLink 2 to 4 links carry 50 GB/s each (both directions): V100's 6
 * links make 300, A100's 12 make 600, H100 SXM's 18 make 900 (the
 * knowledge base's nvlink_gbps). 0 when the model's figure is not a
 * whole number of such links (bridged consumer cards) or unknown. *sxm:
 * the model is an SXM module, whose links are wired on the board; a PCIe
 * card's links need an optional bridge, so all of them down is normal. */
static int64_t model_links(const struct snapshot *s, int64_t index, bool *sxm)
{
        const struct snap_gpu *g = index >= 0 && (size_t)index < s->ngpus ? &s->gpus[index] : NULL;
        const struct kb_gpu *k;
        double n;

        if (!g || !fact_ok(&g->pci_device_id))
                return 0;
        k = kb_gpu_by_pci((unsigned)((uint64_t)g->pci_device_id.v >> 16));
        if (!k || k->nvlink_gbps <= 0)
                return 0;
        *sxm = strstr(k->name, "SXM") != NULL;
        n = k->nvlink_gbps / 50.0;
        return n == (double)(int64_t)n ? (int64_t)n : 0; /* whole links only */
}

/* Whether the links of the GPUs NVML shows should reach a peer. A lone
 * GPU (or a VM given one GPU of an HGX board) has no NVLink peer, so its
 * links are down by design. With several GPUs, the machine must show it
 * has an NVLink fabric: NVSwitches on its PCI bus, or links up on some
 * GPU. Without either, every link down is the machine's shape (a VM given
 * GPUs without their NVLink), not a fault. NVML's P2P-over-NVLink status
 * per pair is not used: the 535 branch reported "NS" for GPU pairs of
 * working NVSwitch boards (Data Center driver 535.183.06 release notes,
 * https://docs.nvidia.com/datacenter/tesla/tesla-release-notes-535-183-06/index.html),
 * and the snapshot holds no NVLink error counters to judge links by. */
static bool nvlink_expected(const struct snapshot *s)
{
        if (s->topo.ngpus < 2)
                return false;
        if (snap_pci_count(s, "nvswitch") > 0)
                return true;
        for (size_t i = 0; i < s->topo.ngpus; i++) {
                const struct fact_num *up = &s->topo.gpus[i].nvlink_up;

                if (fact_ok(up) && up->v > 0)
                        return true;
        }
        return false;
}

/* Adds GPU g's line to f (made on first use) when some of its links are
 * down; a PCIe card without a bridge has all down by design. Returns f. */
static struct finding *nvlink_gpu(const struct snapshot *s, const struct snap_topo_gpu *g,
                                  struct findings *fs, struct finding *f)
{
        bool sxm = false;
        int64_t want = model_links(s, g->index, &sxm), have, up;

        if (!fact_ok(&g->nvlink_links) || !fact_ok(&g->nvlink_up))
                return f;
        have = g->nvlink_links.v > want ? g->nvlink_links.v : want;
        up = g->nvlink_up.v;
        if (up >= have || (up == 0 && !sxm))
                return f;
        if (!f)
                f = finding_add(fs, "topo.nvlink-down",
                                "NVLink links down: GPUs talk slower than the hardware allows");
        finding_evidence(f, "GPU %lld: %lld of %lld NVLink links up (NVML)%s",
                         (long long)g->index, (long long)up, (long long)have,
                         want > g->nvlink_links.v ? " and NVML lists fewer links than the model has" : "");
        return f;
}

static void nvlink_down(const struct snapshot *s, struct findings *fs)
{
        struct finding *f = NULL;

        if (!nvlink_expected(s))
                return;
        for (size_t i = 0; i < s->topo.ngpus; i++)
                f = nvlink_gpu(s, &s->topo.gpus[i], fs, f);
        if (!f)
                return;
        finding_fix(f, "nvidia-smi nvlink --status   # which links are down");
        finding_fix(f, "nvidia-smi nvlink --errorcounters   # CRC/replay errors point at a bad link");
        finding_fix(f, "# reset the GPU (or reboot); a link that stays down is a hardware fault: "
                       "reseat the board or call the vendor with the above");
}

/* GeForce and TITAN cards: the driver does not offer P2P between them
 * over PCIe, so NCCL copies through the host by design. */
static bool consumer(const struct snapshot *s, int64_t index)
{
        const struct snap_gpu *g = index >= 0 && (size_t)index < s->ngpus ? &s->gpus[index] : NULL;

        return g && fact_ok(&g->name) &&
               (strstr(g->name.v, "GeForce") || strstr(g->name.v, "TITAN"));
}

/* A pair under one PCIe switch (PIX, PXB or one board) without P2P. */
static bool pair_refused(const struct snap_topo_pair *p)
{
        return fact_ok(&p->level) && p->level.v <= 20 && fact_ok(&p->p2p_read) &&
               p->p2p_read.v != 0;
}

static void p2p_unsupported(const struct snapshot *s, struct findings *fs)
{
        struct finding *f = NULL;
        bool any = false, all_consumer = true;

        for (size_t i = 0; i < s->topo.npairs; i++) {
                const struct snap_topo_pair *p = &s->topo.pairs[i];
                if (pair_refused(p)) {
                        any = true;
                        all_consumer &= consumer(s, p->a) && consumer(s, p->b);
                }
        }
        if (!any)
                return;
        /* honest severity: on GeForce cards this is the product, not a fault */
        f = all_consumer ? finding_add(fs, "topo.p2p-consumer",
                                       "no P2P between these GeForce cards, as expected: "
                                       "GPU-to-GPU copies go through host memory")
                         : finding_add(fs, "topo.p2p-unsupported",
                                       "P2P not supported between GPUs that share a PCIe switch");
        for (size_t i = 0; i < s->topo.npairs; i++) {
                const struct snap_topo_pair *p = &s->topo.pairs[i];
                if (pair_refused(p))
                        finding_evidence(f, "GPU %lld - GPU %lld: %s, P2P read: status %lld (NVML)",
                                         (long long)p->a, (long long)p->b,
                                         p->level.v == 20 ? "PXB" : "PIX", (long long)p->p2p_read.v);
        }
        if (all_consumer) {
                finding_fix(f, "# nothing to fix: the driver offers no PCIe P2P between GeForce "
                               "cards; multi-GPU training works, with slower all-reduce");
                return;
        }
        finding_fix(f, "nvidia-smi topo -p2p r   # the driver's view, pair by pair");
        finding_fix(f, "# turn PCIe ACS off on the switch ports and check the BIOS for "
                       "P2P / ACS / IOMMU settings, then reboot");
}

/* A GeForce RTX 40-series card (Ada, compute capability 8.9). NVIDIA's
 * driver does not support P2P between them, yet some branches and patched
 * open-module builds report it as supported, and copies between them then
 * arrive as zeros or NCCL hangs: NVIDIA/nccl-tests#117, the reports in
 * ../shared/reference/failures.md F30 (docs/findings.md). Other GeForce
 * generations are not judged: their reports do not justify a warning. */
static bool geforce_ada(const struct snapshot *s, int64_t index)
{
        const struct snap_gpu *g = index >= 0 && (size_t)index < s->ngpus ? &s->gpus[index] : NULL;

        return g && fact_ok(&g->name) && strstr(g->name.v, "GeForce") &&
               fact_ok(&g->compute_capability) && !strcmp(g->compute_capability.v, "8.9");
}

/* NVML says the pair can read or write the other's memory directly. */
static bool pair_claims_p2p(const struct snap_topo_pair *p)
{
        return (fact_ok(&p->p2p_read) && p->p2p_read.v == 0) ||
               (fact_ok(&p->p2p_write) && p->p2p_write.v == 0);
}

static void p2p_geforce_claimed(const struct snapshot *s, struct findings *fs)
{
        struct finding *f = NULL;
        char dbuf[CHECK_NAME_MAX];
        const char *drv = check_util_driver_version(s, dbuf);

        for (size_t i = 0; i < s->topo.npairs; i++) {
                const struct snap_topo_pair *p = &s->topo.pairs[i];

                if (!pair_claims_p2p(p) || !geforce_ada(s, p->a) || !geforce_ada(s, p->b))
                        continue;
                if (!f)
                        f = finding_add(fs, "topo.p2p-geforce-claimed",
                                        "the driver reports P2P between GeForce RTX 40-series cards, "
                                        "which NVIDIA does not support: peer copies may arrive wrong");
                finding_evidence(f, "GPU %lld - GPU %lld (%s): P2P read %s, write %s (NVML)",
                                 (long long)p->a, (long long)p->b, s->gpus[p->a].name.v,
                                 fact_ok(&p->p2p_read) && p->p2p_read.v == 0 ? "OK" : "not OK",
                                 fact_ok(&p->p2p_write) && p->p2p_write.v == 0 ? "OK" : "not OK");
        }
        if (!f)
                return;
        if (drv)
                finding_evidence(f, "driver %s, %s kernel modules", drv,
                                 fact_ok(&s->kmod.flavour) ? s->kmod.flavour.v : "unknown");
        finding_fix(f, "dlrig bench --quick   # verified peer copies: a wrong byte shows as bench.copy-wrong");
        finding_fix(f, "export NCCL_P2P_DISABLE=1   # NCCL then copies through host memory, "
                       "correct on every driver");
}

void check_topo(const struct snapshot *s, struct findings *fs)
{
        check_acs(s, fs);
        check_iommu(s, fs);
        check_numa(s, fs);
        if (s->topo.probe.st != FACT_OK)
                return;
        nvlink_down(s, fs);
        p2p_unsupported(s, fs);
        p2p_geforce_claimed(s, fs);
}
