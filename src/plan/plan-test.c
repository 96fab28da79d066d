/* plan-test.c - each step's already-done test as a shell condition, for
 * --script: the file that a step leaves behind where there is one, else
 * the packages, the service or the rc-file block it installs. */
#include "plan-internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static void test_quoted(struct strbuf *sb, const char *fmt_head, const char *w)
{
        strbuf_adds(sb, fmt_head);
        plan_sh_quote(sb, w);
}

static const struct plan_act *test_last(const struct plan_step *st, enum plan_act_kind kind)
{
        const struct plan_act *found = NULL;

        for (size_t i = 0; i < st->nact; i++)
                if (st->acts[i].kind == kind)
                        found = &st->acts[i];
        return found;
}

static void test_block(struct strbuf *sb, const struct plan *p, const struct plan_step *st)
{
        char *bin = xasprintf("/usr/local/cuda-%s/bin", p->cuda);

        for (size_t i = 0; i < st->nact; i++) {
                strbuf_adds(sb, i ? " && grep -qsF " : "grep -qsF ");
                plan_sh_quote(sb, bin);
                strbuf_addch(sb, ' ');
                plan_sh_quote(sb, st->acts[i].path);
        }
        free(bin);
}

char *plan_step_test(const struct plan *p, const struct plan_step *st)
{
        struct strbuf sb = STRBUF_INIT;
        const struct plan_act *pkg = test_last(st, ACT_PKG);

        if (st->done_path)
                test_quoted(&sb, "[ -e ", st->done_path), strbuf_adds(&sb, " ]");
        else if (!strcmp(st->id, "fabric"))
                strbuf_adds(&sb, "systemctl is-active --quiet nvidia-fabricmanager");
        else if (!strcmp(st->id, "hold-kernel"))
                strbuf_adds(&sb, p->pm == PLAN_PM_APT ? "apt-mark showhold | grep -q '^linux-'"
                                                      : "dnf versionlock list 2>/dev/null | grep -q kernel");
        else if (pkg) {
                strbuf_adds(&sb, "pkg_installed");
                for (size_t i = 0; i < pkg->argv.n; i++)
                        strbuf_addch(&sb, ' '), plan_sh_quote(&sb, pkg->argv.v[i]);
        } else if (test_last(st, ACT_BLOCK))
                test_block(&sb, p, st);
        else if (test_last(st, ACT_FILE))
                test_quoted(&sb, "[ -e ", test_last(st, ACT_FILE)->path), strbuf_adds(&sb, " ]");
        else if (!strcmp(st->id, "shell-init"))
                strbuf_adds(&sb, "grep -qsF '>>> conda initialize >>>' "), test_quoted(&sb, "", p->home),
                        strbuf_adds(&sb, "/.bashrc");
        else if (!strcmp(st->id, "torch"))
                test_quoted(&sb, "", p->env_python), strbuf_addf(&sb, " -c 'import sys, torch; "
                            "sys.exit(torch.__version__ != \"%s+%s\")' 2>/dev/null", p->torch, p->variant);
        else if (!strcmp(st->id, "driver") && st->state == STEP_DONE)
                strbuf_adds(&sb, "[ -e /proc/driver/nvidia/version ]");
        else if (!strcmp(st->id, "reboot"))
                strbuf_adds(&sb, "[ -e /proc/driver/nvidia/version ]");
        else
                strbuf_adds(&sb, "false");
        return strbuf_detach(&sb);
}
