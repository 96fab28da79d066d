/* setup-file.c - the files setup edits: a marked block in a shell rc file
 * (replaced as a whole, the rest of the file untouched) or a whole file
 * (modprobe.d). The original is copied to FILE.dlrig-bak once, before the
 * first change; the new content replaces the file atomically. */
#include "setup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"
#include "util/xalloc.h"

#define FILE_MAX (4u << 20)

static int file_backup(const struct sysroot *root, const char *path, const struct strbuf *old)
{
        char *bak = xasprintf("%s.dlrig-bak", path);
        int r = 0;

        if (!sys_exists(root, bak))
                r = sys_write_atomic(root, bak, old->buf, old->len, 0600);
        free(bak);
        return r;
}

int setup_file(const struct sysroot *root, const struct plan_act *a)
{
        struct strbuf old = STRBUF_INIT;
        char *dir = xstrdup(a->path), *slash = strrchr(dir, '/');
        char *next = NULL;
        int r;

        if (slash && slash != dir)
                *slash = '\0';
        r = sys_mkdir_p(root, dir);
        free(dir);
        if (r >= 0)
                r = sys_read_file(root, a->path, FILE_MAX, &old);
        if (r == -ENOENT)
                r = 0;
        else if (r >= 0)
                r = 2; /* exists */
        if (r >= 0) {
                next = a->kind == ACT_BLOCK ? setup_block_apply(old.buf, a->text) : xstrdup(a->text);
                if (!strcmp(next, old.buf) && (r == 2 || !*next))
                        r = 1;
                else if (r == 2 && (r = file_backup(root, a->path, &old)) >= 0)
                        r = sys_write_atomic(root, a->path, next, strlen(next), 0644);
                else if (r == 0)
                        r = sys_write_atomic(root, a->path, next, strlen(next), 0644);
        }
        free(next);
        strbuf_release(&old);
        return r < 0 ? r : r == 1;
}
