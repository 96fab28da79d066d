/* topo-pci.c - the topology model from the PCI tree in sysfs, for when the
 * driver gives none (no driver, or NVML failing): the path kind between
 * every pair of GPUs from where their ways up meet, and each GPU's NUMA
 * node. No NVLink and no P2P facts: those cells stay unknown, and the
 * renderers say where the matrix came from. GPUs are numbered in bus
 * order, as NVML numbers them by default. */
#include "topo.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* The kind of path between two devices, as nvidia-smi topo -m names it:
 * below one bridge with at most one bridge (a switch port) on each side,
 * PIX; below one bridge through more, PXB; one host bridge, PHB; different
 * host bridges of one NUMA node, NODE; of different nodes, SYS. */
static enum topo_kind pci_kind(const struct snap_pci_dev *a, const struct snap_pci_dev *b)
{
        size_t k = snap_pci_common_upstream(a, b);

        if (!a->upstream.n || !b->upstream.n)
                return TOPO_UNKNOWN;
        if (k >= 2)
                return a->upstream.n - k <= 1 && b->upstream.n - k <= 1 ? TOPO_PIX : TOPO_PXB;
        if (k == 1)
                return TOPO_PHB;
        if (!fact_ok(&a->numa_node) || !fact_ok(&b->numa_node))
                return TOPO_UNKNOWN;
        return a->numa_node.v == b->numa_node.v ? TOPO_NODE : TOPO_SYS;
}

int topo_build_pci(const struct snapshot *s, struct topo_model *m)
{
        const struct snap_pci_dev **devs;
        size_t n = 0;

        memset(m, 0, sizeof(*m));
        n = snap_pci_count(s, "gpu");
        if (s->pci.probe.st != FACT_OK || !n)
                return -1;
        devs = xcalloc(n, sizeof(*devs));
        m->n = 0;
        for (size_t i = 0; i < s->pci.n; i++)
                if (snap_pci_is_gpu(&s->pci.devs[i]))
                        devs[m->n++] = &s->pci.devs[i];
        m->from_pci = 1;
        m->gpus = xcalloc(n, sizeof(*m->gpus));
        m->cells = xcalloc(n * n, sizeof(*m->cells));
        for (size_t a = 0; a < n; a++) {
                struct topo_gpu *g = &m->gpus[a];

                g->index = (int64_t)a;
                g->bus_id = devs[a]->bus_id;
                g->name = fact_ok(&devs[a]->name) ? devs[a]->name.v : NULL;
                g->numa = fact_ok(&devs[a]->numa_node) ? devs[a]->numa_node.v : -1;
                g->links = g->up = -1;
                for (size_t b = 0; b < n; b++) {
                        struct topo_cell *c = &m->cells[a * n + b];

                        for (size_t k = 0; k < TOPO_CAP_MAX; k++)
                                c->p2p[k] = -1;
                        c->kind = a == b ? TOPO_SELF : pci_kind(devs[a], devs[b]);
                }
        }
        free(devs);
        return 0;
}
