/* cmd-fit-measure.c - fit --measure (see cmd-fit-measure.h). The runner
 * is prove's: the environment chosen as prove chooses it, a private
 * temporary folder, a deadline past which the process group is killed. */
#include "cmd-fit-measure.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit-mem.h"
#include "fit/fit.h"
#include "probe/probe.h"
#include "prove/prove.h"
#include "sys/sys-exec.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define MEASURE_TIMEOUT_MS (600u * 1000u)
#define MEASURE_PREFIX "dlrig-measure "

extern const char fit_measure_script[];
extern const size_t fit_measure_script_len;
extern const char prove_script[];  /* its torchrun launcher starts training on several GPUs */
extern const size_t prove_script_len;

struct measured {
        int64_t index, allocated, reserved, outside;
};

#define MEASURE_NOTES 4

struct measure_run {
        char impl[200];
        char why[240];  /* why not transformers + peft, when the built-in decoder ran */
        char skip[200];
        char notes[MEASURE_NOTES][240];
        int n_notes;
        struct measured gpu[FIT_GPUS_MAX];
        int n;
};

/* The job as measure.py reads it: the shape, the job (with the optimizer,
 * the loss and the NF4 flavour it is measured with), the plan's GPUs and
 * the layers each holds. */
static char *job_json(const struct fit_arch *a, const struct fit_job *j, const struct fit_gpus *g,
                      const struct fit_plan *p)
{
        json_t *gpus = json_array(), *place = json_array(), *o;
        char *text;

        for (int i = 0; i < p->n && i < g->n; i++) {
                if (!p->g[i].used)
                        continue;
                json_array_append_new(gpus, json_integer(g->names[i].index));
                json_array_append_new(place, json_pack("[I, I]", (json_int_t)p->g[i].first_layer,
                                                       (json_int_t)p->g[i].layers));
        }
        o = json_pack("{s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:b}, s:s, s:I, s:I, s:I, s:s, s:b, "
                      "s:o, s:o, s:s, s:b, s:s}",
                      "arch", "hidden", (json_int_t)a->hidden, "intermediate", (json_int_t)a->intermediate,
                      "layers", (json_int_t)a->layers, "heads", (json_int_t)a->heads,
                      "kv_heads", (json_int_t)a->kv_heads, "head_dim", (json_int_t)a->head_dim,
                      "vocab", (json_int_t)a->vocab, "qkv_bias", a->qkv_bias, "experts", (json_int_t)a->experts,
                      "tied", a->tied,
                      "task", fit_task_name(j->task), "ctx", (json_int_t)j->ctx, "batch", (json_int_t)j->batch,
                      "rank", (json_int_t)j->rank, "lora_targets", j->lora_targets == FIT_LORA_QV ? "qv" : "attn-mlp",
                      "act_ckpt", j->act_ckpt, "gpus", gpus, "place", place, "optim", fit_optim_name(j->optim),
                      "fp32_loss", j->fp32_loss, "nf4", j->nf4 == FIT_NF4_BNB ? "bitsandbytes" : "torchao");
        text = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        return text;
}

static bool get_int(json_t *j, const char *key, int64_t *ret)
{
        json_t *v = json_object_get(j, key);

        *ret = json_integer_value(v);
        return json_is_integer(v);
}

