/* check-util.c - helpers shared by the checks (see check-util.h). */
#include "check-util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/parse.h"
#include "util/versions.h"
#include "util/xalloc.h"

const struct kb_distro *check_util_os(const struct snapshot *s)
{
        return s->os.distro_id.st == FACT_OK ? kb_distro_find(s->os.distro_id.v) : NULL;
}

enum check_distro check_util_distro(const struct snapshot *s)
{
        const struct kb_distro *d = check_util_os(s);

        if (!d)
                return CHECK_DISTRO_OTHER;
        return d->family == KB_FAMILY_DEBIAN ? CHECK_DISTRO_DEBIAN : CHECK_DISTRO_RHEL;
}

bool check_util_is_ubuntu(const struct snapshot *s)
{
        return s->os.distro_id.st == FACT_OK && !strcmp(s->os.distro_id.v, "ubuntu");
}

/* ---- bus ids and names ---- */

struct check_bus {
        unsigned long dom, bus, dev, fn;
        bool has_fn;   /* the kernel's Xid lines leave the function out */
};

static bool check_util_bus_parse(const char *s, struct check_bus *b)
{
        char tail;

        if (!s)
                return false;
        if (!strncasecmp(s, "PCI:", 4))
                s += 4;
        b->has_fn = true;
        if (sscanf(s, "%lx:%lx:%lx.%lx%c", &b->dom, &b->bus, &b->dev, &b->fn, &tail) == 4)
                return true;
        b->dom = 0;
        if (sscanf(s, "%lx:%lx.%lx%c", &b->bus, &b->dev, &b->fn, &tail) == 3)
                return true;
        b->has_fn = false;
        return sscanf(s, "%lx:%lx:%lx%c", &b->dom, &b->bus, &b->dev, &tail) == 3;
}

bool check_util_bus_eq(const char *a, const char *b)
{
        struct check_bus x, y;

        if (!check_util_bus_parse(a, &x) || !check_util_bus_parse(b, &y))
                return false;
        return x.dom == y.dom && x.bus == y.bus && x.dev == y.dev &&
               (!x.has_fn || !y.has_fn || x.fn == y.fn);
}

const struct snap_gpu *check_util_gpu_at(const struct snapshot *s, const char *bus)
{
        for (size_t i = 0; i < s->ngpus; i++)
                if (s->gpus[i].pci_bus_id.st == FACT_OK &&
                    check_util_bus_eq(s->gpus[i].pci_bus_id.v, bus))
                        return &s->gpus[i];
        return NULL;
}

/* The kernel's spelling of a bus id, "0000:b1:00.0", into buf. */
static const char *check_util_bus_text(const char *bus, char buf[CHECK_NAME_MAX])
{
        struct check_bus b;

        if (!check_util_bus_parse(bus, &b))
                return bus;
        if (b.has_fn)
                snprintf(buf, CHECK_NAME_MAX, "%04lx:%02lx:%02lx.%lx", b.dom, b.bus, b.dev, b.fn);
        else
                snprintf(buf, CHECK_NAME_MAX, "%04lx:%02lx:%02lx", b.dom, b.bus, b.dev);
        return buf;
}

const char *check_util_gpu_name(const struct snap_gpu *g, char buf[CHECK_NAME_MAX])
{
        char bus[CHECK_NAME_MAX];

        if (g->pci_bus_id.st == FACT_OK)
                snprintf(buf, CHECK_NAME_MAX, "GPU %" PRId64 " (%.64s)", g->index,
                         check_util_bus_text(g->pci_bus_id.v, bus));
        else
                snprintf(buf, CHECK_NAME_MAX, "GPU %" PRId64, g->index);
        return buf;
}

const char *check_util_bus_name(const struct snapshot *s, const char *bus,
                                char buf[CHECK_NAME_MAX])
{
        const struct snap_gpu *g = check_util_gpu_at(s, bus);
        char text[CHECK_NAME_MAX];

        if (g)
                return check_util_gpu_name(g, buf);
        snprintf(buf, CHECK_NAME_MAX, "GPU at %.80s", check_util_bus_text(bus, text));
        return buf;
}

