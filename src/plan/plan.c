/* plan.c - building and freeing a plan; its steps and actions. */
#include "plan-internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void plan_choice_add(struct plan *p, const char *what, char *value, char *why)
{
        struct plan_choice *c;

        if (p->nchoices == PLAN_CHOICES_MAX) {
                free(value), free(why);
                return;
        }
        c = &p->choices[p->nchoices++];
        c->what = what;
        c->value = value;
        c->why = why;
}

struct plan_step *plan_step_add(struct plan *p, const char *id, bool system, char *title)
{
        struct plan_step *st;

        p->steps = xrealloc(p->steps, (p->nsteps + 1) * sizeof(*p->steps));
        st = &p->steps[p->nsteps++];
        memset(st, 0, sizeof(*st));
        st->id = id;
        st->system = system;
        st->title = title;
        return st;
}

struct plan_act *plan_act_add(struct plan_step *st, enum plan_act_kind kind, bool as_user)
{
        struct plan_act *a;

        st->acts = xrealloc(st->acts, (st->nact + 1) * sizeof(*st->acts));
        a = &st->acts[st->nact++];
        memset(a, 0, sizeof(*a));
        a->kind = kind;
        a->as_user = as_user;
        return a;
}

void plan_act_argv(struct plan_act *a, const char *first, ...)
{
        va_list ap;

        va_start(ap, first);
        for (const char *w = first; w; w = va_arg(ap, const char *))
                strv_push(&a->argv, xstrdup(w));
        va_end(ap);
}

void plan_pkg_argv(const struct plan *p, const struct plan_act *a, bool simulate, struct strv *ret)
{
        if (p->pm == PLAN_PM_APT) {
                strv_push(ret, xstrdup("apt-get"));
                strv_push(ret, xstrdup(simulate ? "-s" : "-y"));
        } else {
                strv_push(ret, xstrdup("dnf"));
                strv_push(ret, xstrdup(simulate ? "--assumeno" : "-y"));
        }
        strv_push(ret, xstrdup("install"));
        for (size_t i = 0; i < a->argv.n; i++)
                strv_push(ret, xstrdup(a->argv.v[i]));
}

size_t plan_todo_count(const struct plan *p)
{
        size_t n = 0;

        for (size_t i = 0; i < p->nsteps; i++)
                n += p->steps[i].state == STEP_TODO;
        return n;
}

int plan_make(const struct snapshot *s, const struct plan_opts *o, struct plan *ret, char **reterr)
{
        struct plan p = { .pm = PLAN_PM_INVALID };
        int r = plan_choose(s, o, &p, reterr);

        if (r < 0) {
                plan_release(&p);
                return r;
        }
        plan_steps(s, o, &p);
        *ret = p;
        return 0;
}

static void plan_step_release(struct plan_step *st)
{
        for (size_t i = 0; i < st->nact; i++) {
                struct plan_act *a = &st->acts[i];
                strv_release(&a->argv);
                free(a->path), free(a->text), free(a->sha_url);
        }
        free(st->acts), free(st->title), free(st->why), free(st->done_path);
}

void plan_release(struct plan *p)
{
        char **strs[] = { &p->distro, &p->repo, &p->kernel, &p->branch, &p->torch, &p->torchvision,
                          &p->torchaudio, &p->variant, &p->index_url, &p->cuda, &p->python,
                          &p->env_name, &p->env_prefix, &p->env_python, &p->env_kind, &p->user, &p->home,
                          &p->manager_prefix };

        for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
                free(*strs[i]);
        for (size_t i = 0; i < p->nchoices; i++)
                free(p->choices[i].value), free(p->choices[i].why);
        for (size_t i = 0; i < p->nsteps; i++)
                plan_step_release(&p->steps[i]);
        free(p->steps);
        memset(p, 0, sizeof(*p));
}
