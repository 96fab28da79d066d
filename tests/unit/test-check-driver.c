/* test-check-driver.c - NVML against the module: mismatch, hang, missing
 * library, failed init, lost GPUs and GPUs the driver could not bring up;
 * nothing above a broken driver is reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"
#include "util/xalloc.h"

#define OLD_DRIVER "535.104.05"

/* Drops the last NVML GPU (and its CUDA device and node). */
static void drop_last_gpu(struct snapshot *s)
{
        int idx[64];

        snap_gpu_release(&s->gpus[--s->ngpus]);
        fact_set_num(&s->nvml.device_count, (int64_t)s->ngpus);
        for (size_t i = 0; i < s->ngpus; i++)
                idx[i] = (int)i;
        idx[s->ngpus] = -1;
        snapb_cuda_devs(s, idx);
        strv_release(&s->devnodes.gpus);
        for (size_t i = 0; i < s->ngpus; i++)
                strv_pushf(&s->devnodes.gpus, "nvidia%zu", i);
}

/* (e) libraries upgraded, the old module still loaded. */
static void test_version_mismatch(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        fact_set_str(&s.kmod.loaded_version, OLD_DRIVER);
        fact_set_str(&s.kmod.proc_version, "NVRM version: NVIDIA UNIX x86_64 Kernel Module  " OLD_DRIVER "  Sat Aug 19 2023");
        snapb_nvml_fail(&s, 18);
        snapb_cuda_fail(&s, 803);
        snapb_expect_bad(&s, "driver.version-mismatch");
        snapb_expect_summary(&s, "driver.version-mismatch",
                             "kernel module " OLD_DRIVER " is loaded but the driver libraries are " SNAPB_DRIVER);
        snapb_expect_line(&s, "driver.version-mismatch", "nvmlInit_v2: NVML_ERROR_LIB_RM_VERSION_MISMATCH");
        snapb_expect_line(&s, "driver.version-mismatch", "/proc/driver/nvidia/version: NVRM version");
        snapb_expect_line(&s, "driver.version-mismatch", "libnvidia-ml: " SNAPB_DRIVER);
        snapb_expect_line(&s, "driver.version-mismatch", "sudo reboot");
        snapb_expect_line(&s, "driver.version-mismatch", "sudo rmmod nvidia_uvm nvidia_drm nvidia_modeset nvidia");
        snapb_expect_no_line(&s, "driver.version-mismatch", "dkms autoinstall");
        /* the module on disk for this kernel is the old one too: rebuild */
        fact_set_str(&s.kmod.module_version, OLD_DRIVER);
        snapb_expect_line(&s, "driver.version-mismatch", "sudo dkms autoinstall -k $(uname -r)");
        snap_release(&s);
}

/* Versions differ although nvmlInit succeeded: still the mismatch, and
 * nothing about CUDA, counts or health. */
static void test_version_mismatch_init_ok(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 4);
        fact_set_str(&s.kmod.loaded_version, OLD_DRIVER);
        snapb_expect_all(&s, "driver.version-mismatch kmod.loaded pci.gpus-present");
        snap_release(&s);
}

/* (i) one GPU fell off the bus: Xid 79, NVML GPU_IS_LOST, CUDA sees 7. */
static void test_gpu_lost(void **state)
{
        struct snapshot s;
        const int seven[] = { 0, 1, 2, 4, 5, 6, 7, -1 };

        (void)state;
        snapb_healthy(&s, 8);
        snapb_lose_gpu(&s, 3);
        snapb_xid(&s, 3, 79, "pid=1234, GPU has fallen off the bus.");
        snapb_cuda_devs(&s, seven);
        snapb_expect_bad(&s, "driver.gpu-lost");
        snapb_expect_summary(&s, "driver.gpu-lost", "GPU 3 (0000:13:00.0) has fallen off the bus");
        snapb_expect_line(&s, "driver.gpu-lost", "Xid 79 on 0000:13:00");
        snapb_expect_line(&s, "driver.gpu-lost", "NVML_ERROR_GPU_IS_LOST");
        snapb_expect_line(&s, "driver.gpu-lost", "sudo reboot");
        snap_release(&s);
}

/* The lost GPU is gone from NVML's list altogether. */
/* NVML cannot even name the lost GPU: the kernel log's Xid 79 does. */
static void test_gpu_lost_unnamed(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_lose_gpu(&s, 5);
        fact_fail_str(&s.gpus[5].pci_bus_id, FACT_ERROR, "NVML_ERROR_GPU_IS_LOST (no device handle)");
        snapb_xid(&s, 5, 79, "GPU has fallen off the bus.");
        snapb_expect_bad(&s, "driver.gpu-lost");
        snapb_expect_summary(&s, "driver.gpu-lost", "GPU 5 (0000:15:00) has fallen off the bus");
        snap_release(&s);
}