/* ---- where the stack is broken ---- */

size_t check_util_pci_gpus(const struct snapshot *s)
{
        /* never scanned (a report, doctor --from): the GPUs it lists */
        if (s->pci.probe.st == FACT_UNSET)
                return s->ngpus;
        return snap_pci_count(s, "gpu");
}

bool check_util_gpus_expected(const struct snapshot *s)
{
        return s->pci.probe.st != FACT_OK || check_util_pci_gpus(s) > 0;
}

bool check_util_kernel_ok(const struct snapshot *s)
{
        const struct snap_kmod *k = &s->kmod;

        if (k->probe.st != FACT_OK)
                return true;
        return k->nvidia && !k->nouveau && !k->nova_core;
}

/* The GPU nodes the driver should have made: one per NVML minor number,
 * or, when NVML could not tell, one per GPU bound to nvidia. */
static size_t check_util_missing_gpu_nodes(const struct snapshot *s, struct strv *ret)
{
        const struct snap_devnodes *dn = &s->devnodes;
        size_t missing = 0, bound = 0, known = 0;
        char name[32];

        for (size_t i = 0; i < s->ngpus; i++) {
                const struct fact_num *m = &s->gpus[i].minor_number;
                if (m->st != FACT_OK)
                        continue;
                known++;
                snprintf(name, sizeof(name), "nvidia%" PRId64, m->v);
                if (strv_find(&dn->gpus, name) < 0 && ++missing && ret)
                        strv_pushf(ret, "/dev/%s", name);
        }
        for (size_t i = 0; !known && i < s->pci.n; i++) {
                const struct snap_pci_dev *d = &s->pci.devs[i];
                if (!d->kind || strcmp(d->kind, "gpu") || d->driver.st != FACT_OK ||
                    strcmp(d->driver.v, "nvidia"))
                        continue;
                snprintf(name, sizeof(name), "nvidia%zu", bound++);
                if (strv_find(&dn->gpus, name) < 0 && ++missing && ret)
                        strv_pushf(ret, "/dev/%s", name);
        }
        return missing;
}

size_t check_util_missing_nodes(const struct snapshot *s, bool uvm, struct strv *ret)
{
        const struct snap_devnodes *dn = &s->devnodes;
        size_t missing = 0;

        if (dn->probe.st != FACT_OK)
                return 0;
        if (!dn->nvidiactl && ++missing && ret)
                strv_pushf(ret, "/dev/nvidiactl");
        missing += check_util_missing_gpu_nodes(s, ret);
        if (uvm && !dn->nvidia_uvm && ++missing && ret)
                strv_pushf(ret, "/dev/nvidia-uvm");
        return missing;
}

bool check_util_nodes_ok(const struct snapshot *s, bool uvm)
{
        return check_util_missing_nodes(s, uvm, NULL) == 0;
}

bool check_util_nvml_missing(const struct snapshot *s)
{
        return s->nvml.probe.st == FACT_ABSENT;
}

bool check_util_nvml_init_ok(const struct snapshot *s)
{
        const struct snap_nvml *n = &s->nvml;
        char lbuf[CHECK_NAME_MAX], mbuf[CHECK_NAME_MAX];
        const char *lib = check_util_lib_version(s, lbuf);
        const char *mod = check_util_module_version(s, mbuf);

        if (n->init_result.st == FACT_OK ? n->init_result.v != 0 : n->probe.st != FACT_OK)
                return false;
        return !lib || !mod || version_same_release(lib, mod);
}

bool check_util_nvml_ok(const struct snapshot *s)
{
        return s->nvml.probe.st == FACT_OK && check_util_nvml_init_ok(s);
}

const char *check_util_so_version(const char *path, char buf[CHECK_NAME_MAX])
{
        const char *base, *v;

        if (!path)
                return NULL;
        base = strrchr(path, '/');
        base = base ? base + 1 : path;
        v = strstr(base, ".so.");
        if (!v)
                return NULL;
        v += 4;
        if (!strchr(v, '.') || strspn(v, "0123456789.") != strlen(v))
                return NULL;
        snprintf(buf, CHECK_NAME_MAX, "%s", v);
        return buf;
}

