/* test-check-health.c - ECC, row remapping, retired pages, throttling and
 * Xid events grouped per GPU and code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"

/* (k) uncorrected ECC errors and a row remap pending on GPU 2; its Xid 48
 * is evidence of the ECC finding, not a finding of its own. */
static void test_ecc_remap(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        fact_set_num(&s.gpus[2].ecc_uncorrected_volatile, 3);
        fact_set_num(&s.gpus[2].ecc_uncorrected_aggregate, 5);
        fact_set_num(&s.gpus[2].remap_uncorrectable, 1);
        fact_set_num(&s.gpus[2].remap_pending, 1);
        snapb_xid(&s, 2, 48, "DBE (double bit error) ECC error");
        snapb_expect_bad(&s, "health.ecc-uncorrected health.remap-pending");
        snapb_expect_summary(&s, "health.ecc-uncorrected", "GPU 2 (0000:12:00.0) has 3 uncorrected ECC errors");
        snapb_expect_line(&s, "health.ecc-uncorrected", "Xid 48");
        snapb_expect_line(&s, "health.remap-pending", "sudo nvidia-smi -r -i 2");
        snap_release(&s);
}

/* Lifetime errors with none since the driver loaded are history. */
static void test_ecc_history(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        fact_set_num(&s.gpus[1].ecc_uncorrected_aggregate, 2);
        snapb_expect_bad(&s, "");
        fact_fail_num(&s.gpus[1].ecc_uncorrected_volatile, FACT_UNSUPPORTED, "NVML_ERROR_NOT_SUPPORTED");
        snapb_expect_bad(&s, "health.ecc-uncorrected");
        snap_release(&s);
}

static void test_remap_failed_retired(void **state)
{
        struct snapshot s;
        char *info;

        (void)state;
        snapb_healthy(&s, 4);
        fact_set_num(&s.gpus[1].remap_failed, 1);
        fact_set_num(&s.gpus[1].remap_pending, 1);
        fact_set_num(&s.gpus[2].retired_pages_pending, 1);
        fact_set_num(&s.gpus[3].retired_pages_dbe, 2);
        snapb_expect_bad(&s, "health.remap-failed health.retired-pages-pending");
        info = snapb_ids(&s, SEV_INFO);
        assert_string_equal(info, "health.remap-failed health.retired-pages health.retired-pages-pending");
        free(info);
        snap_release(&s);
}

/* (p) throttling by clock event reason bits. */
static void test_throttle(void **state)
{
        static const struct { int64_t bits; const char *ids; } cases[] = {
                { 0x40, "health.throttle-hw" },     { 0x08, "health.throttle-hw" },
                { 0x80, "health.throttle-hw" },     { 0x20, "health.throttle-thermal" },
                { 0x04, "health.throttle-power" },  { 0x01, "" },
        };
        struct snapshot s;

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *got;
                snapb_healthy(&s, 8);
                fact_set_num(&s.gpus[5].clock_event_reasons, cases[i].bits);
                fact_set_num(&s.gpus[5].temperature_c, 91);
                got = snapb_ids(&s, SEV_INFO);
                assert_string_equal(got, cases[i].ids);
                free(got);
                snap_release(&s);
        }
        snapb_healthy(&s, 8);
        fact_set_num(&s.gpus[5].clock_event_reasons, 0x40);
        snapb_expect_summary(&s, "health.throttle-hw", "GPU 5 (0000:15:00.0) is slowed by hardware (too hot)");
        snapb_expect_line(&s, "health.throttle-hw", "0x40 (HW thermal slowdown)");
        snap_release(&s);
}

/* Xids grouped per GPU and code, classed by the knowledge base. */
static void test_xid(void **state)
{
        struct snapshot s;
        char *got;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_xid(&s, 1, 13, "Graphics SM Warp Exception");
        snapb_xid(&s, 4, 119, "Timeout waiting for RPC from GSP!");
        snapb_xid(&s, 4, 119, "Timeout waiting for RPC from GSP!");
        snapb_xid(&s, 4, 119, "Timeout waiting for RPC from GSP!");
        snapb_xid(&s, 6, 9999, "something new");
        got = snapb_ids(&s, SEV_INFO);
        assert_string_equal(got, "health.xid-app health.xid-critical health.xid-warning");
        free(got);
        snapb_expect_summary(&s, "health.xid-critical", "GPU 4 (0000:14:00.0): Xid 119 (3 times)");
        snapb_expect_summary(&s, "health.xid-warning", "a code dlrig does not know");
        snap_release(&s);
}

/* Health is silent when NVML cannot speak for the GPUs. */
static void test_silent_below(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        fact_set_num(&s.gpus[0].clock_event_reasons, 0x40);
        snapb_xid(&s, 1, 79, "GPU has fallen off the bus.");
        fact_set_str(&s.kmod.loaded_version, "535.104.05");
        snapb_nvml_fail(&s, 18);
        snapb_expect_bad(&s, "driver.version-mismatch");
        snap_release(&s);
}

static void test_ok(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_expect_summary(&s, "health.ok", "8 GPUs: no uncorrected ECC errors, pending remaps, throttling or Xid errors");
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ecc_remap),     cmocka_unit_test(test_ecc_history),
                cmocka_unit_test(test_remap_failed_retired), cmocka_unit_test(test_throttle),
                cmocka_unit_test(test_xid),           cmocka_unit_test(test_silent_below),
                cmocka_unit_test(test_ok),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
