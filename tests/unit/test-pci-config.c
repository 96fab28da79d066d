/* test-pci-config.c - the ACS capability from config-space bytes: found
 * after another capability, absent, header-only reads (no root), a list
 * that loops or runs off the end. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "probe/pci-config.h"

static uint8_t cfg[PCI_CFG_SPACE_EXP_SIZE];

static void put32(size_t off, uint32_t v)
{
        for (int i = 0; i < 4; i++)
                cfg[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* An extended capability header: id, version 1, next offset. */
static void ext_cap(size_t off, uint16_t id, uint16_t next)
{
        put32(off, id | 1u << 16 | (uint32_t)next << 20);
}

static int acs(size_t len, struct pci_acs *ret)
{
        return pci_config_acs(cfg, len, ret);
}

static void test_found_after_aer(void **state)
{
        struct pci_acs a = { 0 };

        (void)state;
        memset(cfg, 0, sizeof(cfg));
        ext_cap(0x100, 0x0001, 0x148);                    /* AER */
        ext_cap(0x148, PCI_EXT_CAP_ACS, 0);
        put32(0x14c, 0x005f | 0x001du << 16);             /* cap, then control */
        assert_int_equal(acs(sizeof(cfg), &a), 0);
        assert_int_equal(a.offset, 0x148);
        assert_int_equal(a.cap, 0x005f);
        assert_int_equal(a.ctrl, PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF);
}

static void test_first_and_reserved_bits(void **state)
{
        struct pci_acs a = { 0 };

        (void)state;
        memset(cfg, 0, sizeof(cfg));
        /* the next pointer's low two bits are reserved: 0x203 means 0x200 */
        ext_cap(0x100, 0x0019, 0x203);
        ext_cap(0x200, PCI_EXT_CAP_ACS, 0);
        put32(0x204, 0x0040);
        assert_int_equal(acs(sizeof(cfg), &a), 0);
        assert_int_equal(a.offset, 0x200);
        assert_int_equal(a.cap, PCI_ACS_DT);
        assert_int_equal(a.ctrl, 0);
}

static void test_absent(void **state)
{
        struct pci_acs a;

        (void)state;
        memset(cfg, 0, sizeof(cfg));
        assert_int_equal(acs(sizeof(cfg), &a), -ENOENT); /* nothing at 0x100 */
        memset(cfg + 0x100, 0xff, 4);
        assert_int_equal(acs(sizeof(cfg), &a), -ENOENT); /* no extended space */
        memset(cfg, 0, sizeof(cfg));
        ext_cap(0x100, 0x0001, 0);
        assert_int_equal(acs(sizeof(cfg), &a), -ENOENT); /* AER only */
        ext_cap(0x100, 0x0001, 0x0fc);                    /* a pointer below 0x100 ends it */
        assert_int_equal(acs(sizeof(cfg), &a), -ENOENT);
        assert_int_equal(acs(PCI_CFG_SPACE_SIZE, &a), -ENOENT); /* conventional PCI */
}

static void test_short_reads(void **state)
{
        struct pci_acs a;

        (void)state;
        memset(cfg, 0, sizeof(cfg));
        ext_cap(0x100, PCI_EXT_CAP_ACS, 0);
        assert_int_equal(acs(PCI_CFG_HEADER_SIZE, &a), -EACCES);
        assert_int_equal(acs(0, &a), -EACCES);
        assert_int_equal(acs(PCI_CFG_SPACE_SIZE - 1, &a), -EACCES);
}

static void test_malformed(void **state)
{
        struct pci_acs a;

        (void)state;
        memset(cfg, 0, sizeof(cfg));
        ext_cap(0x100, 0x0001, 0x100);                    /* points at itself */
        assert_int_equal(acs(sizeof(cfg), &a), -EBADMSG);
        ext_cap(0x100, 0x0001, 0x140);
        ext_cap(0x140, 0x0002, 0x100);                    /* a loop of two */
        assert_int_equal(acs(sizeof(cfg), &a), -EBADMSG);
        memset(cfg, 0, sizeof(cfg));
        ext_cap(0x100, 0x0001, 0xffc);
        ext_cap(0xffc, PCI_EXT_CAP_ACS, 0);               /* its registers past the end */
        assert_int_equal(acs(sizeof(cfg), &a), -EBADMSG);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_found_after_aer),
                cmocka_unit_test(test_first_and_reserved_bits),
                cmocka_unit_test(test_absent),
                cmocka_unit_test(test_short_reads),
                cmocka_unit_test(test_malformed),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
