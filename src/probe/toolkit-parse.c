/* toolkit-parse.c - toolkit versions from nvcc's output, rpm listings and
 * file names (see toolkit-parse.h). */
#include "toolkit-parse.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

/* Length of the "X.Y[.Z...]" that s starts with; 0 unless it has a dot. */
static size_t dotted_len(const char *s)
{
        size_t n = 0;
        bool dot = false;

        while (isdigit((unsigned char)s[n]) || (s[n] == '.' && n && isdigit((unsigned char)s[n + 1]))) {
                dot |= s[n] == '.';
                n++;
        }
        return dot ? n : 0;
}

char *toolkit_nvcc_release(const char *out)
{
        const char *rel = strstr(out, "release "), *v, *eol;
        size_t n;

        if (!rel)
                return NULL;
        eol = rel + strcspn(rel, "\n");
        v = strstr(rel, ", V");
        if (v && v < eol && (n = dotted_len(v + 3)))
                return xstrndup(v + 3, n);
        n = dotted_len(rel + 8);
        return n ? xstrndup(rel + 8, n) : NULL;
}

char *toolkit_name_version(const char *filename, const char *prefix)
{
        size_t n;

        if (!startswith(filename, prefix))
                return NULL;
        filename += strlen(prefix);
        n = dotted_len(filename);
        return n ? xstrndup(filename, n) : NULL;
}

/* One line of a listing: "NAME VERSION-RELEASE ARCH" or "NAME-V-R.ARCH". */
static char *rpm_line(const char *line, size_t len, const char *name)
{
        size_t nlen = strlen(name), n;

        if (len <= nlen || memcmp(line, name, nlen) || (line[nlen] != ' ' && line[nlen] != '-'))
                return NULL;
        line += nlen + 1;
        len -= nlen + 1;
        while (len && *line == ' ')
                line++, len--;
        if (!len || !isdigit((unsigned char)*line))
                return NULL;
        /* plain rpm -qa names a longer package too ("cuda-nvcc-12-4-..."),
         * whose rest does not start with a version: refused above */
        n = dotted_len(line);
        return n && n <= len ? xstrndup(line, n) : NULL;
}

char *toolkit_rpm_version(const char *buf, size_t len, const char *name)
{
        for (const char *p = buf, *end = buf + len; p < end;) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
                char *v = rpm_line(p, n, name);

                if (v)
                        return v;
                p += n + 1;
        }
        return NULL;
}
