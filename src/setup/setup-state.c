/* setup-state.c - the journal and the log of dlrig setup, kept in the
 * state folder: /var/log/dlrig for root, else $XDG_STATE_HOME/dlrig
 * (~/.local/state/dlrig). For another root the folder is inside it. */
#include "setup.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/parse.h"
#include "util/xalloc.h"

#define JOURNAL_MAX (256u << 10)

static char *state_dir(const struct sysroot *root, const struct plan *p)
{
        const char *xdg = getenv("XDG_STATE_HOME");

        if (geteuid() == 0)
                return xstrdup("/var/log/dlrig");
        if (sysroot_is_host(root) && xdg && *xdg == '/')
                return xasprintf("%s/dlrig", xdg);
        return xasprintf("%s/.local/state/dlrig", p->home);
}

static int state_line(const char *line, size_t len, void *data)
{
        if (len)
                strv_push(data, xstrndup(line, len));
        return 0;
}

int setup_state_open(const struct sysroot *root, const struct plan *p, struct setup_state *st)
{
        struct strbuf buf = STRBUF_INIT;
        int r;

        memset(st, 0, sizeof(*st));
        st->dir = state_dir(root, p);
        st->journal_path = xasprintf("%s/setup.journal", st->dir);
        st->log_path = xasprintf("%s/setup.log", st->dir);
        r = sys_read_value(root, "/proc/sys/kernel/random/boot_id", &buf);
        st->boot_id = r < 0 ? xstrdup("unknown") : strbuf_detach(&buf);
        strbuf_release(&buf);
        r = sys_mkdir_p(root, st->dir);
        if (r < 0)
                return r;
        r = sys_read_file(root, st->journal_path, JOURNAL_MAX, &buf);
        if (r < 0 && r != -ENOENT) {
                strbuf_release(&buf);
                return r;
        }
        for_each_line(buf.buf, buf.len, state_line, &st->journal);
        strbuf_release(&buf);
        return 0;
}

void setup_state_release(struct setup_state *st)
{
        strv_release(&st->journal);
        free(st->dir), free(st->journal_path), free(st->log_path), free(st->boot_id);
}

bool setup_state_has(const struct setup_state *st, const char *line)
{
        return strv_find(&st->journal, line) >= 0;
}

int setup_state_set(const struct sysroot *root, struct setup_state *st, const char *prefix, const char *line)
{
        struct strv next = STRV_INIT;
        struct strbuf text = STRBUF_INIT;
        int r;

        for (size_t i = 0; i < st->journal.n; i++)
                if (!startswith(st->journal.v[i], prefix))
                        strv_push(&next, xstrdup(st->journal.v[i]));
        if (line)
                strv_push(&next, xstrdup(line));
        for (size_t i = 0; i < next.n; i++)
                strbuf_addf(&text, "%s\n", next.v[i]);
        r = sys_write_atomic(root, st->journal_path, text.buf, text.len, 0644);
        strbuf_release(&text);
        if (r < 0) {
                strv_release(&next);
                return r;
        }
        strv_release(&st->journal);
        st->journal = next;
        return 0;
}

void setup_log(const struct sysroot *root, const struct setup_state *st, const char *fmt, ...)
{
        struct strbuf sb = STRBUF_INIT;
        va_list ap;

        va_start(ap, fmt);
        strbuf_vaddf(&sb, fmt, ap);
        va_end(ap);
        strbuf_addch(&sb, '\n');
        /* The journal is what resuming needs; a log line that cannot be
         * written (full disk) is lost, not fatal. */
        (void)sys_append(root, st->log_path, sb.buf, sb.len);
        strbuf_release(&sb);
}

/* FNV-1a over the step's rendered actions. */
char *setup_fingerprint(const struct plan *p, const struct plan_step *step)
{
        uint64_t h = 1469598103934665603ull;

        for (size_t i = 0; i < step->nact; i++) {
                char *line = plan_act_shell(p, &step->acts[i]);
                const struct plan_act *a = &step->acts[i];
                for (const char *s = line; *s; s++)
                        h = (h ^ (unsigned char)*s) * 1099511628211ull;
                for (const char *s = a->text ? a->text : ""; *s; s++)
                        h = (h ^ (unsigned char)*s) * 1099511628211ull;
                free(line);
        }
        return xasprintf("%016llx", (unsigned long long)h);
}
