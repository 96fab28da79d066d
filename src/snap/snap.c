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

#define RELEASE_NUM(name) fact_num_release(&g->name);
#define RELEASE_STR(name) fact_str_release(&g->name);
#define RELEASE_FIELD(kind, name) RELEASE_##kind(name)

void snap_gpu_release(struct snap_gpu *g)
{
        SNAP_GPU_FIELDS(RELEASE_FIELD)
}

static void host_release(struct snap_host *g)
{
        free(g->probe.why);
        SNAP_HOST_FIELDS(RELEASE_FIELD)
}

static void procenv_release(struct snap_procenv *pe)
{
#define RELEASE_PROCENV(name, var) fact_str_release(&pe->name);
        free(pe->probe.why);
        SNAP_PROCENV_VARS(RELEASE_PROCENV)
#undef RELEASE_PROCENV
}

static void pci_dev_release(struct snap_pci_dev *d)
{
        free(d->bus_id);
        free(d->kind);
        fact_str_release(&d->name);
        fact_num_release(&d->numa_node);
        fact_str_release(&d->driver);
        fact_str_release(&d->link_speed_cur);
        fact_str_release(&d->link_speed_max);
        fact_num_release(&d->link_gen_cur);
        fact_num_release(&d->link_gen_max);
        fact_num_release(&d->link_width_cur);
        fact_num_release(&d->link_width_max);
        fact_num_release(&d->bar0_bytes);
        strv_release(&d->upstream);
        fact_str_release(&d->iommu_type);
}

static void kmod_release(struct snap_kmod *k)
{
        free(k->probe.why);
        fact_str_release(&k->loaded_version);
        fact_str_release(&k->proc_version);
        fact_str_release(&k->flavour);
        fact_str_release(&k->module_path);
        fact_str_release(&k->module_version);
        fact_str_release(&k->module_signer);
        fact_str_release(&k->nouveau_blacklisted);
        strv_release(&k->kernels_installed);
        strv_release(&k->kernels_with_module);
        for (size_t i = 0; i < k->ndkms; i++) {
                struct snap_dkms *d = &k->dkms[i];
                free(d->module), free(d->version), free(d->kernel);
                free(d->arch), free(d->state);
        }
        free(k->dkms);
}

void snap_cuda_dev_release(struct snap_cuda_dev *d)
{
        fact_str_release(&d->name), fact_str_release(&d->pci_bus_id);
        fact_str_release(&d->uuid), fact_str_release(&d->compute_capability);
        fact_num_release(&d->memory_total_bytes);
}

static void cuda_release(struct snap_cuda *c)
{
        free(c->probe.why);
        free(c->library);
        fact_num_release(&c->init_result);
        fact_num_release(&c->driver_version);
        fact_num_release(&c->device_count);
        fact_str_release(&c->visible_devices);
        fact_str_release(&c->device_order);
        for (size_t i = 0; i < c->n; i++)
                snap_cuda_dev_release(&c->devs[i]);
        free(c->devs);
}

static void os_release(struct snap_os *o)
{
        free(o->probe.why);
        fact_str_release(&o->distro_id), fact_str_release(&o->version_id);
        fact_str_release(&o->pretty_name), fact_str_release(&o->kernel);
        fact_str_release(&o->arch), fact_num_release(&o->secure_boot);
        fact_num_release(&o->enrolled_read), fact_num_release(&o->mok_pending);
        strv_release(&o->enrolled_keys), strv_release(&o->signing_keys);
        fact_str_release(&o->cmdline), fact_num_release(&o->hypervisor);
        fact_num_release(&o->numa_nodes);
}

static void nvml_release(struct snap_nvml *n)
{
        free(n->probe.why);
        free(n->library);
        fact_num_release(&n->init_result);
        fact_str_release(&n->driver_version);
        fact_num_release(&n->cuda_driver_version);
        fact_num_release(&n->device_count);
}

static void klog_release(struct snap_klog *k)
{
        free(k->probe.why);
        free(k->source);
        for (size_t i = 0; i < k->nxid; i++)
                free(k->xids[i].pci_bus_id), free(k->xids[i].detail);
        free(k->xids);
        strv_release(&k->nvrm);
}

