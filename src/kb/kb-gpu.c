/* kb-gpu.c - GPU model lookups (gpus.tsv). */
#include <ctype.h>
#include <stdbool.h>
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

/* How well name matches word (any case): 2 as a whole word (bounded by
 * the ends or by characters other than letters and digits), 1 inside a
 * word, 0 not at all. "H20" is a whole word of "NVIDIA H20" but only
 * inside "NVIDIA H200 NVL". */
static int kb_gpu_word(const char *name, const char *word, size_t n)
{
        int best = 0;

        for (const char *p = name; (p = strcasestr(p, word)); p++) {
                bool start = p == name || !isalnum((unsigned char)p[-1]);
                bool end = !isalnum((unsigned char)p[n]);

                best = start && end ? 2 : 1;
                if (best == 2)
                        break;
        }
        return best;
}

/* The weakest match of the query's whitespace-separated words in name:
 * 2 every word whole, 1 every word at least inside, 0 some word absent. */
static int kb_gpu_strength(const char *name, const char *query)
{
        char word[64];
        const char *p = query;
        int weakest = 2;

        while (*p && weakest) {
                size_t n;
                int w;

                while (isspace((unsigned char)*p))
                        p++;
                n = strcspn(p, " \t");
                if (!n)
                        break;
                if (n >= sizeof(word))
                        return 0;
                memcpy(word, p, n);
                word[n] = '\0';
                w = kb_gpu_word(name, word, n);
                weakest = w < weakest ? w : weakest;
                p += n;
        }
        return weakest;
}

/* The strength the query's best matches have (0: none). */
static int kb_gpu_top(const char *query)
{
        int top = 0;

        for (size_t i = 0; query && i < kb_gpu_table_size; i++) {
                int st = kb_gpu_strength(kb_gpu_table[i].name, query);
                top = st > top ? st : top;
        }
        return top;
}

const struct kb_gpu *kb_gpu_match(const char *query, size_t n)
{
        int top = kb_gpu_top(query);

        for (size_t i = 0; top && i < kb_gpu_table_size; i++)
                if (kb_gpu_strength(kb_gpu_table[i].name, query) == top && !n--)
                        return &kb_gpu_table[i];
        return NULL;
}

const struct kb_gpu *kb_gpu_find(const char *query)
{
        for (size_t i = 0; query && i < kb_gpu_table_size; i++)
                if (!strcasecmp(kb_gpu_table[i].name, query))
                        return &kb_gpu_table[i];
        return kb_gpu_match(query, 1) ? NULL : kb_gpu_match(query, 0);
}

size_t kb_gpu_count(void)
{
        return kb_gpu_table_size;
}

const struct kb_gpu *kb_gpu_at(size_t i)
{
        return i < kb_gpu_table_size ? &kb_gpu_table[i] : NULL;
}

double kb_gpu_peak_tflops(const struct kb_gpu *g, const char *dtype)
{
        if (!g || !dtype)
                return 0;
        if (!strcmp(dtype, "bf16"))
                return g->bf16_tflops;
        if (!strcmp(dtype, "fp32"))
                return g->fp32_tflops;
        return 0;
}

double kb_gpu_copy_gbps(const struct kb_gpu *g)
{
        return g ? g->mem_bw_gbps / 2.0 : 0;
}

double kb_gpu_nvlink_gbps(const struct kb_gpu *g)
{
        return g ? g->nvlink_gbps / 2 : 0;
}

double kb_gpu_pcie_gbps(const struct kb_gpu *g)
{
        double gts = g ? kb_pcie_gts(g->pcie_gen) : 0;

        return gts > 0 ? kb_pcie_gbps(gts, 16) : 0;
}
