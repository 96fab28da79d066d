/* setup-run.c - the step loop of dlrig setup: skip what is done (from the
 * snapshot, the journal or the file a step leaves), run the rest in order,
 * stop at the first failure with what failed and what to try, and stop at
 * a needed reboot until the machine has rebooted. */
#include "setup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/parse.h"
#include "util/xalloc.h"

#include "setup-run.h"

static double run_now(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A reboot step: asked for in this boot means still pending. */
static int run_reboot(struct run *R, const struct plan_step *s, size_t k)
{
        char *line = xasprintf("reboot %s", R->st.boot_id);
        bool asked = false;
        int r = 0;

        for (size_t i = 0; i < R->st.journal.n; i++)
                asked |= startswith(R->st.journal.v[i], "reboot ");
        if (setup_state_has(&R->st, line)) {
                fprintf(R->o->out, "[%zu/%zu] %s: still pending: reboot, then run dlrig setup again\n", k,
                        R->p->nsteps, s->title);
                r = 1;
        } else if (asked) {
                fprintf(R->o->out, "[%zu/%zu] %s: done (the machine rebooted)\n", k, R->p->nsteps, s->title);
                r = setup_state_set(R->root, &R->st, "reboot ", "reboot done") < 0 ? -1 : 0;
        } else if (setup_state_set(R->root, &R->st, "reboot ", line) < 0) {
                r = -1;
        } else {
                fprintf(R->o->out, "[%zu/%zu] %s: reboot now (sudo reboot), then run dlrig setup again to "
                        "verify\n", k, R->p->nsteps, s->title);
                setup_log(R->root, &R->st, "reboot requested");
                r = 1;
        }
        free(line);
        return r;
}

/* True when the journal or the step's own file says it is done. */
static bool run_already(struct run *R, const struct plan_step *s, const char *done_line)
{
        if (setup_state_has(&R->st, done_line))
                return true;
        return s->done_path && sys_exists(R->root, s->done_path);
}

static int run_step_acts(struct run *R, const struct plan_step *s)
{
        for (size_t i = 0; i < s->nact; i++) {
                char *line = plan_act_shell(R->p, &s->acts[i]);
                fprintf(R->o->out, "      $ %s\n", line);
                setup_log(R->root, &R->st, "$ %s", line);
                free(line);
                if (run_act(R, &s->acts[i]) < 0)
                        return -1;
        }
        return 0;
}

/* Returns 0 to go on, 1 to stop cleanly (reboot), 2 failed, 3 state lost. */
static int run_step(struct run *R, const struct plan_step *s, size_t k)
{
        char *fp = setup_fingerprint(R->p, s), *done = xasprintf("done %s %s", s->id, fp);
        char *prefix = xasprintf("done %s ", s->id);
        double t0 = run_now();
        int r = 0;

        if (run_already(R, s, done)) {
                fprintf(R->o->out, "[%zu/%zu] %s: done already\n", k, R->p->nsteps, s->title);
        } else if (s->acts[0].kind == ACT_REBOOT) {
                r = run_reboot(R, s, k);
                r = r < 0 ? 3 : r;
        } else {
                fprintf(R->o->out, "[%zu/%zu] %s\n", k, R->p->nsteps, s->title);
                setup_log(R->root, &R->st, "step %zu: %s", k, s->title);
                if (run_step_acts(R, s) < 0) {
                        r = 2;
                } else {
                        r = setup_state_set(R->root, &R->st, prefix, done) < 0 ? 3 : 0;
                        setup_state_set(R->root, &R->st, "failed ", NULL);
                        if (!R->o->deterministic)
                                fprintf(R->o->out, "      ok (%.1f s)\n", run_now() - t0);
                }
        }
        free(fp), free(done), free(prefix);
        return r;
}

static void run_failed(struct run *R, const struct plan_step *s, size_t k)
{
        char *line = xasprintf("failed %s", s->id);

        setup_state_set(R->root, &R->st, "failed ", line);
        setup_log(R->root, &R->st, "step %zu (%s) failed: %s", k, s->id, R->err ? R->err : "unknown");
        fprintf(stderr, "dlrig: step %zu (%s) failed: %s\n", k, s->title, R->err ? R->err : "unknown error");
        fprintf(stderr, "dlrig: the log is %s; fix the cause, then run dlrig setup again: it resumes at "
                "step %zu\n", R->st.log_path, k);
        free(line);
}

int setup_run(const struct sysroot *root, const struct plan *p, const struct setup_opts *o)
{
        struct run R = { .root = root, .p = p, .o = o };
        int r = setup_state_open(root, p, &R.st);

        if (r < 0) {
                fprintf(stderr, "dlrig: cannot keep setup's journal in '%s': %s\n", R.st.dir, strerror(-r));
                setup_state_release(&R.st);
                return 3;
        }
        setup_log(root, &R.st, "dlrig setup: %zu steps, %zu to do", p->nsteps, plan_todo_count(p));
        for (size_t i = 0; i < p->nsteps && r == 0; i++) {
                const struct plan_step *s = &p->steps[i];
                if ((long)i + 1 < o->from_step || s->state != STEP_TODO)
                        continue;
                r = run_step(&R, s, i + 1);
                if (r == 2)
                        run_failed(&R, s, i + 1);
                else if (r == 3)
                        fprintf(stderr, "dlrig: cannot write the journal '%s'; stopping\n", R.st.journal_path);
                free(R.err);
                R.err = NULL;
        }
        setup_state_release(&R.st);
        return r == 1 ? 0 : r;
}
