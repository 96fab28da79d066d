/* snap-builder.c - hand-made snapshots for the check tests (see
 * snap-builder.h). */
#include "snap-builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

const char *snapb_bus(size_t i)
{
        static char bus[64][16];

        snprintf(bus[i % 64], sizeof(bus[0]), "0000:%02zx:00.0", 0x10 + i);
        return bus[i % 64];
}

static void snapb_os(struct snap_os *os)
{
        probe_set(&os->probe, FACT_OK, NULL);
        fact_set_str(&os->distro_id, "ubuntu");
        fact_set_str(&os->version_id, "22.04");
        fact_set_str(&os->pretty_name, "Ubuntu 22.04.4 LTS");
        fact_set_str(&os->kernel, SNAPB_KERNEL);
        fact_set_str(&os->arch, "x86_64");
        fact_set_num(&os->secure_boot, 0);
}

static void snapb_pci_dev(struct snap_pci_dev *d, const char *bus, const char *kind)
{
        d->bus_id = xstrdup(bus);
        d->kind = xstrdup(kind);
        d->vendor_id = 0x10de;
        d->device_id = strcmp(kind, "gpu") ? 0x22a3 : 0x2237;
        d->class_code = strcmp(kind, "gpu") ? 0x068000 : 0x030200;
        fact_set_str(&d->name, strcmp(kind, "gpu") ? "NVSwitch" : "NVIDIA A10G");
        fact_set_num(&d->numa_node, 0);
        fact_set_str(&d->driver, "nvidia");
        fact_set_str(&d->link_speed_cur, "16.0 GT/s PCIe");
        fact_set_str(&d->link_speed_max, "16.0 GT/s PCIe");
        fact_set_num(&d->link_gen_cur, 4);
        fact_set_num(&d->link_gen_max, 4);
        fact_set_num(&d->link_width_cur, 16);
        fact_set_num(&d->link_width_max, 16);
        fact_set_num(&d->bar0_bytes, 16 << 20);
}

static void snapb_kmod(struct snap_kmod *k)
{
        struct snap_dkms *d;

        probe_set(&k->probe, FACT_OK, NULL);
        k->nvidia = k->nvidia_uvm = k->nvidia_drm = k->nvidia_modeset = true;
        fact_set_str(&k->loaded_version, SNAPB_DRIVER);
        fact_set_str(&k->proc_version, "NVRM version: NVIDIA UNIX x86_64 Kernel Module  " SNAPB_DRIVER
                                       "  Thu Feb 22 01:44:30 UTC 2024");
        fact_set_str(&k->flavour, "proprietary");
        fact_set_str(&k->module_path, "/lib/modules/" SNAPB_KERNEL "/updates/dkms/nvidia.ko");
        fact_set_str(&k->module_version, SNAPB_DRIVER);
        fact_set_str(&k->module_signer, "DKMS module signing key");
        fact_set_str(&k->nouveau_blacklisted, "/lib/modprobe.d/blacklist-nvidia-nouveau.conf");
        strv_push(&k->kernels_with_module, xstrdup(SNAPB_KERNEL));
        d = snap_add_dkms(k);
        d->module = xstrdup("nvidia");
        d->version = xstrdup(SNAPB_DRIVER);
        d->kernel = xstrdup(SNAPB_KERNEL);
        d->arch = xstrdup("x86_64");
        d->state = xstrdup("installed");
}

