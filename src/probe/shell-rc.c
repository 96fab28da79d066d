/* shell-rc.c - what the rc files of a login shell do to PATH and
 * LD_LIBRARY_PATH, without running them.
 *
 * Only simple top-level assignments are applied ("export PATH=...",
 * "PATH=...", "CUDA_HOME=..."), with $VAR, ${VAR}, ${VAR:+:${VAR}}, $HOME
 * and ~ expanded and quotes removed: that is how CUDA guides write them.
 * Lines inside if/case/for/while blocks, and values that use a variable
 * dlrig cannot know ($PYENV_ROOT set by a tool), are skipped, never
 * guessed at. */
#include "shell-rc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define RC_MAX_VARS 64

void shell_vars_release(struct shell_vars *v)
{
        free(v->path);
        free(v->ld_library_path);
        strv_release(&v->names);
        strv_release(&v->values);
}

struct rc_ctx {
        struct shell_vars *vars;
        const char *file;
        struct strv *cuda_lines;
        bool conda_init;
        unsigned lineno;
        int depth;      /* nesting of if/for/while/case blocks */
        bool unknown;   /* the value being built used a variable we cannot know */
};

/* The slot of a variable; create adds a slot for a new ordinary one. */
static char **rc_var(struct shell_vars *v, const char *name, size_t n, bool create)
{
        if (n == 4 && !strncmp(name, "PATH", 4))
                return &v->path;
        if (n == 15 && !strncmp(name, "LD_LIBRARY_PATH", 15))
                return &v->ld_library_path;
        if (n == 4 && !strncmp(name, "HOME", 4))
                return (char **)&v->home;
        for (size_t i = 0; i < v->names.n; i++)
                if (strlen(v->names.v[i]) == n && !strncmp(v->names.v[i], name, n))
                        return &v->values.v[i];
        if (!create || !n || v->names.n >= RC_MAX_VARS)
                return NULL;
        strv_push(&v->names, xstrndup(name, n));
        strv_push(&v->values, NULL);
        return &v->values.v[v->values.n - 1];
}

/* Expands one ${...} or $NAME at p (just after the '$', inside a
 * NUL-terminated copy of the line); returns the characters used. */
static size_t rc_expand_var(struct rc_ctx *c, const char *p, struct strbuf *out)
{
        bool brace = *p == '{';
        const char *name = p + brace, *end;
        size_t n = 0, used;
        char **val;

        while (isalnum((unsigned char)name[n]) || name[n] == '_')
                n++;
        val = rc_var(c->vars, name, n, false);
        if (!val)
                c->unknown = true;
        used = brace + n;
        if (brace) {
                end = strchr(name + n, '}');
                if (!end)
                        return strlen(p);
                /* ${VAR:+:${VAR}}: a separator and the value, when set. */
                if (!strncmp(name + n, ":+", 2)) {
                        if (val && *val && **val) {
                                strbuf_addch(out, ':');
                                strbuf_adds(out, *val);
                        }
                        end = strstr(name + n, "}}");
                        return end ? (size_t)(end + 2 - p) : strlen(p);
                }
                used = (size_t)(end + 1 - p);
        }
        if (val && *val)
                strbuf_adds(out, *val);
        return used;
}

/* The value of an assignment, expanded and unquoted (owned). */
static char *rc_value(struct rc_ctx *c, const char *raw, size_t raw_len)
{
        struct strbuf out = STRBUF_INIT;
        char *p = xstrndup(raw, raw_len); /* the expanders look ahead: keep them in it */
        size_t len = strlen(p);
        char quote = 0;

        for (size_t i = 0; i < len; i++) {
                char ch = p[i];
                if ((ch == '"' || ch == '\'') && (!quote || quote == ch)) {
                        quote = quote ? 0 : ch;
                        continue;
                }
                if (!quote && (isspace((unsigned char)ch) || ch == ';' || ch == '#'))
                        break;
                if (ch == '$' && quote != '\'' && i + 1 < len) {
                        i += rc_expand_var(c, p + i + 1, &out);
                        continue;
                }
                if (ch == '~' && !quote && (i == 0 || p[i - 1] == ':') && c->vars->home) {
                        strbuf_adds(&out, c->vars->home);
                        continue;
                }
                strbuf_addch(&out, ch);
        }
        free(p);
        return strbuf_detach(&out);
}

static bool rc_word(const char *p, size_t len, const char *w)
{
        size_t n = strlen(w);

        return len >= n && !strncmp(p, w, n) && (len == n || isspace((unsigned char)p[n]) || p[n] == ';');
}

/* Tracks block nesting so assignments inside if/case are not applied. */
static void rc_track_blocks(struct rc_ctx *c, const char *p, size_t len)
{
        if (rc_word(p, len, "if") || rc_word(p, len, "case") || rc_word(p, len, "for") ||
            rc_word(p, len, "while"))
                c->depth++;
        else if ((rc_word(p, len, "fi") || rc_word(p, len, "esac") || rc_word(p, len, "done")) && c->depth > 0)
                c->depth--;
}

static void rc_assign(struct rc_ctx *c, const char *p, size_t len)
{
        const char *eq = memchr(p, '=', len);
        size_t n = eq ? (size_t)(eq - p) : 0;
        char **var;
        char *value;

        for (size_t i = 0; i < n; i++)
                if (!isalnum((unsigned char)p[i]) && p[i] != '_')
                        return; /* not an assignment: a command with an '=' in it */
        var = n ? rc_var(c->vars, p, n, true) : NULL;
        if (!var || var == (char **)&c->vars->home)
                return;
        c->unknown = false;
        value = rc_value(c, eq + 1, len - n - 1); /* may read the old value */
        if (c->unknown) {
                free(value); /* it used a variable we cannot know: never guess */
                return;
        }
        free(*var);
        *var = value;
}

/* One line, copied so that every string function stops at its end (the
 * file buffer has no terminator between lines, maybe none at all). */
static int rc_line(const char *raw, size_t raw_len, void *data)
{
        struct rc_ctx *c = data;
        char *line = xstrndup(raw, raw_len);
        const char *p = line;
        size_t len = strlen(line);

        c->lineno++;
        while (len && isspace((unsigned char)*p))
                p++, len--;
        if (strstr(p, ">>> conda initialize >>>"))
                c->conda_init = true;
        if (len && *p != '#') {
                rc_track_blocks(c, p, len);
                if (rc_word(p, len, "export"))
                        p += 6, len -= 6;
                while (len && isspace((unsigned char)*p))
                        p++, len--;
                if ((startswith(p, "PATH=") || startswith(p, "LD_LIBRARY_PATH=")) && strstr(p, "cuda"))
                        strv_pushf(c->cuda_lines, "%s:%u: %s", c->file, c->lineno, line);
                if (c->depth == 0)
                        rc_assign(c, p, len);
        }
        free(line);
        return 0;
}

bool shell_rc_apply(struct shell_vars *vars, const char *file, const char *buf, size_t len,
                    struct strv *cuda_lines)
{
        struct rc_ctx c = { .vars = vars, .file = file, .cuda_lines = cuda_lines };

        for_each_line(buf, len, rc_line, &c);
        return c.conda_init;
}
