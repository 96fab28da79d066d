/* topo-dot.c - the topology as Graphviz DOT (dlrig topo --dot): GPUs,
 * their NUMA nodes (the CPU sockets' host bridges), NVSwitch, and edges
 * labelled by link kind. A pair joined over PCIe inside one node shows as
 * an edge labelled PIX/PXB/PHB; pairs that only meet through the host
 * (NODE, SYS) are left to the GPU-to-NUMA edges, so the picture stays
 * readable on 8 GPUs. */
#include "topo.h"

static void dot_nodes(FILE *out, const struct topo_model *m)
{
        int64_t seen_numa[64] = { 0 };

        for (size_t i = 0; i < m->n; i++) {
                const struct topo_gpu *g = &m->gpus[i];

                fprintf(out, "  gpu%lld [shape=box, label=\"GPU%lld\\n%s\\n%s\"];\n",
                        (long long)g->index, (long long)g->index, g->name ? g->name : "",
                        g->bus_id ? g->bus_id : "");
                if (g->numa >= 0 && g->numa < 64 && !seen_numa[g->numa]++)
                        fprintf(out, "  numa%lld [shape=ellipse, label=\"NUMA node %lld\\n"
                                "(host bridge)\"];\n", (long long)g->numa, (long long)g->numa);
        }
        if (m->nvswitch)
                fputs("  nvswitch [shape=hexagon, label=\"NVSwitch\"];\n", out);
}

static void dot_edges(FILE *out, const struct topo_model *m)
{
        char buf[16];

        for (size_t i = 0; i < m->n; i++) {
                const struct topo_gpu *g = &m->gpus[i];

                if (g->numa >= 0)
                        fprintf(out, "  gpu%lld -- numa%lld [label=\"PCIe\"];\n",
                                (long long)g->index, (long long)g->numa);
                if (g->switch_links)
                        fprintf(out, "  gpu%lld -- nvswitch [label=\"NV%lld\", penwidth=2];\n",
                                (long long)g->index, (long long)g->switch_links);
        }
        for (size_t a = 0; a < m->n; a++)
                for (size_t b = a + 1; b < m->n; b++) {
                        const struct topo_cell *c = topo_cell(m, a, b);
                        /* NVSwitch pairs already meet at the switch */
                        if ((c->kind == TOPO_NV && m->gpus[a].switch_links &&
                             m->gpus[b].switch_links) ||
                            c->kind == TOPO_NODE || c->kind == TOPO_SYS || c->kind == TOPO_UNKNOWN)
                                continue;
                        fprintf(out, "  gpu%lld -- gpu%lld [label=\"%s\"%s];\n",
                                (long long)m->gpus[a].index, (long long)m->gpus[b].index,
                                topo_cell_label(c, buf),
                                c->kind == TOPO_NV ? ", penwidth=2" : ", style=dashed");
                }
}

void topo_render_dot(FILE *out, const struct topo_model *m)
{
        fputs("graph topology {\n  graph [rankdir=TB];\n  node [fontname=\"Helvetica\"];\n", out);
        if (m->from_pci)
                fputs("  label=\"from the PCI tree in sysfs: no NVLink or P2P information\";\n", out);
        dot_nodes(out, m);
        dot_edges(out, m);
        fputs("}\n", out);
}
