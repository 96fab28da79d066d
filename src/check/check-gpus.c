/* check-gpus.c - do PCI, NVML and CUDA agree on the GPUs, and if not, why;
 * and is persistence mode on where it matters.
 *
 * A missing GPU that a lower check already explains (fallen off the bus,
 * no memory window, no driver bound) is not counted again here. Fewer
 * GPUs in CUDA than in NVML is normal with CUDA_VISIBLE_DEVICES (a
 * warning: it may be a leftover) or MIG (a note; a warning when a GPU is
 * split into several instances, of which one process sees one); only an
 * unexplained gap is a failure. */
#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"
#include "util/xalloc.h"

static bool check_gpus_is_gpu(const struct snap_pci_dev *d)
{
        return d->kind && !strcmp(d->kind, "gpu");
}

/* A PCI GPU missing from NVML that the kmod or driver check explains. */
static bool check_gpus_explained(const struct snapshot *s, const struct snap_pci_dev *d)
{
        return check_util_bar_broken(s, d) || d->driver.st == FACT_ABSENT ||
               check_util_xid_on(s, d->bus_id, 79) || check_util_klog_find(s, "fallen off the bus", d->bus_id);
}

/* PCI GPUs that NVML does not list, with no explanation elsewhere. */
static size_t check_gpus_unexplained(const struct snapshot *s, struct strv *ret)
{
        size_t unnamed = 0, n = 0;

        for (size_t i = 0; i < s->ngpus; i++)
                unnamed += s->gpus[i].pci_bus_id.st != FACT_OK;
        for (size_t i = 0; i < s->pci.n; i++) {
                const struct snap_pci_dev *d = &s->pci.devs[i];
                if (!check_gpus_is_gpu(d) || check_util_gpu_at(s, d->bus_id) || check_gpus_explained(s, d))
                        continue;
                if (unnamed) { /* NVML has it, under no bus id */
                        unnamed--;
                        continue;
                }
                strv_pushf(ret, "%s (%s, driver %s)", d->bus_id, d->name.st == FACT_OK ? d->name.v : "NVIDIA GPU",
                           d->driver.st == FACT_OK ? d->driver.v : "none");
                n++;
        }
        return n;
}

static bool check_gpus_pci_nvml(const struct snapshot *s, struct findings *fs)
{
        struct strv missing = STRV_INIT;
        struct finding *f;

        if (s->pci.probe.st != FACT_OK || check_util_driver_unfit(fs) || !check_gpus_unexplained(s, &missing)) {
                strv_release(&missing);
                return false;
        }
        f = finding_add(fs, "gpu.count-pci-nvml", "%zu GPUs on the PCI bus, %zu in the driver: %s%s",
                        check_util_pci_gpus(s), s->ngpus, missing.v[0],
                        missing.n > 1 ? " and more are missing" : " is missing");
        for (size_t i = 0; i < missing.n; i++)
                finding_evidence(f, "on the PCI bus, not in NVML: %s", missing.v[i]);
        finding_evidence(f, "nvmlDeviceGetCount: %zu", s->ngpus);
        finding_fix(f, "sudo dmesg | grep -i NVRM | tail -n 20");
        finding_fix(f, "# a GPU this driver branch does not support, one excluded with NVreg_ExcludedGpus, or one bound to vfio-pci for a VM");
        strv_release(&missing);
        return true;
}

/* ---- NVML vs CUDA ---- */

/* GPUs split into several MIG instances: a CUDA process enumerates only
 * one MIG device, so a job meant for the GPU runs on a slice of it. */
static bool check_gpus_mig_split(const struct snapshot *s, struct findings *fs)
{
        struct finding *f = NULL;
        char name[CHECK_NAME_MAX];

        for (size_t i = 0; i < s->ngpus; i++) {
                const struct snap_gpu *g = &s->gpus[i];
                if (!fact_ok(&g->mig_instances) || g->mig_instances.v < 2)
                        continue;
                if (!f)
                        f = finding_add(fs, "gpu.mig-several-instances", "%s is split into %" PRId64 " MIG instances: one CUDA process sees only one of them, not the whole GPU",
                                        check_util_gpu_name(g, name), g->mig_instances.v);
                finding_evidence(f, "%s: MIG mode on, %" PRId64 " compute instances (/proc/driver/nvidia/capabilities/gpu%" PRId64 "/mig)",
                                 check_util_gpu_name(g, name), g->mig_instances.v, g->minor_number.v);
                finding_fix(f, "nvidia-smi -L   # the MIG devices; give each job one with CUDA_VISIBLE_DEVICES=MIG-<uuid>");
                finding_fix(f, "# if one job should have the whole GPU: sudo nvidia-smi mig -dci -i %" PRId64 " && sudo nvidia-smi mig -dgi -i %" PRId64 " && sudo nvidia-smi -i %" PRId64 " -mig 0",
                            g->index, g->index, g->index);
        }
        return f != NULL;
}

