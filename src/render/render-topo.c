/* render-topo.c - dlrig topo's text (nvidia-smi topo -m's layout), JSON
 * and Graphviz DOT forms of the topology model (topo/topo.h, built from the
 * snapshot). */
#include "render.h"

#include "snap/snap-schema.h"
#include "topo/topo.h"

static const char legend[] =
        "Legend:\n"
        "  X    = Self\n"
        "  SYS  = through PCIe and the interconnect between NUMA nodes (QPI/UPI)\n"
        "  NODE = through PCIe and between the host bridges of one NUMA node\n"
        "  PHB  = through PCIe and a PCIe host bridge (the CPU)\n"
        "  PXB  = through several PCIe bridges, without a host bridge\n"
        "  PIX  = through at most one PCIe bridge\n"
        "  NV#  = through # NVLink links (directly or through NVSwitch)\n";

static void text_matrix(FILE *out, const struct topo_model *m)
{
        char buf[16];

        fputs("      ", out);
        for (size_t b = 0; b < m->n; b++)
                fprintf(out, " GPU%-3lld", (long long)m->gpus[b].index);
        fputs(" CPU Affinity     NUMA Affinity\n", out);
        for (size_t a = 0; a < m->n; a++) {
                const struct topo_gpu *g = &m->gpus[a];

                fprintf(out, "GPU%-3lld", (long long)g->index);
                for (size_t b = 0; b < m->n; b++)
                        fprintf(out, " %-6s", topo_cell_label(topo_cell(m, a, b), buf));
                fprintf(out, " %-16s ", g->cpus ? g->cpus : "N/A");
                if (g->numa >= 0)
                        fprintf(out, "%lld\n", (long long)g->numa);
                else
                        fputs("N/A\n", out);
        }
}

/* "RWA" with "-" for each missing capability; "?" unknown. */
static const char *p2p_letters(const struct topo_cell *c, char *buf)
{
        static const char letters[] = "RWA";

        if (c->kind == TOPO_SELF)
                return "X";
        for (size_t k = 0; k < 3; k++)
                buf[k] = c->p2p[k] < 0 ? '?' : c->p2p[k] == 0 ? letters[k] : '-';
        buf[3] = '\0';
        return buf;
}

static void text_p2p(FILE *out, const struct topo_model *m)
{
        char buf[16];

        fputs("\nP2P (R read, W write, A atomics; - not supported, ? unknown):\n      ", out);
        for (size_t b = 0; b < m->n; b++)
                fprintf(out, b + 1 < m->n ? " GPU%-3lld" : " GPU%lld", (long long)m->gpus[b].index);
        fputc('\n', out);
        for (size_t a = 0; a < m->n; a++) {
                fprintf(out, "GPU%-3lld", (long long)m->gpus[a].index);
                for (size_t b = 0; b < m->n; b++)
                        fprintf(out, b + 1 < m->n ? " %-6s" : " %s",
                                p2p_letters(topo_cell(m, a, b), buf));
                fputc('\n', out);
        }
}

static void text_nvlink(FILE *out, const struct topo_model *m)
{
        fputs("\nNVLink:\n", out);
        for (size_t i = 0; i < m->n; i++) {
                const struct topo_gpu *g = &m->gpus[i];

                fprintf(out, "  GPU%-3lld ", (long long)g->index);
                if (g->links < 0)
                        fputs("unknown\n", out);
                else if (g->links == 0)
                        fputs("no NVLink\n", out);
                else
                        fprintf(out, "%lld of %lld links up, %lld down%s\n", (long long)g->up,
                                (long long)g->links, (long long)(g->links - g->up),
                                g->switch_links ? " (to NVSwitch)" : "");
        }
}

void render_topo_text(FILE *out, const struct topo_model *m)
{
        if (m->from_pci)
                fputs("From the PCI tree in sysfs (the driver gives no topology): GPUs in bus "
                      "order, no CPU affinity, NVLink or P2P information.\n\n", out);
        text_matrix(out, m);
        fputc('\n', out);
        fputs(legend, out);
        if (m->from_pci)
                return;
        text_p2p(out, m);
        text_nvlink(out, m);
}

/* ---- JSON --------------------------------------------------------------- */

static json_t *num_or_null(int64_t v)
{
        return v < 0 ? json_null() : json_integer(v);
}

static json_t *gpu_json(const struct topo_gpu *g)
{
        return json_pack("{s:I, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:I}}", "index",
                         (json_int_t)g->index, "pci_bus_id",
                         g->bus_id ? json_string(g->bus_id) : json_null(), "name",
                         g->name ? json_string(g->name) : json_null(), "cpu_affinity",
                         g->cpus ? json_string(g->cpus) : json_null(), "numa_node",
                         num_or_null(g->numa), "nvlink", "links", num_or_null(g->links), "up",
                         num_or_null(g->up), "to_nvswitch", (json_int_t)g->switch_links);
}

static json_t *pair_json(const struct topo_model *m, size_t a, size_t b)
{
        static const char *const caps[TOPO_CAP_MAX] = { "read", "write", "atomics", "nvlink",
                                                        "pci" };
        const struct topo_cell *c = topo_cell(m, a, b);
        json_t *p2p = json_object();
        char buf[16];

        for (size_t k = 0; k < TOPO_CAP_MAX; k++)
                json_object_set_new(p2p, caps[k], json_string(topo_p2p_name(c->p2p[k])));
        return json_pack("{s:I, s:I, s:s, s:I, s:o}", "a", (json_int_t)m->gpus[a].index, "b",
                         (json_int_t)m->gpus[b].index, "link", topo_cell_label(c, buf),
                         "nvlinks", (json_int_t)c->nvlinks, "p2p", p2p);
}

json_t *render_topo_json(const struct topo_model *m)
{
        json_t *gpus = json_array(), *pairs = json_array();

        for (size_t i = 0; i < m->n; i++)
                json_array_append_new(gpus, gpu_json(&m->gpus[i]));
        for (size_t a = 0; a < m->n; a++)
                for (size_t b = a + 1; b < m->n; b++)
                        json_array_append_new(pairs, pair_json(m, a, b));
        return json_pack("{s:i, s:s, s:b, s:o, s:o}", "schema_version", DLRIG_SCHEMA_VERSION, "source",
                         m->from_pci ? "pci" : "driver", "nvswitch", m->nvswitch, "gpus", gpus,
                         "pairs", pairs);
}

/* ---- DOT ----------------------------------------------------------------
 * The topology as Graphviz DOT (dlrig topo --dot): GPUs,
 * their NUMA nodes (the CPU sockets' host bridges), NVSwitch, and edges
 * labelled by link kind. A pair joined over PCIe inside one node shows as
 * an edge labelled PIX/PXB/PHB; pairs that only meet through the host
 * (NODE, SYS) are left to the GPU-to-NUMA edges, so the picture stays
 * readable on 8 GPUs. */

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

void render_topo_dot(FILE *out, const struct topo_model *m)
{
        fputs("graph topology {\n  graph [rankdir=TB];\n  node [fontname=\"Helvetica\"];\n", out);
        if (m->from_pci)
                fputs("  label=\"from the PCI tree in sysfs: no NVLink or P2P information\";\n", out);
        dot_nodes(out, m);
        dot_edges(out, m);
        fputs("}\n", out);
}
