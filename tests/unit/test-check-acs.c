/* test-check-acs.c - PCIe ACS between GPUs: redirect on at a switch's
 * downstream ports is a failure, the same bits at root ports (GPUs that
 * meet only at the CPU) or bits that do not redirect are not, except at
 * AMD's root ports, whose root complex carries P2P; unread config space is
 * "could not judge", never fine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"

#define ROOT_A "0000:00:01.0"
#define SW_UP "0000:01:00.0"
static const char *const down[] = { "0000:02:00.0", "0000:02:01.0" };
static const char *const root_port[] = { NULL, NULL, "0000:00:02.0", "0000:00:03.0" };

static void bridge(struct snapshot *s, const char *bus, enum fact_st st, int64_t ctrl)
{
        struct snap_pci_bridge *b = snap_add_pci_bridge(&s->pci);

        b->bus_id = strdup(bus);
        if (st == FACT_OK) {
                fact_set_num(&b->acs_cap, 0x5f);
                fact_set_num(&b->acs_ctrl, ctrl);
        } else {
                fact_fail_num(&b->acs_cap, st, "config space past 64 bytes needs root");
                fact_fail_num(&b->acs_ctrl, st, "config space past 64 bytes needs root");
        }
}

/* GPUs 0 and 1 behind one switch (root port, upstream port, a downstream
 * port each); GPUs 2 and 3 each on a root port of the same host bridge.
 * Switch ports get sw_st/sw_ctrl, root ports root_ctrl. */
static void tree(struct snapshot *s, enum fact_st sw_st, int64_t sw_ctrl, int64_t root_ctrl)
{
        snapb_healthy(s, 4);
        for (size_t i = 0; i < 4; i++) {
                struct strv *up = &s->pci.devs[i].upstream;

                strv_pushf(up, "pci0000:00");
                if (i < 2) {
                        strv_pushf(up, ROOT_A);
                        strv_pushf(up, SW_UP);
                        strv_pushf(up, "%s", down[i]);
                } else {
                        strv_pushf(up, "%s", root_port[i]);
                }
        }
        bridge(s, ROOT_A, FACT_OK, root_ctrl);
        bridge(s, SW_UP, FACT_ABSENT, 0);
        bridge(s, down[0], sw_st, sw_ctrl);
        bridge(s, down[1], sw_st, sw_ctrl);
        bridge(s, root_port[2], FACT_OK, root_ctrl);
        bridge(s, root_port[3], FACT_OK, root_ctrl);
}

static void test_redirect_at_switch(void **state)
{
        struct snapshot s;
        char *line;

        (void)state;
        tree(&s, FACT_OK, 0x1d, 0);
        snapb_expect_bad(&s, "topo.acs-enabled");
        line = snapb_line(&s, "topo.acs-enabled", "0000:02:01.0 (above GPU");
        assert_non_null(line);
        assert_non_null(strstr(line, "ACS control 0x001d: SV RR CR UF on"));
        free(line);
        line = snapb_line(&s, "topo.acs-enabled", "setpci -s 0000:02:00.0 ECAP_ACS+0x6.w=0000");
        assert_non_null(line);
        free(line);
        line = snapb_line(&s, "topo.acs-enabled", "0000:00:01.0");
        assert_null(line); /* the root port is not between the two GPUs */
        snap_release(&s);
}

static void test_only_one_redirect_bit(void **state)
{
        struct snapshot s;

        (void)state;
        tree(&s, FACT_OK, 0x08, 0); /* Completion Redirect alone */
        snapb_expect_bad(&s, "topo.acs-enabled");
        snap_release(&s);
}

static void test_root_ports_and_harmless_bits(void **state)
{
        struct snapshot s;

        (void)state;
        /* redirect at every root port: GPUs 2 and 3 meet at the CPU anyway */
        tree(&s, FACT_OK, 0x0, 0x1d);
        snapb_expect_all(&s, "cuda.ok driver.ok gpu.counts-agree health.ok kmod.loaded "
                             "pci.gpus-present");
        snap_release(&s);
        /* source validation, upstream forwarding, translation blocking: no detour */
        tree(&s, FACT_OK, 0x13, 0x1d);
        snapb_expect_bad(&s, "");
        snap_release(&s);
        /* no ACS capability at all */
        tree(&s, FACT_ABSENT, 0, 0x1d);
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

/* Gives every root port AMD's GPP bridge ids (1022:1483). */
static void amd_root_ports(struct snapshot *s)
{
        for (size_t i = 0; i < s->pci.nbridges; i++) {
                struct snap_pci_bridge *b = &s->pci.bridges[i];

                if (!strcmp(b->bus_id, ROOT_A) || !strncmp(b->bus_id, "0000:00:0", 9))
                        b->vendor_id = 0x1022, b->device_id = 0x1483;
        }
}

/* On AMD the root complex carries P2P between root ports (GPP bridges):
 * redirect there sends it through the IOMMU (NCCL issue 2079), so GPUs 2
 * and 3, which meet only at the host bridge, are judged too. */
static void test_amd_root_ports(void **state)
{
        struct snapshot s;
        char *line;

        (void)state;
        tree(&s, FACT_OK, 0x0, 0x1d);
        amd_root_ports(&s);
        snapb_expect_bad(&s, "topo.acs-enabled");
        line = snapb_line(&s, "topo.acs-enabled", "bridge 0000:00:03.0 (above GPU 0000:13:00.0)");
        assert_non_null(line);
        free(line);
        line = snapb_line(&s, "topo.acs-enabled", "setpci -s 0000:00:01.0 ECAP_ACS+0x6.w=0000");
        assert_non_null(line); /* GPUs 0 and 2 meet in the root complex too */
        free(line);
        snap_release(&s);
        /* source validation alone redirects nothing */
        tree(&s, FACT_OK, 0x0, 0x01);
        amd_root_ports(&s);
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

static void test_unreadable_is_not_ok(void **state)
{
        struct snapshot s;
        char *ids;

        (void)state;
        tree(&s, FACT_DENIED, 0, 0);
        snapb_expect_bad(&s, "");
        ids = snapb_ids(&s, SEV_INFO);
        assert_non_null(strstr(ids, "topo.acs-unreadable"));
        free(ids);
        ids = snapb_line(&s, "topo.acs-unreadable", "sudo dlrig doctor");
        assert_non_null(ids);
        free(ids);
        snap_release(&s);
}

static void test_single_gpu_below_switch(void **state)
{
        struct snapshot s;

        (void)state;
        tree(&s, FACT_OK, 0x1d, 0);
        /* GPU 1 gone: GPU 0 alone below the switch, nothing to redirect */
        strv_release(&s.pci.devs[1].upstream);
        s.pci.devs[1].upstream = (struct strv)STRV_INIT;
        strv_pushf(&s.pci.devs[1].upstream, "pci0000:00");
        strv_pushf(&s.pci.devs[1].upstream, "0000:00:04.0");
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_redirect_at_switch),
                cmocka_unit_test(test_only_one_redirect_bit),
                cmocka_unit_test(test_root_ports_and_harmless_bits),
                cmocka_unit_test(test_amd_root_ports),
                cmocka_unit_test(test_unreadable_is_not_ok),
                cmocka_unit_test(test_single_gpu_below_switch),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
