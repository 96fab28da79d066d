/* setup-block.c - dlrig's marked block in a shell rc file: replaced as a
 * whole when present, appended otherwise; the rest of the file untouched.
 * Pure text (the fuzz target applies it to arbitrary content). */
#include "setup.h"

#include <string.h>

#include "plan/plan.h"

/* The last line of s equal to line (a whole line: at the start of s or
 * after a newline, and ending in one), or NULL. */
static const char *block_last_line(const char *s, const char *line)
{
        const char *found = NULL;
        size_t n = strlen(line);

        for (const char *p = s; (p = strstr(p, line)); p++)
                if ((p == s || p[-1] == '\n') && p[n] == '\n')
                        found = p;
        return found;
}

/* The first whole line equal to line at or after s, or NULL. */
static const char *block_first_line(const char *start, const char *s, const char *line)
{
        size_t n = strlen(line);

        for (const char *p = s; (p = strstr(p, line)); p++)
                if ((p == start || p[-1] == '\n') && p[n] == '\n')
                        return p;
        return NULL;
}

/* The last begin marker and the first end marker after it delimit the
 * block; stray markers elsewhere are the user's text and stay. */
char *setup_block_apply(const char *old, const char *body)
{
        struct strbuf sb = STRBUF_INIT;
        const char *b = block_last_line(old, PLAN_BLOCK_BEGIN);
        const char *e = b ? block_first_line(old, b, PLAN_BLOCK_END) : NULL;

        if (b && e) {
                strbuf_add(&sb, old, (size_t)(b - old));
        } else {
                strbuf_adds(&sb, old);
                if (sb.len && sb.buf[sb.len - 1] != '\n')
                        strbuf_addch(&sb, '\n');
        }
        strbuf_addf(&sb, PLAN_BLOCK_BEGIN "\n# written by dlrig setup; replaced as a whole on the next run\n%s"
                         PLAN_BLOCK_END "\n", body);
        if (b && e)
                strbuf_adds(&sb, e + strlen(PLAN_BLOCK_END "\n"));
        return strbuf_detach(&sb);
}
