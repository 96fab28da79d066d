/* kb-cuda.c - CUDA toolkit -> driver lookups (cuda.tsv). */
#include <stdio.h>
#include <string.h>

#include "kb/kb-tables.h"
#include "util/parse.h"
#include "util/versions.h"

const struct kb_cuda *kb_cuda_find(const char *version)
{
        struct version_part mm = version_major_minor(version); /* "12.1.105" -> "12.1" */

        if (!version)
                return NULL;
        for (size_t i = 0; i < kb_cuda_table_size; i++)
                if (!strcmp(kb_cuda_table[i].version, mm.s))
                        return &kb_cuda_table[i];
        return NULL;
}

const struct kb_cuda *kb_cuda_max_for_driver(const char *driver_version)
{
        const struct kb_cuda *best = NULL;

        for (size_t i = 0; driver_version && i < kb_cuda_table_size; i++) {
                const struct kb_cuda *c = &kb_cuda_table[i];
                if (version_cmp(driver_version, c->min_driver) >= 0 &&
                    (!best || version_cmp(c->version, best->version) > 0))
                        best = c;
        }
        return best;
}

size_t kb_cuda_count(void)
{
        return kb_cuda_table_size;
}

const struct kb_cuda *kb_cuda_at(size_t i)
{
        return i < kb_cuda_table_size ? &kb_cuda_table[i] : NULL;
}
