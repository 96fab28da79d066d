/* setup-exec.c - runs the plan's steps in order: one runner for every
 * command (sys_exec with a deadline, or the DLRIG_SETUP_RUNNER program),
 * package steps simulated first, files through setup-file.c, downloads
 * through setup-fetch.c, the journal updated after every step. */
#include "setup.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/sys-exec.h"
#include "util/xalloc.h"

#include "setup-run.h"

#define PKG_TIMEOUT_MS (60u * 60 * 1000)
#define RUN_TIMEOUT_MS (30u * 60 * 1000)


/* The argv as it runs: as the target user when root runs setup for
 * someone else, and through the runner when one is named. */
static void run_argv(const struct run *R, const struct strv *argv, bool as_user, struct strv *ret)
{
        if (R->o->runner)
                strv_push(ret, xstrdup(R->o->runner));
        /* Another root's users are not this machine's: no runuser there. */
        if (as_user && geteuid() == 0 && strcmp(R->p->user, "root") && sysroot_is_host(R->root)) {
                strv_push(ret, xstrdup("runuser"));
                strv_push(ret, xstrdup("-u"));
                strv_push(ret, xstrdup(R->p->user));
                strv_push(ret, xstrdup("--"));
        }
        for (size_t i = 0; i < argv->n; i++)
                strv_push(ret, xstrdup(argv->v[i]));
        strv_push(ret, NULL);
        ret->n--;
}

/* Runs one command; its output goes to the log. Returns the exit code, or
 * -1 with R->err set when it could not run. */
static int run_cmd(struct run *R, const struct strv *argv, bool as_user, unsigned timeout_ms,
                   struct exec_res *keep)
{
        static const char *const env[] = { "DEBIAN_FRONTEND=noninteractive", NULL };
        struct strv full = STRV_INIT;
        struct exec_req req = { .env_delta = env, .timeout_ms = timeout_ms, .max_out = 4u << 20,
                                .host_tool = R->o->runner != NULL };
        struct exec_res res;
        int r;

        run_argv(R, argv, as_user, &full);
        req.argv = (const char *const *)full.v;
        r = sys_exec(R->root, &req, &res);
        strv_release(&full);
        if (r < 0) {
                R->err = xasprintf("cannot run '%s': %s", argv->v[0], strerror(-r));
                return -1;
        }
        setup_log(R->root, &R->st, "%s%s", res.out.buf, res.err.buf);
        r = res.timed_out ? -1 : res.exit_code;
        if (res.timed_out)
                R->err = xasprintf("'%s' did not finish within %u s", argv->v[0], timeout_ms / 1000);
        if (keep)
                *keep = res;
        else
                exec_res_release(&res);
        return r;
}

static int run_pkg(struct run *R, const struct plan_act *a)
{
        struct strv sim = STRV_INIT, inst = STRV_INIT;
        struct exec_res res;
        char *kernel = NULL;
        int r;

        plan_pkg_argv(R->p, a, true, &sim);
        r = run_cmd(R, &sim, false, PKG_TIMEOUT_MS, &res);
        if (r >= 0) {
                kernel = setup_sim_kernel(res.out.buf, res.out.len);
                exec_res_release(&res);
        }
        if (r == 127 || r < 0)
                R->err = R->err ? R->err : xasprintf("the package manager could not simulate '%s'", a->argv.v[0]);
        else if (kernel)
                R->err = xasprintf("refusing: installing %s would also install or upgrade the kernel (%s). "
                                   "Update the kernel yourself first and reboot into it, then run dlrig setup again",
                                   a->argv.v[0], kernel);
        else {
                plan_pkg_argv(R->p, a, false, &inst);
                r = run_cmd(R, &inst, false, PKG_TIMEOUT_MS, NULL);
                if (r != 0 && !R->err)
                        R->err = xasprintf("'%s install %s' failed (exit %d)", inst.v[0], a->argv.v[0], r);
        }
        free(kernel);
        strv_release(&sim), strv_release(&inst);
        return R->err ? -1 : 0;
}

static int run_verify(struct run *R)
{
        struct strv argv = STRV_INIT;
        struct exec_req req = { .timeout_ms = 120000, .self = true };
        struct exec_res res;
        int r;

        strv_push(&argv, xstrdup(R->o->self_exe));
        strv_push(&argv, xstrdup("--root"));
        strv_push(&argv, xstrdup(R->o->root_path ? R->o->root_path : "/"));
        strv_push(&argv, xstrdup("doctor"));
        strv_push(&argv, NULL);
        req.argv = (const char *const *)argv.v;
        r = sys_exec(R->root, &req, &res);
        strv_release(&argv);
        if (r < 0) {
                R->err = xasprintf("cannot run dlrig doctor: %s", strerror(-r));
                return -1;
        }
        setup_log(R->root, &R->st, "%s", res.out.buf);
        r = res.exit_code;
        exec_res_release(&res);
        if (r > 1)
                R->err = xasprintf("dlrig doctor still finds failures (exit %d): run it to see them", r);
        return r > 1 ? -1 : 0;
}

int run_act(struct run *R, const struct plan_act *a)
{
        int r;

        switch (a->kind) {
        case ACT_RUN:
                r = run_cmd(R, &a->argv, a->as_user, RUN_TIMEOUT_MS, NULL);
                if (r != 0 && !R->err)
                        R->err = xasprintf("'%s' failed (exit %d)", a->argv.v[0], r);
                return r == 0 ? 0 : -1;
        case ACT_PKG:
                return run_pkg(R, a);
        case ACT_BLOCK:
        case ACT_FILE:
                r = setup_file(R->root, a);
                if (r < 0)
                        R->err = xasprintf("cannot write '%s': %s; the file is unchanged", a->path, strerror(-r));
                return r < 0 ? -1 : 0;
        case ACT_DOWNLOAD:
                return setup_fetch(R->root, R->o, a, &R->err);
        case ACT_VERIFY:
                return run_verify(R);
        case ACT_REBOOT:
                break;
        }
        return 0;
}