/* One "dlrig-measure KIND {json}" line; false: malformed. */
static bool take_line(const char *kind, size_t klen, json_t *j, struct measure_run *m)
{
        if (klen == 3 && !memcmp(kind, "gpu", 3)) {
                struct measured *g;
                if (m->n >= FIT_GPUS_MAX)
                        return false;
                g = &m->gpu[m->n];
                if (!get_int(j, "index", &g->index) || !get_int(j, "peak_allocated", &g->allocated) ||
                    !get_int(j, "peak_reserved", &g->reserved) || !get_int(j, "outside", &g->outside))
                        return false;
                m->n++;
        } else if (klen == 4 && !memcmp(kind, "impl", 4)) {
                const char *impl = json_string_value(json_object_get(j, "impl"));
                const char *dev = json_string_value(json_object_get(j, "device"));
                const char *torch = json_string_value(json_object_get(j, "torch"));
                const char *why = json_string_value(json_object_get(j, "why"));
                if (!impl || !dev || !torch)
                        return false;
                snprintf(m->why, sizeof(m->why), "%s", why ? why : "");
                snprintf(m->impl, sizeof(m->impl), "%s, torch %s, on %s", impl, torch,
                         strcmp(dev, "cpu") ? "the GPUs" : "the CPU (DLRIG_PROVE_CPU=1)");
        } else if (klen == 4 && !memcmp(kind, "skip", 4)) {
                const char *why = json_string_value(json_object_get(j, "why"));
                if (!why)
                        return false;
                snprintf(m->skip, sizeof(m->skip), "%s", why);
        } else if (klen == 4 && !memcmp(kind, "note", 4)) {
                const char *note = json_string_value(json_object_get(j, "note"));
                if (!note)
                        return false;
                if (m->n_notes < MEASURE_NOTES)
                        snprintf(m->notes[m->n_notes++], sizeof(m->notes[0]), "%s", note);
        }
        return true; /* other kinds ("done") carry nothing to keep */
}

static int by_index(const void *a, const void *b)
{
        const struct measured *x = a, *y = b;

        return (x->index > y->index) - (x->index < y->index);
}

/* The records of measure.py (and of its ranks, in any order: sorted by GPU). */
static int take(const struct strbuf *out, struct measure_run *m)
{
        size_t plen = strlen(MEASURE_PREFIX);

        for (const char *s = out->buf; s && *s;) {
                const char *nl = strchr(s, '\n'), *kind = s + plen, *sp;
                size_t n = nl ? (size_t)(nl - s) : strlen(s);
                if (n > plen && !memcmp(s, MEASURE_PREFIX, plen) && (sp = memchr(kind, ' ', n - plen))) {
                        json_t *j = json_loadb(sp + 1, n - (size_t)(sp + 1 - s), 0, NULL);
                        bool ok = json_is_object(j) && take_line(kind, (size_t)(sp - kind), j, m);
                        json_decref(j);
                        if (!ok)
                                return -EBADMSG;
                }
                s += n + (nl ? 1 : 0);
        }
        qsort(m->gpu, (size_t)m->n, sizeof(m->gpu[0]), by_index);
        return 0;
}

/* Runs measure.py (beside prove.py, whose torchrun launcher it uses for
 * training on several GPUs) in a temporary folder; fills m, or returns why
 * not. */
static char *run(struct ctx *ctx, const char *python, const char *job, struct measure_run *m)
{
        _cleanup_free_ char *dir = NULL, *script = NULL, *jobf = NULL, *tmpdir = NULL, *launcher = NULL;
        const char *env[] = { NULL, "PYTHONDONTWRITEBYTECODE=1", NULL };
        const char *argv[] = { python, NULL, NULL, NULL };
        struct exec_req req = { .argv = argv, .env_delta = env, .timeout_ms = MEASURE_TIMEOUT_MS,
                                .max_out = 1u << 20, .own_group = true };
        struct exec_res res = { .out = STRBUF_INIT, .err = STRBUF_INIT };
        char *why = NULL;
        int r = sys_tmpdir_make("dlrig-measure", &dir);

        if (r < 0)
                return xasprintf("cannot make a temporary folder: %s", strerror(-r));
        script = xasprintf("%s/measure.py", dir), jobf = xasprintf("%s/job.json", dir);
        launcher = xasprintf("%s/prove.py", dir);
        tmpdir = xasprintf("TMPDIR=%s", dir);
        env[0] = tmpdir, argv[1] = script, argv[2] = jobf;
        if ((r = sys_write_file_atomic(script, fit_measure_script, fit_measure_script_len)) < 0 ||
            (r = sys_write_file_atomic(launcher, prove_script, prove_script_len)) < 0 ||
            (r = sys_write_file_atomic(jobf, job, strlen(job))) < 0)
                why = xasprintf("cannot write the script: %s", strerror(-r));
        else if ((r = sys_exec(ctx->root, &req, &res)) < 0)
                why = xasprintf("cannot run %s: %s", python, strerror(-r));
        if (!why) {
                if (res.timed_out)
                        why = xasprintf("no end within %u s: killed", MEASURE_TIMEOUT_MS / 1000u);
                else if (take(&res.out, m) < 0)
                        why = xstrdup("the script printed a malformed record");
                else if (res.exit_code != 0)
                        why = xasprintf("the script failed (status %d): %.400s", res.exit_code,
                                        res.err.len > 400 ? res.err.buf + res.err.len - 400 : res.err.buf ? res.err.buf : "");
                exec_res_release(&res);
        }
        sys_remove_tree(dir);
        return why;
}

