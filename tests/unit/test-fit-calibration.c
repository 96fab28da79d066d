/* test-fit-calibration.c - dlrig fit's predictions against published,
 * measured peak memory (tests/unit/fit-calibration.tsv, also listed in
 * docs/fit-calibration.md): every calibration row within 10%; hold-out
 * rows are printed beside them. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fit/fit-engine.h"
#include "kb/kb-model.h"

#define MAX_ERROR 0.10

static const char *tsv_path;

#define NCOLS 25

/* Columns by name (the TSV's header), so rows read the same whatever the
 * column order. */
static const char *const cols[NCOLS] = {
        "id", "model", "task", "gpus", "gpu_gib", "batch", "ctx", "act_ckpt", "optim", "fp32_loss",
        "rank", "lora_targets", "nf4", "engine", "bpw", "cache", "measured", "unit", "measure",
        "holdout", "source", "conditions", "attn", "engine_opts", "extra",
};
enum { C_ID, C_MODEL, C_TASK, C_GPUS, C_GIB, C_BATCH, C_CTX, C_CKPT, C_OPTIM, C_FP32, C_RANK,
       C_TARGETS, C_NF4, C_ENGINE, C_BPW, C_CACHE, C_MEASURED, C_UNIT, C_MEASURE, C_HOLDOUT, C_SOURCE, C_CONDITIONS, C_ATTN,
       C_ENGINE_OPTS, C_EXTRA };

struct row {
        const char *f[NCOLS];
};

static int col_of[NCOLS];  /* TSV position of each named column */

static int split(char *line, char **f, int max)
{
        int n = 0;

        for (char *t = line; t && n < max; n++) {
                f[n] = t;
                t = strchr(t, '\t');
                if (t)
                        *t++ = 0;
        }
        return n;
}

static void read_header(char *line)
{
        char *f[32];
        int n = split(line, f, 32);

        for (int c = 0; c < NCOLS; c++) {
                col_of[c] = -1;
                for (int i = 0; i < n; i++)
                        if (!strcmp(f[i], cols[c]))
                                col_of[c] = i;
                if (col_of[c] < 0)
                        fail_msg("fit-calibration.tsv: no column '%s'", cols[c]);
        }
}

static int parse_row(char *line, struct row *r)
{
        char *f[32];
        int n = split(line, f, 32);

        for (int c = 0; c < NCOLS; c++) {
                if (col_of[c] >= n)
                        return -1;
                r->f[c] = f[col_of[c]];
        }
        return 0;
}

static int pick(const char *v, const char *const *names, int n)
{
        for (int i = 0; i < n; i++)
                if (!strcmp(v, names[i]))
                        return i;
        fail_msg("fit-calibration.tsv: unknown value '%s'", v);
        return 0;
}

static bool yes(const char *v)
{
        return !strcmp(v, "yes");
}

/* engine_opts: "gmu=0.90,mnbt=8192,tp=4,quant=fp8,kv=auto,gguf=Q4_K_M,...". */
static void engine_opt(const char *key, const char *v, struct fit_engine_opts *e)
{
        if (!strcmp(key, "gmu"))
                e->gmu = atof(v);
        else if (!strcmp(key, "mnbt"))
                e->batched_tokens = atoll(v);
        else if (!strcmp(key, "seqs"))
                e->max_seqs = atoll(v);
        else if (!strcmp(key, "tp"))
                e->tp = atoi(v);
        else if (!strcmp(key, "block"))
                e->block = atoll(v);
        else if (!strcmp(key, "ngl"))
                e->ngl = atoll(v);
        else if (!strcmp(key, "ts"))  /* --tensor-split "10:6" */
                for (int i = 0; i < 8 && *v; i++, v += strcspn(v, ":"), v += *v == ':')
                        e->split[i] = atof(v);
        else if (!strcmp(key, "ub"))
                e->ubatch = atoll(v);
        else if (!strcmp(key, "fa"))
                e->flash_attn = atoi(v) != 0;
        else if (!strcmp(key, "sampler"))
                e->flashinfer_sampler = !strcmp(v, "flashinfer");
        else if (!strcmp(key, "ver"))  /* vLLM release "0.N" */
                e->vllm_minor = atoi(strchr(v, '.') ? strchr(v, '.') + 1 : v);
        else if (!strcmp(key, "head"))
                e->head_bits = atoi(v);
        else if (!strcmp(key, "quant") && fit_wquant_parse(v) >= 0)
                e->quant = fit_wquant_parse(v);
        else if (!strcmp(key, "kv") && fit_kv_parse(v) >= 0)
                e->kv = fit_kv_parse(v);
        else if (!strcmp(key, "gguf") && fit_gguf_parse(v) >= 0)
                e->gguf = fit_gguf_parse(v);
        else
                fail_msg("fit-calibration.tsv: engine_opts '%s=%s' unknown", key, v);
}

