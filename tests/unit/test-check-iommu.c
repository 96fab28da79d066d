/* test-check-iommu.c - the IOMMU translating GPU DMA: a warning on bare
 * metal with two or more GPUs, silent in a virtual machine, with
 * passthrough (identity) or no IOMMU group, with one GPU, and when it
 * cannot tell whether it runs in a virtual machine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"

/* n GPUs, all in groups of type type (NULL: no group); hypervisor -1
 * unknown, else the cpuinfo flag. */
static void machine(struct snapshot *s, size_t n, const char *type, int hypervisor)
{
        snapb_healthy(s, n);
        for (size_t i = 0; i < n; i++) {
                if (type)
                        fact_set_str(&s->pci.devs[i].iommu_type, type);
                else
                        fact_fail_str(&s->pci.devs[i].iommu_type, FACT_ABSENT, "no IOMMU group");
        }
        fact_set_str(&s->os.cmdline, "BOOT_IMAGE=/vmlinuz ro amd_iommu=on iommu_x=1 quiet");
        if (hypervisor < 0)
                fact_fail_num(&s->os.hypervisor, FACT_ABSENT, "no flags line");
        else
                fact_set_num(&s->os.hypervisor, hypervisor);
}

static void test_translated_bare_metal(void **state)
{
        struct snapshot s;

        (void)state;
        machine(&s, 4, "DMA-FQ", 0);
        snapb_expect_bad(&s, "topo.iommu-translated");
        snapb_expect_line(&s, "topo.iommu-translated", "4 of 4 GPUs in IOMMU groups of type DMA-FQ");
        snapb_expect_line(&s, "topo.iommu-translated", "parameters: amd_iommu=on;");
        snapb_expect_line(&s, "topo.iommu-translated", "&iommu=pt");
        snap_release(&s);
        machine(&s, 2, "DMA", 0);
        fact_set_str(&s.pci.devs[1].iommu_type, "identity");
        snapb_expect_bad(&s, "topo.iommu-translated");
        snapb_expect_line(&s, "topo.iommu-translated", "1 of 2 GPUs");
        snap_release(&s);
}

static void test_silent(void **state)
{
        static const struct { size_t n; const char *type; int hv; } cases[] = {
                { 4, "DMA-FQ", 1 },    /* a guest: the hypervisor's isolation */
                { 4, "DMA-FQ", -1 },   /* cannot tell */
                { 4, "identity", 0 },  /* iommu=pt */
                { 4, NULL, 0 },        /* IOMMU off */
                { 1, "DMA", 0 },       /* no peer to talk to */
        };
        struct snapshot s;

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                machine(&s, cases[i].n, cases[i].type, cases[i].hv);
                snapb_expect_bad(&s, "");
                snap_release(&s);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_translated_bare_metal),
                cmocka_unit_test(test_silent),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
