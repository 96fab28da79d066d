/* snap.c - snapshot lifetime, fact setters and lookups (see snap.h). */
#include "snap.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const fact_st_names[FACT_ST_MAX] = {
        [FACT_UNSET] = "unset",           [FACT_OK] = "ok",
        [FACT_ABSENT] = "absent",         [FACT_UNSUPPORTED] = "unsupported",
        [FACT_DENIED] = "denied",         [FACT_TIMEOUT] = "timeout",
        [FACT_ERROR] = "error",
};

const char *fact_st_name(enum fact_st st)
{
        return st >= 0 && st < FACT_ST_MAX ? fact_st_names[st] : "invalid";
}

enum fact_st fact_st_from_name(const char *name)
{
        for (int i = 0; i < FACT_ST_MAX; i++)
                if (name && !strcmp(name, fact_st_names[i]))
                        return (enum fact_st)i;
        return FACT_ST_INVALID;
}

void snap_init(struct snapshot *s)
{
        memset(s, 0, sizeof(*s));
}

void fact_num_release(struct fact_num *f)
{
        free(f->why);
        memset(f, 0, sizeof(*f));
}

void fact_str_release(struct fact_str *f)
{
        free(f->v);
        free(f->why);
        memset(f, 0, sizeof(*f));
}

void fact_set_num(struct fact_num *f, int64_t v)
{
        fact_num_release(f);
        f->st = FACT_OK;
        f->v = v;
}

void fact_take_str(struct fact_str *f, char *v)
{
        fact_str_release(f);
        f->st = FACT_OK;
        f->v = v;
}

void fact_set_str(struct fact_str *f, const char *v)
{
        fact_take_str(f, xstrdup(v));
}

void fact_fail_num(struct fact_num *f, enum fact_st st, const char *why)
{
        fact_num_release(f);
        f->st = st;
        f->why = xstrdup_or_null(why);
}

void fact_fail_str(struct fact_str *f, enum fact_st st, const char *why)
{
        fact_str_release(f);
        f->st = st;
        f->why = xstrdup_or_null(why);
}

void probe_set(struct probe_st *p, enum fact_st st, const char *why)
{
        free(p->why);
        p->st = st;
        p->why = xstrdup_or_null(why);
}

/* The release functions, one per struct, expanded from its list in snap.h:
 * each frees what its fields own, then zeroes the struct so that a released
 * snapshot reads as empty. Elements come before the structs that hold them. */
#define REL_NUM(name) fact_num_release(&p->name);
#define REL_STR(name) fact_str_release(&p->name);
#define REL_ENV(name, var) fact_str_release(&p->name);
#define REL_INT(name)
#define REL_REAL(name)
#define REL_TEXT(name) free(p->name);
#define REL_BOOL(name)
#define REL_STRV(name) strv_release(&p->name);
#define REL_PROBE(name) free(p->name.why);
#define REL_OBJ(name, tag, key) snap_##tag##_release(&p->name);
#define REL_ARRAY(name, count, tag, key)                                       \
        for (size_t i = 0; i < p->count; i++)                                  \
                snap_##tag##_release(&p->name[i]);                             \
        free(p->name);
#define REL(kind, ...) REL_##kind(__VA_ARGS__)
#define DEFINE_RELEASE(scope, tag, LIST)                                       \
        scope void snap_##tag##_release(struct snap_##tag *p)                  \
        {                                                                      \
                LIST(REL)                                                      \
                memset(p, 0, sizeof(*p));                                      \
        }

DEFINE_RELEASE(static, os, SNAP_OS)
DEFINE_RELEASE(static, pci_dev, SNAP_PCI_DEV)
DEFINE_RELEASE(static, pci_bridge, SNAP_PCI_BRIDGE)
DEFINE_RELEASE(static, pci, SNAP_PCI)
DEFINE_RELEASE(static, dkms, SNAP_DKMS)
DEFINE_RELEASE(static, kmod, SNAP_KMOD)
DEFINE_RELEASE(, gpu, SNAP_GPU)
DEFINE_RELEASE(static, nvml, SNAP_NVML)
DEFINE_RELEASE(, cuda_dev, SNAP_CUDA_DEV)
DEFINE_RELEASE(static, cuda, SNAP_CUDA)
DEFINE_RELEASE(static, xid, SNAP_XID)
DEFINE_RELEASE(static, klog, SNAP_KLOG)
DEFINE_RELEASE(static, fabric, SNAP_FABRIC)
DEFINE_RELEASE(static, devnodes, SNAP_DEVNODES)
DEFINE_RELEASE(static, host, SNAP_HOST)
DEFINE_RELEASE(static, procenv, SNAP_PROCENV)
DEFINE_RELEASE(static, toolkit, SNAP_TOOLKIT)
DEFINE_RELEASE(static, toolkits, SNAP_TOOLKITS)
DEFINE_RELEASE(static, shell, SNAP_SHELL)
DEFINE_RELEASE(static, pyenv, SNAP_PYENV)
DEFINE_RELEASE(static, python, SNAP_PYTHON)
DEFINE_RELEASE(static, topo_gpu, SNAP_TOPO_GPU)
DEFINE_RELEASE(static, topo_pair, SNAP_TOPO_PAIR)
DEFINE_RELEASE(, topo, SNAP_TOPO)
DEFINE_RELEASE(static, bench_plan, SNAP_BENCH_PLAN)
DEFINE_RELEASE(static, bench_link, SNAP_BENCH_LINK)
DEFINE_RELEASE(, bench_gpu, SNAP_BENCH_GPU)
DEFINE_RELEASE(, bench_pair, SNAP_BENCH_PAIR)
DEFINE_RELEASE(, bench_gemm, SNAP_BENCH_GEMM)
DEFINE_RELEASE(, bench_ar_size, SNAP_BENCH_AR_SIZE)
DEFINE_RELEASE(, bench_skip, SNAP_BENCH_SKIP)
DEFINE_RELEASE(static, bench_ar, SNAP_BENCH_AR)
DEFINE_RELEASE(, bench, SNAP_BENCH)
DEFINE_RELEASE(, prove_torch, SNAP_PROVE_TORCH)
DEFINE_RELEASE(, prove_gpu, SNAP_PROVE_GPU)
DEFINE_RELEASE(, prove_step, SNAP_PROVE_STEP)
DEFINE_RELEASE(, prove, SNAP_PROVE)

