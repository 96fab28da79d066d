/* fuzz-pci-sysfs.c - PCI sysfs attribute parsing (numbers, link speeds,
 * the resource file, the way up the tree from a device link). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "probe/pci-sysfs.h"
#include "util/strv.h"
#include "util/xalloc.h"

/* A link target is a C string: the bytes up to the first NUL. */
static void fuzz_upstream(const char *buf, size_t size)
{
        char *link = xstrndup(buf, size);
        struct strv up = STRV_INIT;

        if (pci_sysfs_upstream(link, &up) == 0 && (!up.n || strncmp(up.v[0], "pci", 3)))
                __builtin_trap();
        strv_release(&up);
        free(link);
}

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
        fuzz_upstream(buf, size);
        return 0;
}
