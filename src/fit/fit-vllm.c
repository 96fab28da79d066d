/* fit-vllm.c - vLLM (V0 since 0.6.4 and V1): what gpu_memory_utilization
 * leaves for the paged KV cache. vLLM's worker (gpu_worker.py
 * determine_available_memory / worker.py before V1) takes total x gmu,
 * subtracts the weights, the peak of a profiling forward pass of
 * max_num_batched_tokens tokens (plus a sampler pass over max_num_seqs
 * dummy sequences) and the memory outside torch's allocator that grew
 * during it, and gives the rest to KV blocks of block_size tokens. CUDA
 * graphs are captured afterwards, outside the budget, like the CUDA
 * context. Tensor parallel: weights, KV heads (at least one per GPU) and
 * the MLP width are split across the GPUs; vocab-parallel embedding and
 * head too. */
#include "fit/fit-engine.h"

#include <string.h>

#define GiB (1024.0 * 1024 * 1024)

/* Forward peak of the profile run per token: the fused gate_up output
 * (2 x MLP width) and two hidden-size tensors, bf16. From the structure
 * of vLLM's LlamaMLP; checked by the two calibration rows together with
 * SAMPLER_BYTES (docs/fit-calibration.md, 'vLLM'). */
#define ACT_I_ELEMS 2
#define ACT_H_ELEMS 2
/* The dummy sampler pass: fp32 logits of max_num_seqs sequences and the
 * sampler's copies of them (probabilities, log-probabilities, sorted
 * values and int64 indices for top-p/top-k): bytes per logit. Calibrated:
 * 0.70 GiB beside the forward peak in both vLLM rows (256 x 128256). */
#define SAMPLER_BYTES 22.8
/* Memory outside torch's allocator that grows during profiling (cuBLAS
 * workspace, NCCL and custom all-reduce buffers with TP > 1): 0.35 GiB
 * measured with TP 1 (vLLM #10517); NCCL adds per extra rank. */
#define NON_TORCH_BYTES (0.35 * GiB)
#define NON_TORCH_TP_BYTES (0.25 * GiB)
/* CUDA graph pool captured after the KV cache: 0.2-0.5 GiB for 8B-class
 * models (vLLM #57047 logs 0.22 GiB); not in the budget. Not calibrated. */
#define CUDA_GRAPH_BYTES (0.4 * GiB)

static const char *const wq_names[FIT_WQ_TYPES] = { "bf16", "fp8", "int8", "int4", "mxfp4" };
static const double wq_bytes[FIT_WQ_TYPES] = { 2.0, 1.0, 1.0, 0.5 + 2.0 / 128 + 0.5 / 128,
                                               17.0 / 32 };

const char *fit_wquant_name(enum fit_wquant q)
{
        return q < FIT_WQ_TYPES ? wq_names[q] : "?";
}

int fit_wquant_parse(const char *name)
{
        for (int i = 0; i < FIT_WQ_TYPES; i++)
                if (!strcmp(name, wq_names[i]))
                        return i;
        if (!strcmp(name, "fp16") || !strcmp(name, "auto"))
                return FIT_WQ_BF16;
        if (!strcmp(name, "awq") || !strcmp(name, "gptq"))
                return FIT_WQ_INT4;
        return -1;
}

double fit_wquant_bytes(enum fit_wquant q)
{
        return q < FIT_WQ_TYPES ? wq_bytes[q] : 2.0;
}

void fit_engine_defaults(struct fit_engine_opts *e)
{
        memset(e, 0, sizeof(*e));
        e->gmu = 0.9;
        e->batched_tokens = 0;  /* by GPU size, as vllm serve (profile_tokens) */
        e->max_seqs = 0;
        e->tp = 1;
        e->block = 16;
        e->gguf = FIT_GGUF_Q4_K_M;
        e->ngl = -1;
        e->ubatch = 512;
        e->head_bits = 6;
}

/* Weights per GPU: decoder linears in the chosen format, the rest 16-bit,
 * over tp; plus the RoPE cos/sin cache (max_position x head_dim, model
 * dtype) every GPU keeps. */
