/* check-acs.c - PCIe ACS redirecting P2P at a bridge between GPUs
 * (docs/topo.md). Two GPUs that meet below the CPU (one PCIe switch, or a
 * bridge chain) talk directly through their common bridge, and two GPUs
 * below AMD root ports through the root complex; with P2P
 * Request/Completion Redirect on at a port below it, every transaction
 * goes up to the root complex instead: slow, and NCCL may hang. Reads only
 * the PCI facts, so it works without a driver. */
#include "check.h"

#include <stdio.h>
#include <string.h>

#include "check-util.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/strv.h"

/* ACS Control bits (PCIe base spec, ACS Extended Capability). */
#define ACS_RR 0x0004 /* P2P Request Redirect */
#define ACS_CR 0x0008 /* P2P Completion Redirect */
#define PCI_VENDOR_AMD 0x1022

static const char *const acs_bit_names[] = { "SV", "TB", "RR", "CR", "UF", "EC", "DT" };

static void acs_bits(int64_t bits, char *buf, size_t size)
{
        size_t n = 0;

        buf[0] = '\0';
        for (unsigned i = 0; i < sizeof(acs_bit_names) / sizeof(acs_bit_names[0]); i++)
                if (bits & (1 << i) && n + 4 < size)
                        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "",
                                              acs_bit_names[i]);
        if (!n)
                snprintf(buf, size, "none");
}

/* Adds each bridge of d's way up below level k to bridges (once), and d to
 * gpus at the same index. */
static void below(const struct snap_pci_dev *d, size_t k, struct strv *bridges,
                  struct strv *gpus)
{
        for (size_t j = k; j < d->upstream.n; j++) {
                if (strv_find(bridges, d->upstream.v[j]) >= 0)
                        continue;
                strv_pushf(bridges, "%s", d->upstream.v[j]);
                strv_pushf(gpus, "%s", d->bus_id);
        }
}

/* The GPU sits below an AMD root port (a "GPP bridge", 1022:1483 on
 * Rome/Milan). AMD's root complexes route P2P between their root ports,
 * and the driver and NCCL use that path (NCCL allows P2P across the CPU on
 * AMD x86 machines of up to two GPUs: src/graph/paths.cc); with ACS
 * redirect on those ports every transfer goes through the IOMMU instead
 * and NCCL can hang (https://github.com/NVIDIA/nccl/issues/2079). */
static bool below_amd_root_port(const struct snapshot *s, const struct snap_pci_dev *d)
{
        const struct snap_pci_bridge *b =
                d->upstream.n > 1 ? snap_pci_bridge_of(&s->pci, d->upstream.v[1]) : NULL;

        return b && b->vendor_id == PCI_VENDOR_AMD;
}

/* The bridges that carry P2P between two GPUs: those on each GPU's way up
 * below the bridge where they meet. GPUs that meet only at the host bridge
 * (or not at all) talk through the CPU, where ACS on the ports does not
 * matter, except on AMD (below_amd_root_port): there the root ports count.
 * [0] of a way up is the host bridge, which has no ACS. gpus[i] is a GPU
 * below bridges[i]. */
static void shared_paths(const struct snapshot *s, struct strv *bridges, struct strv *gpus)
{
        for (size_t i = 0; i < s->pci.n; i++) {
                const struct snap_pci_dev *a = &s->pci.devs[i];

                for (size_t j = i + 1; j < s->pci.n && snap_pci_is_gpu(a); j++) {
                        const struct snap_pci_dev *b = &s->pci.devs[j];
                        size_t k = snap_pci_is_gpu(b) ? snap_pci_common_upstream(a, b) : 0;

                        if (k < 2 && !(snap_pci_is_gpu(b) && below_amd_root_port(s, a) &&
                                       below_amd_root_port(s, b)))
                                continue;
                        below(a, k ? k : 1, bridges, gpus);
                        below(b, k ? k : 1, bridges, gpus);
                }
        }
}

static void acs_enabled_fix(struct finding *f, const struct strv *bad)
{
        _cleanup_(strbuf_releasep) struct strbuf list = STRBUF_INIT;

        /* writing 0 turns every ACS control off, as NCCL's guide does */
        for (size_t i = 0; i < bad->n; i++) {
                finding_fix(f, "sudo setpci -s %s ECAP_ACS+0x6.w=0000   # until the next reboot",
                            bad->v[i]);
                strbuf_addf(&list, "%s%s", i ? ";" : "", bad->v[i]);
        }
        finding_fix(f, "# to keep it off: disable ACS in the BIOS setup (PCIe settings, often "
                       "'ACS Control'), or boot with 'pci=disable_acs_redir=%s' (Linux 5.1+)",
                    list.buf);
        finding_fix(f, "# on a host that passes GPUs to virtual machines leave ACS on: it is what "
                       "isolates them (IOMMU groups); P2P between passed-through GPUs is then "
                       "not available");
}

static void acs_enabled(const struct snapshot *s, const struct strv *bridges,
                        const struct strv *gpus, struct findings *fs)
{
        _cleanup_(strv_release) struct strv bad = STRV_INIT;
        struct finding *f = NULL;
        char bits[40];

        for (size_t i = 0; i < bridges->n; i++) {
                const struct snap_pci_bridge *b = snap_pci_bridge_of(&s->pci, bridges->v[i]);

                if (!b || !fact_ok(&b->acs_ctrl) || !(b->acs_ctrl.v & (ACS_RR | ACS_CR)))
                        continue;
                if (!f)
                        f = finding_add(fs, "topo.acs-enabled", "PCIe ACS redirects P2P "
                                        "between GPUs: their traffic detours through the CPU "
                                        "(slow, and NCCL can hang)");
                acs_bits(b->acs_ctrl.v, bits, sizeof(bits));
                finding_evidence(f, "bridge %s (above GPU %s): ACS control 0x%04llx: %s on",
                                 b->bus_id, gpus->v[i], (long long)b->acs_ctrl.v, bits);
                strv_pushf(&bad, "%s", b->bus_id);
        }
        if (f)
                acs_enabled_fix(f, &bad);
}

static void acs_unreadable(const struct snapshot *s, const struct strv *bridges,
                           const struct strv *gpus, struct findings *fs)
{
        struct finding *f = NULL;

        for (size_t i = 0; i < bridges->n; i++) {
                const struct snap_pci_bridge *b = snap_pci_bridge_of(&s->pci, bridges->v[i]);

                if (b && (fact_ok(&b->acs_ctrl) || b->acs_ctrl.st == FACT_ABSENT))
                        continue;
                if (!f)
                        f = finding_add(fs, "topo.acs-unreadable", "could not judge PCIe ACS "
                                        "on the bridges between GPUs");
                finding_evidence(f, "bridge %s (above GPU %s): ACS not read: %s", bridges->v[i],
                                 gpus->v[i], b && b->acs_ctrl.why ? b->acs_ctrl.why : "not read");
        }
        if (f)
                finding_fix(f, "sudo dlrig doctor   # reading a bridge's extended config space "
                               "needs root");
}

void check_acs(const struct snapshot *s, struct findings *fs)
{
        _cleanup_(strv_release) struct strv bridges = STRV_INIT, gpus = STRV_INIT;

        if (s->pci.probe.st != FACT_OK)
                return;
        shared_paths(s, &bridges, &gpus);
        acs_enabled(s, &bridges, &gpus, fs);
        acs_unreadable(s, &bridges, &gpus, fs);
}
