/* strbuf.h - growable, always NUL-terminated string buffer with a size cap.
 *
 * Invariants: buf is never NULL (an empty strbuf points at a static ""),
 * buf[len] == '\0', and len never exceeds max (STRBUF_DEFAULT_MAX when 0).
 * Appending past the cap fails with -E2BIG and leaves the buffer unchanged,
 * so a huge or endless input file cannot eat the machine's memory. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define STRBUF_DEFAULT_MAX (16u << 20)

struct strbuf {
        char *buf;
        size_t len;
        size_t alloc;
        size_t max;
};

#define STRBUF_INIT { .buf = (char *)strbuf_empty, .len = 0, .alloc = 0, .max = 0 }

extern const char strbuf_empty[1];

void strbuf_init(struct strbuf *sb, size_t max);
void strbuf_release(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
/* Returns the owned string (never NULL) and leaves sb empty. */
char *strbuf_detach(struct strbuf *sb);
int strbuf_add(struct strbuf *sb, const void *data, size_t len);
int strbuf_adds(struct strbuf *sb, const char *s);
int strbuf_addch(struct strbuf *sb, char c);
int strbuf_addf(struct strbuf *sb, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
int strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
        __attribute__((format(printf, 2, 0)));
void strbuf_rtrim(struct strbuf *sb);

static inline void strbuf_releasep(struct strbuf *sb)
{
        strbuf_release(sb);
}
