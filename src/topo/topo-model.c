/* topo-model.c - the topology model (see topo.h) from the snapshot. */
#include "topo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* NVML's nvmlGpuTopologyLevel_t values to nvidia-smi's letters. The board
 * level (two GPUs on one card) is shown as PIX: one bridge joins them. */
static enum topo_kind kind_of_level(const struct fact_num *level)
{
        if (!fact_ok(level))
                return TOPO_UNKNOWN;
        switch (level->v) {
        case 0:
        case 10: return TOPO_PIX;
        case 20: return TOPO_PXB;
        case 30: return TOPO_PHB;
        case 40: return TOPO_NODE;
        case 50: return TOPO_SYS;
        default: return TOPO_UNKNOWN;
        }
}

static int64_t num_or(const struct fact_num *f, int64_t dflt)
{
        return fact_ok(f) ? f->v : dflt;
}

static void fill_gpu(const struct snapshot *s, const struct snap_topo_gpu *tg, struct topo_gpu *g)
{
        const struct snap_gpu *sg = tg->index >= 0 && (size_t)tg->index < s->ngpus
                                            ? &s->gpus[tg->index] : NULL;
        const struct snap_pci_dev *pd;

        g->index = tg->index;
        g->bus_id = sg && fact_ok(&sg->pci_bus_id) ? sg->pci_bus_id.v : NULL;
        g->name = sg && fact_ok(&sg->name) ? sg->name.v : NULL;
        g->cpus = fact_ok(&tg->cpu_affinity) ? tg->cpu_affinity.v : NULL;
        pd = g->bus_id ? snap_pci_by_bus(s, g->bus_id) : NULL;
        /* sysfs first (what the kernel uses), then NVML's memory affinity */
        g->numa = pd ? num_or(&pd->numa_node, -1) : -1;
        if (g->numa < 0 && sg)
                g->numa = num_or(&sg->numa_node, -1);
        g->links = num_or(&tg->nvlink_links, -1);
        g->up = num_or(&tg->nvlink_up, -1);
        for (size_t k = 0; k < tg->nvlink_remotes.n; k++)
                g->switch_links += !strncmp(tg->nvlink_remotes.v[k], "switch ", 7);
}

/* Links of a that end on b's bus, both ways, plus the NVSwitch paths: a
 * pair both on the switches gets as many as the less connected one has. */
static int64_t nvlinks_between(const struct snap_topo_gpu *a, const struct topo_gpu *ga,
                               const struct snap_topo_gpu *b, const struct topo_gpu *gb)
{
        int64_t n = 0;

        for (size_t k = 0; gb->bus_id && k < a->nvlink_remotes.n; k++) {
                const char *r = a->nvlink_remotes.v[k];
                n += !strncmp(r, "gpu ", 4) && !strcmp(r + 4, gb->bus_id);
        }
        if (!n)
                for (size_t k = 0; ga->bus_id && k < b->nvlink_remotes.n; k++) {
                        const char *r = b->nvlink_remotes.v[k];
                        n += !strncmp(r, "gpu ", 4) && !strcmp(r + 4, ga->bus_id);
                }
        if (ga->switch_links && gb->switch_links)
                n += ga->switch_links < gb->switch_links ? ga->switch_links : gb->switch_links;
        return n;
}

static void fill_cell(const struct snap_topo_pair *p, struct topo_cell *c)
{
        const struct fact_num *caps[TOPO_CAP_MAX] = { &p->p2p_read, &p->p2p_write,
                                                      &p->p2p_atomics, &p->p2p_nvlink,
                                                      &p->p2p_pci };

        c->kind = kind_of_level(&p->level);
        for (size_t k = 0; k < TOPO_CAP_MAX; k++)
                c->p2p[k] = num_or(caps[k], -1);
}

static void fill_cells(const struct snapshot *s, struct topo_model *m)
{
        const struct snap_topo *t = &s->topo;

        for (size_t a = 0; a < m->n; a++)
                for (size_t b = 0; b < m->n; b++) {
                        struct topo_cell *c = &m->cells[a * m->n + b];
                        const struct snap_topo_pair *p;

                        for (size_t k = 0; k < TOPO_CAP_MAX; k++)
                                c->p2p[k] = -1;
                        c->kind = a == b ? TOPO_SELF : TOPO_UNKNOWN;
                        if (a == b)
                                continue;
                        p = snap_topo_pair_of(t, m->gpus[a].index, m->gpus[b].index);
                        if (p)
                                fill_cell(p, c);
                        c->nvlinks = nvlinks_between(&t->gpus[a], &m->gpus[a], &t->gpus[b],
                                                     &m->gpus[b]);
                        if (c->nvlinks)
                                c->kind = TOPO_NV;
                }
}

int topo_build(const struct snapshot *s, struct topo_model *m)
{
        const struct snap_topo *t = &s->topo;

        memset(m, 0, sizeof(*m));
        if (t->probe.st != FACT_OK || !t->ngpus)
                return -1;
        m->n = t->ngpus;
        m->gpus = xcalloc(m->n, sizeof(*m->gpus));
        m->cells = xcalloc(m->n * m->n, sizeof(*m->cells));
        for (size_t i = 0; i < m->n; i++) {
                fill_gpu(s, &t->gpus[i], &m->gpus[i]);
                m->nvswitch |= m->gpus[i].switch_links > 0;
        }
        fill_cells(s, m);
        return 0;
}

void topo_release(struct topo_model *m)
{
        free(m->gpus);
        free(m->cells);
        memset(m, 0, sizeof(*m));
}

const struct topo_cell *topo_cell(const struct topo_model *m, size_t a, size_t b)
{
        return &m->cells[a * m->n + b];
}

const char *topo_kind_name(enum topo_kind k)
{
        static const char *const names[TOPO_KIND_MAX] = { "X", "NV", "PIX", "PXB", "PHB",
                                                         "NODE", "SYS", "?" };
        return k < TOPO_KIND_MAX ? names[k] : "?";
}

const char *topo_cell_label(const struct topo_cell *c, char *buf)
{
        if (c->kind == TOPO_NV) {
                snprintf(buf, 16, "NV%lld", (long long)c->nvlinks);
                return buf;
        }
        return topo_kind_name(c->kind);
}

const char *topo_p2p_name(int64_t st)
{
        static const char *const names[] = { "ok", "chipset not supported",
                                             "GPU not supported", "topology not supported",
                                             "disabled by registry key", "not supported" };
        if (st < 0)
                return "unknown";
        return (size_t)st < sizeof(names) / sizeof(names[0]) ? names[st] : "unknown";
}
