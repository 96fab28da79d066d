/* test-check-topo.c - NVLink links down only where a visible peer GPU
 * should be reachable over them; P2P that GeForce RTX 40-series cards are
 * said to have. */
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

/* n GPUs named name (compute capability cc), every pair under one PCIe
 * switch (PXB) with NVML's P2P read and write status p2p. */
static void pcie_pairs(struct snapshot *s, size_t n, const char *name, const char *cc, int64_t p2p)
{
        static const int64_t none[8] = { 0 };

        machine(s, n, 0x268410de, 0, none);
        for (size_t i = 0; i < n; i++) {
                fact_set_str(&s->gpus[i].name, name);
                fact_set_str(&s->gpus[i].compute_capability, cc);
        }
        for (size_t a = 0; a < n; a++)
                for (size_t b = a + 1; b < n; b++) {
                        struct snap_topo_pair *p = snap_add_topo_pair(&s->topo);

                        p->a = (int64_t)a, p->b = (int64_t)b;
                        fact_set_num(&p->level, 20);
                        fact_set_num(&p->p2p_read, p2p);
                        fact_set_num(&p->p2p_write, p2p);
                        fact_set_num(&p->p2p_atomics, 5);
                        fact_set_num(&p->p2p_nvlink, 5);
                        fact_set_num(&p->p2p_pci, p2p);
                }
}

/* RTX 4090s whose driver says P2P is supported: a warning naming each
 * pair and pointing at bench's verified copies and NCCL_P2P_DISABLE. */
static void test_geforce_claimed(void **state)
{
        struct snapshot s;

        (void)state;
        pcie_pairs(&s, 4, "NVIDIA GeForce RTX 4090", "8.9", 0);
        snapb_expect_bad(&s, "topo.p2p-geforce-claimed");
        snapb_expect_line(&s, "topo.p2p-geforce-claimed",
                          "GPU 0 - GPU 1 (NVIDIA GeForce RTX 4090): P2P read OK, write OK (NVML)");
        snapb_expect_line(&s, "topo.p2p-geforce-claimed", "GPU 2 - GPU 3");
        snapb_expect_line(&s, "topo.p2p-geforce-claimed", "driver " SNAPB_DRIVER);
        snapb_expect_line(&s, "topo.p2p-geforce-claimed", "dlrig bench --quick");
        snapb_expect_line(&s, "topo.p2p-geforce-claimed", "export NCCL_P2P_DISABLE=1");
        snap_release(&s);
}

/* Where the knowledge does not justify it: refused P2P (the driver as it
 * ships), a workstation Ada card, a GeForce card of another generation. */
static void test_geforce_silent(void **state)
{
        struct snapshot s;

        (void)state;
        pcie_pairs(&s, 4, "NVIDIA GeForce RTX 4090", "8.9", 2);
        snapb_expect_bad(&s, "");
        snap_release(&s);
        pcie_pairs(&s, 2, "NVIDIA RTX 6000 Ada Generation", "8.9", 0);
        snapb_expect_bad(&s, "");
        snap_release(&s);
        pcie_pairs(&s, 2, "NVIDIA GeForce RTX 3090", "8.6", 0);
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_lone_sxm),     cmocka_unit_test(test_one_gpu_down),
                cmocka_unit_test(test_partial),      cmocka_unit_test(test_all_down),
                cmocka_unit_test(test_pcie_bridges), cmocka_unit_test(test_geforce_claimed),
                cmocka_unit_test(test_geforce_silent),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
