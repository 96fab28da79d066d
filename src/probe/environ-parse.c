/* environ-parse.c - one variable of a process environment block (see
 * environ-parse.h). */
#include "environ-parse.h"

#include <string.h>

#include "util/xalloc.h"

char *environ_get(const char *buf, size_t len, const char *key)
{
        char sep = memchr(buf, '\0', len) ? '\0' : '\n';
        size_t klen = strlen(key);
        const char *hit = NULL, *end = buf + len;
        size_t hitlen = 0;

        for (const char *p = buf; p < end;) {
                const char *q = memchr(p, sep, (size_t)(end - p));
                size_t n = q ? (size_t)(q - p) : (size_t)(end - p);

                if (n > klen && p[klen] == '=' && !memcmp(p, key, klen)) {
                        hit = p + klen + 1;
                        hitlen = n - klen - 1;
                }
                p += n + 1;
        }
        if (!hit)
                return NULL;
        /* a newline-separated file written on Windows, or by hand */
        if (sep == '\n' && hitlen && hit[hitlen - 1] == '\r')
                hitlen--;
        return xstrndup(hit, hitlen);
}
