/* fit-advise.c - searches around the job: the largest context and batch
 * that fit, and the changes (cheapest first) that turn "no" into "yes". */
#include "fit/fit-advise.h"

#include "fit/fit-engine.h"

#include <stdio.h>
#include <string.h>

/* Context lengths are searched in pages of this many tokens. */
#define CTX_STEP 256
#define CTX_LIMIT (1LL << 20)
#define BATCH_LIMIT 4096
/* exllamav2 quantizations people publish, highest first. */
static const double bpw_steps[] = { 8.0, 6.0, 5.0, 4.65, 4.5, 4.0, 3.5, 3.0, 2.5, 2.25 };

int fit_plan_peak_gpu(const struct fit_plan *p)
{
        int best = -1;

        for (int i = 0; i < p->n; i++)
                if (p->g[i].used && (best < 0 || p->g[i].total > p->g[best].total))
                        best = i;
        return best;
}

static bool fits(const struct fit_arch *a, const struct fit_job *j, const int64_t *caps, int n)
{
        struct fit_plan p;

        fit_plan_job(a, j, caps, n, &p);
        return p.fits;
}

/* The largest value in [1, limit] for which set(v) fits (memory grows with
 * v); 0 when even 1 does not. step rounds the answer down. */
static int64_t search(const struct fit_arch *a, struct fit_job j, const int64_t *caps, int n,
                      bool ctx, int64_t limit, int64_t step)
{
        int64_t lo = 0, hi = limit / step;

        while (lo < hi) {
                int64_t mid = lo + (hi - lo + 1) / 2;

                *(ctx ? &j.ctx : &j.batch) = mid * step;
                if (fits(a, &j, caps, n))
                        lo = mid;
                else
                        hi = mid - 1;
        }
        if (lo == 0 && step > 1) {  /* below one page: try single tokens */
                *(ctx ? &j.ctx : &j.batch) = 1;
                return fits(a, &j, caps, n) ? 1 : 0;
        }
        return lo * step;
}

static void add(struct fit_advice *out, const struct fit_arch *a, const struct fit_job *j,
                const int64_t *caps, int n, const char *args)
{
        struct fit_change *c;

        if (out->nchanges >= FIT_CHANGES_MAX)
                return;
        c = &out->changes[out->nchanges];
        fit_plan_job(a, j, caps, n, &c->plan);
        if (!c->plan.fits)
                return;
        snprintf(c->args, sizeof(c->args), "%s", args);
        c->job = *j;
        c->ngpus = n;
        out->nchanges++;
}

/* The most layers llama.cpp can put on the GPUs (binary search), or 0. */
static int64_t largest_ngl(const struct fit_arch *a, const struct fit_job *j, const int64_t *caps,
                           int n)
{
        struct fit_job t = *j;
        int64_t lo = 0, hi = a->layers;

        while (lo < hi) {
                t.eng.ngl = lo + (hi - lo + 1) / 2;
                if (fits(a, &t, caps, n))
                        lo = t.eng.ngl;
                else
                        hi = t.eng.ngl - 1;
        }
        return lo;
}

/* vLLM, llama.cpp, ExLlamaV3 (fit-engine.h): their own levers, mildest
 * first: the cache type, then the weights (vLLM: tensor parallel over the
 * GPUs at hand; llama.cpp: flash attention, then the most layers on GPU). */
