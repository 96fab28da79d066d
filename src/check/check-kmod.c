/* check-kmod.c - the kernel layer: the nvidia module for the running
 * kernel, what keeps it from loading (nouveau, Secure Boot (in
 * check-secure-boot.c), a kernel update without a rebuild, no driver at
 * all), nvidia_uvm, the device nodes and DKMS.
 *
 * Only the first reason the module is not loaded is reported: a missing
 * module makes "not loaded" and "unsigned" moot. */
#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check-util.h"

static const char *check_kmod_kernel(const struct snapshot *s)
{
        return s->os.kernel.st == FACT_OK ? s->os.kernel.v : "the running kernel";
}

const char *check_kmod_dkms_version(const struct snapshot *s)
{
        for (size_t i = 0; i < s->kmod.ndkms; i++)
                if (s->kmod.dkms[i].version)
                        return s->kmod.dkms[i].version;
        return NULL;
}

static void check_kmod_dkms_evidence(struct finding *f, const struct snapshot *s)
{
        for (size_t i = 0; i < s->kmod.ndkms; i++) {
                const struct snap_dkms *d = &s->kmod.dkms[i];
                finding_evidence(f, "dkms: %s/%s for %s: %s", d->module ? d->module : "nvidia",
                                 d->version ? d->version : "?", d->kernel ? d->kernel : "?",
                                 d->state ? d->state : "?");
        }
}

static void check_kmod_klog_evidence(struct finding *f, const struct snapshot *s, size_t max)
{
        for (size_t i = 0; i < s->klog.nvrm.n && i < max; i++)
                finding_evidence(f, "kernel log (%s): %s", s->klog.source ? s->klog.source : "dmesg",
                                 s->klog.nvrm.v[i]);
}

/* ---- nouveau / nova_core ---- */

static void check_kmod_fix_nouveau(struct finding *f, const struct snapshot *s, bool listed)
{
        const struct snap_kmod *k = &s->kmod;

        if (!listed || k->nova_core)
                finding_fix(f, "printf 'blacklist nouveau\\noptions nouveau modeset=0\\nblacklist nova_core\\nblacklist nova_drm\\n' | sudo tee /etc/modprobe.d/blacklist-nouveau.conf");
        check_util_fix_initramfs(f, s);
        finding_fix(f, "sudo reboot");
        if (check_util_distro(s) == CHECK_DISTRO_RHEL)
                finding_fix(f, "# still loaded after the reboot: sudo grubby --update-kernel=ALL --args='rd.driver.blacklist=nouveau modprobe.blacklist=nouveau'");
        else
                finding_fix(f, "# still loaded after the reboot: add rd.driver.blacklist=nouveau modprobe.blacklist=nouveau to the kernel command line");
        if (k->module_path.st != FACT_OK && !k->kernels_with_module.n)
                finding_fix(f, "# then install the NVIDIA driver: no nvidia module is installed yet");
}

static bool check_kmod_nouveau(const struct snapshot *s, struct findings *fs)
{
        const struct snap_kmod *k = &s->kmod;
        const char *who = k->nouveau ? "nouveau" : "nova_core";
        const char *list = k->nouveau_blacklisted.st == FACT_OK ? k->nouveau_blacklisted.v : NULL;
        struct finding *f;

        if (!k->nouveau && !k->nova_core)
                return false;
        if (list)
                f = finding_add(fs, "kmod.nouveau-loaded", "the %s driver is loaded and holds the GPUs although %s blacklists nouveau: the initramfs still loads it",
                                who, list);
        else
                f = finding_add(fs, "kmod.nouveau-loaded", "the %s driver is loaded and holds the GPUs", who);
        finding_evidence(f, "/sys/module/%s: present", who);
        for (size_t i = 0; i < s->pci.n; i++) {
                const struct snap_pci_dev *d = &s->pci.devs[i];
                if (d->driver.st == FACT_OK && strcmp(d->driver.v, "nvidia") && d->kind && !strcmp(d->kind, "gpu"))
                        finding_evidence(f, "/sys/bus/pci/devices/%s/driver: %s", d->bus_id, d->driver.v);
        }
        if (list)
                finding_evidence(f, "%s: blacklist nouveau", list);
        check_kmod_fix_nouveau(f, s, list != NULL);
        return true;
}

/* ---- no driver at all ---- */

/* The driver the way plan installs it (kb/kb-distro.c), open modules and
 * the newest branch: doctor does not choose a branch, plan does. */
static void check_kmod_fix_install(struct finding *f, const struct snapshot *s)
{
        const struct kb_distro *d = check_util_os(s);

        if (d && d->own_driver && d->pm == KB_PM_APT)
                finding_fix(f, "sudo apt-get update"); /* the archive's index may be stale */
        if (!check_util_fix_driver(f, s, NULL, true, "$(uname -r)", NULL))
                finding_fix(f, "# install the NVIDIA driver for this distribution: https://docs.nvidia.com/datacenter/tesla/driver-installation-guide/");
        finding_fix(f, "sudo reboot");
}

