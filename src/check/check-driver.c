/* check-driver.c - the driver layer: does NVML answer, at the module's
 * version, for every GPU on the bus?
 *
 * Runs only when the kernel layer is fine (a module that is not loaded
 * explains every NVML failure), and reports the first of: a hung call, a
 * missing library, a version mismatch, a failed init; then GPUs that fell
 * off the bus or that the driver could not bring up. */
#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"
#include "kb/kb.h"
#include "util/parse.h"
#include "util/versions.h"

static void check_driver_xid_evidence(struct finding *f, const struct snapshot *s, const char *bus,
                                      int64_t code)
{
        for (size_t i = 0; i < s->klog.nxid; i++) {
                const struct snap_xid *x = &s->klog.xids[i];
                if ((code < 0 || x->code == code) && (!bus || check_util_bus_eq(x->pci_bus_id, bus)))
                        finding_evidence(f, "kernel log (%s): Xid %" PRId64 " on %s: %s",
                                         s->klog.source ? s->klog.source : "dmesg", x->code,
                                         x->pci_bus_id ? x->pci_bus_id : "?", x->detail ? x->detail : "");
        }
}

/* ---- a call that never returned ---- */

static void check_driver_fix_lost(struct finding *f)
{
        finding_fix(f, "# stop the jobs that use it; a reboot is the reliable way back");
        finding_fix(f, "sudo reboot");
        finding_fix(f, "# if it happens again: reseat the card and its power cables, check PSU headroom and cooling, update the BIOS");
        finding_fix(f, "# if it follows the card to another slot, have it replaced (RMA)");
}

/* The Xid that explains a hang on bus: 79 (fallen off the bus) first, then
 * the first the knowledge base calls critical, then the first of any kind.
 * The kernel logged it before the call hung: it is the cause. */
static const struct snap_xid *check_driver_hang_xid(const struct snapshot *s, const char *bus)
{
        const struct snap_xid *crit = NULL, *any = NULL;

        for (size_t i = 0; bus && i < s->klog.nxid; i++) {
                const struct snap_xid *x = &s->klog.xids[i];
                const struct kb_xid *k = kb_xid_find((int)x->code);

                if (!check_util_bus_eq(x->pci_bus_id, bus))
                        continue;
                if (x->code == 79)
                        return x;
                if (!crit && k && k->cls == KB_XID_CRITICAL)
                        crit = x;
                if (!any)
                        any = x;
        }
        return crit ? crit : any;
}

/* "GPU 4 (0000:00:1a.0)" for the GPU the hang was about, or "" when the
 * call named none. */
static void check_driver_hang_name(const struct check_hang *h, char buf[CHECK_NAME_MAX])
{
        char gname[CHECK_NAME_MAX];

        if (h->gpu)
                snprintf(buf, CHECK_NAME_MAX, "%s", check_util_gpu_name(h->gpu, gname));
        else if (h->index >= 0 && h->bus)
                snprintf(buf, CHECK_NAME_MAX, "GPU %" PRId64 " (%s)", h->index, h->bus);
        else if (h->index >= 0)
                snprintf(buf, CHECK_NAME_MAX, "GPU %" PRId64, h->index);
        else
                buf[0] = '\0';
}

static struct finding *check_driver_hang_finding(const struct check_hang *h, const struct snap_xid *x,
                                                 struct findings *fs)
{
        const char *stop = strstr(h->why, " did not return"), *call = h->field ? h->field : h->why;
        int len = h->field ? (int)strlen(h->field) : stop ? (int)(stop - h->why) : (int)strlen(h->why);
        const struct kb_xid *k = x ? kb_xid_find((int)x->code) : NULL;
        char name[CHECK_NAME_MAX];

        check_driver_hang_name(h, name);
        if (x && x->code == 79)
                return finding_add(fs, "driver.gpu-lost", "%s has fallen off the bus (Xid 79 in the kernel log): the driver hung when asked about it in %.*s",
                                   name, len, call);
        if (x)
                return finding_add(fs, "driver.hung", "%s logged Xid %" PRId64 " (%s), then the driver hung in %.*s",
                                   name, x->code, k ? k->meaning : "a code dlrig does not know", len, call);
        return finding_add(fs, "driver.hung", "the driver hung in %.*s%s%s: a GPU or the driver does not respond",
                           len, call, name[0] ? ", " : "", name);
}