static void snapb_gpu(struct snapshot *s, size_t i)
{
        struct snap_gpu *g = snap_add_gpu(s);
        char buf[64];

        fact_set_str(&g->name, "NVIDIA A10G");
        snprintf(buf, sizeof(buf), "00000000:%02zX:00.0", 0x10 + i);
        fact_set_str(&g->pci_bus_id, buf);
        snprintf(buf, sizeof(buf), "GPU-5a1b0000-0000-0000-0000-%012zx", i);
        fact_set_str(&g->uuid, buf);
        fact_set_num(&g->memory_total_bytes, 24146608128);
        fact_set_str(&g->compute_capability, "8.6");
        fact_set_num(&g->pci_device_id, 0x223710de);
        fact_set_num(&g->minor_number, (int64_t)i);
        fact_set_num(&g->persistence_mode, 1);
        fact_fail_num(&g->mig_mode_current, FACT_UNSUPPORTED, "NVML_ERROR_NOT_SUPPORTED");
        fact_fail_num(&g->mig_mode_pending, FACT_UNSUPPORTED, "NVML_ERROR_NOT_SUPPORTED");
        fact_set_num(&g->ecc_mode_current, 1);
        fact_set_num(&g->ecc_mode_pending, 1);
        fact_set_num(&g->ecc_uncorrected_volatile, 0);
        fact_set_num(&g->ecc_uncorrected_aggregate, 0);
        fact_set_num(&g->ecc_corrected_volatile, 0);
        fact_set_num(&g->retired_pages_sbe, 0);
        fact_set_num(&g->retired_pages_dbe, 0);
        fact_set_num(&g->retired_pages_pending, 0);
        fact_set_num(&g->remap_correctable, 0);
        fact_set_num(&g->remap_uncorrectable, 0);
        fact_set_num(&g->remap_pending, 0);
        fact_set_num(&g->remap_failed, 0);
        fact_set_num(&g->pcie_gen_cur, 4);
        fact_set_num(&g->pcie_gen_max, 4);
        fact_set_num(&g->pcie_width_cur, 16);
        fact_set_num(&g->pcie_width_max, 16);
        fact_set_num(&g->temperature_c, 31);
        fact_set_num(&g->power_draw_mw, 25000);
        fact_set_num(&g->power_limit_mw, 300000);
        fact_set_num(&g->clock_event_reasons, 0x1);
}

static void snapb_nvml(struct snapshot *s, size_t n)
{
        struct snap_nvml *nv = &s->nvml;

        probe_set(&nv->probe, FACT_OK, NULL);
        nv->library = xstrdup("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so." SNAPB_DRIVER);
        fact_set_num(&nv->init_result, 0);
        fact_set_str(&nv->driver_version, SNAPB_DRIVER);
        fact_set_num(&nv->cuda_driver_version, 12020);
        fact_set_num(&nv->device_count, (int64_t)n);
        for (size_t i = 0; i < n; i++)
                snapb_gpu(s, i);
}

static void snapb_drop_cuda_devs(struct snap_cuda *c)
{
        for (size_t i = 0; i < c->n; i++)
                snap_cuda_dev_release(&c->devs[i]);
        free(c->devs);
        c->devs = NULL;
        c->n = 0;
}

void snapb_cuda_devs(struct snapshot *s, const int *gpus)
{
        struct snap_cuda *c = &s->cuda;
        char buf[64];

        snapb_drop_cuda_devs(c);
        for (; *gpus >= 0; gpus++) {
                struct snap_cuda_dev *d = snap_add_cuda_dev(c);
                fact_set_str(&d->name, "NVIDIA A10G");
                snprintf(buf, sizeof(buf), "0000:%02X:00.0", 0x10 + *gpus);
                fact_set_str(&d->pci_bus_id, buf);
                fact_set_str(&d->compute_capability, "8.6");
                fact_set_num(&d->memory_total_bytes, 24146608128);
        }
        fact_set_num(&c->device_count, (int64_t)c->n);
}

static void snapb_cuda(struct snapshot *s, size_t n)
{
        struct snap_cuda *c = &s->cuda;
        int idx[65];

        probe_set(&c->probe, FACT_OK, NULL);
        c->library = xstrdup("/usr/lib/x86_64-linux-gnu/libcuda.so." SNAPB_DRIVER);
        fact_set_num(&c->init_result, 0);
        fact_set_num(&c->driver_version, 12020);
        fact_fail_str(&c->visible_devices, FACT_ABSENT, "unset");
        fact_fail_str(&c->device_order, FACT_ABSENT, "unset");
        for (size_t i = 0; i < n && i < 64; i++)
                idx[i] = (int)i;
        idx[n < 64 ? n : 64] = -1;
        snapb_cuda_devs(s, idx);
}

