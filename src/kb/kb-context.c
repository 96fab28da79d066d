/* kb-context.c - the per-GPU context overhead lookup (cuda-context.tsv). */
#include "kb/kb-context.h"

#include <stdio.h>

/* "12.4" -> 1204; -1 when not a version. */
static int version_num(const char *v)
{
        int major, minor = 0;

        if (!v || sscanf(v, "%d.%d", &major, &minor) < 1 /* "13.0,9.0" reads as 13.0 */ || major < 0 || minor < 0 || minor > 99)
                return -1;
        return major * 100 + minor;
}

const struct kb_context *kb_context_find(const char *cuda, const char *cc)
{
        const struct kb_context *best = NULL;
        int v = version_num(cuda), c = cc ? version_num(cc) : 0;

        if (v < 0 || c < 0)
                return NULL;
        for (size_t i = 0; i < kb_context_table_size; i++) {
                const struct kb_context *r = &kb_context_table[i];

                if (v < version_num(r->cuda_min) || v > version_num(r->cuda_max) ||
                    version_num(r->cc_min) > c)
                        continue;
                if (!best || version_num(r->cc_min) > version_num(best->cc_min))
                        best = r;
        }
        return best;
}
