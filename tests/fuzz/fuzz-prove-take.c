/* fuzz-prove-take.c - the records prove's harness prints, as the runner
 * reads them (prove/prove-take.c): whatever the environment's Python
 * writes to stdout, the section stays consistent and is freed whole. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "prove/prove.h"
#include "snap/snap-json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct snap_prove p = { 0 };
        char *err = NULL, *gpus = NULL;
        json_t *j;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        if (prove_take((const char *)data, size, &p, &err) < 0 && !err)
                __builtin_trap(); /* a failure always says why */
        free(err);
        j = snap_prove_to_json(&p); /* every record taken is whole */
        json_decref(j);
        snap_prove_release(&p);
        if (size < 64) {
                char s[64];
                memcpy(s, data, size);
                s[size] = 0;
                (void)prove_parse_gpus(s, &gpus);
                free(gpus);
        }
        return 0;
}
