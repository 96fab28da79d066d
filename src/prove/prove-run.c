/* prove-run.c - the harness's two runs: "local" (steps 1 and 2, one
 * process) and, when torch can, "dist" under torch's own torchrun (step
 * 3, one process per GPU). The script lives in a private temporary folder
 * that is also the runs' TMPDIR (torchrun's files land there) and is
 * removed afterwards. Each run has the deadline, and past it its whole
 * process group (torchrun and every rank) is killed. */
#include "prove.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sys/sys-exec.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define PROVE_LOG_LINES 30
#define PROVE_MAX_OUT (4u << 20)

struct prove_job {
        const struct sysroot *host;
        const struct prove_opts *o;
        struct snap_prove *p;
        char *dir, *script;
        const char *env[8];
};

/* The last lines of a run's stderr, for the judge to match known messages
 * and for the report's evidence. */
static void keep_log(struct snap_prove *p, const struct strbuf *err)
{
        size_t n = 0, i = err->len;

        if (!err->len)
                return;
        while (i > 0 && n <= PROVE_LOG_LINES)
                if (err->buf[--i] == '\n')
                        n++;
        free(p->log);
        p->log = xstrndup(err->buf + i + (i > 0), err->len - i - (i > 0));
}

static struct snap_prove_step *runner_step(struct snap_prove *p, const char *name,
                                           const char *status, char *error)
{
        struct snap_prove_step *s = snap_add_prove_step(p);

        s->name = xstrdup(name);
        s->rank = -1;
        s->status = xstrdup(status);
        s->error = error;
        return s;
}

static bool any_failed(const struct snap_prove *p)
{
        for (size_t i = 0; i < p->nsteps; i++)
                if (strcmp(p->steps[i].status, "pass") && strcmp(p->steps[i].status, "skip"))
                        return true;
        return false;
}

/* Runs argv; reads its records; closes the run as a step when it hung or
 * failed without saying why. Returns false when the run did not end well. */
static bool run_one(struct prove_job *j, const char *name, const char *const *argv)
{
        struct exec_req req = { .argv = argv, .env_delta = j->env, .timeout_ms = j->o->timeout_s * 1000u,
                                .max_out = PROVE_MAX_OUT, .own_group = true };
        struct snap_prove *p = j->p;
        struct exec_res res;
        char *err = NULL;
        bool failed_before = any_failed(p);
        int r = sys_exec(j->host, &req, &res);

        if (r < 0) {
                runner_step(p, name, "fail", xasprintf("cannot run %s: %s", argv[0], strerror(-r)));
                return false;
        }
        if (prove_take(res.out.buf ? res.out.buf : "", res.out.len, p, &err) < 0) {
                runner_step(p, name, "fail", xasprintf("the harness printed a bad record: %s", err));
                free(err);
        }
        p->left_behind |= res.group_left;
        if (res.timed_out) {
                p->hung = true;
                runner_step(p, name, "timeout", xasprintf("no end within %u s: killed %s and its process group",
                                                          j->o->timeout_s, name));
        } else if (res.exit_code == 127 && !res.out.len) {
                runner_step(p, name, "fail", xasprintf("%s could not be started", argv[0]));
        } else if (res.exit_code != 0 && !any_failed(p)) {
                runner_step(p, name, "fail", xasprintf("exited with status %d", res.exit_code));
        }
        bool bad = any_failed(p) && !failed_before;
        if (bad || res.timed_out)
                keep_log(p, &res.err);
        exec_res_release(&res);
        return !bad;
}

static void run_dist(struct prove_job *j)
{
        struct snap_prove *p = j->p;
        _cleanup_free_ char *n = NULL;
        const char *argv[] = { p->python, j->script, "torchrun", "--standalone", "--nproc_per_node", NULL,
                               "--max_restarts", "0", "--monitor_interval", "0.5", j->script, "dist", NULL };

        p->nproc = j->o->cpu ? j->o->cpu_nproc : (int64_t)p->ngpus;
        if (p->nproc < 1)
                return;
        n = xasprintf("%" PRId64, p->nproc);
        argv[5] = n;
        run_one(j, "dist", argv);
}

int prove_run(const struct sysroot *host, const struct prove_opts *o, struct snap_prove *p)
{
        struct prove_job j = { .host = host, .o = o, .p = p };
        _cleanup_free_ char *tmpdir = NULL, *timeout = NULL, *gpus = NULL;
        const char *local[] = { p->python, NULL, "local", NULL };
        size_t k = 0;
        int r = sys_tmpdir_make("dlrig-prove", &j.dir);

        if (r < 0)
                return r;
        j.script = xasprintf("%s/prove.py", j.dir);
        r = sys_write_file_atomic(j.script, prove_script, prove_script_len);
        if (r >= 0) {
                tmpdir = xasprintf("TMPDIR=%s", j.dir);
                timeout = xasprintf("DLRIG_PROVE_TIMEOUT_S=%u", o->timeout_s);
                j.env[k++] = tmpdir;
                j.env[k++] = timeout;
                j.env[k++] = "PYTHONDONTWRITEBYTECODE=1";
                j.env[k++] = "PYTHONUNBUFFERED=1";
                if (o->gpus) {
                        gpus = xasprintf("DLRIG_PROVE_GPUS=%s", o->gpus);
                        j.env[k++] = gpus;
                }
                j.env[k++] = o->cpu ? "DLRIG_PROVE_CPU=1" : "DLRIG_PROVE_CPU";
                p->mode = xstrdup(o->cpu ? "cpu" : "cuda");
                p->timeout_s = o->timeout_s;
                local[1] = j.script;
                if (run_one(&j, "local", local) && p->torch.version && !p->torch.error &&
                    (o->cpu || p->torch.cuda_available))
                        run_dist(&j);
                probe_set(&p->probe, FACT_OK, NULL);
        }
        sys_remove_tree(j.dir);
        free(j.script);
        free(j.dir);
        return r;
}
