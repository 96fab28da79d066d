/* fuzz-dpkg-status.c - dpkg status database parsing. */
#include <stdlib.h>

#include "fuzz.h"
#include "probe/dpkg-status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        if (size > FUZZ_INPUT_MAX)
                return 0;
        free(dpkg_status_version((const char *)data, size, "nvidia-fabricmanager"));
        return 0;
}
