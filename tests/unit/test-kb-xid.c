/* test-kb-xid.c - the Xid table generated from src/kb/xid.tsv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kb/kb-tables.h"
#include "kb/kb.h"
#include "util/cleanup.h"

static void test_find(void **state)
{
        static const struct { int code; const char *name; enum kb_xid_class cls; } cases[] = {
                { 8, "ROBUST_CHANNEL_FIFO_ERROR_IDLE_TIMEOUT", KB_XID_APP },
                { 13, "ROBUST_CHANNEL_GR_EXCEPTION / ROBUST_CHANNEL_GR_ERROR_SW_NOTIFY", KB_XID_APP },
                { 48, "ROBUST_CHANNEL_GPU_ECC_DBE", KB_XID_CRITICAL },
                { 63, "INFOROM_DRAM_RETIREMENT_EVENT", KB_XID_WARNING },
                { 79, "ROBUST_CHANNEL_GPU_HAS_FALLEN_OFF_THE_BUS", KB_XID_CRITICAL },
                { 94, "ROBUST_CHANNEL_CONTAINED_ERROR", KB_XID_APP },
                { 176, "PCIE_CORRECTABLE_ERROR_FAULT", KB_XID_WARNING },
        };
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                const struct kb_xid *x = kb_xid_find(cases[i].code);

                assert_non_null(x);
                assert_int_equal(x->code, cases[i].code);
                assert_string_equal(x->name, cases[i].name);
                assert_int_equal(x->cls, cases[i].cls);
        }
        assert_null(kb_xid_find(0));
        assert_null(kb_xid_find(9));
        assert_null(kb_xid_find(-1));
        assert_null(kb_xid_find(100000));
}

/* Sorted, complete, and every row says what, what to do, and where from. */
static void test_table(void **state)
{
        (void)state;
        assert_int_equal(kb_xid_table_size, 64);
        for (size_t i = 0; i < kb_xid_table_size; i++) {
                const struct kb_xid *x = &kb_xid_table[i];

                if (i)
                        assert_true(kb_xid_table[i - 1].code < x->code);
                assert_true(*x->name && *x->meaning && *x->action);
                assert_non_null(strstr(x->source, "https://"));
                assert_ptr_equal(kb_xid_find(x->code), x);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_find), cmocka_unit_test(test_table),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
