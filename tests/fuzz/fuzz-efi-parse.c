/* fuzz-efi-parse.c - UEFI signature lists (MokListRT, db) and X.509
 * subjects (src/probe/efi-parse.c): any bytes, read both as a list and
 * as one certificate; never a read outside the buffer, and every name
 * found is printable. */
#include <errno.h>
#include <stdlib.h>

#include "fuzz.h"
#include "probe/efi-parse.h"

static void fuzz_check_printable(const char *s)
{
        for (; *s; s++)
                if (*s < 0x20 || *s > 0x7e)
                        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct strv cns = STRV_INIT;
        char *cn;
        int r;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        r = efi_siglist_subjects(data, size, &cns);
        if (r < 0 ? r != -EBADMSG : (size_t)r != cns.n)
                __builtin_trap();
        for (size_t i = 0; i < cns.n; i++)
                fuzz_check_printable(cns.v[i]);
        strv_release(&cns);
        cn = efi_x509_subject_cn(data, size);
        if (cn)
                fuzz_check_printable(cn);
        free(cn);
        return 0;
}
