/* kb-gpu.c - GPU model lookups (gpus.tsv). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kb/kb-tables.h"

const struct kb_gpu *kb_gpu_by_pci(unsigned device_id)
{
        char want[8];

        snprintf(want, sizeof(want), "%04x", device_id & 0xffff);
        for (size_t i = 0; i < kb_gpu_table_size; i++) {
                const char *ids = kb_gpu_table[i].pci_ids;
                for (const char *p = ids; p && (p = strcasestr(p, want)); p += 4)
                        if ((p == ids || p[-1] == ' ') && (p[4] == ' ' || !p[4]))
                                return &kb_gpu_table[i];
        }
        return NULL;
}

/* Every whitespace-separated word of query occurs in name (any case). */
static bool kb_gpu_matches(const char *name, const char *query)
{
        char word[64];
        const char *p = query;

        while (*p) {
                size_t n;
                while (isspace((unsigned char)*p))
                        p++;
                n = strcspn(p, " \t");
                if (!n)
                        break;
                if (n >= sizeof(word))
                        return false;
                memcpy(word, p, n);
                word[n] = '\0';
                if (!strcasestr(name, word))
                        return false;
                p += n;
        }
        return true;
}

const struct kb_gpu *kb_gpu_find(const char *query)
{
        const struct kb_gpu *hit = NULL;
        size_t hits = 0;

        for (size_t i = 0; query && i < kb_gpu_table_size; i++) {
                if (!strcasecmp(kb_gpu_table[i].name, query))
                        return &kb_gpu_table[i];
                if (kb_gpu_matches(kb_gpu_table[i].name, query) && !hits++)
                        hit = &kb_gpu_table[i];
        }
        return hits == 1 ? hit : NULL;
}

size_t kb_gpu_count(void)
{
        return kb_gpu_table_size;
}

const struct kb_gpu *kb_gpu_at(size_t i)
{
        return i < kb_gpu_table_size ? &kb_gpu_table[i] : NULL;
}
