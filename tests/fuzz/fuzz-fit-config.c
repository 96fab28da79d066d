/* fuzz-fit-config.c - config.json and safetensors-index parsing (dlrig fit). */
#include <stdlib.h>

#include "fit/fit-arch.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct fit_arch a;
        struct fit_params p;
        int64_t bytes;
        char *err = NULL;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        /* A config that parses must count without overflow (UBSan checks). */
        if (fit_config_parse((const char *)data, size, &a, &err) == 0)
                fit_count_params(&a, &p);
        free(err);
        err = NULL;
        fit_index_parse((const char *)data, size, &bytes, &err);
        free(err);
        return 0;
}
