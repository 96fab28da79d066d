/* check-numa.c - a GPU without a NUMA node on a machine that has several
 * (docs/topo.md). The kernel takes a PCIe device's node from the
 * firmware's ACPI tables (SRAT proximity domains, _PXM of the root
 * bridge); without it sysfs says -1, NVML's CPU affinity may be wrong or
 * empty, and data loaders, NCCL and numactl cannot put a GPU's host
 * threads and pinned memory on its own socket. */
#include "check.h"

#include <string.h>

#include "check-util.h"

static bool unknown_node(const struct snap_pci_dev *d)
{
        return snap_pci_is_gpu(d) && d->numa_node.st == FACT_ABSENT;
}

void check_numa(const struct snapshot *s, struct findings *fs)
{
        const struct snap_pci_dev *first = NULL;
        struct finding *f;
        size_t n = 0;

        if (!fact_ok(&s->os.numa_nodes) || s->os.numa_nodes.v < 2)
                return;
        for (size_t i = 0; i < s->pci.n; i++)
                if (unknown_node(&s->pci.devs[i]) && !n++)
                        first = &s->pci.devs[i];
        if (!n)
                return;
        f = finding_add(fs, "topo.numa-unknown", "the firmware gives %zu of %zu GPUs no NUMA "
                        "node on this %lld-node machine: their host threads and memory cannot "
                        "be kept on their socket", n, snap_pci_count(s, "gpu"),
                        (long long)s->os.numa_nodes.v);
        for (size_t i = 0; i < s->pci.n; i++) {
                const struct snap_pci_dev *d = &s->pci.devs[i];
                const struct snap_gpu *g = snap_gpu_by_bus(s, d->bus_id);

                if (!unknown_node(d))
                        continue;
                finding_evidence(f, "GPU %s: numa_node -1 in sysfs%s", d->bus_id,
                                 g && !fact_ok(&g->numa_node) ? ", no node in NVML's affinity either" : "");
        }
        finding_fix(f, "cat /sys/bus/pci/devices/%s/numa_node   # -1: no proximity domain for "
                       "its PCIe root in the ACPI tables (SRAT)", first->bus_id);
        finding_fix(f, "# update the BIOS/BMC firmware; check its NUMA settings (NPS, sub-NUMA "
                       "clustering) and that ACPI SRAT is enabled, then reboot");
        finding_fix(f, "# until then bind each GPU's process by hand: numactl --cpunodebind=N "
                       "--membind=N with the node of the GPU's socket (dlrig topo: CPU affinity)");
}