/* A hung call. When the kernel log has an Xid for the GPU it was about,
 * the finding leads with the Xid: the hang is its consequence. */
static bool check_driver_hung(const struct snapshot *s, struct findings *fs)
{
        const struct snap_xid *x;
        struct check_hang h;
        struct finding *f;

        if (!check_util_hang(s, &h))
                return false;
        x = check_driver_hang_xid(s, h.bus);
        f = check_driver_hang_finding(&h, x, fs);
        /* the health check reports Xids of the other GPUs */
        check_driver_xid_evidence(f, s, h.bus, -1);
        finding_evidence(f, "NVML worker: %s", h.why);
        if (x && x->code == 79) {
                const char *line = check_util_klog_find(s, "fallen off the bus", h.bus);

                if (line && !strstr(line, "Xid"))
                        finding_evidence(f, "kernel log: %s", line);
                check_driver_fix_lost(f);
                return true;
        }
        if (x && kb_xid_find((int)x->code))
                finding_fix(f, "# Xid %" PRId64 ": %s", x->code, kb_xid_find((int)x->code)->action);
        finding_fix(f, "sudo lsof /dev/nvidia*");
        if (h.index >= 0)
                finding_fix(f, "sudo nvidia-smi -r -i %" PRId64 "   # reset it once no process uses it", h.index);
        finding_fix(f, "sudo reboot   # when the reset hangs too, or the call is stuck in the kernel (D state)");
        return true;
}

/* ---- the library ---- */

static bool check_driver_missing(const struct snapshot *s, struct findings *fs)
{
        char mbuf[CHECK_NAME_MAX], pkg[2 * CHECK_NAME_MAX];
        const char *mod = check_util_module_version(s, mbuf);
        struct finding *f;

        if (!check_util_nvml_missing(s))
                return false;
        f = finding_add(fs, "driver.nvml-missing", "the nvidia module %s is loaded but libnvidia-ml is not installed",
                        mod ? mod : "");
        finding_evidence(f, "libnvidia-ml: %s", s->nvml.probe.why ? s->nvml.probe.why : "not found");
        if (mod)
                finding_evidence(f, "/sys/module/nvidia/version: %s", mod);
        snprintf(pkg, sizeof(pkg), "%s%s", check_util_is_ubuntu(s) ? "libnvidia-compute-" : "libnvidia-ml1",
                 check_util_is_ubuntu(s) ? (mod ? version_branch(mod).s : "<branch>") : "");
        check_util_fix_install(f, s, pkg, "nvidia-driver-NVML", "the NVML library of the same driver version");
        finding_fix(f, "# it must be the module's version exactly (%s)", mod ? mod : "see /sys/module/nvidia/version");
        return true;
}

static void check_driver_fix_mismatch(struct finding *f, const struct snapshot *s, const char *lib)
{
        const struct snap_kmod *k = &s->kmod;
        bool disk_new = k->module_version.st == FACT_OK && lib &&
                        version_same_release(k->module_version.v, lib);

        if (!disk_new && lib && k->module_version.st == FACT_OK && version_cmp(k->module_version.v, lib) < 0) {
                finding_fix(f, "# the module built for this kernel is older (%s): rebuild it first", k->module_version.v);
                check_util_fix_headers(f, s);
                finding_fix(f, "sudo dkms autoinstall -k $(uname -r)");
        }
        finding_fix(f, "sudo reboot");
        finding_fix(f, "# or, when no process uses the GPUs (sudo lsof /dev/nvidia* prints nothing):");
        finding_fix(f, "sudo rmmod nvidia_uvm nvidia_drm nvidia_modeset nvidia && sudo modprobe nvidia && sudo modprobe nvidia_uvm");
        if (check_util_distro(s) == CHECK_DISTRO_DEBIAN)
                finding_fix(f, "# keep unattended upgrades from doing it again: sudo apt-mark hold $(dpkg-query -W -f='${Package} ' 'nvidia-*' 'libnvidia-*')");
}

