/* kb-pcie.c - PCIe generation <-> per-lane transfer rate (see kb.h).
 * Source: PCI-SIG, PCI Express Base Specification revisions 1.0a-6.0
 * (2.5, 5.0, 8.0, 16.0, 32.0, 64.0 GT/s); Linux's spellings of the rate in
 * sysfs: drivers/pci/pci.h PCIE_SPEED2STR (5.7+) and the bare numbers of
 * drivers/pci/pci-sysfs.c before it. */
#include <stdio.h>
#include <string.h>

#include "kb/kb.h"
#include "util/cleanup.h"

static const struct {
        int gen;
        double gts;
        const char *old_spelling; /* before Linux 5.7 */
        const char *new_spelling; /* Linux 5.7 and later */
} kb_pcie_rates[] = {
        { 1, 2.5, "2.5", "2.5" },  { 2, 5, "5", "5.0" },    { 3, 8, "8", "8.0" },
        { 4, 16, "16", "16.0" },   { 5, 32, "32", "32.0" }, { 6, 64, "64", "64.0" },
};

double kb_pcie_gts(int gen)
{
        for (size_t i = 0; i < ARRAY_SIZE(kb_pcie_rates); i++)
                if (kb_pcie_rates[i].gen == gen)
                        return kb_pcie_rates[i].gts;
        return 0;
}

static bool kb_pcie_spelled(const char *want, const char *rate, size_t n)
{
        return strlen(want) == n && !strncmp(rate, want, n);
}

int kb_pcie_gen_of_rate(const char *rate, size_t n)
{
        for (size_t i = 0; i < ARRAY_SIZE(kb_pcie_rates); i++)
                if (kb_pcie_spelled(kb_pcie_rates[i].old_spelling, rate, n) ||
                    kb_pcie_spelled(kb_pcie_rates[i].new_spelling, rate, n))
                        return kb_pcie_rates[i].gen;
        return 0;
}

double kb_pcie_gbps(double speed_gts, int width)
{
        double coding = speed_gts < 8 ? 8.0 / 10.0 : 128.0 / 130.0;

        return speed_gts * coding / 8.0 * width;
}
