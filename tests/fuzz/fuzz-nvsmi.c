/* fuzz-nvsmi.c - doctor --from's nvsmi import (probe/import-nvsmi.c) into
 * a snapshot that is then judged by every check, serialised and freed. */
#include "fuzz-import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        return fuzz_import(data, size, import_nvsmi);
}