static int64_t weights(const struct fit_arch *a, const struct fit_engine_opts *e)
{
        struct fit_params p;
        double linear;

        fit_count_params(a, &p);
        linear = (double)(a->layers * p.layer_linear);
        return (int64_t)((linear * fit_wquant_bytes(e->quant) + (double)(p.total - linear) * 2) /
                         e->tp) +
               a->max_pos * a->head_dim * 2;
}

/* vllm serve's V1 defaults (engine/arg_utils.py, 0.10): GPUs of 70 GiB
 * or more (not A100) batch 8192 tokens and 1024 sequences, others 2048
 * and 256. A100 80GB is not told apart from H100 by size: 8192 and 1024. */
#define BIG_GPU (70.0 * GiB)

static void profile_sizes(const struct fit_engine_opts *e, int64_t cap, int64_t *tokens,
                          int64_t *seqs)
{
        bool big = (double)cap >= BIG_GPU;

        *tokens = e->batched_tokens > 0 ? e->batched_tokens : big ? 8192 : 2048;
        *seqs = e->max_seqs > 0 ? e->max_seqs : big ? 1024 : 256;
}

static int64_t profile_peak(const struct fit_arch *a, const struct fit_engine_opts *e, int64_t cap)
{
        int64_t width = a->experts ? a->experts_per_tok * a->moe_intermediate : a->intermediate;
        int64_t tokens, seqs;

        profile_sizes(e, cap, &tokens, &seqs);
        return tokens * (ACT_H_ELEMS * a->hidden + ACT_I_ELEMS * width / e->tp) * 2 +
               (int64_t)((double)seqs * (double)a->vocab * SAMPLER_BYTES);
}

void fit_plan_vllm(const struct fit_arch *a, const struct fit_job *j, struct fit_plan *pl)
{
        const struct fit_engine_opts *e = &j->eng;
        int tp = e->tp > 0 ? e->tp : 1;
        int64_t kvh = a->kv_heads / tp ? a->kv_heads / tp : 1, block, need, pool, budget;
        int64_t cap = pl->g[0].capacity;

        for (int i = 1; i < tp && i < pl->n; i++)  /* the smallest GPU decides */
                cap = pl->g[i].capacity < cap ? pl->g[i].capacity : cap;
        block = fit_kv_seq_bytes(a, e->block, a->layers, kvh, e->kv, false, 0);
        budget = (int64_t)((double)cap * e->gmu);
        for (int i = 0; i < tp && i < pl->n; i++) {
                struct fit_gpu_use *g = &pl->g[i];

                g->used = true;
                g->layers = (int)a->layers;
                g->comp[FIT_C_WEIGHTS] = weights(a, e);
                g->comp[FIT_C_ACT] = profile_peak(a, e, cap);
                g->comp[FIT_C_CONTEXT] = fit_cuda_context_bytes(j) + (int64_t)NON_TORCH_BYTES +
                                         (tp > 1 ? (int64_t)NON_TORCH_TP_BYTES : 0);
                g->comp[FIT_C_RESERVE] = (int64_t)CUDA_GRAPH_BYTES;
                pool = budget - g->comp[FIT_C_WEIGHTS] - g->comp[FIT_C_ACT] -
                       (g->comp[FIT_C_CONTEXT] - fit_cuda_context_bytes(j));
                g->comp[FIT_C_KV] = pool > 0 ? pool : 0;
        }
        pl->kv_tokens = block > 0 ? pl->g[0].comp[FIT_C_KV] / block * e->block : 0;
        need = fit_kv_seq_bytes(a, j->ctx, a->layers, kvh, e->kv, false, 0) * j->batch;
        /* vLLM refuses to start unless one max_model_len sequence fits; a
         * batch of such sequences runs concurrently when the pool holds it. */
        pl->fits = tp <= pl->n && pl->g[0].comp[FIT_C_KV] >= need && pl->kv_tokens >= j->ctx;
        pl->nproc = tp;
}
