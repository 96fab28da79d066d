/* nvml-errors.c - the NVML return-code table (see nvml-errors.h). */
#include "nvml-errors.h"

#include "util/cleanup.h"
#include "util/xalloc.h"

struct nvml_code {
        nvmlReturn_t code;
        const char *name;
        const char *meaning;
};

#define NVML_CODE_ROW(name, value, meaning) { (value), #name, (meaning) },
static const struct nvml_code nvml_codes[] = { NVML_RETURN_CODES(NVML_CODE_ROW) };

static const struct nvml_code *nvml_errors_find(nvmlReturn_t r)
{
        for (size_t i = 0; i < ARRAY_SIZE(nvml_codes); i++)
                if (nvml_codes[i].code == r)
                        return &nvml_codes[i];
        return NULL;
}

const char *nvml_errors_name(nvmlReturn_t r)
{
        const struct nvml_code *c = nvml_errors_find(r);

        return c ? c->name : NULL;
}

const char *nvml_errors_meaning(nvmlReturn_t r)
{
        const struct nvml_code *c = nvml_errors_find(r);

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
        const struct nvml_code *c = nvml_errors_find(r);

        if (!c)
                return xasprintf("NVML error %u (not a code this dlrig knows)", r);
        return xasprintf("%s (%u): %s", c->name, r, c->meaning);
}
