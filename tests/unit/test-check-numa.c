/* test-check-numa.c - a GPU without a NUMA node: a warning only where
 * the machine has several nodes; silent on one node, when the node count
 * is unknown, and when every GPU has its node. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"

static void machine(struct snapshot *s, int64_t nodes, size_t unknown_gpu)
{
        snapb_healthy(s, 4);
        if (nodes >= 0)
                fact_set_num(&s->os.numa_nodes, nodes);
        else
                fact_fail_num(&s->os.numa_nodes, FACT_ABSENT, "No such file or directory");
        for (size_t i = 0; i < 4; i++)
                fact_set_num(&s->pci.devs[i].numa_node, (int64_t)(i / 2));
        if (unknown_gpu < 4)
                fact_fail_num(&s->pci.devs[unknown_gpu].numa_node, FACT_ABSENT, "no NUMA affinity");
}

static void test_unknown_on_two_nodes(void **state)
{
        struct snapshot s;

        (void)state;
        machine(&s, 2, 3);
        snapb_expect_bad(&s, "topo.numa-unknown");
        snapb_expect_summary(&s, "topo.numa-unknown", "1 of 4 GPUs no NUMA node on this 2-node machine");
        snapb_expect_line(&s, "topo.numa-unknown", "numa_node -1 in sysfs");
        snapb_expect_line(&s, "topo.numa-unknown", "cat /sys/bus/pci/devices/");
        snapb_expect_no_line(&s, "topo.numa-unknown", "NVML's affinity"); /* NVML had one */
        snap_release(&s);
        machine(&s, 2, 3);
        /* the driver worker stores NVML's bus id in the kernel's spelling */
        fact_set_str(&s.gpus[3].pci_bus_id, s.pci.devs[3].bus_id);
        fact_fail_num(&s.gpus[3].numa_node, FACT_UNSUPPORTED, "no NUMA node in the affinity set");
        snapb_expect_line(&s, "topo.numa-unknown", "no node in NVML's affinity either");
        snap_release(&s);
}

static void test_silent(void **state)
{
        struct snapshot s;

        (void)state;
        machine(&s, 1, 3);       /* one node: -1 is normal */
        snapb_expect_bad(&s, "");
        snap_release(&s);
        machine(&s, -1, 3);      /* node count unknown */
        snapb_expect_bad(&s, "");
        snap_release(&s);
        machine(&s, 2, 4);       /* every GPU placed */
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_unknown_on_two_nodes),
                cmocka_unit_test(test_silent),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