static const struct fit_gpu_use *predicted(const struct fit_plan *p, const struct fit_gpus *g, int64_t index)
{
        for (int i = 0; i < p->n && i < g->n; i++)
                if (g->names[i].index == index && p->g[i].used)
                        return &p->g[i];
        return NULL;
}

static void print(const struct measure_run *m, const struct fit_job *j, const struct fit_plan *p,
                  const struct fit_gpus *g)
{
        const double gib = 1024.0 * 1024 * 1024;

        printf("\nmeasured (%s):\n", m->impl);
        if (m->why[0])
                printf("  transformers + peft not used: %s\n", m->why);
        for (int i = 0; i < m->n_notes; i++)
                printf("  note: %s\n", m->notes[i]);
        if (j->task == FIT_INFER && j->engine == FIT_EXL2)
                printf("  note: the prediction is exllamav2's at %.1f bits per weight; the measurement holds bf16\n"
                       "  weights (compare with --engine transformers)\n", j->bpw);
        for (int i = 0; i < m->n; i++) {
                const struct measured *x = &m->gpu[i];
                const struct fit_gpu_use *u = predicted(p, g, x->index);
                double got = (double)(x->reserved + x->outside) / gib;
                double want = u ? (double)u->total / gib : 0;
                printf("  GPU %-3" PRId64 " predicted %7.2f GiB   measured %7.2f GiB (allocator peak %.2f, reserved %.2f, "
                       "outside it %.2f)", x->index, want, got, (double)x->allocated / gib, (double)x->reserved / gib,
                       (double)x->outside / gib);
                if (want > 0)
                        printf("   %+.1f %%", (got - want) / want * 100.0);
                putchar('\n');
        }
}

int fit_measure(struct ctx *ctx, const struct fit_model *m, const struct fit_job *j,
                const struct fit_gpus *g, int fit_code)
{
        struct strv diag = STRV_INIT;
        struct probe_ctx pc = { .root = ctx->root, .self_exe = ctx->self_exe, .diag = &diag };
        struct prove_opts po = { .env = getenv("DLRIG_PROVE_ENV") };
        struct fit_plan *plan = xcalloc(1, sizeof(*plan));
        struct measure_run *run_res = xcalloc(1, sizeof(*run_res));
        struct snapshot s;
        char *job, *why = NULL;

        snap_init(&s);
        if (!sysroot_is_host(ctx->root)) {
                why = xstrdup("--measure runs PyTorch on this machine: --root does not apply");
        } else {  /* the environments prove would choose from */
                probe_procenv(&pc, &s.procenv);
                probe_shell(&pc, &s.procenv, &s.shell);
                probe_python(&pc, &s);
                if (prove_choose_env(ctx->root, &s.python, &po, &s.prove) < 0)
                        why = xstrdup(s.prove.not_run);
        }
        /* the plan fit's answer printed (the job as given, no search) */
        fit_plan_job(&m->arch, j, g->caps, g->n, plan);
        if (!why) {
                job = job_json(&m->arch, j, g, plan);
                why = run(ctx, s.prove.python, job, run_res);
                free(job);
        }
        if (!why && run_res->skip[0])
                printf("\nnot measured: %s\n", run_res->skip);
        else if (!why)
                print(run_res, j, plan, g);
        else
                cmd_error("fit --measure: %s", why);
        fit_code = why ? EXIT_UNKNOWN : fit_code;
        free(why);
        free(run_res);
        free(plan);
        snap_release(&s);
        strv_release(&diag);
        return fit_code;
}
