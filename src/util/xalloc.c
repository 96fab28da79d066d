/* xalloc.c - allocation helpers that end the program on failure (see xalloc.h). */
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Out of memory is reported like any other failure to judge: a message and
 * exit status 3, not a signal. _exit because atexit work could allocate. */
static void *oom(void)
{
        static const char msg[] = "dlrig: out of memory\n";

        if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
                _exit(3);
        _exit(3);
}

void *xmalloc(size_t n)
{
        void *p = malloc(n ? n : 1);

        return p ? p : oom();
}

void *xcalloc(size_t n, size_t size)
{
        void *p = calloc(n ? n : 1, size ? size : 1);

        return p ? p : oom();
}

void *xrealloc(void *p, size_t n)
{
        void *q = realloc(p, n ? n : 1);

        return q ? q : oom();
}

void xgrow(void *arr, size_t *alloc, size_t want, size_t size)
{
        void **a = arr;
        size_t n = *alloc ? *alloc : 4;

        if (want <= *alloc)
                return;
        while (n < want)
                n *= 2;
        *a = xrealloc(*a, n * size);
        memset((char *)*a + *alloc * size, 0, (n - *alloc) * size);
        *alloc = n;
}

char *xstrdup(const char *s)
{
        char *p = strdup(s);

        return p ? p : oom();
}

char *xstrndup(const char *s, size_t n)
{
        char *p = strndup(s, n);

        return p ? p : oom();
}

char *xstrdup_or_null(const char *s)
{
        return s ? xstrdup(s) : NULL;
}

char *xasprintf(const char *fmt, ...)
{
        va_list ap;
        char *p;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&p, fmt, ap);
        va_end(ap);
        return n < 0 ? oom() : p;
}