static void engine_opts(const char *s, struct fit_engine_opts *e)
{
        char buf[256], *save = NULL;

        fit_engine_defaults(e);
        snprintf(buf, sizeof(buf), "%s", s);
        for (char *t = strtok_r(buf, ",", &save); t && strcmp(t, "-"); t = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(t, '=');

                assert_non_null(eq);
                *eq = 0;
                engine_opt(t, eq + 1, e);
        }
}

/* The extra column: savers and weight formats, "key" or "key=value"
 * separated by commas ("-": none), as dlrig fit's options name them. */
static void extra_of(const char *v, struct fit_job *j)
{
        static const char *const fmts[] = { "bf16", "gptq8", "gptq4", "awq4", "bnb8", "bnb4",
                                            "bnb4-dq", "ao-int4", "ao-int8", "hqq4" };
        char buf[256], *save = NULL;

        snprintf(buf, sizeof(buf), "%s", v);
        for (char *t = strtok_r(buf, ",", &save); t && strcmp(t, "-"); t = strtok_r(NULL, ",", &save)) {
                if (!strncmp(t, "weights=", 8))
                        j->weights = pick(t + 8, fmts, FIT_W_MAX);
                else if (!strcmp(t, "packed=flex") || !strcmp(t, "packed=sdpa"))
                        j->packed = t[7] == 'f' ? FIT_PACKED_FLEX : FIT_PACKED_SDPA;
                else if (!strcmp(t, "compile"))
                        j->compile = true;
                else if (!strcmp(t, "optim-in-bwd"))
                        j->optim_in_bwd = true;
                else if (!strcmp(t, "act-offload"))
                        j->act_offload = true;
                else if (!strcmp(t, "paged"))
                        j->paged_optim = true;
                else
                        fail_msg("fit-calibration.tsv: unknown extra '%s'", t);
        }
}

static void job_of(const struct row *r, struct fit_job *j)
{
        static const char *const engines[] = { "exllamav2", "transformers", "vllm", "llama.cpp",
                                               "exllamav3", "-" };
        static const char *const tasks[] = { "infer", "lora", "qlora", "full" };
        static const char *const optims[] = { "adamw", "adamw8bit", "cpu-offload" };
        static const char *const caches[] = { "fp16", "q8", "q6", "q4", "fp8" };
        static const char *const targets[] = { "all", "qv", "-" };
        static const char *const nf4s[] = { "torchao", "bnb", "-" };
        int t = pick(r->f[C_TARGETS], targets, 3), q = pick(r->f[C_NF4], nf4s, 3);

        *j = (struct fit_job){
                .task = pick(r->f[C_TASK], tasks, 4), .optim = pick(r->f[C_OPTIM], optims, 3),
                .cache = pick(r->f[C_CACHE], caches, 5),
                .engine = pick(r->f[C_ENGINE], engines, 6) % 5,
                .bpw = atof(r->f[C_BPW]), .ctx = atoll(r->f[C_CTX]), .batch = atoll(r->f[C_BATCH]),
                .rank = atoll(r->f[C_RANK]), .act_ckpt = yes(r->f[C_CKPT]),
                .fp32_loss = yes(r->f[C_FP32]),
                .lora_targets = t == 1 ? FIT_LORA_QV : FIT_LORA_ATTN_MLP,
                .nf4 = q == 1 ? FIT_NF4_BNB : FIT_NF4_TORCHAO,
                .matmul_attn = !strcmp(r->f[C_ATTN], "matmul"),
        };
        engine_opts(r->f[C_ENGINE_OPTS], &j->eng);
        extra_of(r->f[C_EXTRA], j);
}

