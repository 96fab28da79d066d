/* drv-syms.c - bookkeeping over resolved symbol tables (see drv-syms.h). */
#include "drv-syms.h"

#include <string.h>

#include "sys/sys-dl.h"

/* sys_dl_resolve stores each pointer as a void * at spec->offset. */
static void *drv_syms_get(const struct dl_sym_spec *spec, const void *api)
{
        void *p;

        memcpy(&p, (const char *)api + spec->offset, sizeof(p));
        return p;
}

void drv_syms_used(const struct dl_sym_spec *specs, size_t n, const void *api,
                   const void *newest, const char **ret_used)
{
        for (size_t i = 0; i < n; i++) {
                void *p = drv_syms_get(&specs[i], api);

                if (!p)
                        ret_used[i] = NULL;
                else if (p == drv_syms_get(&specs[i], newest) || !specs[i].names[1])
                        ret_used[i] = specs[i].names[0];
                else
                        ret_used[i] = specs[i].names[1];
        }
}