void snapb_healthy(struct snapshot *s, size_t ngpus)
{
        snap_init(s);
        s->dlrig_version = xstrdup("test");
        snapb_os(&s->os);
        probe_set(&s->pci.probe, FACT_OK, NULL);
        for (size_t i = 0; i < ngpus; i++)
                snapb_pci_dev(snap_add_pci_dev(&s->pci), snapb_bus(i), "gpu");
        snapb_kmod(&s->kmod);
        snapb_nvml(s, ngpus);
        snapb_cuda(s, ngpus);
        probe_set(&s->klog.probe, FACT_OK, NULL);
        s->klog.source = xstrdup("/dev/kmsg");
        probe_set(&s->fabric.probe, FACT_OK, NULL);
        fact_fail_str(&s->fabric.version, FACT_ABSENT, "not installed");
        fact_set_num(&s->fabric.running, 0);
        fact_set_num(&s->fabric.enabled, 0);
        probe_set(&s->devnodes.probe, FACT_OK, NULL);
        s->devnodes.nvidiactl = s->devnodes.nvidia_uvm = true;
        for (size_t i = 0; i < ngpus; i++)
                strv_pushf(&s->devnodes.gpus, "nvidia%zu", i);
}

void snapb_nvswitch(struct snapshot *s, size_t n)
{
        char bus[32];

        for (size_t i = 0; i < n; i++) {
                snprintf(bus, sizeof(bus), "0000:%02zx:00.0", 0xc0 + i);
                snapb_pci_dev(snap_add_pci_dev(&s->pci), bus, "nvswitch");
        }
        fact_set_str(&s->fabric.version, SNAPB_DRIVER "-1");
        fact_set_num(&s->fabric.running, 1);
        fact_set_num(&s->fabric.enabled, 1);
}

void snapb_xid(struct snapshot *s, size_t gpu, int64_t code, const char *detail)
{
        struct snap_xid *x = snap_add_xid(&s->klog);
        char bus[32];

        /* the kernel prints the bus without the function */
        snprintf(bus, sizeof(bus), "0000:%02zx:00", 0x10 + gpu);
        x->pci_bus_id = xstrdup(bus);
        x->code = code;
        x->detail = xstrdup(detail);
}

