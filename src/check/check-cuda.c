/* check-cuda.c - the CUDA driver API: is libcuda the driver's, does cuInit
 * succeed, and if not, why, by its return code.
 *
 * Runs only when NVML answers and the device nodes exist: below that,
 * cuInit fails for the reason the lower layer already gave. A failure that
 * a sibling check explains better (802 on an NVSwitch system whose fabric
 * manager is down, 100 with CUDA_VISIBLE_DEVICES set, 999 without
 * nvidia_uvm) is left to it. */
#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check-util.h"

/* What a cuInit code means here, and what to do. */
struct check_cuda_cause {
        int64_t code;
        const char *meaning;
        const char *fix[3];
};

static const struct check_cuda_cause check_cuda_causes[] = {
        { 35, "the driver is older than this libcuda needs",
          { "ldconfig -p | grep libcuda.so   # a stray, newer libcuda shadows the driver's",
            "# otherwise upgrade the driver to one that supports this CUDA version" } },
        { 36, "the driver is older than this CUDA call needs",
          { "# upgrade the driver to one that supports this CUDA version" } },
        { 46, "the GPUs are in a compute mode that refuses new processes",
          { "nvidia-smi -q -d COMPUTE", "sudo nvidia-smi -c DEFAULT" } },
        { KB_CUDA_ERROR_NO_DEVICE, "CUDA sees no device although the driver lists GPUs",
          { "ls -l /dev/nvidia*   # the nodes must be readable and writable by you",
            "# in a container: run it with --gpus all, and check NVIDIA_VISIBLE_DEVICES" } },
        { KB_CUDA_ERROR_SYSTEM_NOT_READY, "the system is not initialised yet (on NVLink systems: the fabric manager)",
          { "systemctl status nvidia-fabricmanager --no-pager",
            "sudo systemctl enable --now nvidia-fabricmanager" } },
        { 804, "a forward-compatibility libcuda is loaded on a GPU that does not support it",
          { "ldconfig -p | grep libcuda.so   # remove the cuda-compat folder from LD_LIBRARY_PATH or /etc/ld.so.conf.d",
            "sudo ldconfig",
            "# or upgrade the driver to one that runs this CUDA natively (dlrig kb cuda); in a container, the host's" } },
        { KB_CUDA_ERROR_UNKNOWN, "an unknown error, most often a wedged nvidia_uvm (after suspend)",
          { "sudo rmmod nvidia_uvm && sudo modprobe nvidia_uvm   # once no process uses the GPUs",
            "sudo reboot   # if that does not help" } },
};

static const char *check_cuda_lib(const struct snapshot *s)
{
        return s->cuda.library ? s->cuda.library : "libcuda.so.1";
}

static void check_cuda_hung(const struct snapshot *s, struct findings *fs)
{
        const char *why = s->cuda.probe.why ? s->cuda.probe.why : "cuInit did not return";
        const char *stop = strstr(why, " did not return");
        struct finding *f;

        f = finding_add(fs, "driver.hung", "the driver hung in %.*s: a GPU or the driver does not respond",
                        stop ? (int)(stop - why) : (int)strlen(why), why);
        finding_evidence(f, "CUDA worker: %s", why);
        finding_fix(f, "sudo lsof /dev/nvidia*");
        finding_fix(f, "sudo reboot   # a GPU stuck in a driver call only recovers with a reset or a reboot");
}

static void check_cuda_missing(const struct snapshot *s, struct findings *fs)
{
        char dbuf[CHECK_NAME_MAX], deb[2 * CHECK_NAME_MAX];
        const char *drv = check_util_driver_version(s, dbuf);
        struct finding *f;

        f = finding_add(fs, "cuda.library-missing", "the driver %s answers but its CUDA library libcuda.so.1 is not installed",
                        drv ? drv : "");
        finding_evidence(f, "libcuda: %s", s->cuda.probe.why ? s->cuda.probe.why : "not found");
        if (check_util_is_ubuntu(s))
                snprintf(deb, sizeof(deb), "libnvidia-compute-%s", drv ? version_branch(drv).s : "<branch>");
        else
                snprintf(deb, sizeof(deb), "libcuda1");
        check_util_fix_install(f, s, deb, "nvidia-driver-cuda-libs", "the driver's CUDA library (libcuda.so.1)");
        finding_fix(f, "# it must be the driver's version exactly (%s)", drv ? drv : "see nvidia-smi");
}

static bool check_cuda_stub(const struct snapshot *s, struct findings *fs)
{
        const struct snap_cuda *c = &s->cuda;
        bool code = c->init_result.st == FACT_OK && c->init_result.v == KB_CUDA_ERROR_STUB_LIBRARY;
        struct finding *f;

        if (!code && !(c->library && strstr(c->library, "/stubs/")))
                return false;
        f = finding_add(fs, "cuda.stub-library", "the CUDA stub library %s is loaded instead of the driver's libcuda",
                        check_cuda_lib(s));
        finding_evidence(f, "libcuda: %s", check_cuda_lib(s));
        if (code)
                finding_evidence(f, "cuInit: CUDA_ERROR_STUB_LIBRARY");
        finding_fix(f, "# the stubs are for linking only: take their folder out of LD_LIBRARY_PATH");
        finding_fix(f, "export LD_LIBRARY_PATH=$(printf '%%s' \"$LD_LIBRARY_PATH\" | tr ':' '\\n' | grep -v '/stubs' | paste -sd: -)");
        finding_fix(f, "grep -n stubs ~/.bashrc ~/.profile /etc/environment /etc/ld.so.conf.d/* 2>/dev/null   # where it is set");
        return true;
}