void snap_release(struct snapshot *p)
{
        SNAP_ROOT(REL)
        snap_init(p);
}

/* Appends one zeroed element to a snapshot array (n counts used slots). */
static void *add_elem(void *arr, size_t *n, size_t size)
{
        void **a = arr;

        *a = xrealloc(*a, (*n + 1) * size);
        memset((char *)*a + *n * size, 0, size);
        return (char *)*a + (*n)++ * size;
}

struct snap_pci_dev *snap_add_pci_dev(struct snap_pci *pci)
{
        return add_elem(&pci->devs, &pci->n, sizeof(*pci->devs));
}

struct snap_pci_bridge *snap_add_pci_bridge(struct snap_pci *pci)
{
        return add_elem(&pci->bridges, &pci->nbridges, sizeof(*pci->bridges));
}

struct snap_gpu *snap_add_gpu(struct snapshot *s)
{
        struct snap_gpu *g = add_elem(&s->gpus, &s->ngpus, sizeof(*s->gpus));

        g->index = (int64_t)s->ngpus - 1;
        return g;
}

struct snap_cuda_dev *snap_add_cuda_dev(struct snap_cuda *c)
{
        struct snap_cuda_dev *d = add_elem(&c->devs, &c->n, sizeof(*c->devs));

        d->ordinal = (int64_t)c->n - 1;
        return d;
}

struct snap_xid *snap_add_xid(struct snap_klog *k)
{
        return add_elem(&k->xids, &k->nxid, sizeof(*k->xids));
}

struct snap_dkms *snap_add_dkms(struct snap_kmod *k)
{
        return add_elem(&k->dkms, &k->ndkms, sizeof(*k->dkms));
}

struct snap_toolkit *snap_add_toolkit(struct snap_toolkits *t)
{
        return add_elem(&t->v, &t->n, sizeof(*t->v));
}

struct snap_pyenv *snap_add_pyenv(struct snap_python *p)
{
        return add_elem(&p->envs, &p->n, sizeof(*p->envs));
}

const struct snap_gpu *snap_gpu_by_bus(const struct snapshot *s, const char *bus_id)
{
        for (size_t i = 0; i < s->ngpus; i++)
                if (s->gpus[i].pci_bus_id.v && !strcmp(s->gpus[i].pci_bus_id.v, bus_id))
                        return &s->gpus[i];
        return NULL;
}

bool snap_pci_is_gpu(const struct snap_pci_dev *d)
{
        return d->kind && !strcmp(d->kind, "gpu");
}

size_t snap_pci_common_upstream(const struct snap_pci_dev *a, const struct snap_pci_dev *b)
{
        size_t k = 0;

        while (k < a->upstream.n && k < b->upstream.n && !strcmp(a->upstream.v[k], b->upstream.v[k]))
                k++;
        return k;
}

const struct snap_pci_bridge *snap_pci_bridge_of(const struct snap_pci *pci, const char *bus_id)
{
        for (size_t i = 0; i < pci->nbridges; i++)
                if (!strcmp(pci->bridges[i].bus_id, bus_id))
                        return &pci->bridges[i];
        return NULL;
}

const struct snap_pci_dev *snap_pci_by_bus(const struct snapshot *s, const char *bus_id)
{
        for (size_t i = 0; i < s->pci.n; i++)
                if (!strcmp(s->pci.devs[i].bus_id, bus_id))
                        return &s->pci.devs[i];
        return NULL;
}

size_t snap_pci_count(const struct snapshot *s, const char *kind)
{
        size_t n = 0;

        for (size_t i = 0; i < s->pci.n; i++)
                n += s->pci.devs[i].kind && !strcmp(s->pci.devs[i].kind, kind);
        return n;
}

struct snap_topo_gpu *snap_add_topo_gpu(struct snap_topo *t)
{
        return add_elem(&t->gpus, &t->ngpus, sizeof(*t->gpus));
}

