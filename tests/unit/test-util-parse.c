/* test-util-parse.c - number and bus id parsing (versions: test-util-versions.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "util/parse.h"

static void test_parse_u64(void **state)
{
        static const struct { const char *in; int r; uint64_t v; } cases[] = {
                { "42", 0, 42 }, { " 7\n", 0, 7 }, { "0x10", 0, 16 }, { "", -22, 0 },
                { "-1", -22, 0 }, { "12abc", -22, 0 }, { "99999999999999999999", -34, 0 },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                uint64_t v = 0;
                assert_int_equal(parse_u64(cases[i].in, 0, &v), cases[i].r);
                if (!cases[i].r)
                        assert_int_equal(v, cases[i].v);
        }
}

static void test_bus_id(void **state)
{
        char *v;
        (void)state;
        v = pci_bus_id_normalize("00000000:3B:00.0");
        assert_string_equal(v, "0000:3b:00.0");
        free(v);
        v = pci_bus_id_normalize("0000:3B:00.0");
        assert_string_equal(v, "0000:3b:00.0");
        free(v);
        assert_null(pci_bus_id_normalize("garbage"));
        assert_null(pci_bus_id_normalize("0000:3b:00.9"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_u64), cmocka_unit_test(test_bus_id),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
