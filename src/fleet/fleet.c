/* fleet.c - dlrig fleet's model: columns, majorities, drift, shared faults. */
#include "fleet.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const col_names[FLEET_NCOLS] = {
        [FLEET_DRIVER] = "driver", [FLEET_CUDA] = "cuda",   [FLEET_NVCC] = "nvcc",
        [FLEET_TORCH] = "torch",   [FLEET_NCCL] = "nccl",   [FLEET_GPUS] = "gpus",
        [FLEET_MODEL] = "model",
};

const char *fleet_col_name(enum fleet_col c)
{
        return c < FLEET_NCOLS ? col_names[c] : "?";
}

void fleet_init(struct fleet *f)
{
        memset(f, 0, sizeof(*f));
}

static void node_release(struct fleet_node *n)
{
        free(n->host);
        free(n->file);
        for (int c = 0; c < FLEET_NCOLS; c++)
                free(n->col[c]);
        strv_release(&n->failing);
        strv_release(&n->warnings);
        memset(n, 0, sizeof(*n));
}

void fleet_release(struct fleet *f)
{
        for (size_t i = 0; i < f->n; i++)
                node_release(&f->nodes[i]);
        free(f->nodes);
        for (size_t i = 0; i < f->ngroups; i++) {
                free(f->groups[i].id);
                strv_release(&f->groups[i].hosts);
        }
        free(f->groups);
        strv_release(&f->skipped);
        strv_release(&f->notes);
        memset(f, 0, sizeof(*f));
}

static char *str_or_unknown(const struct fact_str *s)
{
        return xstrdup(fact_ok(s) && s->v && *s->v ? s->v : FLEET_UNKNOWN);
}

/* "dir/node07.json" -> "node07" */
static char *name_from_file(const char *file)
{
        const char *base = strrchr(file, '/');
        size_t len;

        base = base ? base + 1 : file;
        len = strlen(base);
        if (len > 5 && !strcmp(base + len - 5, ".json"))
                len -= 5;
        return xstrndup(base, len);
}

/* The environment PATH selects, else (a login shell without conda's
 * activation) the first one with torch; *named says the latter. */
static const struct snap_pyenv *torch_env(const struct snapshot *s, bool *named)
{
        const struct snap_python *p = &s->python;

        *named = false;
        if (fact_ok(&p->selected))
                for (size_t i = 0; i < p->n; i++)
                        if (p->envs[i].path && !strcmp(p->envs[i].path, p->selected.v) &&
                            fact_ok(&p->envs[i].torch_version))
                                return &p->envs[i];
        for (size_t i = 0; i < p->n; i++)
                if (fact_ok(&p->envs[i].torch_version)) {
                        *named = true;
                        return &p->envs[i];
                }
        return NULL;
}

static char *torch_col(const struct snap_pyenv *e, bool named)
{
        if (!e)
                return xstrdup(FLEET_UNKNOWN);
        if (named)
                return xasprintf("%s (%s)", e->torch_version.v, e->name ? e->name : e->path);
        return xstrdup(e->torch_version.v);
}

/* NCCL: the torch environment's nvidia-nccl wheel, else a libnccl.so.X.Y.Z
 * that LD_LIBRARY_PATH puts first. */
static char *nccl_col(const struct snapshot *s, const struct snap_pyenv *e)
{
        const struct strv *libs = &s->toolkits.ld_path_libs;

        for (size_t i = 0; e && i < e->nvidia_wheels.n; i++) {
                const char *w = e->nvidia_wheels.v[i], *sp = strchr(w, ' ');

                if (!strncmp(w, "nvidia-nccl-", 12) && sp && sp[1])
                        return xstrdup(sp + 1);
        }
        for (size_t i = 0; i < libs->n; i++) {
                const char *base = strrchr(libs->v[i], '/');

                base = base ? base + 1 : libs->v[i];
                if (!strncmp(base, "libnccl.so.", 11) && strchr(base + 11, '.'))
                        return xstrdup(base + 11);
        }
        return xstrdup(FLEET_UNKNOWN);
}