static void check_kmod_not_installed(const struct snapshot *s, struct findings *fs)
{
        struct finding *f;

        f = finding_add(fs, "kmod.not-loaded",
                        "%zu GPU%s on the bus, but no NVIDIA driver is installed", check_util_pci_gpus(s),
                        check_util_pci_gpus(s) == 1 ? "" : "s");
        finding_evidence(f, "/lib/modules/*/: no nvidia module for any kernel");
        finding_evidence(f, "libnvidia-ml: %s", s->nvml.probe.why ? s->nvml.probe.why : "not found");
        check_kmod_fix_install(f, s);
}

/* ---- a module, but not for this kernel ---- */

static void check_kmod_missing(const struct snapshot *s, struct findings *fs)
{
        const struct snap_kmod *k = &s->kmod;
        const char *kernel = check_kmod_kernel(s), *dv = check_kmod_dkms_version(s);
        char buf[CHECK_NAME_MAX];
        const char *ver = dv ? dv : check_util_lib_version(s, buf);
        struct finding *f;

        if (k->kernels_with_module.n)
                f = finding_add(fs, "kmod.missing-for-kernel",
                                "kernel %s has no nvidia module; it was built for %s only: the kernel was updated without rebuilding the driver",
                                kernel, k->kernels_with_module.v[k->kernels_with_module.n - 1]);
        else
                f = finding_add(fs, "kmod.missing-for-kernel",
                                "kernel %s has no nvidia module, though the driver %s is installed: DKMS did not build it",
                                kernel, ver ? ver : "(user-space part)");
        finding_evidence(f, "nvidia.ko for %s: %s", kernel, k->module_path.why ? k->module_path.why : "not found");
        for (size_t i = 0; i < k->kernels_with_module.n; i++)
                finding_evidence(f, "/lib/modules/%s: has an nvidia module", k->kernels_with_module.v[i]);
        check_kmod_dkms_evidence(f, s);
        check_util_fix_headers(f, s);
        finding_fix(f, "sudo dkms autoinstall -k $(uname -r)");
        if (check_util_is_ubuntu(s) && ver) {
                finding_fix(f, "# or, instead of DKMS, Canonical's prebuilt and signed module:");
                finding_fix(f, "sudo apt-get install -y linux-modules-nvidia-%s-$(uname -r)", version_branch(ver).s);
        }
        finding_fix(f, "sudo modprobe nvidia && sudo modprobe nvidia_uvm");
        if (k->kernels_with_module.n)
                finding_fix(f, "# or boot the kernel that has the module (%s) from the GRUB menu",
                            k->kernels_with_module.v[k->kernels_with_module.n - 1]);
}

/* ---- installed but not loaded ---- */

static void check_kmod_not_loaded(const struct snapshot *s, struct findings *fs)
{
        const struct snap_kmod *k = &s->kmod;
        struct finding *f;

        f = finding_add(fs, "kmod.not-loaded", "%s%s%s is installed but not loaded: %zu GPUs have no driver",
                        k->module_path.v, k->module_version.st == FACT_OK ? " " : "",
                        k->module_version.st == FACT_OK ? k->module_version.v : "", check_util_pci_gpus(s));
        finding_evidence(f, "/sys/module/nvidia: absent");
        check_kmod_klog_evidence(f, s, 3);
        finding_fix(f, "sudo modprobe nvidia && sudo modprobe nvidia_uvm");
        finding_fix(f, "# if modprobe fails, the kernel log says why: sudo dmesg | grep -i -e NVRM -e nvidia | tail -n 20");
}

static void check_kmod_absent(const struct snapshot *s, struct findings *fs)
{
        const struct snap_kmod *k = &s->kmod;
        bool anywhere = k->kernels_with_module.n || k->ndkms || s->nvml.library || s->cuda.library ||
                        s->nvml.probe.st == FACT_UNSUPPORTED || s->cuda.probe.st == FACT_UNSUPPORTED;

        if (k->module_path.st != FACT_OK && !anywhere)
                check_kmod_not_installed(s, fs);
        else if (k->module_path.st != FACT_OK)
                check_kmod_missing(s, fs);
        else if (!check_kmod_secure_boot(s, fs))
                check_kmod_not_loaded(s, fs);
}

/* ---- the module is loaded ---- */

static bool check_kmod_is_unbound(const struct snapshot *s, const struct snap_pci_dev *d)
{
        return d->kind && !strcmp(d->kind, "gpu") && d->driver.st == FACT_ABSENT &&
               !check_util_bar_broken(s, d);
}

/* GPUs the loaded nvidia module did not take, other than those whose
 * firmware left them unusable (the driver check explains those). */
