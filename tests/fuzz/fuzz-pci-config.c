/* fuzz-pci-config.c - the ACS capability walk over config-space bytes
 * (src/probe/pci-config.c): any bytes, any length, never a read outside
 * the buffer, and a found capability lies inside it. */
#include <errno.h>

#include "fuzz.h"
#include "probe/pci-config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct pci_acs acs;
        int r;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        r = pci_config_acs(data, size, &acs);
        if (r == 0 && ((size_t)acs.offset + 8 > size || acs.offset < 0x100))
                __builtin_trap();
        if (r != 0 && r != -ENOENT && r != -EACCES && r != -EBADMSG)
                __builtin_trap();
        return 0;
}
