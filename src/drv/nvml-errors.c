/* nvml-errors.c - NVML return codes as fact statuses and reasons (see nvml-errors.h). */
#include "nvml-errors.h"

#include "util/xalloc.h"

/* The table is kb/kb-codes.h's; this file adds what drv/ makes of a code. */
static const struct kb_code *nvml_errors_find(nvmlReturn_t r)
{
        return kb_nvml_code(r);
}

const char *nvml_errors_name(nvmlReturn_t r)
{
        const struct kb_code *c = nvml_errors_find(r);

        return c ? c->name : NULL;
}

const char *nvml_errors_meaning(nvmlReturn_t r)
{
        const struct kb_code *c = nvml_errors_find(r);

        return c ? c->meaning : NULL;
}

enum fact_st nvml_errors_status(nvmlReturn_t r)
{
        switch (r) {
        case NVML_SUCCESS: return FACT_OK;
        case NVML_ERRORS_NO_SYMBOL:
        case NVML_ERROR_NOT_SUPPORTED:
        case NVML_ERROR_FUNCTION_NOT_FOUND: return FACT_UNSUPPORTED;
        case NVML_ERROR_NO_PERMISSION: return FACT_DENIED;
        case NVML_ERROR_TIMEOUT: return FACT_TIMEOUT;
        default: return FACT_ERROR;
        }
}

char *nvml_errors_why(nvmlReturn_t r)
{
        const char *name = nvml_errors_name(r);

        if (r == NVML_ERRORS_NO_SYMBOL)
                return xstrdup("not in this driver");
        return name ? xstrdup(name) : xasprintf("NVML error %u", r);
}

char *nvml_errors_describe(nvmlReturn_t r)
{
        const struct kb_code *c = nvml_errors_find(r);

        if (!c)
                return xasprintf("NVML error %u (not a code this dlrig knows)", r);
        return xasprintf("%s (%u): %s", c->name, r, c->meaning);
}
