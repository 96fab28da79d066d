/* plan-gpus.c - what the plan needs to know about the GPUs: their models,
 * compute capabilities and architectures, and what those demand of the
 * driver (a last branch, the kernel-module flavour). From the PCI bus, so
 * a machine without any driver yet is planned for too. */
#include "plan-internal.h"

#include <stdio.h>
#include <string.h>

#include "kb/kb.h"
#include "util/parse.h"
#include "util/versions.h"

static void gpus_add_cc(struct plan_gpus *g, const char *cc)
{
        const struct kb_arch *a = kb_arch_for_cc(cc);

        for (size_t i = 0; i < g->nccs; i++)
                if (!strcmp(g->ccs[i], cc))
                        return;
        if (g->nccs == PLAN_CC_MAX)
                return;
        snprintf(g->ccs[g->nccs++], sizeof(g->ccs[0]), "%s", cc);
        if (!a)
                return;
        for (size_t i = 0; i < g->narch; i++)
                if (g->archs[i] == a)
                        return;
        g->archs[g->narch++] = a;
}

/* The compute capability of a PCI GPU: the knowledge base's model, else
 * what NVML said about the GPU at that bus id. */
static const char *gpus_cc(const struct snapshot *s, const struct snap_pci_dev *d,
                           const char **ret_name)
{
        const struct kb_gpu *k = kb_gpu_by_pci((unsigned)d->device_id);
        const struct snap_gpu *n = snap_gpu_by_bus(s, d->bus_id);

        *ret_name = k ? k->name : d->name.st == FACT_OK ? d->name.v : "NVIDIA GPU";
        if (k)
                return k->cc;
        if (n && n->compute_capability.st == FACT_OK)
                return n->compute_capability.v;
        return NULL;
}

int plan_gpus_scan(const struct snapshot *s, struct plan_gpus *g, char **reterr)
{
        memset(g, 0, sizeof(*g));
        for (size_t i = 0; i < s->pci.n; i++) {
                const struct snap_pci_dev *d = &s->pci.devs[i];
                const char *name, *cc;

                if (!d->kind || strcmp(d->kind, "gpu"))
                        continue;
                cc = gpus_cc(s, d, &name);
                if (!cc)
                        return plan_fail(reterr, "GPU %s (device 10de:%04x) is not in the knowledge base: "
                                         "its architecture is unknown", d->bus_id, (unsigned)d->device_id);
                if (g->n++ == 0)
                        g->name = name;
                else if (strcmp(g->name, name))
                        g->mixed = true;
                gpus_add_cc(g, cc);
        }
        if (!g->n)
                return plan_fail(reterr, "no NVIDIA GPU on the PCI bus: nothing to plan for");
        return plan_gpus_policy(g, reterr);
}

/* The newest branch every GPU allows, and the module flavour they need. */
int plan_gpus_policy(struct plan_gpus *g, char **reterr)
{
        bool need_open = false, need_prop = false;

        for (size_t i = 0; i < g->narch; i++) {
                const struct kb_arch *a = g->archs[i];
                if (a->last_branch && (!g->cap || version_cmp(a->last_branch, g->cap) < 0))
                        g->cap = a->last_branch;
                need_open |= a->open_modules == KB_OPEN_REQUIRED;
                need_prop |= a->open_modules == KB_OPEN_UNAVAILABLE;
        }
        if (g->narch < g->nccs)
                return plan_fail(reterr, "compute capability %s is not in the knowledge base",
                                 g->ccs[g->nccs - 1]);
        if (need_open && need_prop)
                return plan_fail(reterr, "these GPUs need both kernel-module flavours (open for "
                                 "Blackwell, proprietary before Turing): no single driver drives them all");
        g->open = !need_prop;
        g->open_required = need_open;
        return 0;
}

/* "8 x NVIDIA A10G (Ampere, compute capability 8.6)" */
char *plan_gpus_describe(const struct plan_gpus *g)
{
        struct strbuf sb = STRBUF_INIT;

        strbuf_addf(&sb, "%zu x %s%s: ", g->n, g->name, g->mixed ? " and others" : "");
        for (size_t i = 0; i < g->narch; i++)
                strbuf_addf(&sb, "%s%s", i ? ", " : "", g->archs[i]->name);
        strbuf_adds(&sb, g->nccs > 1 ? ", compute capabilities" : ", compute capability");
        for (size_t i = 0; i < g->nccs; i++)
                strbuf_addf(&sb, "%s%s", i ? ", " : " ", g->ccs[i]);
        return strbuf_detach(&sb);
}

/* True when the variant carries code for every GPU here. */
bool plan_gpus_run(const struct plan_gpus *g, const struct kb_torch_variant *v)
{
        for (size_t i = 0; i < g->nccs; i++)
                if (!kb_torch_variant_runs_on(v, g->ccs[i]))
                        return false;
        return true;
}

/* True when driver branch br ("580" or "535.161.08") supports every GPU. */
bool plan_gpus_branch_ok(const struct plan_gpus *g, const char *br)
{
        for (size_t i = 0; i < g->narch; i++) {
                const struct kb_arch *a = g->archs[i];
                if (a->first_branch && version_cmp(br, a->first_branch) < 0)
                        return false;
        }
        return !g->cap || version_cmp(version_branch(br).s, g->cap) <= 0;
}

