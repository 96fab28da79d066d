/* os-release.c - os-release(5) parsing: KEY=value lines, values optionally
 * in single or double quotes, backslash escapes inside double quotes. */
#include "os-release.h"

#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

struct lookup {
        const char *key;
        char *value;
};

static char *unquote(const char *v, size_t n)
{
        struct strbuf sb = STRBUF_INIT;
        char q = n ? v[0] : 0;

        if ((q != '"' && q != '\'') || n < 2 || v[n - 1] != q)
                return strip_dup(v, n);
        for (size_t i = 1; i + 1 < n; i++) {
                if (q == '"' && v[i] == '\\' && i + 2 < n)
                        i++;
                strbuf_addch(&sb, v[i]);
        }
        return strbuf_detach(&sb);
}

static int match_line(const char *line, size_t len, void *data)
{
        struct lookup *lk = data;
        size_t klen = strlen(lk->key);

        while (len && (*line == ' ' || *line == '\t'))
                line++, len--;
        if (len <= klen || line[klen] != '=' || strncmp(line, lk->key, klen))
                return 0;
        while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
                len--;
        free(lk->value);
        lk->value = unquote(line + klen + 1, len - klen - 1); /* last one wins */
        return 0;
}

char *os_release_get(const char *buf, size_t len, const char *key)
{
        struct lookup lk = { key, NULL };

        for_each_line(buf, len, match_line, &lk);
        return lk.value;
}