static void check_driver_mismatch_evidence(struct finding *f, const struct snapshot *s, const char *lib)
{
        const struct snap_kmod *k = &s->kmod;
        char cbuf[CHECK_NAME_MAX];

        if (k->loaded_version.st == FACT_OK)
                finding_evidence(f, "/sys/module/nvidia/version: %s", k->loaded_version.v);
        if (k->proc_version.st == FACT_OK)
                finding_evidence(f, "/proc/driver/nvidia/version: %s", k->proc_version.v);
        if (lib)
                finding_evidence(f, "libnvidia-ml: %s (%s)", lib, s->nvml.library ? s->nvml.library : "NVML");
        if (s->nvml.init_result.st == FACT_OK)
                finding_evidence(f, "nvmlInit_v2: %s", check_util_nvml_error(s->nvml.init_result.v, cbuf));
        if (k->module_version.st == FACT_OK)
                finding_evidence(f, "nvidia.ko for %s: %s", s->os.kernel.st == FACT_OK ? s->os.kernel.v : "this kernel",
                                 k->module_version.v);
}

static bool check_driver_mismatch(const struct snapshot *s, struct findings *fs)
{
        char lbuf[CHECK_NAME_MAX], mbuf[CHECK_NAME_MAX];
        const char *lib = check_util_lib_version(s, lbuf), *mod = check_util_module_version(s, mbuf);
        const char *disk = s->kmod.module_version.st == FACT_OK ? s->kmod.module_version.v : NULL;
        bool code = s->nvml.init_result.st == FACT_OK && s->nvml.init_result.v == KB_NVML_ERROR_LIB_RM_VERSION_MISMATCH;
        struct finding *f;

        if (!code && (!lib || !mod || version_same_release(lib, mod)))
                return false;
        if (!mod)
                mod = "(unknown version)";
        if (lib || !disk)
                f = finding_add(fs, "driver.version-mismatch", "kernel module %s is loaded but the driver libraries are %s",
                                mod, lib ? lib : "of another version");
        else
                f = finding_add(fs, "driver.version-mismatch",
                                "kernel module %s is loaded but the driver libraries are of another version (the installed module is %s)",
                                mod, disk);
        check_driver_mismatch_evidence(f, s, lib);
        check_driver_fix_mismatch(f, s, lib);
        return true;
}

/* ---- nvmlInit ---- */

static void check_driver_fix_init(struct finding *f, int64_t code)
{
        switch (code) {
        case KB_NVML_ERROR_DRIVER_NOT_LOADED:
                finding_fix(f, "sudo modprobe nvidia && sudo modprobe nvidia_uvm");
                break;
        case 4: /* NO_PERMISSION */
        case 17: /* OPERATING_SYSTEM: blocked by cgroups */
                finding_fix(f, "ls -l /dev/nvidiactl /dev/nvidia[0-9]*");
                finding_fix(f, "# the nodes must be readable and writable by you (mode 0666 by default); in a container, pass the GPUs with --gpus all");
                break;
        case 16: /* RESET_REQUIRED */
                finding_fix(f, "sudo nvidia-smi -r   # once no process uses the GPUs; or reboot");
                break;
        default:
                finding_fix(f, "sudo dmesg | grep -i NVRM | tail -n 20");
                finding_fix(f, "sudo reboot");
                break;
        }
}

static bool check_driver_init(const struct snapshot *s, struct findings *fs)
{
        const struct snap_nvml *n = &s->nvml;
        char cbuf[CHECK_NAME_MAX];
        struct finding *f;
        int64_t code = n->init_result.st == FACT_OK ? n->init_result.v : -1;

        if (n->probe.st == FACT_OK || code == KB_NVML_ERROR_GPU_IS_LOST)
                return false;
        /* Installed in a foreign --root, so not loaded, or not in the report
         * judged (doctor --from): nothing to judge. */
        if ((n->probe.st == FACT_UNSUPPORTED || n->probe.st == FACT_UNSET) && code < 0)
                return true;
        if (code > 0)
                f = finding_add(fs, "driver.nvml-failed", "NVML could not initialise: %s",
                                check_util_nvml_error(code, cbuf));
        else
                f = finding_add(fs, "driver.nvml-failed", "NVML could not be used: %s",
                                n->probe.why ? n->probe.why : fact_st_name(n->probe.st));
        if (code > 0)
                finding_evidence(f, "nvmlInit_v2: %s", check_util_nvml_error(code, cbuf));
        finding_evidence(f, "libnvidia-ml: %s (%s)", n->library ? n->library : "?",
                         n->probe.why ? n->probe.why : fact_st_name(n->probe.st));
        check_driver_fix_init(f, code);
        return true;
}

/* ---- GPUs that fell off the bus ---- */

/* The one bus with an Xid 79 that no NVML GPU claims: where a lost GPU
 * that NVML cannot name sits. NULL when none or several. */
