/* fuzz-pci-sysfs.c - PCI sysfs attribute parsing (numbers, link speeds,
 * the resource file). */
#include "fuzz.h"
#include "probe/pci-sysfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *buf = (const char *)data;
        int64_t num;
        uint64_t bar;
        int gen;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        pci_sysfs_num(buf, size, &num);
        if (pci_sysfs_link_gen(buf, size, &gen) == 0 && (gen < 1 || gen > 6))
                __builtin_trap();
        pci_sysfs_bar0_size(buf, size, &bar);
        return 0;
}
