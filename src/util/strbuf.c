/* strbuf.c - capped growable string buffer (see strbuf.h). */
#include "strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

const char strbuf_empty[1];

void strbuf_init(struct strbuf *sb, size_t max)
{
        *sb = (struct strbuf)STRBUF_INIT;
        sb->max = max;
}

void strbuf_release(struct strbuf *sb)
{
        if (sb->alloc)
                free(sb->buf);
        sb->buf = (char *)strbuf_empty;
        sb->len = sb->alloc = 0;
}

void strbuf_reset(struct strbuf *sb)
{
        if (sb->alloc)
                sb->buf[0] = '\0';
        sb->len = 0;
}

char *strbuf_detach(struct strbuf *sb)
{
        char *s = sb->alloc ? sb->buf : xstrdup("");

        sb->buf = (char *)strbuf_empty;
        sb->len = sb->alloc = 0;
        return s;
}

static size_t strbuf_cap(const struct strbuf *sb)
{
        return sb->max ? sb->max : STRBUF_DEFAULT_MAX;
}

/* Makes room for extra more bytes plus the terminator. */
static int strbuf_grow(struct strbuf *sb, size_t extra)
{
        size_t want, alloc;
        char *p;

        if (extra > strbuf_cap(sb) - sb->len)
                return -E2BIG;
        want = sb->len + extra + 1;
        if (want <= sb->alloc)
                return 0;
        alloc = sb->alloc ? sb->alloc : 64;
        while (alloc < want)
                alloc *= 2;
        p = realloc(sb->alloc ? sb->buf : NULL, alloc);
        if (!p)
                return -ENOMEM;
        if (!sb->alloc)
                p[0] = '\0';
        sb->buf = p;
        sb->alloc = alloc;
        return 0;
}

int strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
        int r = strbuf_grow(sb, len);

        if (r < 0)
                return r;
        memcpy(sb->buf + sb->len, data, len);
        sb->len += len;
        sb->buf[sb->len] = '\0';
        return 0;
}

int strbuf_adds(struct strbuf *sb, const char *s)
{
        return strbuf_add(sb, s, strlen(s));
}

int strbuf_addch(struct strbuf *sb, char c)
{
        return strbuf_add(sb, &c, 1);
}

int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
        va_list cp;
        int n, r;

        va_copy(cp, ap);
        n = vsnprintf(NULL, 0, fmt, cp);
        va_end(cp);
        if (n < 0)
                return -EINVAL;
        r = strbuf_grow(sb, (size_t)n);
        if (r < 0)
                return r;
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
        sb->len += (size_t)n;
        return 0;
}

int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = strbuf_vaddf(sb, fmt, ap);
        va_end(ap);
        return r;
}

void strbuf_rtrim(struct strbuf *sb)
{
        while (sb->len && strchr(" \t\r\n", sb->buf[sb->len - 1]))
                sb->buf[--sb->len] = '\0';
}