static double unit_bytes(const char *unit)
{
        return !strcmp(unit, "GiB") ? 1073741824.0 : !strcmp(unit, "MiB") ? 1048576.0 : 1e9;
}

/* One component of GPU 0, as an engine logs it: "kv-pool" (vLLM's KV
 * cache memory), "weights", "kv" and "compute" (llama.cpp's CUDA0 model,
 * KV and compute buffers; "kv@1": CUDA1's), "file" (a GGUF file's size). */
static bool component(const char *measure, const struct fit_arch *a, const struct fit_job *j,
                      const struct fit_plan *p, int64_t *out)
{
        char name[32];
        const char *at = strchr(measure, '@');
        int g = at ? atoi(at + 1) : 0;
        struct fit_gguf_sizes s;

        assert_true(g >= 0 && g < p->n);
        snprintf(name, sizeof(name), "%.*s", at ? (int)(at - measure) : (int)strlen(measure), measure);
        measure = name;

        if (!strcmp(measure, "file")) {
                fit_gguf_sizes(a, j->eng.gguf, &s);
                *out = s.embd + s.layers_total + (s.output - a->hidden * 4) + a->hidden * 4;
                return true;
        }
        if (!strcmp(measure, "kv-pool") || !strcmp(measure, "kv"))
                *out = p->g[g].comp[FIT_C_KV];
        else if (!strcmp(measure, "weights"))
                *out = p->g[g].comp[FIT_C_WEIGHTS];
        else if (!strcmp(measure, "compute"))
                *out = p->g[g].comp[FIT_C_ACT];
        else
                return false;
        return true;
}

/* "allocated" (torch.cuda.max_memory_*): without CUDA context/NCCL, on
 * the first GPU; "allocated-sum": the same summed over the GPUs used;
 * "allocated-steady": without the activations and workspaces either (a
 * number taken after the prefill transient was freed: weights and cache);
 * "process" (nvidia-smi): with them. Never the loader reserve, which
 * exllamav2 releases once the model is loaded. */
static double predict(const struct row *r)
{
        const char *measure = r->f[C_MEASURE], *unit = r->f[C_UNIT];
        int gpus = atoi(r->f[C_GPUS]);
        int64_t caps[FIT_GPUS_MAX], sum = 0;
        struct fit_job j;
        struct fit_arch a;
        struct fit_plan p;
        const struct kb_model *m = kb_model_find(r->f[C_MODEL]);

        assert_non_null(m);
        assert_true(gpus >= 1 && gpus <= FIT_GPUS_MAX);
        job_of(r, &j);
        for (int i = 0; i < gpus; i++)
                caps[i] = (int64_t)(atof(r->f[C_GIB]) * 1073741824.0);
        fit_arch_from_kb(m, &a);
        fit_plan_job(&a, &j, caps, gpus, &p);
        if (component(measure, &a, &j, &p, &sum))
                return (double)sum / unit_bytes(unit);
        if (!strcmp(measure, "allocated-load"))  /* the loading peak, without the context */
                return (double)(p.load_peak - p.g[0].comp[FIT_C_CONTEXT]) / unit_bytes(unit);
        for (int i = 0; i < (strcmp(measure, "allocated-sum") ? 1 : p.n); i++)
                if (p.g[i].used)
                        sum += p.g[i].total - p.g[i].comp[FIT_C_RESERVE] -
                               (strcmp(measure, "process") ? p.g[i].comp[FIT_C_CONTEXT] : 0) -
                               (strcmp(measure, "allocated-steady") ? 0 : p.g[i].comp[FIT_C_ACT]);
        return (double)sum / unit_bytes(unit);
}

/* Per task (inference per engine), calibration and hold-out rows
 * together: at least 80 % within 10 % and none beyond 25 % (issue 17). */
#define GROUPS_MAX 16
struct group {
        char name[32];
        int rows, within10, beyond25;
};

static struct group *group_of(struct group *g, int *n, const struct row *r)
{
        char name[32];

