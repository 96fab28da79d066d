/* fuzz-setup-sim.c - the package manager's simulated transaction (apt-get
 * -s, dnf --assumeno) read for kernel images, and the rc-file block edit
 * applied to arbitrary file content. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "setup/setup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        char *text, *a, *b;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        free(setup_sim_kernel((const char *)data, size));
        text = strndup((const char *)data, size);
        if (!text)
                return 0;
        a = setup_block_apply(text, "export A=1\n");
        b = setup_block_apply(a, "export A=1\n");
        if (strcmp(a, b))
                abort(); /* applying the same block twice must change nothing */
        free(a), free(b), free(text);
        return 0;
}