#define SNAPB_LOSE_NUM(name) fact_fail_num(&g->name, FACT_ERROR, "NVML_ERROR_GPU_IS_LOST");
#define SNAPB_LOSE_STR(name)                                                   \
        if (strcmp(#name, "pci_bus_id"))                                       \
                fact_fail_str(&g->name, FACT_ERROR, "NVML_ERROR_GPU_IS_LOST");
#define SNAPB_LOSE(kind, name) SNAPB_LOSE_##kind(name)

void snapb_lose_gpu(struct snapshot *s, size_t i)
{
        struct snap_gpu *g = &s->gpus[i];

        SNAP_GPU_FIELDS(SNAPB_LOSE)
}

static void snapb_drop_gpus(struct snapshot *s)
{
        for (size_t i = 0; i < s->ngpus; i++)
                snap_gpu_release(&s->gpus[i]);
        free(s->gpus);
        s->gpus = NULL;
        s->ngpus = 0;
}

void snapb_nvml_fail(struct snapshot *s, int64_t code)
{
        struct snap_nvml *n = &s->nvml;

        fact_set_num(&n->init_result, code);
        probe_set(&n->probe, FACT_ERROR, "nvmlInit_v2 failed");
        fact_str_release(&n->driver_version);
        fact_num_release(&n->cuda_driver_version);
        fact_num_release(&n->device_count);
        snapb_drop_gpus(s);
}

void snapb_cuda_fail(struct snapshot *s, int64_t code)
{
        struct snap_cuda *c = &s->cuda;

        fact_set_num(&c->init_result, code);
        probe_set(&c->probe, FACT_ERROR, "cuInit failed");
        fact_num_release(&c->device_count);
        snapb_drop_cuda_devs(c);
}

void snapb_no_driver(struct snapshot *s)
{
        struct snap_kmod *k = &s->kmod;

        for (size_t i = 0; i < s->pci.n; i++)
                fact_fail_str(&s->pci.devs[i].driver, FACT_ABSENT, "no driver bound");
        k->nvidia = k->nvidia_uvm = k->nvidia_drm = k->nvidia_modeset = false;
        fact_fail_str(&k->loaded_version, FACT_ABSENT, "nvidia module not loaded");
        fact_fail_str(&k->proc_version, FACT_ABSENT, "nvidia module not loaded");
        fact_fail_str(&k->flavour, FACT_ABSENT, "nvidia module not loaded");
        fact_fail_str(&k->module_path, FACT_ABSENT, "no nvidia module for " SNAPB_KERNEL);
        fact_fail_str(&k->module_version, FACT_ABSENT, "no module");
        fact_fail_str(&k->module_signer, FACT_ABSENT, "no module");
        strv_release(&k->kernels_with_module);
        for (size_t i = 0; i < k->ndkms; i++) {
                struct snap_dkms *d = &k->dkms[i];
                free(d->module), free(d->version), free(d->kernel), free(d->arch), free(d->state);
        }
        free(k->dkms);
        k->dkms = NULL;
        k->ndkms = 0;
        snapb_nvml_fail(s, 0);
        fact_num_release(&s->nvml.init_result);
        probe_set(&s->nvml.probe, FACT_ABSENT, "libnvidia-ml.so.1: cannot open shared object file");
        free(s->nvml.library), s->nvml.library = NULL;
        snapb_cuda_fail(s, 0);
        fact_num_release(&s->cuda.init_result);
        fact_num_release(&s->cuda.driver_version);
        probe_set(&s->cuda.probe, FACT_ABSENT, "libcuda.so.1: cannot open shared object file");
        free(s->cuda.library), s->cuda.library = NULL;
        s->devnodes.nvidiactl = s->devnodes.nvidia_uvm = false;
        strv_release(&s->devnodes.gpus);
}

/* ---- running the checks ---- */

static int snapb_cmp(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *snapb_ids(const struct snapshot *s, enum severity min)
{
        struct findings fs = FINDINGS_INIT;
        struct strbuf sb = STRBUF_INIT;
        const char **ids;
        size_t n = 0;

        check_all(s, &fs);
        ids = xcalloc(fs.n + 1, sizeof(*ids));
        for (size_t i = 0; i < fs.n; i++)
                if (fs.v[i].cat->sev >= min)
                        ids[n++] = fs.v[i].cat->id;
        qsort(ids, n, sizeof(*ids), snapb_cmp);
        for (size_t i = 0; i < n; i++)
                strbuf_addf(&sb, "%s%s", i ? " " : "", ids[i]);
        free(ids);
        findings_release(&fs);
        return strbuf_detach(&sb);
}

/* Runs the checks and copies what get() returns of the first finding of
 * id that has it. */
static char *snapb_first(const struct snapshot *s, const char *id, const char *needle)
{
        struct findings fs = FINDINGS_INIT;
        char *ret = NULL;

        check_all(s, &fs);
        for (size_t i = 0; i < fs.n && !ret; i++) {
                const struct finding *f = &fs.v[i];
                if (strcmp(f->cat->id, id))
                        continue;
                if (!needle)
                        ret = xstrdup(f->summary);
                for (size_t j = 0; needle && !ret && j < f->evidence.n; j++)
                        if (strstr(f->evidence.v[j], needle))
                                ret = xstrdup(f->evidence.v[j]);
                for (size_t j = 0; needle && !ret && j < f->fix.n; j++)
                        if (strstr(f->fix.v[j], needle))
                                ret = xstrdup(f->fix.v[j]);
        }
        findings_release(&fs);
        return ret;
}

char *snapb_summary(const struct snapshot *s, const char *id)
{
        return snapb_first(s, id, NULL);
}

char *snapb_line(const struct snapshot *s, const char *id, const char *needle)
{
        return snapb_first(s, id, needle);
}

/* Every fix line of every finding of s, one a line (owned). */
char *snapb_fixes(const struct snapshot *s)
{
        struct findings fs = FINDINGS_INIT;
        struct strbuf sb = STRBUF_INIT;

        check_all(s, &fs);
        for (size_t i = 0; i < fs.n; i++)
                for (size_t j = 0; j < fs.v[i].fix.n; j++)
                        strbuf_addf(&sb, "%s\n", fs.v[i].fix.v[j]);
        findings_release(&fs);
        return strbuf_detach(&sb);
}
