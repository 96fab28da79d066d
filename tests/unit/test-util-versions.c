/* test-util-versions.c - util/versions.c: comparing, finding and taking
 * dotted versions apart, table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "util/versions.h"

static void test_version_cmp(void **state)
{
        static const struct { const char *a, *b; int want; } cases[] = {
                { "535.161.08", "550.54.15", -1 }, { "550.54.15", "550.54.15", 0 },
                { "12.10", "12.9", 1 },             { "12", "12.0", 0 },
                { "570.86.10", "570.86.1", 1 },     { "590", "580.159.04", 1 },
                { "3.9", "3.13", -1 },              { "2.6.0a0", "2.6.0", 1 },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                assert_int_equal(version_cmp(cases[i].a, cases[i].b), cases[i].want);
}

static void test_version_find(void **state)
{
        char *v;
        (void)state;
        v = version_find("NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.161.08  Tue Mar  5 22:42:15 UTC 2024");
        assert_string_equal(v, "535.161.08");
        free(v);
        v = version_find("x86_64 only");
        assert_null(v);
}

static void test_version_parts(void **state)
{
        static const struct { const char *v, *major, *mm; } cases[] = {
                { "580.159.04", "580", "580.159" }, { "12.1.105", "12", "12.1" },
                { "3.11.9", "3", "3.11" },          { "12", "12", "12" },
                { "535.161.08-1ubuntu1", "535", "535.161" }, { "", "", "" },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                assert_string_equal(version_major(cases[i].v).s, cases[i].major);
                assert_string_equal(version_branch(cases[i].v).s, cases[i].major);
                assert_string_equal(version_major_minor(cases[i].v).s, cases[i].mm);
        }
        assert_string_equal(version_branch(NULL).s, "");
        assert_string_equal(version_major_minor(NULL).s, "");
}

static void test_version_parse_mm(void **state)
{
        static const struct { const char *v; bool ok; long major, minor; } cases[] = {
                { "8.9.2.26", true, 8, 9 }, { "12.8", true, 12, 8 }, { "3.11.9", true, 3, 11 },
                { "2.3.1+cu121", true, 2, 3 }, { "12", false, 0, 0 }, { "12.", false, 0, 0 },
                { "x.1", false, 0, 0 }, { " 1.2", false, 0, 0 }, { "-1.2", false, 0, 0 },
                { "99999999999.1", false, 0, 0 },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                long ma = -7, mi = -7;
                assert_int_equal(version_parse_mm(cases[i].v, &ma, &mi), cases[i].ok);
                assert_int_equal(ma, cases[i].ok ? cases[i].major : -7);
                assert_int_equal(mi, cases[i].ok ? cases[i].minor : -7);
        }
        assert_false(version_parse_mm(NULL, NULL, NULL));
}

static void test_version_same_release(void **state)
{
        (void)state;
        assert_true(version_same_release("535.161.08", "535.161.08-1ubuntu1"));
        assert_true(version_same_release("535.161.08.", "535.161.08"));
        assert_false(version_same_release("535.161.08", "535.161.07"));
        assert_false(version_same_release("535.161", "535.161.08"));
        assert_false(version_same_release("", ""));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_version_cmp),          cmocka_unit_test(test_version_find),
                cmocka_unit_test(test_version_parts),        cmocka_unit_test(test_version_parse_mm),
                cmocka_unit_test(test_version_same_release),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