static void toolkits_release(struct snap_toolkits *t)
{
        free(t->probe.why);
        fact_str_release(&t->cuda_link);
        for (size_t i = 0; i < t->n; i++) {
                free(t->v[i].path), free(t->v[i].origin), free(t->v[i].evidence);
                fact_str_release(&t->v[i].version);
        }
        free(t->v);
        fact_str_release(&t->nvcc_path), fact_str_release(&t->nvcc_env), fact_str_release(&t->nvcc_version);
        strv_release(&t->loader_dirs), strv_release(&t->libcuda), strv_release(&t->libcudart);
        fact_str_release(&t->stub_libcuda);
        strv_release(&t->ld_path_libs);
        strv_release(&t->packaged_missing);
}

static void shell_release(struct snap_shell *sh)
{
        free(sh->probe.why);
        fact_str_release(&sh->user), fact_str_release(&sh->home);
        fact_str_release(&sh->login_shell), fact_str_release(&sh->path);
        fact_str_release(&sh->ld_library_path), fact_str_release(&sh->conda_init);
        strv_release(&sh->rc_files), strv_release(&sh->cuda_lines);
}

static void pyenv_release(struct snap_pyenv *e)
{
        free(e->kind), free(e->path), free(e->name);
        fact_str_release(&e->python_version), fact_str_release(&e->torch_version);
        fact_str_release(&e->torch_cuda), fact_str_release(&e->torchvision_version);
        fact_str_release(&e->torchaudio_version), fact_str_release(&e->cuda_toolkit);
        strv_release(&e->nvidia_wheels), strv_release(&e->extensions);
        fact_str_release(&e->libstdcxx);
        fact_str_release(&e->base_python);
        fact_num_release(&e->live_cuda_available), fact_num_release(&e->live_device_count);
        fact_str_release(&e->live_arch_list), fact_str_release(&e->live_error);
        strv_release(&e->live_capabilities);
}

static void python_release(struct snap_python *p)
{
        free(p->probe.why);
        strv_release(&p->conda_installs);
        fact_str_release(&p->selected), fact_str_release(&p->selected_by);
        for (size_t i = 0; i < p->n; i++)
                pyenv_release(&p->envs[i]);
        free(p->envs);
}

void snap_release(struct snapshot *s)
{
        free(s->dlrig_version);
        os_release(&s->os);
        free(s->pci.probe.why);
        for (size_t i = 0; i < s->pci.n; i++)
                pci_dev_release(&s->pci.devs[i]);
        free(s->pci.devs);
        for (size_t i = 0; i < s->pci.nbridges; i++) {
                free(s->pci.bridges[i].bus_id);
                fact_num_release(&s->pci.bridges[i].acs_cap);
                fact_num_release(&s->pci.bridges[i].acs_ctrl);
        }
        free(s->pci.bridges);
        kmod_release(&s->kmod);
        nvml_release(&s->nvml);
        for (size_t i = 0; i < s->ngpus; i++)
                snap_gpu_release(&s->gpus[i]);
        free(s->gpus);
        cuda_release(&s->cuda);
        klog_release(&s->klog);
        free(s->fabric.probe.why);
        fact_str_release(&s->fabric.version);
        fact_num_release(&s->fabric.running);
        fact_num_release(&s->fabric.enabled);
        free(s->devnodes.probe.why);
        strv_release(&s->devnodes.gpus);
        toolkits_release(&s->toolkits);
        shell_release(&s->shell);
        python_release(&s->python);
        host_release(&s->host);
        procenv_release(&s->procenv);
        snap_topo_release(&s->topo);
        snap_init(s);
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

#define RELEASE_PAIR_NUM(name) fact_num_release(&p->name);
#define RELEASE_PAIR(kind, name) RELEASE_PAIR_##kind(name)

void snap_topo_release(struct snap_topo *t)
{
        free(t->probe.why);
        for (size_t i = 0; i < t->ngpus; i++) {
                fact_str_release(&t->gpus[i].cpu_affinity);
                fact_num_release(&t->gpus[i].nvlink_links);
                fact_num_release(&t->gpus[i].nvlink_up);
                strv_release(&t->gpus[i].nvlink_remotes);
        }
        for (size_t i = 0; i < t->npairs; i++) {
                struct snap_topo_pair *p = &t->pairs[i];
                SNAP_TOPO_PAIR_FIELDS(RELEASE_PAIR)
        }
        free(t->gpus);
        free(t->pairs);
        memset(t, 0, sizeof(*t));
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