/* NVML counts the GPU but cannot open it ("Unable to determine the device
 * handle ... Unknown Error"): reported, at the one PCI GPU NVML lacks. */
#define UNANSWERED_NUM(name) fact_fail_num(&g->name, FACT_ERROR, "NVML_ERROR_UNKNOWN (no device handle)");
#define UNANSWERED_STR(name) fact_fail_str(&g->name, FACT_ERROR, "NVML_ERROR_UNKNOWN (no device handle)");
#define UNANSWERED(kind, name) UNANSWERED_##kind(name)
static void test_gpu_unanswered(void **state)
{
        struct snapshot s;
        struct snap_gpu *g;

        (void)state;
        snapb_healthy(&s, 4);
        g = &s.gpus[1];
        SNAP_GPU_FIELDS(UNANSWERED)
        snapb_expect_bad(&s, "driver.gpu-lost");
        snapb_expect_summary(&s, "driver.gpu-lost", "GPU 1 (0000:11:00.0) does not answer the driver");
        snapb_expect_line(&s, "driver.gpu-lost", "device handle: NVML_ERROR_UNKNOWN");
        snapb_expect_line(&s, "driver.gpu-lost", "reseat the card");
        snap_release(&s);
}

static void test_gpu_lost_unlisted(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        drop_last_gpu(&s);
        snapb_xid(&s, 7, 79, "GPU has fallen off the bus.");
        snapb_expect_bad(&s, "driver.gpu-lost");
        snapb_expect_summary(&s, "driver.gpu-lost", "GPU at 0000:17:00.0 has fallen off the bus");
        snap_release(&s);
}

static void test_gpu_lost_init(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_nvml_fail(&s, 15);
        snapb_cuda_fail(&s, 999);
        snapb_expect_bad(&s, "driver.gpu-lost");
        snap_release(&s);
}

/* (m) an NVML call hung: reported once, naming the call. */
static void test_hung(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        while (s.ngpus > 3)
                snap_gpu_release(&s.gpus[--s.ngpus]);
        probe_set(&s.nvml.probe, FACT_TIMEOUT, "nvmlDeviceGetHandleByIndex_v2(3) did not return within 5000 ms");
        probe_set(&s.cuda.probe, FACT_TIMEOUT, "cuInit(0) did not return within 5000 ms");
        snapb_expect_bad(&s, "driver.hung");
        snapb_expect_summary(&s, "driver.hung", "the driver hung in nvmlDeviceGetHandleByIndex_v2(3), GPU 3");
        snapb_expect_line(&s, "driver.hung", "sudo nvidia-smi -r -i 3");
        snap_release(&s);
}

/* (m2) NVML hung on GPU 3 after the kernel logged Xid 79 for it: the first
 * failure names the Xid (the cause), not the hang; the Xids of the GPUs
 * read before the hang are still reported by the health check. */
static void test_hung_after_xid79(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        while (s.ngpus > 3)
                snap_gpu_release(&s.gpus[--s.ngpus]);
        probe_set(&s.nvml.probe, FACT_TIMEOUT, "nvmlDeviceGetHandleByIndex_v2(3) did not return within 5000 ms");
        probe_set(&s.cuda.probe, FACT_TIMEOUT, "cuInit(0) did not return within 5000 ms");
        snapb_xid(&s, 3, 79, "pid=1234, GPU has fallen off the bus.");
        snapb_xid(&s, 1, 13, "pid=999, Graphics SM Warp Exception");
        snapb_expect_bad(&s, "driver.gpu-lost");
        snapb_expect_summary(&s, "driver.gpu-lost", "GPU 3 (0000:13:00.0) has fallen off the bus (Xid 79");
        snapb_expect_line(&s, "driver.gpu-lost", "Xid 79 on 0000:13:00");
        snapb_expect_line(&s, "driver.gpu-lost", "NVML worker: nvmlDeviceGetHandleByIndex_v2(3)");
        snapb_expect_line(&s, "driver.gpu-lost", "reseat the card");
        assert_null(snapb_line(&s, "driver.gpu-lost", "Xid 13"));
        snapb_expect_summary(&s, "health.xid-app", "Xid 13");
        snap_release(&s);
}

