/* versions.c - dotted versions: compare, find, take apart (see versions.h). */
#include "versions.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Compares one dot-separated component of each version. */
static int component_cmp(const char **pa, const char **pb)
{
        const char *a = *pa, *b = *pb;
        size_t la = strcspn(a, "."), lb = strcspn(b, ".");
        int r = 0;

        /* A missing component counts as 0: "12" == "12.0". */
        if (strspn(a, "0123456789") >= la && strspn(b, "0123456789") >= lb) {
                unsigned long long va = strtoull(a, NULL, 10);
                unsigned long long vb = strtoull(b, NULL, 10);
                r = (va > vb) - (va < vb);
        } else {
                r = strncmp(a, b, la < lb ? la : lb);
                if (!r)
                        r = (la > lb) - (la < lb);
        }
        *pa = a + la + (a[la] == '.');
        *pb = b + lb + (b[lb] == '.');
        return r;
}

int version_cmp(const char *a, const char *b)
{
        while (*a || *b) {
                int r = component_cmp(&a, &b);
                if (r)
                        return r < 0 ? -1 : 1;
        }
        return 0;
}

char *version_find(const char *s)
{
        for (const char *p = s; *p; p++) {
                size_t n;

                if (!isdigit((unsigned char)*p) || (p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '.')))
                        continue;
                n = strspn(p, "0123456789.");
                while (n && p[n - 1] == '.')
                        n--;
                if (memchr(p, '.', n))
                        return xstrndup(p, n);
                p += n ? n - 1 : 0;
        }
        return NULL;
}

struct version_part version_major(const char *v)
{
        struct version_part p = { "" };

        if (v)
                snprintf(p.s, sizeof(p.s), "%.*s", (int)strcspn(v, "."), v);
        return p;
}

struct version_part version_branch(const char *v)
{
        return version_major(v);
}

struct version_part version_major_minor(const char *v)
{
        struct version_part p = { "" };
        const char *dot = v ? strchr(v, '.') : NULL;
        size_t n = dot ? (size_t)(dot - v) + 1 + strcspn(dot + 1, ".") : v ? strlen(v) : 0;

        if (v)
                snprintf(p.s, sizeof(p.s), "%.*s", (int)n, v);
        return p;
}

/* One leading run of digits as a number; the end in *end. */
static bool version_num(const char *v, long *ret, const char **end)
{
        size_t n = strspn(v, "0123456789");
        char *e;

        if (!n || n > 9)
                return false;
        errno = 0;
        *ret = strtol(v, &e, 10);
        *end = e;
        return !errno && e == v + n;
}

bool version_parse_mm(const char *v, long *major, long *minor)
{
        const char *end;
        long ma, mi;

        if (!v || !version_num(v, &ma, &end) || *end != '.' || !version_num(end + 1, &mi, &end))
                return false;
        *major = ma, *minor = mi;
        return true;
}

/* The release part of a version: "535.161.08" of "535.161.08-1ubuntu1". */
static size_t version_release_len(const char *v)
{
        size_t n = strspn(v, "0123456789.");

        while (n && v[n - 1] == '.')
                n--;
        return n;
}

bool version_same_release(const char *a, const char *b)
{
        size_t na = version_release_len(a), nb = version_release_len(b);

        return na && na == nb && !strncmp(a, b, na);
}