struct snap_topo_pair *snap_add_topo_pair(struct snap_topo *t)
{
        return add_elem(&t->pairs, &t->npairs, sizeof(*t->pairs));
}

const struct snap_topo_pair *snap_topo_pair_of(const struct snap_topo *t, int64_t a, int64_t b)
{
        for (size_t i = 0; i < t->npairs; i++) {
                const struct snap_topo_pair *p = &t->pairs[i];
                if ((p->a == a && p->b == b) || (p->a == b && p->b == a))
                        return p;
        }
        return NULL;
}

const struct snap_topo_gpu *snap_topo_gpu_of(const struct snap_topo *t, int64_t index)
{
        for (size_t i = 0; i < t->ngpus; i++)
                if (t->gpus[i].index == index)
                        return &t->gpus[i];
        return NULL;
}

const struct snap_toolkit *snap_toolkit_holding(const struct snap_toolkits *t, const char *path)
{
        const struct snap_toolkit *best = NULL;

        for (size_t i = 0; path && i < t->n; i++) {
                const char *p = t->v[i].path;
                size_t n = p ? strlen(p) : 0;
                if (n && !strncmp(path, p, n) && (path[n] == '/' || !path[n]) &&
                    (!best || n > strlen(best->path)))
                        best = &t->v[i];
        }
        return best;
}

/* ---- bench ---- */

#define DTYPE_KEY_(e, key, label) [e] = key,
#define DTYPE_LABEL_(e, key, label) [e] = label,
static const char *const dtype_keys[SNAP_DTYPE_MAX] = { SNAP_BENCH_DTYPES(DTYPE_KEY_) };
static const char *const dtype_labels[SNAP_DTYPE_MAX] = { SNAP_BENCH_DTYPES(DTYPE_LABEL_) };

const char *snap_dtype_key(enum snap_dtype t)
{
        return t >= 0 && t < SNAP_DTYPE_MAX ? dtype_keys[t] : NULL;
}

const char *snap_dtype_label(enum snap_dtype t)
{
        return t >= 0 && t < SNAP_DTYPE_MAX ? dtype_labels[t] : NULL;
}

enum snap_dtype snap_dtype_from_key(const char *key)
{
        for (int t = 0; t < SNAP_DTYPE_MAX; t++)
                if (key && !strcmp(key, dtype_keys[t]))
                        return (enum snap_dtype)t;
        return SNAP_DTYPE_INVALID;
}

struct snap_bench_gpu *snap_add_bench_gpu(struct snap_bench *b)
{
        return add_elem(&b->gpus, &b->ngpus, sizeof(*b->gpus));
}

struct snap_bench_pair *snap_add_bench_pair(struct snap_bench *b)
{
        return add_elem(&b->pairs, &b->npairs, sizeof(*b->pairs));
}

struct snap_bench_gemm *snap_add_bench_gemm(struct snap_bench *b)
{
        return add_elem(&b->gemms, &b->ngemms, sizeof(*b->gemms));
}

struct snap_bench_ar_size *snap_add_bench_ar_size(struct snap_bench_ar *a)
{
        return add_elem(&a->sizes, &a->nsizes, sizeof(*a->sizes));
}

struct snap_bench_skip *snap_add_bench_skip(struct snap_bench *b)
{
        return add_elem(&b->skips, &b->nskips, sizeof(*b->skips));
}

const struct snap_bench_skip *snap_bench_skip_of(const struct snap_bench *b, const char *name)
{
        for (size_t i = 0; i < b->nskips; i++)
                if (b->skips[i].name && !strcmp(b->skips[i].name, name))
                        return &b->skips[i];
        return NULL;
}

const struct snap_bench_gpu *snap_bench_gpu_of(const struct snap_bench *b, int64_t index)
{
        for (size_t i = 0; i < b->ngpus; i++)
                if (b->gpus[i].index == index)
                        return &b->gpus[i];
        return NULL;
}

const struct snap_bench_gemm *snap_bench_gemm_of(const struct snap_bench *b, int64_t index,
                                                 enum snap_dtype t)
{
        const char *key = snap_dtype_key(t);

        for (size_t i = 0; i < b->ngemms; i++)
                if (b->gemms[i].index == index && key && b->gemms[i].dtype &&
                    !strcmp(b->gemms[i].dtype, key))
                        return &b->gemms[i];
        return NULL;
}

struct snap_prove_gpu *snap_add_prove_gpu(struct snap_prove *p)
{
        return add_elem(&p->gpus, &p->ngpus, sizeof(*p->gpus));
}

struct snap_prove_step *snap_add_prove_step(struct snap_prove *p)
{
        return add_elem(&p->steps, &p->nsteps, sizeof(*p->steps));
}

const struct snap_prove_step *snap_prove_step_of(const struct snap_prove *p, const char *name,
                                                 const char *status)
{
        for (size_t i = 0; i < p->nsteps; i++) {
                const struct snap_prove_step *s = &p->steps[i];
                if (s->name && !strcmp(s->name, name) &&
                    (!status || (s->status && !strcmp(s->status, status))))
                        return s;
        }
        return NULL;
}
