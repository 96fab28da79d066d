/* kb-codes.c - NVML and CUDA return-code lookups (see kb-codes.h). */
#include "kb/kb-codes.h"

#include <stddef.h>

#include "util/cleanup.h"

#define KB_CODE_ROW_(name, value, meaning) { (value), #name, (meaning) },
static const struct kb_code kb_nvml_codes[] = { KB_NVML_CODES(KB_CODE_ROW_) };
static const struct kb_code kb_cuda_codes[] = { KB_CUDA_CODES(KB_CODE_ROW_) };

static const struct kb_code *kb_code_find(const struct kb_code *t, size_t n, int64_t code)
{
        for (size_t i = 0; i < n; i++)
                if (t[i].code == code)
                        return &t[i];
        return NULL;
}

const struct kb_code *kb_nvml_code(int64_t code)
{
        return kb_code_find(kb_nvml_codes, ARRAY_SIZE(kb_nvml_codes), code);
}

const struct kb_code *kb_cuda_code(int64_t code)
{
        return kb_code_find(kb_cuda_codes, ARRAY_SIZE(kb_cuda_codes), code);
}