static bool check_gpus_mig(const struct snapshot *s, struct findings *fs)
{
        struct finding *f = NULL;
        char name[CHECK_NAME_MAX];

        if (check_gpus_mig_split(s, fs))
                return true;
        for (size_t i = 0; i < s->ngpus; i++) {
                const struct snap_gpu *g = &s->gpus[i];
                if (g->mig_mode_current.st != FACT_OK || g->mig_mode_current.v != 1)
                        continue;
                if (!f)
                        f = finding_add(fs, "gpu.mig-enabled", "MIG is on: CUDA programs see MIG instances, not whole GPUs (%" PRId64 " CUDA devices, %zu GPUs)",
                                        s->cuda.device_count.st == FACT_OK ? s->cuda.device_count.v : 0, s->ngpus);
                finding_evidence(f, "%s: MIG mode on", check_util_gpu_name(g, name));
                finding_fix(f, "# if not meant: sudo nvidia-smi -i %" PRId64 " -mig 0   # then reset the GPU or reboot", g->index);
        }
        return f != NULL;
}

/* Is g among the devices CUDA listed (by bus id), or, when CUDA gave no
 * bus ids, among those CUDA_VISIBLE_DEVICES names? */
static bool check_gpus_in_cuda(const struct snapshot *s, const struct snap_gpu *g)
{
        bool have_bus = false;

        for (size_t i = 0; i < s->cuda.n; i++) {
                const struct fact_str *b = &s->cuda.devs[i].pci_bus_id;
                if (b->st != FACT_OK)
                        continue;
                have_bus = true;
                if (g->pci_bus_id.st == FACT_OK && check_util_bus_eq(b->v, g->pci_bus_id.v))
                        return true;
        }
        if (have_bus || (s->cuda.device_count.st == FACT_OK && s->cuda.device_count.v == 0))
                return false;
        return check_util_cvd_names(s->cuda.visible_devices.v, g);
}

static bool check_gpus_visible(const struct snapshot *s, struct findings *fs)
{
        struct strv hidden = STRV_INIT;
        struct strbuf idx = STRBUF_INIT;
        char name[CHECK_NAME_MAX];
        struct finding *f;
        bool any;

        if (s->cuda.visible_devices.st != FACT_OK)
                return false;
        for (size_t i = 0; i < s->ngpus; i++) {
                const struct snap_gpu *g = &s->gpus[i];
                if (check_util_gpu_lost(g) || check_gpus_in_cuda(s, g))
                        continue;
                strv_push(&hidden, xstrdup(check_util_gpu_name(g, name)));
                strbuf_addf(&idx, "%s%" PRId64, idx.len ? ", " : "", g->index);
        }
        any = hidden.n > 0;
        if (any) {
                f = finding_add(fs, "gpu.cuda-visible-devices", "CUDA_VISIBLE_DEVICES=\"%s\" hides %zu of %zu GPUs from CUDA programs: GPU %s",
                                s->cuda.visible_devices.v, hidden.n, s->ngpus, idx.buf);
                for (size_t i = 0; i < hidden.n; i++)
                        finding_evidence(f, "hidden from CUDA: %s", hidden.v[i]);
                finding_evidence(f, "cuDeviceGetCount: %" PRId64 ", NVML: %zu GPUs",
                                 s->cuda.device_count.st == FACT_OK ? s->cuda.device_count.v : 0, s->ngpus);
                finding_fix(f, "unset CUDA_VISIBLE_DEVICES");
                finding_fix(f, "grep -n CUDA_VISIBLE_DEVICES ~/.bashrc ~/.profile ~/.bash_profile /etc/environment /etc/profile.d/* 2>/dev/null   # where it is set");
                finding_fix(f, "# to choose GPUs on purpose, name them by UUID (nvidia-smi -L) and set it per job, not per shell");
        }
        strbuf_release(&idx);
        strv_release(&hidden);
        return any;
}