static const char *check_driver_xid79_bus(const struct snapshot *s)
{
        const char *bus = NULL;

        for (size_t i = 0; i < s->klog.nxid; i++) {
                const struct snap_xid *x = &s->klog.xids[i];
                if (x->code != 79 || !x->pci_bus_id || check_util_gpu_at(s, x->pci_bus_id))
                        continue;
                if (bus && !check_util_bus_eq(bus, x->pci_bus_id))
                        return NULL;
                bus = x->pci_bus_id;
        }
        return bus;
}

/* The one NVIDIA GPU on the bus that no NVML GPU claims, or NULL. */
static const char *check_driver_unclaimed_bus(const struct snapshot *s)
{
        const char *bus = NULL;

        for (size_t i = 0; i < s->pci.n; i++) {
                const struct snap_pci_dev *d = &s->pci.devs[i];
                if (!d->kind || strcmp(d->kind, "gpu") || check_util_gpu_at(s, d->bus_id))
                        continue;
                if (bus)
                        return NULL;
                bus = d->bus_id;
        }
        return bus;
}

/* NVML lists the GPU but cannot open it: nvidia-smi's "Unable to determine
 * the device handle for GPU ...: Unknown Error". Most often the GPU dropped
 * off the bus and the driver has not (yet) said so with GPU_IS_LOST. */
static bool check_driver_unanswered(const struct snap_gpu *g)
{
        return g->name.st == FACT_ERROR && g->name.why && strstr(g->name.why, "no device handle");
}

static void check_driver_lost_nvml(const struct snapshot *s, const struct snap_gpu *g,
                                   struct findings *fs)
{
        char name[CHECK_NAME_MAX];
        const char *field = NULL, *why = check_util_gpu_fault(g, FACT_ST_INVALID, "GPU_IS_LOST", &field);
        const char *bus = g->pci_bus_id.st == FACT_OK ? NULL : check_driver_xid79_bus(s);
        bool lost = check_util_gpu_lost(g);
        struct finding *f;

        if (!why)
                why = check_util_gpu_fault(g, FACT_ST_INVALID, "GPU is lost", &field);
        if (!lost) {
                why = g->name.why, field = "device handle";
                bus = bus ? bus : check_driver_unclaimed_bus(s);
        }
        f = finding_add(fs, "driver.gpu-lost", "%s%s%s%s %s", check_util_gpu_name(g, name),
                        bus ? " (" : "", bus ? bus : "", bus ? ")" : "",
                        lost ? "has fallen off the bus: the driver cannot reach it"
                             : "does not answer the driver: NVML lists it but cannot open it");
        finding_evidence(f, "NVML, asked for its %s: %s", field, why);
        check_driver_xid_evidence(f, s, g->pci_bus_id.st == FACT_OK ? g->pci_bus_id.v : bus, 79);
        if (!lost)
                finding_fix(f, "sudo dmesg | grep -i -e 'Xid' -e 'fallen off'   # Xid 79: it dropped off the bus");
        check_driver_fix_lost(f);
}

/* A GPU on the bus that NVML does not list and the kernel says is lost. */
static bool check_driver_lost_pci(const struct snapshot *s, const struct snap_pci_dev *d,
                                  struct findings *fs)
{
        const char *line = check_util_klog_find(s, "fallen off the bus", d->bus_id);
        struct finding *f;

        if (check_util_gpu_at(s, d->bus_id) || check_util_bar_broken(s, d) ||
            (!line && !check_util_xid_on(s, d->bus_id, 79)))
                return false;
        f = finding_add(fs, "driver.gpu-lost", "GPU at %s has fallen off the bus: the driver no longer lists it",
                        d->bus_id);
        check_driver_xid_evidence(f, s, d->bus_id, 79);
        if (line)
                finding_evidence(f, "kernel log: %s", line);
        check_driver_fix_lost(f);
        return true;
}