const char *check_util_lib_version(const struct snapshot *s, char buf[CHECK_NAME_MAX])
{
        if (s->nvml.driver_version.st == FACT_OK)
                return s->nvml.driver_version.v;
        return check_util_so_version(s->nvml.library, buf);
}

const char *check_util_module_version(const struct snapshot *s, char buf[CHECK_NAME_MAX])
{
        const struct snap_kmod *k = &s->kmod;
        _cleanup_free_ char *v = NULL;

        if (k->loaded_version.st == FACT_OK)
                return k->loaded_version.v;
        if (k->proc_version.st != FACT_OK || !(v = version_find(k->proc_version.v)))
                return NULL;
        snprintf(buf, CHECK_NAME_MAX, "%s", v);
        return buf;
}

const char *check_util_driver_version(const struct snapshot *s, char buf[CHECK_NAME_MAX])
{
        if (s->nvml.driver_version.st == FACT_OK)
                return s->nvml.driver_version.v;
        return check_util_module_version(s, buf);
}

const char *check_util_cuda_version(int64_t v, char buf[CHECK_NAME_MAX])
{
        snprintf(buf, CHECK_NAME_MAX, "%" PRId64 ".%" PRId64, v / 1000, v % 1000 / 10);
        return buf;
}

/* ---- GPU faults and the kernel log ---- */

static bool check_util_fault_match(const struct fact_num *n, const struct fact_str *t,
                                   enum fact_st st, const char *needle)
{
        enum fact_st fst = n ? n->st : t->st;
        const char *why = n ? n->why : t->why;

        if (fst == FACT_OK || fst == FACT_UNSET || (st != FACT_ST_INVALID && fst != st))
                return false;
        return !needle || (why && strcasestr(why, needle));
}

#define CHECK_FAULT_NUM(name)                                                  \
        if (check_util_fault_match(&g->name, NULL, st, needle)) {              \
                *field = #name;                                                \
                return g->name.why ? g->name.why : fact_st_name(g->name.st);   \
        }
#define CHECK_FAULT_STR(name)                                                  \
        if (check_util_fault_match(NULL, &g->name, st, needle)) {              \
                *field = #name;                                                \
                return g->name.why ? g->name.why : fact_st_name(g->name.st);   \
        }
#define CHECK_FAULT(kind, name) CHECK_FAULT_##kind(name)

const char *check_util_gpu_fault(const struct snap_gpu *g, enum fact_st st, const char *needle,
                                 const char **field)
{
        SNAP_GPU_FIELDS(CHECK_FAULT)
        return NULL;
}

bool check_util_gpu_lost(const struct snap_gpu *g)
{
        const char *field;

        return check_util_gpu_fault(g, FACT_ST_INVALID, "GPU_IS_LOST", &field) ||
               check_util_gpu_fault(g, FACT_ST_INVALID, "GPU is lost", &field);
}

const char *check_util_klog_find(const struct snapshot *s, const char *needle, const char *bus)
{
        const struct strv *nvrm = &s->klog.nvrm;
        char text[CHECK_NAME_MAX] = "";
        struct check_bus b;

        /* The kernel names a GPU "0000:b1:00" or "0000:b1:00.0": match the
         * part before the function. */
        if (bus) {
                if (!check_util_bus_parse(bus, &b))
                        return NULL;
                snprintf(text, sizeof(text), "%04lx:%02lx:%02lx", b.dom, b.bus, b.dev);
        }
        for (size_t i = 0; i < nvrm->n; i++)
                if (strcasestr(nvrm->v[i], needle) && (!bus || strcasestr(nvrm->v[i], text)))
                        return nvrm->v[i];
        return NULL;
}

bool check_util_xid_on(const struct snapshot *s, const char *bus, int64_t code)
{
        for (size_t i = 0; i < s->klog.nxid; i++)
                if (s->klog.xids[i].code == code && check_util_bus_eq(s->klog.xids[i].pci_bus_id, bus))
                        return true;
        return false;
}