static bool check_gpus_nvml_cuda(const struct snapshot *s, struct findings *fs)
{
        int64_t cuda = s->cuda.device_count.v;
        size_t want = 0;
        char name[CHECK_NAME_MAX];
        struct finding *f;

        for (size_t i = 0; i < s->ngpus; i++)
                want += !check_util_gpu_lost(&s->gpus[i]);
        if (cuda >= (int64_t)want)
                return false;
        f = finding_add(fs, "gpu.count-nvml-cuda", "CUDA sees %" PRId64 " of the driver's %zu GPUs", cuda, want);
        for (size_t i = 0; s->cuda.n && i < s->ngpus; i++)
                if (!check_gpus_in_cuda(s, &s->gpus[i]))
                        finding_evidence(f, "in NVML, not in CUDA: %s", check_util_gpu_name(&s->gpus[i], name));
        finding_evidence(f, "cuDeviceGetCount: %" PRId64 ", nvmlDeviceGetCount: %zu", cuda, s->ngpus);
        finding_fix(f, "ls -l /dev/nvidia*   # every GPU's node must be there and usable by you");
        finding_fix(f, "# in a container: NVIDIA_VISIBLE_DEVICES and --gpus decide which GPUs it gets");
        finding_fix(f, "sudo dmesg | grep -i NVRM | tail -n 20");
        return true;
}

/* CUDA answered: cuInit worked, or failed only because
 * CUDA_VISIBLE_DEVICES hides every GPU. */
static bool check_gpus_cuda_counted(const struct snapshot *s)
{
        const struct snap_cuda *c = &s->cuda;

        if (c->init_result.st != FACT_OK)
                return false;
        if (c->init_result.v == 100 && c->visible_devices.st == FACT_OK)
                return true;
        return c->init_result.v == 0 && c->probe.st == FACT_OK && c->device_count.st == FACT_OK;
}

/* ---- all agree ---- */

static void check_gpus_agree(const struct snapshot *s, struct findings *fs)
{
        const char **names = xcalloc(s->ngpus ? s->ngpus : 1, sizeof(*names));
        struct strbuf sb = STRBUF_INIT;
        char cbuf[CHECK_NAME_MAX];

        for (size_t i = 0; i < s->ngpus; i++)
                names[i] = s->gpus[i].name.st == FACT_OK ? s->gpus[i].name.v : "NVIDIA GPU";
        check_util_tally(&sb, names, s->ngpus);
        finding_add(fs, "gpu.counts-agree", "%s, driver %s, CUDA %s", sb.buf,
                    s->nvml.driver_version.st == FACT_OK ? s->nvml.driver_version.v : "?",
                    s->cuda.driver_version.st == FACT_OK ? check_util_cuda_version(s->cuda.driver_version.v, cbuf) : "?");
        strbuf_release(&sb);
        free(names);
}

static void check_gpus_persistence(const struct snapshot *s, struct findings *fs)
{
        size_t off = 0;
        char name[CHECK_NAME_MAX];
        struct finding *f;

        for (size_t i = 0; i < s->ngpus; i++)
                off += s->gpus[i].persistence_mode.st == FACT_OK && s->gpus[i].persistence_mode.v == 0;
        if (s->ngpus < 2 || !off)
                return;
        f = finding_add(fs, "gpu.persistence-off", "persistence mode is off on %zu of %zu GPUs: every CUDA start re-initialises them",
                        off, s->ngpus);
        for (size_t i = 0; i < s->ngpus; i++)
                if (s->gpus[i].persistence_mode.st == FACT_OK && s->gpus[i].persistence_mode.v == 0)
                        finding_evidence(f, "%s: persistence mode off", check_util_gpu_name(&s->gpus[i], name));
        finding_fix(f, "sudo systemctl enable --now nvidia-persistenced");
        finding_fix(f, "# or, until the next reboot only: sudo nvidia-smi -pm 1");
}

void check_gpus(const struct snapshot *s, struct findings *fs)
{
        bool bad, lost = false;

        if (!check_util_gpus_expected(s) || !check_util_nvml_ok(s))
                return;
        for (size_t i = 0; i < s->ngpus; i++)
                lost |= check_util_gpu_lost(&s->gpus[i]);
        bad = check_gpus_pci_nvml(s, fs);
        if (check_util_nodes_ok(s, true) && check_gpus_cuda_counted(s)) {
                if (check_gpus_mig(s, fs) || check_gpus_visible(s, fs))
                        bad = true;
                else
                        bad |= check_gpus_nvml_cuda(s, fs);
                if (!bad && !lost && s->ngpus && (s->pci.probe.st != FACT_OK || check_util_pci_gpus(s) == s->ngpus) &&
                    s->cuda.device_count.v == (int64_t)s->ngpus)
                        check_gpus_agree(s, fs);
        }
        check_gpus_persistence(s, fs);
}