/* (m3) another Xid on the hung GPU: still driver.hung, led by the Xid. */
static void test_hung_after_xid(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 4);
        fact_fail_num(&s.gpus[2].temperature_c, FACT_TIMEOUT, "nvmlDeviceGetTemperature did not return within 5000 ms");
        snapb_xid(&s, 2, 119, "Timeout after 6s of waiting for RPC response from GPU2 GSP!");
        snapb_expect_summary(&s, "driver.hung", "logged Xid 119");
        snapb_expect_summary(&s, "driver.hung", "then the driver hung in temperature_c");
        snapb_expect_line(&s, "driver.hung", "sudo nvidia-smi -r -i 2");
        snap_release(&s);
}

/* (n) the firmware gave one GPU no memory window: the driver could not
 * bring it up; no "no driver bound", no count mismatch on top. */
static void test_gpu_not_initialized(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        drop_last_gpu(&s);
        fact_set_num(&s.pci.devs[7].bar0_bytes, 0);
        fact_fail_str(&s.pci.devs[7].driver, FACT_ABSENT, "no driver bound");
        strv_push(&s.klog.nvrm, xstrdup("NVRM: This PCI I/O region assigned to your NVIDIA device is invalid: "
                                        "NVRM: BAR0 is 0M @ 0x0 (PCI:0000:17:00.0)"));
        snapb_expect_bad(&s, "driver.gpu-not-initialized");
        snapb_expect_summary(&s, "driver.gpu-not-initialized", "GPU at 0000:17:00.0 is on the bus but the driver could not bring it up");
        snapb_expect_line(&s, "driver.gpu-not-initialized", "Above 4G Decoding");
        snapb_expect_line(&s, "driver.gpu-not-initialized", "PCI I/O region");
        snap_release(&s);
}

/* RmInitAdapter failed on a GPU bound to nvidia, BAR assigned. */
static void test_rm_init_failed(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        drop_last_gpu(&s);
        strv_push(&s.klog.nvrm, xstrdup("NVRM: GPU 0000:11:00.0: RmInitAdapter failed! (0x22:0x56:742)"));
        snapb_expect_bad(&s, "driver.gpu-not-initialized");
        snap_release(&s);
}

/* The module without its user-space half. */
static void test_nvml_missing(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_nvml_fail(&s, 0);
        probe_set(&s.nvml.probe, FACT_ABSENT, "libnvidia-ml.so.1: cannot open shared object file");
        free(s.nvml.library), s.nvml.library = NULL;
        snapb_expect_bad(&s, "driver.nvml-missing");
        snapb_expect_line(&s, "driver.nvml-missing", "sudo apt-get install -y libnvidia-compute-535");
        snap_release(&s);
}

static void test_nvml_failed(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_nvml_fail(&s, 4);
        snapb_cuda_fail(&s, 100);
        snapb_expect_bad(&s, "driver.nvml-failed");
        snapb_expect_summary(&s, "driver.nvml-failed", "NVML_ERROR_NO_PERMISSION");
        snap_release(&s);
}

/* Root cause only: no module, so no NVML, CUDA, count or health finding. */
static void test_module_missing_is_alone(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        s.kmod.nvidia = s.kmod.nvidia_uvm = false;
        fact_fail_str(&s.kmod.loaded_version, FACT_ABSENT, "nvidia module not loaded");
        snapb_nvml_fail(&s, 9);
        snapb_cuda_fail(&s, 100);
        snapb_xid(&s, 1, 48, "DBE (double bit error) ECC error");
        snapb_expect_all(&s, "kmod.not-loaded pci.gpus-present");
        snap_release(&s);
}

static void test_ok(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_expect_summary(&s, "driver.ok", "driver " SNAPB_DRIVER " (CUDA 12.2) answers for 8 GPUs");
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_version_mismatch),  cmocka_unit_test(test_version_mismatch_init_ok),
                cmocka_unit_test(test_gpu_lost),          cmocka_unit_test(test_gpu_lost_unnamed),
                cmocka_unit_test(test_gpu_unanswered),
                cmocka_unit_test(test_gpu_lost_unlisted),
                cmocka_unit_test(test_gpu_lost_init),     cmocka_unit_test(test_hung),
                cmocka_unit_test(test_hung_after_xid79),  cmocka_unit_test(test_hung_after_xid),
                cmocka_unit_test(test_gpu_not_initialized), cmocka_unit_test(test_rm_init_failed),
                cmocka_unit_test(test_nvml_missing),      cmocka_unit_test(test_nvml_failed),
                cmocka_unit_test(test_module_missing_is_alone), cmocka_unit_test(test_ok),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
