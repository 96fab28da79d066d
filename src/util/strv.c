/* strv.c - vector of owned strings (see strv.h). */
#include "strv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void strv_push(struct strv *sv, char *s)
{
        xgrow(&sv->v, &sv->alloc, sv->n + 1, sizeof(*sv->v));
        sv->v[sv->n++] = s;
}

void strv_pushf(struct strv *sv, const char *fmt, ...)
{
        va_list ap;
        char *p;

        va_start(ap, fmt);
        if (vasprintf(&p, fmt, ap) < 0)
                p = xstrdup("(out of memory)");
        va_end(ap);
        strv_push(sv, p);
}

void strv_release(struct strv *sv)
{
        for (size_t i = 0; i < sv->n; i++)
                free(sv->v[i]);
        free(sv->v);
        *sv = (struct strv)STRV_INIT;
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(struct strv *sv)
{
        if (sv->n > 1)
                qsort(sv->v, sv->n, sizeof(*sv->v), cmp_str);
}

long strv_find(const struct strv *sv, const char *s)
{
        for (size_t i = 0; i < sv->n; i++)
                if (!strcmp(sv->v[i], s))
                        return (long)i;
        return -1;
}
