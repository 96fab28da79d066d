/* parse.c - checked number and text parsing (see parse.h). */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static bool rest_is_blank(const char *end)
{
        while (*end && isspace((unsigned char)*end))
                end++;
        return *end == '\0';
}

int parse_u64(const char *s, int base, uint64_t *ret)
{
        unsigned long long v;
        char *end;

        while (isspace((unsigned char)*s))
                s++;
        if (!*s || *s == '-' || *s == '+')
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &end, base);
        if (errno == ERANGE)
                return -ERANGE;
        if (end == s || !rest_is_blank(end))
                return -EINVAL;
        *ret = v;
        return 0;
}

int parse_i64(const char *s, int base, int64_t *ret)
{
        long long v;
        char *end;

        while (isspace((unsigned char)*s))
                s++;
        if (!*s)
                return -EINVAL;
        errno = 0;
        v = strtoll(s, &end, base);
        if (errno == ERANGE)
                return -ERANGE;
        if (end == s || !rest_is_blank(end))
                return -EINVAL;
        *ret = v;
        return 0;
}

int parse_int(const char *s, int *ret)
{
        int64_t v;
        int r = parse_i64(s, 10, &v);

        if (r < 0)
                return r;
        if (v < INT_MIN || v > INT_MAX)
                return -ERANGE;
        *ret = (int)v;
        return 0;
}

int for_each_line(const char *buf, size_t len,
                  int (*fn)(const char *line, size_t len, void *data),
                  void *data)
{
        size_t pos = 0;

        while (pos < len) {
                const char *nl = memchr(buf + pos, '\n', len - pos);
                size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
                int r = fn(buf + pos, n, data);

                if (r)
                        return r;
                pos += n + 1;
        }
        return 0;
}

char *strip_dup(const char *s, size_t len)
{
        while (len && isspace((unsigned char)*s))
                s++, len--;
        while (len && isspace((unsigned char)s[len - 1]))
                len--;
        return xstrndup(s, len);
}

bool startswith(const char *s, const char *prefix)
{
        return strncmp(s, prefix, strlen(prefix)) == 0;
}

char *pci_bus_id_normalize(const char *s)
{
        unsigned long domain, bus, dev, fn;
        char tail;

        if (!s)
                return NULL;
        if (sscanf(s, "%lx:%lx:%lx.%lx%c", &domain, &bus, &dev, &fn, &tail) != 4) {
                domain = 0;
                if (sscanf(s, "%lx:%lx.%lx%c", &bus, &dev, &fn, &tail) != 3)
                        return NULL;
        }
        if (domain > 0xffffffffUL || bus > 0xff || dev > 0x1f || fn > 7)
                return NULL;
        return xasprintf("%04lx:%02lx:%02lx.%lx", domain, bus, dev, fn);
}
