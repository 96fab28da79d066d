/* fuzz-os-release.c - os-release(5) parsing. */
#include <stdlib.h>

#include "fuzz.h"
#include "probe/os-release.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        static const char *const keys[] = { "ID", "VERSION_ID", "PRETTY_NAME", "" };

        if (size > FUZZ_INPUT_MAX)
                return 0;
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                free(os_release_get((const char *)data, size, keys[i]));
        return 0;
}