static void advise_engine(struct fit_advice *out, const struct fit_arch *a,
                          const struct fit_job *j, const int64_t *caps, int n)
{
        static const int exl3_kv[] = { FIT_KV_Q8_0, FIT_KV_Q6, FIT_KV_Q4 };
        struct fit_job t = *j;
        char args[80];

        if (j->engine == FIT_VLLM) {
                if (j->eng.kv == FIT_KV_F16)
                        t.eng.kv = FIT_KV_FP8, add(out, a, &t, caps, n, "--kv-cache-dtype fp8");
                t = *j, t.eng.quant = FIT_WQ_FP8;
                if (j->eng.quant == FIT_WQ_BF16)
                        add(out, a, &t, caps, n, "--quantization fp8");
                for (int tp = j->eng.tp * 2; tp <= n; tp *= 2) {
                        t = *j, t.eng.tp = tp;
                        snprintf(args, sizeof(args), "--tensor-parallel-size %d", tp);
                        add(out, a, &t, caps, n, args);
                }
        } else if (j->engine == FIT_GGUF) {
                if (!j->eng.flash_attn)
                        t.eng.flash_attn = true, add(out, a, &t, caps, n, "--flash-attn");
                t = *j, t.eng.kv = FIT_KV_Q8_0, t.eng.flash_attn = true;
                add(out, a, &t, caps, n, "--flash-attn --kv-cache-dtype q8_0");
                t = *j;
                t.eng.ngl = largest_ngl(a, j, caps, n);  /* memory grows with -ngl */
                snprintf(args, sizeof(args), "--ngl %lld (the rest on the CPU)", (long long)t.eng.ngl);
                if (t.eng.ngl > 0)
                        add(out, a, &t, caps, n, args);
        } else {
                for (size_t i = 0; i < sizeof(exl3_kv) / sizeof(exl3_kv[0]); i++) {
                        t = *j, t.eng.kv = exl3_kv[i];
                        snprintf(args, sizeof(args), "--cache %s", i == 0 ? "q8" : i == 1 ? "q6" : "q4");
                        if (fit_kv_elem_bytes(t.eng.kv) < fit_kv_elem_bytes(j->eng.kv) &&
                            fits(a, &t, caps, n)) {
                                add(out, a, &t, caps, n, args);
                                break;
                        }
                }
        }
}

static void advise_infer(struct fit_advice *out, const struct fit_arch *a,
                         const struct fit_job *j, const int64_t *caps, int n)
{
        static const char *const cache_names[] = { "fp16", "q8", "q6", "q4" };
        struct fit_job t = *j;
        char args[80];

        if (j->engine >= FIT_VLLM) {
                advise_engine(out, a, j, caps, n);
                if (j->engine != FIT_EXL3)
                        return;
        }
        if (j->engine == FIT_HF) {
                t.engine = FIT_EXL2, t.bpw = 4.0, t.cache = FIT_CACHE_FP16;
                add(out, a, &t, caps, n, "--engine exllamav2 --bpw 4.0");
                return;
        }
        for (int c = j->cache + 1; c <= FIT_CACHE_Q4; c++) {
                t = *j, t.cache = c;
                snprintf(args, sizeof(args), "--cache %s", cache_names[c]);
                add(out, a, &t, caps, n, args);
                if (out->nchanges && out->changes[out->nchanges - 1].job.cache == (enum fit_cache)c)
                        break;  /* the mildest cache quantization that fits */
        }
        for (size_t i = 0; i < sizeof(bpw_steps) / sizeof(bpw_steps[0]); i++) {
                if (bpw_steps[i] >= j->bpw)
                        continue;
                t = *j, t.bpw = bpw_steps[i];
                if (!fits(a, &t, caps, n))
                        continue;
                snprintf(args, sizeof(args), "--bpw %g", bpw_steps[i]);
                add(out, a, &t, caps, n, args);
                break;
        }
}

/* torchtune's memory savers that leave the job as it is (fit-train.c):
 * the optimizer step fused into backward (no gradient buffers; not with
 * accumulation), saved activations streamed to the CPU, torch.compile. */
static void advise_savers(struct fit_advice *out, const struct fit_arch *a,
                          const struct fit_job *j, const int64_t *caps, int n)
{
        struct fit_job t = *j;

        if (j->task == FIT_FULL && !j->optim_in_bwd && j->grad_accum <= 1 && j->optim != FIT_CPU_OFFLOAD) {
                t.optim_in_bwd = true;
                add(out, a, &t, caps, n, "--optimizer-in-backward");
        }
        if (!j->act_offload) {
                t = *j, t.act_offload = true;
                add(out, a, &t, caps, n, "--activation-offloading");
        }
        if (!j->compile) {
                t = *j, t.compile = true;
                add(out, a, &t, caps, n, "--compile");
        }
}

