/* fuzz-bench-wsconfig.c - CUBLAS_WORKSPACE_CONFIG as bench reads it
 * (bench_workspace_config): any text, NUL-terminated at the input's end. */
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *val;
        size_t bytes = 0;

        if (size > FUZZ_INPUT_MAX || !(val = malloc(size + 1)))
                return 0;
        memcpy(val, data, size);
        val[size] = '\0';
        if (bench_workspace_config(val, &bytes) == 0 && bytes > (4ull << 30))
                __builtin_trap(); /* the cap is 4 GiB */
        free(val);
        return 0;
}
