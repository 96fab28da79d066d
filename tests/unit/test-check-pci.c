/* test-check-pci.c - GPUs on the bus, and PCIe links: degraded vs power
 * saving. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"

static void set_link(struct snapshot *s, size_t i, int64_t gen, int64_t width)
{
        fact_set_num(&s->pci.devs[i].link_gen_cur, gen);
        fact_set_num(&s->pci.devs[i].link_width_cur, width);
        fact_set_num(&s->gpus[i].pcie_gen_cur, gen);
        fact_set_num(&s->gpus[i].pcie_width_cur, width);
}

static void test_healthy_present(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_expect_bad(&s, "");
        snapb_expect_summary(&s, "pci.gpus-present", "8 × NVIDIA A10G on the PCI bus");
        snap_release(&s);
}

/* (b) a development box with no GPU: one plain finding, nothing above. */
static void test_no_gpu(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 0);
        snapb_no_driver(&s);
        snapb_expect_all(&s, "pci.no-gpu");
        snapb_expect_summary(&s, "pci.no-gpu", "no NVIDIA GPU on the PCI bus");
        snap_release(&s);
}

/* (b) with the driver's libraries installed: NVML says "driver not
 * loaded", cuInit "no device"; still only the missing GPU is reported. */
static void test_no_gpu_with_libraries(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 0);
        s.kmod.nvidia = s.kmod.nvidia_uvm = false;
        snapb_nvml_fail(&s, 9);
        snapb_cuda_fail(&s, 100);
        snapb_expect_all(&s, "pci.no-gpu");
        snapb_expect_summary(&s, "pci.no-gpu", "can build CUDA programs but not run them");
        snap_release(&s);
}

static void test_unreadable(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        probe_set(&s.pci.probe, FACT_DENIED, "permission denied");
        snapb_expect_bad(&s, "pci.unreadable");
        snapb_expect_line(&s, "pci.unreadable", "permission denied");
        snap_release(&s);
}

/* (j) one GPU trained x8 of x16: a warning naming the GPU and both widths. */
static void test_link_narrow(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        set_link(&s, 3, 4, 8);
        snapb_expect_bad(&s, "pci.link-degraded");
        snapb_expect_summary(&s, "pci.link-degraded", "GPU 3 (0000:13:00.0) runs at PCIe Gen4 x8, capable of x16");
        snapb_expect_line(&s, "pci.link-degraded", "lspci -vv -s 0000:13:00.0");
        snap_release(&s);
}

/* A card in a slot wired x8: NVML's maximum is the slot's, sysfs's the card's. */
static void test_link_narrow_slot(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        set_link(&s, 1, 4, 8);
        fact_set_num(&s.gpus[1].pcie_width_max, 8);
        snapb_expect_bad(&s, "pci.link-degraded");
        snap_release(&s);
}

/* Idle GPUs at Gen1 with full width: power saving, a note, not a warning. */
static void test_link_idle(void **state)
{
        struct snapshot s;
        char *info;

        (void)state;
        snapb_healthy(&s, 8);
        for (size_t i = 0; i < 8; i++)
                set_link(&s, i, 1, 16);
        snapb_expect_bad(&s, "");
        info = snapb_ids(&s, SEV_INFO);
        assert_string_equal(info, "pci.link-power-saving");
        free(info);
        snapb_expect_summary(&s, "pci.link-power-saving", "8 GPUs idle at PCIe Gen1 x16 (top Gen4)");
        snapb_expect_line(&s, "pci.link-power-saving", "all 8: Gen1 x16 of Gen4 x16 (NVML)");
        snap_release(&s);
}

/* Slow while busy is not power saving. */
static void test_link_slow_busy(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        set_link(&s, 0, 1, 16);
        fact_set_num(&s.gpus[0].clock_event_reasons, 0);
        snapb_expect_bad(&s, "pci.link-degraded");
        snapb_expect_summary(&s, "pci.link-degraded", "runs at PCIe Gen1 x16 while busy, capable of Gen4 x16");
        snap_release(&s);
}

/* A GPU throttled for heat runs its link slower: the throttle finding
 * says why, the link is not reported again. */
static void test_link_slow_throttled(void **state)
{
        struct snapshot s;
        char *got;

        (void)state;
        snapb_healthy(&s, 2);
        set_link(&s, 1, 1, 16);
        fact_set_num(&s.gpus[1].clock_event_reasons, 0x60);
        got = snapb_ids(&s, SEV_INFO);
        assert_string_equal(got, "health.throttle-hw");
        free(got);
        snap_release(&s);
}

/* Without NVML, sysfs alone judges the link (here with no driver). */
static void test_link_sysfs_only(void **state)
{
        struct snapshot s;
        char *got;

        (void)state;
        snapb_healthy(&s, 2);
        snapb_no_driver(&s);
        fact_set_num(&s.pci.devs[1].link_width_cur, 4);
        fact_set_num(&s.pci.devs[0].link_gen_cur, 1);
        snapb_expect_bad(&s, "kmod.not-loaded pci.link-degraded");
        /* idle links are no news on a machine without a driver */
        got = snapb_ids(&s, SEV_INFO);
        assert_string_equal(got, "kmod.not-loaded pci.link-degraded");
        free(got);
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_healthy_present),   cmocka_unit_test(test_no_gpu),
                cmocka_unit_test(test_no_gpu_with_libraries), cmocka_unit_test(test_unreadable),
                cmocka_unit_test(test_link_narrow),       cmocka_unit_test(test_link_narrow_slot),
                cmocka_unit_test(test_link_idle),         cmocka_unit_test(test_link_slow_busy),
                cmocka_unit_test(test_link_slow_throttled),
                cmocka_unit_test(test_link_sysfs_only),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