static char *cuda_col(const struct snapshot *s)
{
        int64_t v = fact_ok(&s->nvml.cuda_driver_version) ? s->nvml.cuda_driver_version.v
                    : fact_ok(&s->cuda.driver_version)    ? s->cuda.driver_version.v
                                                          : 0;

        if (v <= 0)
                return xstrdup(FLEET_UNKNOWN);
        return xasprintf("%lld.%lld", (long long)(v / 1000), (long long)(v % 1000 / 10));
}

/* NVML's GPUs; without NVML, the GPUs on the PCI bus. */
static void gpu_cols(const struct snapshot *s, char **count, char **model)
{
        const char *name = NULL;
        bool mixed = false;
        size_t n = 0;

        if (fact_ok(&s->nvml.device_count) || s->ngpus) {
                n = s->ngpus;
                for (size_t i = 0; i < s->ngpus; i++) {
                        const struct fact_str *g = &s->gpus[i].name;

                        if (!fact_ok(g))
                                continue;
                        if (name && strcmp(name, g->v))
                                mixed = true;
                        else
                                name = g->v;
                }
        } else {
                for (size_t i = 0; i < s->pci.n; i++) {
                        const struct snap_pci_dev *d = &s->pci.devs[i];

                        if (!d->kind || strcmp(d->kind, "gpu"))
                                continue;
                        n++;
                        if (!fact_ok(&d->name))
                                continue;
                        if (name && strcmp(name, d->name.v))
                                mixed = true;
                        else
                                name = d->name.v;
                }
        }
        *count = xasprintf("%zu", n);
        *model = xstrdup(mixed ? "mixed" : name ? name : FLEET_UNKNOWN);
}

static void node_fill(struct fleet_node *n, const char *file, int64_t mtime, size_t order,
                      const struct snapshot *s)
{
        const struct snap_pyenv *e;
        bool named;

        if (fact_ok(&s->os.hostname) && s->os.hostname.v && *s->os.hostname.v) {
                n->host = xstrdup(s->os.hostname.v);
        } else {
                n->host = name_from_file(file);
                n->host_from_file = true;
        }
        n->file = xstrdup(file);
        n->mtime = mtime;
        n->order = order;
        n->status = SEV_OK;
        n->col[FLEET_DRIVER] = fact_ok(&s->nvml.driver_version)
                                       ? xstrdup(s->nvml.driver_version.v)
                                       : str_or_unknown(&s->kmod.loaded_version);
        n->col[FLEET_CUDA] = cuda_col(s);
        n->col[FLEET_NVCC] = str_or_unknown(&s->toolkits.nvcc_version);
        e = torch_env(s, &named);
        n->col[FLEET_TORCH] = torch_col(e, named);
        n->col[FLEET_NCCL] = nccl_col(s, e);
        gpu_cols(s, &n->col[FLEET_GPUS], &n->col[FLEET_MODEL]);
}

struct fleet_node *fleet_add(struct fleet *f, const char *file, int64_t mtime,
                             const struct snapshot *s)
{
        struct fleet_node fresh = { 0 };

        node_fill(&fresh, file, mtime, f->seen++, s);
        for (size_t i = 0; i < f->n; i++) {
                struct fleet_node *old = &f->nodes[i];

                if (strcmp(old->host, fresh.host))
                        continue;
                if (old->mtime > fresh.mtime) {
                        strv_pushf(&f->notes, "%s: two reports, kept %s (newer) over %s", old->host,
                                   old->file, fresh.file);
                        node_release(&fresh);
                        return NULL;
                }
                strv_pushf(&f->notes, "%s: two reports, kept %s (%s) over %s", old->host,
                           fresh.file, old->mtime == fresh.mtime ? "same time, given later" : "newer",
                           old->file);
                node_release(old);
                *old = fresh;
                return old;
        }
        if (f->n == f->alloc) {
                f->alloc = f->alloc ? 2 * f->alloc : 16;
                f->nodes = xrealloc(f->nodes, f->alloc * sizeof(*f->nodes));
        }
        f->nodes[f->n] = fresh;
        return &f->nodes[f->n++];
}

