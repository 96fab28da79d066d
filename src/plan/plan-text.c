/* plan-text.c - the plan as a person reads it: the chosen stack with a
 * reason per line, then the steps, each done or to do with its evidence
 * and, when to do, the exact commands. */
#include "plan-internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void plan_sh_quote(struct strbuf *sb, const char *w)
{
        if (*w && strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./:=+@%,-") == strlen(w)) {
                strbuf_adds(sb, w);
                return;
        }
        strbuf_addch(sb, '\'');
        for (; *w; w++)
                if (*w == '\'')
                        strbuf_adds(sb, "'\\''");
                else
                        strbuf_addch(sb, *w);
        strbuf_addch(sb, '\'');
}

static void text_argv(struct strbuf *sb, const struct strv *argv)
{
        for (size_t i = 0; i < argv->n; i++) {
                if (i)
                        strbuf_addch(sb, ' ');
                plan_sh_quote(sb, argv->v[i]);
        }
}

char *plan_act_shell(const struct plan *p, const struct plan_act *a)
{
        struct strbuf sb = STRBUF_INIT;
        struct strv argv = STRV_INIT;

        switch (a->kind) {
        case ACT_RUN:
                text_argv(&sb, &a->argv);
                break;
        case ACT_PKG:
                plan_pkg_argv(p, a, false, &argv);
                text_argv(&sb, &argv);
                strv_release(&argv);
                break;
        case ACT_BLOCK:
                strbuf_addf(&sb, "(replace the dlrig block in %s)", a->path);
                break;
        case ACT_FILE:
                strbuf_addf(&sb, "(write %s)", a->path);
                break;
        case ACT_DOWNLOAD:
                strbuf_addf(&sb, "(download %s to %s, %s)", a->text, a->path,
                            a->sha_url ? "checked against its published SHA-256" : "NO published SHA-256: refused");
                break;
        case ACT_REBOOT:
                strbuf_adds(&sb, "reboot");
                break;
        case ACT_VERIFY:
                strbuf_adds(&sb, "dlrig doctor");
                break;
        }
        return strbuf_detach(&sb);
}

static const char *text_state(enum plan_state st)
{
        return st == STEP_DONE ? "done" : st == STEP_TODO ? "to do" : "offered";
}

static void text_step(FILE *out, const struct plan *p, const struct plan_step *st, size_t k)
{
        fprintf(out, "  %2zu. %-7s %s%s\n", k, text_state(st->state), st->title, st->system ? " [root]" : "");
        fprintf(out, "               %s\n", st->why);
        if (st->state == STEP_DONE)
                return;
        for (size_t i = 0; i < st->nact; i++) {
                char *line = plan_act_shell(p, &st->acts[i]);
                fprintf(out, "               $ %s\n", line);
                free(line);
        }
}

void plan_print_text(FILE *out, const struct plan *p)
{
        fprintf(out, "dlrig plan for %s, user %s\n\nTarget\n", p->distro, p->user);
        for (size_t i = 0; i < p->nchoices; i++) {
                const struct plan_choice *c = &p->choices[i];
                fprintf(out, "  %-10s %s%s%s\n", c->what, c->value, c->why ? ": " : "", c->why ? c->why : "");
        }
        fprintf(out, "\nSteps (%zu to do)\n", plan_todo_count(p));
        for (size_t i = 0; i < p->nsteps; i++)
                text_step(out, p, &p->steps[i], i + 1);
        if (!plan_todo_count(p))
                fputs("\nNothing to do: this machine already has the planned stack.\n", out);
}
