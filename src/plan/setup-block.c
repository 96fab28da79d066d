/* setup-block.c - dlrig's marked block in a shell rc file: replaced as a
 * whole when present, appended otherwise; the rest of the file untouched.
 * Pure text (the fuzz target applies it to arbitrary content). */
#include "setup.h"

#include <string.h>

#include "plan/plan-internal.h"

char *setup_block_apply(const char *old, const char *body)
{
        struct strbuf sb = STRBUF_INIT;
        const char *b = strstr(old, PLAN_BLOCK_BEGIN "\n"), *e = b ? strstr(b, PLAN_BLOCK_END "\n") : NULL;

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