static void check_kmod_unbound(const struct snapshot *s, struct findings *fs)
{
        const struct snap_pci_dev *first = NULL;
        struct finding *f;
        size_t n = 0;

        for (size_t i = 0; i < s->pci.n; i++)
                if (check_kmod_is_unbound(s, &s->pci.devs[i]) && !n++)
                        first = &s->pci.devs[i];
        /* A branch or module flavour that cannot drive them explains it. */
        if (!n || check_util_driver_unfit(fs))
                return;
        if (n == 1)
                f = finding_add(fs, "kmod.no-driver-bound",
                                "GPU at %s has no driver bound although the nvidia module is loaded", first->bus_id);
        else
                f = finding_add(fs, "kmod.no-driver-bound",
                                "%zu GPUs have no driver bound although the nvidia module is loaded", n);
        for (size_t i = 0; i < s->pci.n; i++)
                if (check_kmod_is_unbound(s, &s->pci.devs[i]))
                        finding_evidence(f, "/sys/bus/pci/devices/%s/driver: none", s->pci.devs[i].bus_id);
        check_kmod_klog_evidence(f, s, 3);
        finding_fix(f, "sudo dmesg | grep -i NVRM | tail -n 20");
        finding_fix(f, "# the log names the reason: a GPU this driver branch does not support, or a firmware problem");
}

static void check_kmod_uvm(const struct snapshot *s, struct findings *fs)
{
        struct finding *f;

        if (s->kmod.nvidia_uvm)
                return;
        f = finding_add(fs, "kmod.uvm-not-loaded", "nvidia_uvm is not loaded: CUDA programs fail to start (CUDA_ERROR_UNKNOWN)");
        finding_evidence(f, "/sys/module/nvidia_uvm: absent");
        finding_fix(f, "sudo modprobe nvidia_uvm");
        finding_fix(f, "sudo nvidia-modprobe -u -c 0");
        finding_fix(f, "echo nvidia_uvm | sudo tee /etc/modules-load.d/nvidia-uvm.conf");
}

static void check_kmod_nodes(const struct snapshot *s, struct findings *fs)
{
        struct strv missing = STRV_INIT;
        struct finding *f;
        bool gpu_cmd = false;

        if (!check_util_missing_nodes(s, true, &missing))
                return;
        f = finding_add(fs, "devnodes.missing", "%zu NVIDIA device node%s missing although the nvidia module is loaded: %s%s",
                        missing.n, missing.n == 1 ? " is" : "s are", missing.v[0], missing.n > 1 ? ", ..." : "");
        for (size_t i = 0; i < missing.n; i++) {
                int64_t minor;
                finding_evidence(f, "%s: absent", missing.v[i]);
                if (sscanf(missing.v[i], "/dev/nvidia%" SCNd64, &minor) == 1) {
                        finding_fix(f, "sudo nvidia-modprobe -c %" PRId64, minor);
                        gpu_cmd = true;
                }
        }
        if (!gpu_cmd && !s->devnodes.nvidiactl)
                finding_fix(f, "sudo nvidia-modprobe -c 0");
        if (strv_find(&missing, "/dev/nvidia-uvm") >= 0)
                finding_fix(f, "sudo nvidia-modprobe -u -c 0");
        finding_fix(f, "# in a container the nodes come from the runtime: run it with --gpus all (NVIDIA Container Toolkit)");
        strv_release(&missing);
}

/* DKMS trees that are not installed for a kernel: the next boot into that
 * kernel comes up without a driver. */
static void check_kmod_dkms(const struct snapshot *s, struct findings *fs)
{
        struct finding *f = NULL;

        for (size_t i = 0; i < s->kmod.ndkms; i++) {
                const struct snap_dkms *d = &s->kmod.dkms[i];
                if (!d->state || !strcmp(d->state, "installed") || !d->kernel)
                        continue;
                if (!f)
                        f = finding_add(fs, "kmod.dkms-failed", "DKMS has not installed nvidia %s for kernel %s (%s)",
                                        d->version ? d->version : "", d->kernel, d->state);
                finding_evidence(f, "dkms: nvidia/%s for %s: %s", d->version ? d->version : "?", d->kernel, d->state);
                check_util_fix_headers_for(f, s, d->kernel); /* DKMS builds against them */
                finding_fix(f, "sudo dkms autoinstall -k %s", d->kernel);
        }
        if (!f)
                return;
        finding_fix(f, "# if the build fails, its log says why: /var/lib/dkms/nvidia/%s/build/make.log",
                    check_kmod_dkms_version(s));
}

static void check_kmod_loaded(const struct snapshot *s, struct findings *fs)
{
        const struct snap_kmod *k = &s->kmod;
        char buf[CHECK_NAME_MAX];
        const char *v = check_util_module_version(s, buf);

        finding_add(fs, "kmod.loaded", "nvidia %s%s%s%s loaded, with nvidia_uvm", v ? v : "",
                    k->flavour.st == FACT_OK ? " (" : "", k->flavour.st == FACT_OK ? k->flavour.v : "",
                    k->flavour.st == FACT_OK ? ")" : "");
}

void check_kmod(const struct snapshot *s, struct findings *fs)
{
        size_t start = fs->n;

        if (!check_util_gpus_expected(s) || s->kmod.probe.st != FACT_OK)
                return;
        if (check_kmod_nouveau(s, fs))
                return;
        if (!s->kmod.nvidia) {
                check_kmod_absent(s, fs);
                return;
        }
        check_kmod_unbound(s, fs);
        check_kmod_uvm(s, fs);
        check_kmod_nodes(s, fs);
        check_kmod_dkms(s, fs);
        if (check_util_worst_since(fs, start) < SEV_WARN)
                check_kmod_loaded(s, fs);
}
