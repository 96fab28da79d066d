/* test-check-gpus.c - PCI, NVML and CUDA counts and why they differ;
 * persistence mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"

/* (a) the guide's machine: only ok findings. */
static void test_healthy(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_expect_all(&s, "cuda.ok driver.ok gpu.counts-agree health.ok kmod.loaded pci.gpus-present");
        snapb_expect_summary(&s, "gpu.counts-agree", "8 × NVIDIA A10G, driver " SNAPB_DRIVER ", CUDA 12.2");
        snap_release(&s);
}

/* (h) CUDA_VISIBLE_DEVICES left at 0,1: a warning naming the hidden GPUs. */
static void test_visible_devices(void **state)
{
        const int two[] = { 0, 1, -1 };
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        fact_set_str(&s.cuda.visible_devices, "0,1");
        snapb_cuda_devs(&s, two);
        snapb_expect_bad(&s, "gpu.cuda-visible-devices");
        snapb_expect_summary(&s, "gpu.cuda-visible-devices", "hides 6 of 8 GPUs from CUDA programs: GPU 2, 3, 4, 5, 6, 7");
        snapb_expect_line(&s, "gpu.cuda-visible-devices", "unset CUDA_VISIBLE_DEVICES");
        snap_release(&s);
}

/* Set to "": cuInit says no device; only the variable is reported. */
static void test_visible_devices_empty(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 4);
        fact_set_str(&s.cuda.visible_devices, "");
        snapb_cuda_fail(&s, 100);
        snapb_expect_bad(&s, "gpu.cuda-visible-devices");
        snapb_expect_summary(&s, "gpu.cuda-visible-devices", "hides 4 of 4 GPUs");
        snap_release(&s);
}

/* CUDA without bus ids: the variable's entries decide (UUIDs too). */
static void test_visible_devices_uuid(void **state)
{
        const int one[] = { 0, -1 };
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        fact_set_str(&s.cuda.visible_devices, "GPU-5a1b0000-0000-0000-0000-000000000001");
        snapb_cuda_devs(&s, one);
        fact_str_release(&s.cuda.devs[0].pci_bus_id);
        snapb_expect_summary(&s, "gpu.cuda-visible-devices", "hides 1 of 2 GPUs from CUDA programs: GPU 0");
        /* listing every GPU hides none */
        fact_set_str(&s.cuda.visible_devices, "0,1");
        snapb_cuda_devs(&s, (const int[]){ 0, 1, -1 });
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

static void test_mig(void **state)
{
        struct snapshot s;
        char *info;

        (void)state;
        snapb_healthy(&s, 2);
        fact_set_num(&s.gpus[0].mig_mode_current, 1);
        fact_set_num(&s.cuda.device_count, 8);
        snapb_expect_bad(&s, "");
        info = snapb_ids(&s, SEV_INFO);
        assert_string_equal(info, "gpu.mig-enabled");
        free(info);
        snap_release(&s);
}

/* One GPU split into seven MIG instances: a CUDA process sees one of them,
 * a warning that replaces the note. */
static void test_mig_split(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        fact_set_num(&s.gpus[0].mig_mode_current, 1);
        fact_set_num(&s.gpus[0].mig_instances, 7);
        snapb_expect_bad(&s, "gpu.mig-several-instances");
        snapb_expect_summary(&s, "gpu.mig-several-instances", "GPU 0 (0000:10:00.0) is split into 7 MIG instances");
        snapb_expect_line(&s, "gpu.mig-several-instances", "CUDA_VISIBLE_DEVICES=MIG-");
        /* one instance: the GPU is still one CUDA device, a note */
        fact_set_num(&s.gpus[0].mig_instances, 1);
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

/* An unexplained gap between the bus and the driver. */
static void test_pci_nvml(void **state)
{
        struct snapshot s;
        const int seven[] = { 0, 1, 2, 3, 4, 5, 6, -1 };

        (void)state;
        snapb_healthy(&s, 8);
        snap_gpu_release(&s.gpus[7]);
        s.ngpus = 7;
        snapb_cuda_devs(&s, seven);
        snapb_expect_bad(&s, "gpu.count-pci-nvml");
        snapb_expect_summary(&s, "gpu.count-pci-nvml", "8 GPUs on the PCI bus, 7 in the driver: 0000:17:00.0");
        snap_release(&s);
}

/* CUDA sees fewer GPUs than NVML and nothing explains it. */
static void test_nvml_cuda(void **state)
{
        const int six[] = { 0, 1, 2, 3, 4, 5, -1 };
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_cuda_devs(&s, six);
        snapb_expect_bad(&s, "gpu.count-nvml-cuda");
        snapb_expect_summary(&s, "gpu.count-nvml-cuda", "CUDA sees 6 of the driver's 8 GPUs");
        snapb_expect_line(&s, "gpu.count-nvml-cuda", "in NVML, not in CUDA: GPU 7 (0000:17:00.0)");
        snap_release(&s);
}

/* (q) persistence off on a multi-GPU machine; fine on a single GPU. */
static void test_persistence(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        for (size_t i = 0; i < 8; i++)
                fact_set_num(&s.gpus[i].persistence_mode, 0);
        snapb_expect_bad(&s, "gpu.persistence-off");
        snapb_expect_summary(&s, "gpu.persistence-off", "off on 8 of 8 GPUs");
        snapb_expect_line(&s, "gpu.persistence-off", "sudo systemctl enable --now nvidia-persistenced");
        snap_release(&s);

        snapb_healthy(&s, 1);
        fact_set_num(&s.gpus[0].persistence_mode, 0);
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_healthy),       cmocka_unit_test(test_visible_devices),
                cmocka_unit_test(test_visible_devices_empty), cmocka_unit_test(test_visible_devices_uuid),
                cmocka_unit_test(test_mig), cmocka_unit_test(test_mig_split),           cmocka_unit_test(test_pci_nvml),
                cmocka_unit_test(test_nvml_cuda),     cmocka_unit_test(test_persistence),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
