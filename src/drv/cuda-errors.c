/* cuda-errors.c - CUDA return codes as fact statuses and reasons (see cuda-errors.h). */
#include "cuda-errors.h"

#include "util/xalloc.h"

/* The table is kb/kb-codes.h's; this file adds what drv/ makes of a code. */
static const struct kb_code *cuda_errors_find(CUresult r)
{
        return kb_cuda_code(r);
}

const char *cuda_errors_name(CUresult r)
{
        const struct kb_code *c = cuda_errors_find(r);

        return c ? c->name : NULL;
}

const char *cuda_errors_meaning(CUresult r)
{
        const struct kb_code *c = cuda_errors_find(r);

        return c ? c->meaning : NULL;
}

enum fact_st cuda_errors_status(CUresult r)
{
        switch (r) {
        case CUDA_SUCCESS: return FACT_OK;
        case CUDA_ERRORS_NO_SYMBOL:
        case CUDA_ERROR_NOT_SUPPORTED: return FACT_UNSUPPORTED;
        case CUDA_ERROR_NOT_PERMITTED: return FACT_DENIED;
        case CUDA_ERROR_TIMEOUT: return FACT_TIMEOUT;
        default: return FACT_ERROR;
        }
}

char *cuda_errors_why(CUresult r, const char *other_name)
{
        const char *name = cuda_errors_name(r);

        if (r == CUDA_ERRORS_NO_SYMBOL)
                return xstrdup("not in this driver");
        if (!name)
                name = other_name;
        return name ? xstrdup(name) : xasprintf("CUDA error %u", r);
}

char *cuda_errors_describe(CUresult r, const char *other_name)
{
        const struct kb_code *c = cuda_errors_find(r);

        if (c)
                return xasprintf("%s (%u): %s", c->name, r, c->meaning);
        if (other_name)
                return xasprintf("%s (%u)", other_name, r);
        return xasprintf("CUDA error %u (not a code this dlrig knows)", r);
}