/* The GPU index a breadcrumb such as "nvmlDeviceGetHandleByIndex_v2(3)"
 * names, or -1. */
static int64_t check_util_crumb_index(const char *why)
{
        const char *p = why ? strchr(why, '(') : NULL;
        int64_t idx;
        char *end;

        if (!p)
                return -1;
        idx = strtoll(p + 1, &end, 10);
        return end != p + 1 && *end == ')' ? idx : -1;
}

/* The bus of the index-th NVIDIA GPU on the PCI bus in bus order, the
 * order NVML numbers them in; NULL when there is no such GPU or NVML lists
 * that bus under another index (then the two orders differ). */
static const char *check_util_pci_nth_gpu(const struct snapshot *s, int64_t index)
{
        for (size_t i = 0; i < s->pci.n; i++) {
                const struct snap_pci_dev *d = &s->pci.devs[i];
                int64_t rank = 0;

                if (!d->kind || strcmp(d->kind, "gpu"))
                        continue;
                for (size_t j = 0; j < s->pci.n; j++)
                        rank += s->pci.devs[j].kind && !strcmp(s->pci.devs[j].kind, "gpu") &&
                                strcmp(s->pci.devs[j].bus_id, d->bus_id) < 0;
                if (rank == index)
                        return check_util_gpu_at(s, d->bus_id) ? NULL : d->bus_id;
        }
        return NULL;
}

bool check_util_hang(const struct snapshot *s, struct check_hang *ret)
{
        struct check_hang h = { .index = -1 };

        if (s->nvml.probe.st == FACT_TIMEOUT)
                h.why = s->nvml.probe.why ? s->nvml.probe.why : "an NVML call did not return";
        for (size_t i = 0; !h.why && i < s->ngpus; i++)
                if ((h.why = check_util_gpu_fault(&s->gpus[i], FACT_TIMEOUT, NULL, &h.field)))
                        h.gpu = &s->gpus[i];
        if (!h.why)
                return false;
        h.index = h.gpu ? h.gpu->index : check_util_crumb_index(h.why);
        if (!h.gpu && h.index >= 0 && (size_t)h.index < s->ngpus)
                h.gpu = &s->gpus[h.index];
        if (h.gpu)
                h.bus = h.gpu->pci_bus_id.st == FACT_OK ? h.gpu->pci_bus_id.v : NULL;
        else if (h.index >= 0)
                h.bus = check_util_pci_nth_gpu(s, h.index);
        *ret = h;
        return true;
}

bool check_util_bar_broken(const struct snapshot *s, const struct snap_pci_dev *d)
{
        static const char *const signs[] = { "RmInitAdapter failed", "I/O region",
                                             "BIOS may have misconfigured", "BAR" };

        if (d->bar0_bytes.st == FACT_OK && d->bar0_bytes.v == 0)
                return true;
        for (size_t i = 0; i < ARRAY_SIZE(signs); i++)
                if (check_util_klog_find(s, signs[i], d->bus_id))
                        return true;
        return false;
}

bool check_util_fabric_broken(const struct snapshot *s)
{
        const struct snap_fabric *fm = &s->fabric;
        char buf[CHECK_NAME_MAX];
        const char *drv = check_util_driver_version(s, buf);

        if (!snap_pci_count(s, "nvswitch") || fm->probe.st != FACT_OK)
                return false;
        if (fm->version.st != FACT_OK || fm->running.st != FACT_OK || fm->running.v != 1)
                return true;
        return drv && !version_same_release(fm->version.v, drv);
}

enum severity check_util_worst_since(const struct findings *fs, size_t start)
{
        enum severity worst = SEV_OK;

        for (size_t i = start; i < fs->n; i++)
                if (fs->v[i].cat->sev > worst)
                        worst = fs->v[i].cat->sev;
        return worst;
}


bool check_util_driver_unfit(const struct findings *fs)
{
        return findings_has(fs, "driver.branch-unsupported") || findings_has(fs, "kmod.flavour-wrong");
}
