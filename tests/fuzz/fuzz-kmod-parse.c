/* fuzz-kmod-parse.c - /proc/modules, the NVRM version line, modules.dep
 * and modprobe.d parsing, all on the same input. */
#include <stdlib.h>

#include "fuzz.h"
#include "probe/kmod-parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        const char *buf = (const char *)data;
        struct strv names = STRV_INIT;
        char *s;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        kmod_parse_proc_modules(buf, size, &names);
        strv_release(&names);
        s = kmod_parse_nvrm_line(buf, size);
        if (s)
                kmod_parse_nvrm_is_open(s);
        free(s);
        free(kmod_parse_moddep(buf, size, "nvidia"));
        kmod_parse_blacklist(buf, size, "nouveau");
        return 0;
}
