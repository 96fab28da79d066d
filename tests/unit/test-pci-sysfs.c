/* test-pci-sysfs.c - PCI sysfs attribute parsing: numbers, link speeds
 * (both kernel spellings), BAR0 from the resource file. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "probe/pci-sysfs.h"
#include "util/cleanup.h"
#include "util/strv.h"

static void test_link_gen(void **state)
{
        static const struct { const char *in; int r, gen; } cases[] = {
                { "2.5 GT/s PCIe\n", 0, 1 }, { "5.0 GT/s PCIe\n", 0, 2 },
                { "8.0 GT/s PCIe\n", 0, 3 }, { "16.0 GT/s PCIe\n", 0, 4 },
                { "32.0 GT/s PCIe\n", 0, 5 }, { "64.0 GT/s PCIe\n", 0, 6 },
                { "2.5 GT/s\n", 0, 1 }, { "5 GT/s\n", 0, 2 }, { "8 GT/s", 0, 3 },
                { "16 GT/s\n", 0, 4 }, { "32 GT/s\n", 0, 5 },
                { "Unknown\n", -EOPNOTSUPP, 0 }, { "Unknown speed\n", -EOPNOTSUPP, 0 },
                { "", -EBADMSG, 0 }, { "16.0\n", -EBADMSG, 0 }, { "12 GT/s\n", -EBADMSG, 0 },
                { "16.0 GT/s PCIe extra\n", -EBADMSG, 0 }, { "GT/s\n", -EBADMSG, 0 },
                { "2.50 GT/s\n", -EBADMSG, 0 },
        };
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                int gen = -1;
                int r = pci_sysfs_link_gen(cases[i].in, strlen(cases[i].in), &gen);

                assert_int_equal(r, cases[i].r);
                if (!r)
                        assert_int_equal(gen, cases[i].gen);
        }
}

static void test_num(void **state)
{
        static const struct { const char *in; int r; int64_t v; } cases[] = {
                { "0x10de\n", 0, 0x10de }, { "0x030200\n", 0, 0x030200 }, { "16\n", 0, 16 },
                { "-1\n", 0, -1 }, { "0\n", 0, 0 }, { "", -EBADMSG, 0 }, { "0x\n", -EBADMSG, 0 },
                { "abc\n", -EBADMSG, 0 }, { "12 13\n", -EBADMSG, 0 }, { "0xzz", -EBADMSG, 0 },
        };
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                int64_t v = 42;
                int r = pci_sysfs_num(cases[i].in, strlen(cases[i].in), &v);

                assert_int_equal(r, cases[i].r);
                if (!r)
                        assert_int_equal(v, cases[i].v);
        }
        assert_int_equal(pci_sysfs_num("1\0002", 3, &(int64_t){ 0 }), -EBADMSG);
}

static void test_bar0(void **state)
{
        static const struct { const char *in; int r; uint64_t v; } cases[] = {
                { "0x00000000fa000000 0x00000000faffffff 0x0000000000040200\n"
                  "0x000000f800000000 0x000000ffffffffff 0x000000000014220c\n", 0, 16u << 20 },
                { "0x0000000000000000 0x0000000000000000 0x0000000000000000\n", 0, 0 },
                { "0x1000 0x1fff 0x200", 0, 0x1000 },
                { "0x2000 0x1fff 0x200\n", -EBADMSG, 0 },
                { "0x1000 0x1fff\n", -EBADMSG, 0 }, { "garbage\n", -EBADMSG, 0 },
                { "", -EBADMSG, 0 }, { "0x0 0xffffffffffffffff 0x0\n", -EBADMSG, 0 },
        };
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                uint64_t v = 42;
                int r = pci_sysfs_bar0_size(cases[i].in, strlen(cases[i].in), &v);

                assert_int_equal(r, cases[i].r);
                if (!r)
                        assert_int_equal(v, cases[i].v);
        }
}

static void test_upstream(void **state)
{
        static const struct { const char *link; int r; const char *want; } cases[] = {
                { "../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:00.0/0000:03:00.0",
                  0, "pci0000:00 0000:00:01.0 0000:01:00.0 0000:02:00.0" },
                { "../../../devices/pci0000:3a/0000:3a:00.0", 0, "pci0000:3a" },
                /* VMD: a second host bridge below the first */
                { "../../../devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:01.0/10000:01:00.0",
                  0, "pci0000:00 0000:00:0e.0 pci10000:00 10000:00:01.0" },
                { "/sys/devices/platform/soc/pci0000:00//0000:00:00.0/", 0, "pci0000:00" },
                { "../../../devices/pci0000:00", -EBADMSG, NULL },
                { "../../../devices/0000:03:00.0", -EBADMSG, NULL },
                { "../../../devices/pci0000:00/../0000:03:00.0", -EBADMSG, NULL },
                { "", -EBADMSG, NULL },
        };
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                struct strv up = STRV_INIT;
                char got[256] = "";
                int r = pci_sysfs_upstream(cases[i].link, &up);

                assert_int_equal(r, cases[i].r);
                for (size_t j = 0; j < up.n; j++)
                        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
                                 j ? " " : "", up.v[j]);
                if (!r)
                        assert_string_equal(got, cases[i].want);
                else
                        assert_int_equal(up.n, 0);
                strv_release(&up);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_link_gen), cmocka_unit_test(test_num),
                cmocka_unit_test(test_bar0),
                cmocka_unit_test(test_upstream),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