        snprintf(name, sizeof(name), "%s%s%s", strcmp(r->f[C_MEASURE], "allocated-load") ? r->f[C_TASK] : "load",
                 strcmp(r->f[C_TASK], "infer") ? "" : "/", strcmp(r->f[C_TASK], "infer") ? "" : r->f[C_ENGINE]);
        for (int i = 0; i < *n; i++)
                if (!strcmp(g[i].name, name))
                        return &g[i];
        assert_true(*n < GROUPS_MAX);
        snprintf(g[*n].name, sizeof(g[*n].name), "%s", name);
        return &g[(*n)++];
}

/* Groups known to miss the goal, each with why: said on every run, and
 * the test fails once one meets it, so the list only shrinks. */
static const struct known_miss {
        const char *group, *why;
} known_misses[] = {
        { NULL, NULL },
};

static const char *known_miss(const char *group)
{
        for (size_t i = 0; i < sizeof(known_misses) / sizeof(known_misses[0]); i++)
                if (known_misses[i].group && !strcmp(known_misses[i].group, group))
                        return known_misses[i].why;
        return NULL;
}

static void check_groups(const struct group *g, int n)
{
        int failed = 0;

        for (int i = 0; i < n; i++) {
                bool ok = g[i].within10 * 10 >= g[i].rows * 8 && g[i].beyond25 == 0;
                const char *why = known_miss(g[i].name);

                printf("%-24s %2d rows, %2d within 10%%, %d beyond 25%%%s%s\n", g[i].name, g[i].rows,
                       g[i].within10, g[i].beyond25, why ? "  KNOWN MISS: " : "", why ? why : "");
                if (ok == (why != NULL)) {
                        printf("%-24s %s\n", g[i].name, ok ? "meets the goal now: remove it from "
                               "known_misses" : "misses the goal (80 % within 10 %, none beyond 25 %)");
                        failed++;
                }
        }
        assert_int_equal(failed, 0);
}

static void test_calibration(void **state)
{
        char line[2048];
        int rows = 0, holdouts = 0, bad = 0, ngroups = 0;
        struct group groups[GROUPS_MAX] = { 0 };
        FILE *f = fopen(tsv_path, "r");

        (void)state;
        assert_non_null(f);
        assert_non_null(fgets(line, sizeof(line), f));
        line[strcspn(line, "\n")] = 0;
        read_header(line);
        while (fgets(line, sizeof(line), f)) {
                struct row r;
                double pred, err, measured;
                bool holdout;

                line[strcspn(line, "\n")] = 0;
                if (!line[0] || line[0] == '#')
                        continue;
                assert_int_equal(parse_row(line, &r), 0);
                /* A number that is the card's size, not the job's: said, not scored. */
                if (!strcmp(r.f[C_MEASURE], "capped")) {
                        printf("%-22s %-6s out of scope (capped)\n", r.f[C_ID], r.f[C_TASK]);
                        continue;
                }
                pred = predict(&r);
                measured = atof(r.f[C_MEASURED]);
                holdout = yes(r.f[C_HOLDOUT]);
                err = (pred - measured) / measured;
                printf("%-22s %-6s measured %8.2f %-3s predicted %8.2f  error %+5.1f%%%s\n",
                       r.f[C_ID], r.f[C_TASK], measured, r.f[C_UNIT], pred, err * 100,
                       holdout ? "  (hold-out)" : "");
                /* Hold-outs are reported, not asserted: they check the
                 * model on data it was not tuned on (docs/fit-calibration.md). */
                if (!holdout && (err > MAX_ERROR || err < -MAX_ERROR))
                        bad++;
                rows += !holdout;
                holdouts += holdout;
                struct group *g = group_of(groups, &ngroups, &r);
                g->rows++;
                g->within10 += err <= MAX_ERROR && err >= -MAX_ERROR;
                g->beyond25 += err > 0.25 || err < -0.25;
        }
        fclose(f);
        check_groups(groups, ngroups);
        assert_true(rows >= 10);
        assert_true(holdouts >= 4);
        assert_int_equal(bad, 0);
}

int main(int argc, char **argv)
{
        const struct CMUnitTest tests[] = { cmocka_unit_test(test_calibration) };

        if (argc < 2) {
                fprintf(stderr, "usage: %s fit-calibration.tsv\n", argv[0]);
                return 1;
        }
        tsv_path = argv[1];
        return cmocka_run_group_tests(tests, NULL, NULL);
}