void fleet_add_finding(struct fleet_node *n, const char *id, enum severity sev)
{
        if (sev == SEV_FAIL)
                strv_push(&n->failing, xstrdup(id));
        else if (sev == SEV_WARN)
                strv_push(&n->warnings, xstrdup(id));
        if (sev > n->status && sev < SEV_MAX)
                n->status = sev;
}

void fleet_skip(struct fleet *f, const char *file, const char *why)
{
        strv_pushf(&f->skipped, "%s: %s", file, why);
}

static int cmp_node(const void *a, const void *b)
{
        const struct fleet_node *x = a, *y = b;
        int r = strcmp(x->host, y->host);

        return r ? r : (x->order > y->order) - (x->order < y->order);
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The most common value of column c; none when two values tie for it. */
static void find_majority(struct fleet *f, enum fleet_col c)
{
        const char **v = xmalloc((f->n ? f->n : 1) * sizeof(*v));
        size_t best = 0, run = 0;
        bool tie = false;

        f->majority[c] = NULL;
        f->majority_n[c] = 0;
        for (size_t i = 0; i < f->n; i++)
                v[i] = f->nodes[i].col[c];
        qsort(v, f->n, sizeof(*v), cmp_str);
        for (size_t i = 0; i < f->n; i++) {
                run = i && !strcmp(v[i], v[i - 1]) ? run + 1 : 1;
                if (run > best) {
                        best = run;
                        f->majority[c] = v[i];
                        tie = false;
                } else if (run == best) {
                        tie = true;
                }
        }
        if (tie) {
                f->majority[c] = NULL;
                best = 0;
        }
        f->majority_n[c] = best;
        /* point at a node's own string: v is freed below */
        for (size_t i = 0; f->majority[c] && i < f->n; i++)
                if (!strcmp(f->nodes[i].col[c], f->majority[c])) {
                        f->majority[c] = f->nodes[i].col[c];
                        break;
                }
        for (size_t i = 0; i < f->n; i++)
                f->nodes[i].drift[c] = f->majority[c] && strcmp(f->nodes[i].col[c], f->majority[c]);
        free(v);
}

static void group_add(struct fleet *f, const char *id, enum severity sev, const char *host)
{
        struct fleet_group *g;

        for (size_t i = 0; i < f->ngroups; i++)
                if (!strcmp(f->groups[i].id, id)) {
                        /* a node lists an id once */
                        if (strv_find(&f->groups[i].hosts, host) < 0)
                                strv_push(&f->groups[i].hosts, xstrdup(host));
                        return;
                }
        f->groups = xrealloc(f->groups, (f->ngroups + 1) * sizeof(*f->groups));
        g = &f->groups[f->ngroups++];
        memset(g, 0, sizeof(*g));
        g->id = xstrdup(id);
        g->sev = sev;
        strv_push(&g->hosts, xstrdup(host));
}

static int cmp_group(const void *a, const void *b)
{
        const struct fleet_group *x = a, *y = b;

        if (x->sev != y->sev)
                return x->sev > y->sev ? -1 : 1;
        if (x->hosts.n != y->hosts.n)
                return x->hosts.n > y->hosts.n ? -1 : 1;
        return strcmp(x->id, y->id);
}

void fleet_finish(struct fleet *f)
{
        if (!f->n)
                return;
        qsort(f->nodes, f->n, sizeof(*f->nodes), cmp_node);
        for (int c = 0; c < FLEET_NCOLS; c++)
                find_majority(f, (enum fleet_col)c);
        for (size_t i = 0; i < f->n; i++) {
                const struct fleet_node *n = &f->nodes[i];

                for (size_t k = 0; k < n->failing.n; k++)
                        group_add(f, n->failing.v[k], SEV_FAIL, n->host);
                for (size_t k = 0; k < n->warnings.n; k++)
                        group_add(f, n->warnings.v[k], SEV_WARN, n->host);
        }
        if (f->ngroups)
                qsort(f->groups, f->ngroups, sizeof(*f->groups), cmp_group);
}

enum severity fleet_worst(const struct fleet *f)
{
        enum severity w = f->n ? SEV_OK : SEV_INVALID;

        for (size_t i = 0; i < f->n; i++)
                if (f->nodes[i].status > w)
                        w = f->nodes[i].status;
        return w;
}
