/* test-topo-pci.c - dlrig topo's fallback from the PCI tree: the path kind
 * between GPUs from where their ways up meet, GPUs in bus order, no P2P
 * or NVLink facts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"
#include "topo/topo.h"

/* Sets GPU i's way up from a space-separated list and its NUMA node. */
static void way_up(struct snapshot *s, size_t i, const char *path, int64_t numa)
{
        char *copy = strdup(path), *save = NULL;

        for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
                strv_pushf(&s->pci.devs[i].upstream, "%s", t);
        free(copy);
        if (numa >= 0)
                fact_set_num(&s->pci.devs[i].numa_node, numa);
        else
                fact_fail_num(&s->pci.devs[i].numa_node, FACT_ABSENT, "no NUMA affinity");
}

static const char *kind(const struct topo_model *m, size_t a, size_t b)
{
        return topo_kind_name(topo_cell(m, a, b)->kind);
}

static void test_kinds(void **state)
{
        struct topo_model m;
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 7);
        /* 0, 1: one switch; 2: a second level below the same switch */
        way_up(&s, 0, "pci0000:00 0000:00:01.0 0000:01:00.0 0000:02:00.0", 0);
        way_up(&s, 1, "pci0000:00 0000:00:01.0 0000:01:00.0 0000:02:01.0", 0);
        way_up(&s, 2, "pci0000:00 0000:00:01.0 0000:01:00.0 0000:02:02.0 0000:05:00.0 "
                      "0000:06:00.0", 0);
        way_up(&s, 3, "pci0000:00 0000:00:03.0", 0);            /* own root port */
        way_up(&s, 4, "pci0000:40 0000:40:01.0", 0);            /* other host bridge, node 0 */
        way_up(&s, 5, "pci0000:80 0000:80:01.0", 1);            /* other socket */
        way_up(&s, 6, "pci0000:c0", -1);                        /* node unknown */
        assert_int_equal(topo_build_pci(&s, &m), 0);
        assert_int_equal(m.n, 7);
        assert_true(m.from_pci);
        assert_string_equal(kind(&m, 0, 0), "X");
        assert_string_equal(kind(&m, 0, 1), "PIX");
        assert_string_equal(kind(&m, 0, 2), "PXB");
        assert_string_equal(kind(&m, 2, 1), "PXB");
        assert_string_equal(kind(&m, 0, 3), "PHB");
        assert_string_equal(kind(&m, 3, 4), "NODE");
        assert_string_equal(kind(&m, 4, 5), "SYS");
        assert_string_equal(kind(&m, 5, 6), "?");
        assert_int_equal(m.gpus[5].numa, 1);
        assert_int_equal(m.gpus[6].numa, -1);
        assert_string_equal(m.gpus[1].bus_id, s.pci.devs[1].bus_id);
        assert_int_equal(topo_cell(&m, 0, 1)->p2p[TOPO_CAP_READ], -1);
        assert_int_equal(m.gpus[0].links, -1);
        topo_release(&m);
        snap_release(&s);
}

static void test_unknown_tree_and_no_gpu(void **state)
{
        struct topo_model m;
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);                                   /* no way up recorded */
        assert_int_equal(topo_build_pci(&s, &m), 0);
        assert_string_equal(kind(&m, 0, 1), "?");
        topo_release(&m);
        snap_release(&s);
        snapb_healthy(&s, 0);
        assert_int_equal(topo_build_pci(&s, &m), -1);
        assert_int_equal(m.n, 0);
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kinds),
                cmocka_unit_test(test_unknown_tree_and_no_gpu),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