static void advise_train(struct fit_advice *out, const struct fit_arch *a,
                         const struct fit_job *j, const int64_t *caps, int n)
{
        struct fit_job t = *j;

        if (!j->act_ckpt) {
                t.act_ckpt = true;
                add(out, a, &t, caps, n, "--activation-checkpointing");
        }
        if (j->task == FIT_FULL && j->optim == FIT_ADAMW) {
                t = *j, t.optim = FIT_ADAMW8BIT;
                add(out, a, &t, caps, n, "--optimizer adamw8bit");
                if (!j->act_ckpt) {  /* else the same job as the line above */
                        t.act_ckpt = true;
                        add(out, a, &t, caps, n, "--optimizer adamw8bit --activation-checkpointing");
                }
        }
        advise_savers(out, a, j, caps, n);
        if (j->task == FIT_FULL && j->optim != FIT_CPU_OFFLOAD && !j->optim_in_bwd && !j->paged_optim) {
                t = *j, t.optim = FIT_CPU_OFFLOAD, t.act_ckpt = true;
                add(out, a, &t, caps, n, "--optimizer cpu-offload --activation-checkpointing");
        }
        if (j->task == FIT_FULL) {
                t = *j, t.task = FIT_LORA, t.optim = FIT_ADAMW, t.rank = t.rank ? t.rank : 8;
                add(out, a, &t, caps, n, "--task lora");
        }
        if (j->task != FIT_QLORA) {
                t = *j, t.task = FIT_QLORA, t.optim = FIT_ADAMW, t.rank = t.rank ? t.rank : 8;
                add(out, a, &t, caps, n, "--task qlora");
                if (!j->act_ckpt) {
                        t.act_ckpt = true;
                        add(out, a, &t, caps, n, "--task qlora --activation-checkpointing");
                }
        }
}

/* The fewest GPUs (more of the largest kind present) that fit job j. */
static void more_gpus(struct fit_advice *out, const struct fit_arch *a, const struct fit_job *j,
                      const int64_t *caps, int n, const char *extra)
{
        int64_t more[FIT_GPUS_MAX], big = 0;
        char args[80];

        for (int i = 0; i < n; i++)
                big = caps[i] > big ? caps[i] : big;
        for (int m = n + 1; m <= FIT_GPUS_MAX; m++) {
                for (int i = 0; i < m; i++)
                        more[i] = i < n ? caps[i] : big;
                if (fits(a, j, more, m)) {
                        snprintf(args, sizeof(args), "%d GPUs (%d more of %.0f GiB)%s", m, m - n,
                                 (double)big / (1 << 30), extra);
                        add(out, a, j, more, m, args);
                        return;
                }
        }
}

/* Fewer tokens, then more GPUs: as is, or (training) with the memory
 * levers on when more GPUs alone cannot help (activations do not shard). */
static void advise_common(struct fit_advice *out, const struct fit_arch *a,
                          const struct fit_job *j, const int64_t *caps, int n)
{
        struct fit_job t = *j;
        char args[80];
        int before;

        if (j->task != FIT_INFER && j->batch > 1 && out->max_batch > 0) {
                t.batch = out->max_batch;
                snprintf(args, sizeof(args), "--batch %lld", (long long)t.batch);
                add(out, a, &t, caps, n, args);
        }
        if (out->max_ctx >= CTX_STEP) {
                t = *j, t.ctx = out->max_ctx;
                snprintf(args, sizeof(args), "--ctx %lld", (long long)t.ctx);
                add(out, a, &t, caps, n, args);
        }
        before = out->nchanges;
        more_gpus(out, a, j, caps, n, "");
        if (out->nchanges > before || j->task == FIT_INFER || j->act_ckpt)
                return;
        t = *j, t.act_ckpt = true;
        more_gpus(out, a, &t, caps, n, " with --activation-checkpointing");
}

void fit_advise(const struct fit_arch *a, const struct fit_job *j, const int64_t *caps, int n,
                struct fit_advice *out)
{
        memset(out, 0, sizeof(*out));
        fit_plan_job(a, j, caps, n, &out->plan);
        out->max_ctx = search(a, *j, caps, n, true,
                              a->max_pos > 0 ? (a->max_pos > j->ctx ? a->max_pos : j->ctx) : CTX_LIMIT,
                              CTX_STEP);
        out->max_batch = search(a, *j, caps, n, false, BATCH_LIMIT, 1);
        if (out->plan.fits)
                return;
        if (j->task == FIT_INFER)
                advise_infer(out, a, j, caps, n);
        else
                advise_train(out, a, j, caps, n);
        advise_common(out, a, j, caps, n);
}
