/* kb-context.h - what a PyTorch process holds per GPU outside the caching
 * allocator (src/kb/cuda-context.tsv), by CUDA version and GPU
 * generation: dlrig fit's cuda_context term. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct kb_context {
        const char *cuda_min, *cuda_max;  /* "11.7", "12.9" */
        const char *cc_min;               /* lowest compute capability: "9.0" */
        int mib;
        const char *what, *source;
};

extern const struct kb_context kb_context_table[];
extern const size_t kb_context_table_size;

/* The row for CUDA version cuda ("13.0") on a GPU of compute capability
 * cc ("9.0"; NULL: unknown, only rows for every GPU match); NULL when no
 * row covers the version. */
const struct kb_context *kb_context_find(const char *cuda, const char *cc);
