/* test-check-topo.c - NVLink links down only where a visible peer GPU
 * should be reachable over them; P2P between GPUs as the driver reports it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"

/* PCI device ids (device << 16 | vendor) of NVLink models in gpus.tsv. */
#define H100_SXM 0x233010de
#define H200_SXM 0x233510de
#define H100_PCIE 0x233110de

/* n GPUs of model pci_id, each with links NVLink links of which up[i] are up. */
static void machine(struct snapshot *s, size_t n, int64_t pci_id, int64_t links, const int64_t *up)
{
        snapb_healthy(s, n);
        probe_set(&s->topo.probe, FACT_OK, NULL);
        for (size_t i = 0; i < n; i++) {
                struct snap_topo_gpu *g = snap_add_topo_gpu(&s->topo);

                fact_set_num(&s->gpus[i].pci_device_id, pci_id);
                g->index = (int64_t)i;
                fact_set_str(&g->cpu_affinity, "0-15");
                fact_set_num(&g->nvlink_links, links);
                fact_set_num(&g->nvlink_up, up[i]);
        }
}

/* The recorded H200 VM: one SXM GPU whose NVML lists no link at all (0 of
 * the model's 18), and one that lists 18 ports, none up: no peer, silent. */
static void test_lone_sxm(void **state)
{
        static const int64_t none[] = { 0 };
        struct snapshot s;

        (void)state;
        machine(&s, 1, H200_SXM, 0, none);
        snapb_expect_bad(&s, "");
        snap_release(&s);
        machine(&s, 1, H200_SXM, 18, none);
        snapb_expect_bad(&s, "");
        snap_release(&s);
        machine(&s, 1, H100_SXM, 18, none);
        snapb_nvswitch(&s, 4);   /* even with the board's switches in view */
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

/* HGX H100 with GPU 5's 18 links all down while the other seven have
 * theirs: GPU 5 cannot reach its peers over NVLink. */
static void test_one_gpu_down(void **state)
{
        static const int64_t up[] = { 18, 18, 18, 18, 18, 0, 18, 18 };
        struct snapshot s;

        (void)state;
        machine(&s, 8, H100_SXM, 18, up);
        snapb_expect_bad(&s, "topo.nvlink-down");
        snapb_expect_line(&s, "topo.nvlink-down", "GPU 5: 0 of 18 NVLink links up (NVML)");
        snapb_expect_no_line(&s, "topo.nvlink-down", "GPU 0:");
        snap_release(&s);
}

/* Partial links on one GPU (the h100-x8-nvlink-down fixture's case). */
static void test_partial(void **state)
{
        static const int64_t up[] = { 18, 18, 18, 16, 18, 18, 18, 18 };
        struct snapshot s;

        (void)state;
        machine(&s, 8, H100_SXM, 18, up);
        snapb_expect_bad(&s, "topo.nvlink-down");
        snapb_expect_line(&s, "topo.nvlink-down", "GPU 3: 16 of 18 NVLink links up (NVML)");
        snap_release(&s);
}

/* Several SXM GPUs, every link down: a VM given GPUs without their NVLink
 * is silent; with the board's NVSwitches on the PCI bus it is a fault. */
static void test_all_down(void **state)
{
        static const int64_t none[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
        struct snapshot s;

        (void)state;
        machine(&s, 2, H100_SXM, 18, none);
        snapb_expect_bad(&s, "");
        snap_release(&s);
        machine(&s, 8, H100_SXM, 18, none);
        snapb_nvswitch(&s, 4);
        snapb_expect_bad(&s, "topo.nvlink-down");
        snapb_expect_line(&s, "topo.nvlink-down", "GPU 7: 0 of 18 NVLink links up (NVML)");
        snap_release(&s);
}

/* PCIe cards: no bridge means every link down, by design, even when
 * another pair is bridged; a bridged card with links missing warns. */
static void test_pcie_bridges(void **state)
{
        static const int64_t unbridged[] = { 12, 12, 0, 0 };
        static const int64_t partial[] = { 12, 8, 0, 0 };
        struct snapshot s;

        (void)state;
        machine(&s, 4, H100_PCIE, 12, unbridged);
        snapb_expect_bad(&s, "");
        snap_release(&s);
        machine(&s, 4, H100_PCIE, 12, partial);
        snapb_expect_bad(&s, "topo.nvlink-down");
        snapb_expect_line(&s, "topo.nvlink-down", "GPU 1: 8 of 12 NVLink links up (NVML)");
        snapb_expect_no_line(&s, "topo.nvlink-down", "GPU 2:");
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lone_sxm),     cmocka_unit_test(test_one_gpu_down),
                cmocka_unit_test(test_partial),      cmocka_unit_test(test_all_down),
                cmocka_unit_test(test_pcie_bridges),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