/* 803: libcuda and the kernel module are of different drivers. */
static void check_cuda_mismatch(const struct snapshot *s, struct finding *f)
{
        char lbuf[CHECK_NAME_MAX], mbuf[CHECK_NAME_MAX];
        const char *lib = check_util_so_version(s->cuda.library, lbuf);
        const char *mod = check_util_module_version(s, mbuf);
        bool compat = s->cuda.library && strstr(s->cuda.library, "compat");

        if (lib)
                finding_evidence(f, "libcuda: %s", lib);
        if (mod)
                finding_evidence(f, "/sys/module/nvidia/version: %s", mod);
        if (compat) {
                finding_fix(f, "# %s is a forward-compatibility library that does not fit this driver", s->cuda.library);
                finding_fix(f, "export LD_LIBRARY_PATH=$(printf '%%s' \"$LD_LIBRARY_PATH\" | tr ':' '\\n' | grep -v compat | paste -sd: -)");
                finding_fix(f, "# or install the cuda-compat package made for driver %s", mod ? mod : "of this machine");
        } else {
                finding_fix(f, "ldconfig -p | grep libcuda.so   # another driver's libcuda comes first");
                finding_fix(f, "sudo reboot   # if the driver was just updated");
        }
}

static void check_cuda_failed(const struct snapshot *s, int64_t code, struct findings *fs)
{
        const struct check_cuda_cause *cause = NULL;
        char cbuf[CHECK_NAME_MAX];
        struct finding *f;

        for (size_t i = 0; i < sizeof(check_cuda_causes) / sizeof(check_cuda_causes[0]); i++)
                if (check_cuda_causes[i].code == code)
                        cause = &check_cuda_causes[i];
        f = finding_add(fs, "cuda.init-failed", "cuInit failed with %s: %s", check_util_cuda_error(code, cbuf),
                        code == KB_CUDA_ERROR_SYSTEM_DRIVER_MISMATCH ? "libcuda and the kernel module belong to different drivers"
                        : cause ? cause->meaning : "see the evidence");
        finding_evidence(f, "cuInit: %s (%" PRId64 ") from %s", check_util_cuda_error(code, cbuf), code,
                         check_cuda_lib(s));
        if (code == KB_CUDA_ERROR_NO_DEVICE)
                finding_evidence(f, "NVML: %zu GPUs", s->ngpus);
        if (code == KB_CUDA_ERROR_SYSTEM_DRIVER_MISMATCH)
                check_cuda_mismatch(s, f);
        if (code == 804 && s->host.container.st == FACT_OK)
                finding_evidence(f, "inside a %s container: the image's cuda-compat libcuda is newer than the host's driver",
                                 s->host.container.v);
        for (size_t i = 0; cause && i < 3 && cause->fix[i]; i++)
                finding_fix(f, "%s", cause->fix[i]);
        if (!cause && code != KB_CUDA_ERROR_SYSTEM_DRIVER_MISMATCH) {
                finding_fix(f, "sudo dmesg | grep -i NVRM | tail -n 20");
                finding_fix(f, "sudo reboot");
        }
}

/* A failure that another check reports as the cause. */
static bool check_cuda_explained(const struct snapshot *s, int64_t code)
{
        return (code == KB_CUDA_ERROR_NO_DEVICE && s->cuda.visible_devices.st == FACT_OK) ||
               (code == KB_CUDA_ERROR_SYSTEM_NOT_READY && check_util_fabric_broken(s)) ||
               (code == KB_CUDA_ERROR_UNKNOWN && s->kmod.probe.st == FACT_OK && !s->kmod.nvidia_uvm);
}

static void check_cuda_ok(const struct snapshot *s, struct findings *fs)
{
        const struct snap_cuda *c = &s->cuda;
        char cbuf[CHECK_NAME_MAX], lbuf[CHECK_NAME_MAX];
        const char *lib = check_util_so_version(c->library, lbuf);

        if (c->device_count.st != FACT_OK || c->device_count.v <= 0)
                return;
        finding_add(fs, "cuda.ok", "CUDA %s driver API%s%s%s sees %" PRId64 " device%s",
                    c->driver_version.st == FACT_OK ? check_util_cuda_version(c->driver_version.v, cbuf) : "",
                    lib ? " (libcuda " : "", lib ? lib : "", lib ? ")" : "", c->device_count.v,
                    c->device_count.v == 1 ? "" : "s");
}

void check_cuda(const struct snapshot *s, struct findings *fs)
{
        const struct snap_cuda *c = &s->cuda;
        int64_t code = c->init_result.st == FACT_OK ? c->init_result.v : -1;

        if (!check_util_gpus_expected(s) || !check_util_nvml_ok(s) || !check_util_nodes_ok(s, true) ||
            check_util_driver_unfit(fs))
                return;
        if (c->probe.st == FACT_UNSUPPORTED && code < 0)
                return; /* installed in a foreign --root, so not loaded */
        if (c->probe.st == FACT_TIMEOUT)
                check_cuda_hung(s, fs);
        else if (c->probe.st == FACT_ABSENT)
                check_cuda_missing(s, fs);
        else if (check_cuda_stub(s, fs) || check_cuda_explained(s, code))
                return;
        else if (code > 0)
                check_cuda_failed(s, code, fs);
        else if (c->probe.st == FACT_OK)
                check_cuda_ok(s, fs);
        else if (c->probe.st != FACT_UNSET)
                finding_evidence(finding_add(fs, "cuda.init-failed", "the CUDA driver API could not be used: %s",
                                             c->probe.why ? c->probe.why : fact_st_name(c->probe.st)),
                                 "CUDA worker: %s", c->probe.why ? c->probe.why : fact_st_name(c->probe.st));
}