static bool check_driver_lost(const struct snapshot *s, struct findings *fs)
{
        const struct snap_nvml *n = &s->nvml;
        bool any = false, unnamed = false;
        struct finding *f;

        if (n->init_result.st == FACT_OK && n->init_result.v == KB_NVML_ERROR_GPU_IS_LOST) {
                f = finding_add(fs, "driver.gpu-lost", "a GPU has fallen off the bus: NVML cannot start");
                finding_evidence(f, "nvmlInit_v2: NVML_ERROR_GPU_IS_LOST");
                check_driver_xid_evidence(f, s, NULL, 79);
                check_driver_fix_lost(f);
                return true;
        }
        for (size_t i = 0; i < s->ngpus; i++) {
                if (!check_util_gpu_lost(&s->gpus[i]) && !check_driver_unanswered(&s->gpus[i]))
                        continue;
                check_driver_lost_nvml(s, &s->gpus[i], fs);
                unnamed |= s->gpus[i].pci_bus_id.st != FACT_OK;
                any = true;
        }
        /* A lost GPU that NVML could not name is the one the log names. */
        for (size_t i = 0; !unnamed && i < s->pci.n; i++)
                if (s->pci.devs[i].kind && !strcmp(s->pci.devs[i].kind, "gpu"))
                        any |= check_driver_lost_pci(s, &s->pci.devs[i], fs);
        return any;
}

/* ---- GPUs the driver could not bring up ---- */

static void check_driver_uninit_one(const struct snapshot *s, const struct snap_pci_dev *d,
                                    struct findings *fs)
{
        static const char *const signs[] = { "RmInitAdapter failed", "I/O region", "BAR" };
        struct finding *f;

        f = finding_add(fs, "driver.gpu-not-initialized",
                        "GPU at %s is on the bus but the driver could not bring it up%s", d->bus_id,
                        d->bar0_bytes.st == FACT_OK && d->bar0_bytes.v == 0 ? ": its BAR0 memory window is unassigned" : "");
        if (d->bar0_bytes.st == FACT_OK)
                finding_evidence(f, "/sys/bus/pci/devices/%s/resource: BAR0 %" PRId64 " bytes", d->bus_id,
                                 d->bar0_bytes.v);
        finding_evidence(f, "/sys/bus/pci/devices/%s/driver: %s", d->bus_id,
                         d->driver.st == FACT_OK ? d->driver.v : "none");
        for (size_t i = 0; i < sizeof(signs) / sizeof(signs[0]); i++) {
                const char *line = check_util_klog_find(s, signs[i], d->bus_id);
                if (line)
                        finding_evidence(f, "kernel log: %s", line);
        }
        finding_fix(f, "# the firmware did not give the GPU its memory window (64-bit MMIO)");
        finding_fix(f, "# in the BIOS/UEFI setup: enable Above 4G Decoding (and Resizable BAR if offered), disable CSM, then reboot");
        finding_fix(f, "# if they are already on, update the system BIOS; in a VM, give it a larger 64-bit MMIO window");
        finding_fix(f, "sudo dmesg | grep -i -e NVRM -e 'BAR' | tail -n 20");
}

static bool check_driver_uninit(const struct snapshot *s, struct findings *fs)
{
        bool any = false;

        for (size_t i = 0; i < s->pci.n; i++) {
                const struct snap_pci_dev *d = &s->pci.devs[i];
                if (!d->kind || strcmp(d->kind, "gpu") || check_util_gpu_at(s, d->bus_id) ||
                    !check_util_bar_broken(s, d))
                        continue;
                check_driver_uninit_one(s, d, fs);
                any = true;
        }
        return any;
}

static void check_driver_ok(const struct snapshot *s, struct findings *fs)
{
        const struct snap_nvml *n = &s->nvml;
        char cbuf[CHECK_NAME_MAX];

        finding_add(fs, "driver.ok", "driver %s%s%s%s answers for %zu GPU%s",
                    n->driver_version.st == FACT_OK ? n->driver_version.v : "",
                    n->cuda_driver_version.st == FACT_OK ? " (CUDA " : "",
                    n->cuda_driver_version.st == FACT_OK ? check_util_cuda_version(n->cuda_driver_version.v, cbuf) : "",
                    n->cuda_driver_version.st == FACT_OK ? ")" : "", s->ngpus, s->ngpus == 1 ? "" : "s");
}

void check_driver(const struct snapshot *s, struct findings *fs)
{
        bool bad;

        if (!check_util_gpus_expected(s) || !check_util_kernel_ok(s))
                return;
        if (check_driver_hung(s, fs) || check_driver_missing(s, fs) || check_driver_mismatch(s, fs) ||
            check_driver_init(s, fs))
                return;
        bad = check_driver_lost(s, fs);
        if (!check_util_driver_unfit(fs))
                bad |= check_driver_uninit(s, fs);
        if (!bad && check_util_nvml_ok(s))
                check_driver_ok(s, fs);
}
