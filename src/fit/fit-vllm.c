/* fit-vllm.c - vLLM (V1, the default engine since 0.8, and V0 from 0.6.4):
 * what gpu_memory_utilization leaves for the paged KV cache. vLLM's worker
 * (gpu_worker.py determine_available_memory / worker.py in V0) takes total
 * x gmu, subtracts the weights, the torch peak of a profiling forward pass
 * of max_num_batched_tokens tokens and a sampler pass over max_num_seqs
 * dummy sequences, and the memory outside torch's allocator that grew
 * since the worker's first snapshot, and gives the rest to KV blocks of
 * block_size tokens. CUDA graphs are captured afterwards; until 0.21 they
 * lie outside the budget, like the CUDA context, and since 0.21 a dummy
 * capture estimates them first and takes them out of it. Tensor
 * parallel: weights, KV heads (at least one per GPU) and the MLP width are
 * split across the GPUs;
 * vocab-parallel embedding and head too, but the logits are gathered to
 * the full vocabulary on every GPU before the sampler. */
#include "fit/fit-engine.h"

#include <string.h>

#define GiB (1024.0 * 1024 * 1024)

/* Forward peak of the profile run per token, bf16 elements. V1 compiles
 * the model (torch.compile, Inductor frees each buffer after its last
 * use): the fused gate_up output (2 x MLP width) and two hidden-size
 * tensors. V0 runs it eagerly, and vLLM's LlamaMLP.forward keeps gate_up's
 * output in a local name while SiluAndMul's output (1 x width) and
 * down_proj's are made, beside the residual and the normed input: three
 * widths and three hidden-size tensors. Counted from the source; the V0
 * rows' logged torch peaks agree (docs/fit-calibration.md, 'vLLM'). */
#define ACT_I_ELEMS 2
#define ACT_H_ELEMS 2
#define ACT_I_ELEMS_EAGER 3
#define ACT_H_ELEMS_EAGER 3
/* The dummy sampler pass with PyTorch's top-k/top-p (V0's Sampler and
 * V1's _dummy_sampler_run in gpu_model_runner.py): bf16 logits, their
 * fp32 copy, and apply_top_k_top_p's torch.sort of all of them (fp32
 * values, int64 indices and the sort's own buffers), masks and the
 * scattered result, with top-k and top-p both set. Bytes per logit,
 * calibrated on vl1-l31-8b-h100's logged torch peak increase: (4.76 GiB -
 * the 8192 x 4096 bf16 hidden states) / (1024 x 128256) = 38.4. */
#define SAMPLER_TORCH_BYTES 38.4
/* The same pass with FlashInfer's sampler (V1 topk_topp_sampler.py
 * forward_cuda, logged "Using FlashInfer for top-p & top-k sampling"):
 * top_k_top_p_sampling_from_logits keeps the bf16 logits (2), their fp32
 * copy (4), the top-k masked logits (4) and their softmax (4); no sort.
 * From the source, not calibrated. */
#define SAMPLER_FLASHINFER_BYTES 14.0
/* Memory outside torch's allocator that grows between the worker's first
 * snapshot and the end of profiling (cuBLAS workspace, NCCL and custom
 * all-reduce buffers with TP > 1). V0: 0.35 GiB logged with TP 1 (vLLM
 * #10517), NCCL adding 0.25 GiB (not calibrated). V1: the non-torch
 * increase logged by vl1-l31-8b-h100 (TP 1, 0.13 GiB) and
 * vl1-l33-70b-fp8-tp2 (TP 2, 0.55 GiB). */
#define NON_TORCH_V0_BYTES (0.35 * GiB)
#define NON_TORCH_V0_TP_BYTES (0.25 * GiB)
#define NON_TORCH_V1_BYTES (0.13 * GiB)
#define NON_TORCH_V1_TP_BYTES (0.42 * GiB)
/* Before vLLM 0.11 (PR #25359, Sep 2025) the V1 worker took its first
 * snapshot before init_worker_distributed_environment, so the NCCL
 * communicators' buffers set up there count as non-torch growth inside
 * the budget; since then they are outside it. Size on H100: the TP-2
 * calibration row starts with 77.64 GiB free after that setup, the TP-1
 * rows with 78.57 GiB: 0.93 GiB per GPU (NCCL's own use varies with the
 * interconnect and version; PR #25359 saw 4.5 GiB in a Ray setup). */
#define NCCL_SETUP_BYTES (0.93 * GiB)
/* CUDA graph pool captured after the KV cache: 0.1-1 GiB (the llm-d logs:
 * 0.10 GiB for Qwen3-0.6B, 0.39 and 1.03 for gpt-oss-20b and -120b; vLLM
 * PR #21489: 0.65 for Gemma-3-4B). Not calibrated. Outside the budget
 * until 0.20; since 0.21 (PR #30515's VLLM_MEMORY_PROFILER_ESTIMATE_
 * CUDAGRAPHS, on by default from then: "Estimated CUDA graph memory")
 * subtracted from the KV pool. */
#define CUDA_GRAPH_BYTES (0.4 * GiB)
#define GRAPHS_IN_BUDGET_MINOR 21

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

/* Weights per GPU: the decoder linears in the chosen format, the rest
 * 16-bit, over tp; plus the RoPE cos/sin cache (max_position x head_dim,
 * model dtype) every GPU keeps. MXFP4 quantizes only the MoE experts
 * (vLLM's Mxfp4Config leaves every linear layer unquantized), in the
 * backend's layout (fit-mxfp4.c). */
static int64_t weights(const struct fit_arch *a, const struct fit_engine_opts *e)
{
        struct fit_params p;
        double linear, rest;
        int64_t rope = a->max_pos * a->head_dim * 2;

        fit_count_params(a, &p);
        if (e->quant == FIT_WQ_MXFP4) {
                rest = (double)(p.total - fit_mxfp4_expert_params(a));
                return (int64_t)(rest * 2 / e->tp) + fit_mxfp4_expert_bytes(a, e->tp, e->gpu_cc) +
                       rope;
        }
        linear = (double)(a->layers * p.layer_linear);
        return (int64_t)((linear * fit_wquant_bytes(e->quant) + ((double)p.total - linear) * 2) /
                         e->tp) +
               rope;
}

/* The V0 engine: vLLM 0.6 and 0.7 (V1 became the default in 0.8). */
static bool vllm_v0(const struct fit_engine_opts *e)
{
        return e->vllm_minor > 0 && e->vllm_minor < 8;
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

/* Forward elements per token: dense, the MLP's intermediates and the
 * hidden-size tensors (above); MoE (fused_moe.py fused_experts_impl), the
 * shared cache of top_k x max(gate_up width, hidden) that holds the
 * gate_up output and then the experts' outputs before their sum, and the
 * activation's top_k x width, beside the hidden-size tensors. */
static int64_t forward_elems(const struct fit_arch *a, int tp, bool eager)
{
        int64_t ie = eager ? ACT_I_ELEMS_EAGER : ACT_I_ELEMS;
        int64_t he = eager ? ACT_H_ELEMS_EAGER : ACT_H_ELEMS, w;

        if (!a->experts)
                return he * a->hidden + ie * a->intermediate / tp;
        w = a->moe_intermediate / tp;
        return he * a->hidden +
               a->experts_per_tok * ((ACT_I_ELEMS * w > a->hidden ? ACT_I_ELEMS * w : a->hidden) + w);
}

/* The profile run's torch peak. The forward pass's intermediates are
 * freed when it returns; the sampler then runs on the logits of one token
 * per sequence beside the hidden states (tokens x hidden, bf16), so the
 * peak is the larger of the two, in V0 as in V1. */
static int64_t profile_peak(const struct fit_arch *a, const struct fit_engine_opts *e, int64_t cap)
{
        int64_t tokens, seqs, fwd, smp;

        profile_sizes(e, cap, &tokens, &seqs);
        seqs = seqs < tokens ? seqs : tokens;
        fwd = tokens * forward_elems(a, e->tp, vllm_v0(e)) * 2;
        smp = tokens * a->hidden * 2 +
              (int64_t)((double)seqs * (double)a->vocab *
                        (e->flashinfer_sampler && !vllm_v0(e) ? SAMPLER_FLASHINFER_BYTES
                                                              : SAMPLER_TORCH_BYTES));
        return fwd > smp ? fwd : smp;
}

/* The release profiles its CUDA graphs inside the budget (0: the newest). */
static bool graphs_in_budget(const struct fit_engine_opts *e)
{
        return e->vllm_minor == 0 || e->vllm_minor >= GRAPHS_IN_BUDGET_MINOR;
}

static int64_t non_torch(const struct fit_engine_opts *e, int tp)
{
        if (vllm_v0(e))
                return (int64_t)NON_TORCH_V0_BYTES + (tp > 1 ? (int64_t)NON_TORCH_V0_TP_BYTES : 0);
        if (tp == 1)
                return (int64_t)NON_TORCH_V1_BYTES;
        return (int64_t)NON_TORCH_V1_BYTES + (int64_t)NON_TORCH_V1_TP_BYTES +
               (e->vllm_minor > 0 && e->vllm_minor < 11 ? (int64_t)NCCL_SETUP_BYTES : 0);
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
                g->comp[FIT_C_CONTEXT] = fit_cuda_context_bytes(j) + non_torch(e, tp);
                g->comp[FIT_C_RESERVE] = (int64_t)CUDA_GRAPH_BYTES;
                pool = budget - g->comp[FIT_C_WEIGHTS] - g->comp[FIT_C_ACT] -
                       (g->comp[FIT_C_CONTEXT] - fit_cuda_context_bytes(j)) -
                       (graphs_in_budget(e) ? g->comp[FIT_C_RESERVE] : 0);
                g->comp[FIT_C_KV] = pool > 0 ? pool : 0;
        }
        pl->kv_tokens = block > 0 ? pl->g[0].comp[FIT_C_KV] / block * e->block : 0;
        need = fit_kv_seq_bytes(a, j->ctx, a->layers, kvh, e->kv, false, 0) * j->batch;
        /* vLLM refuses to start unless one max_model_len sequence fits; a
         * batch of such sequences runs concurrently when the pool holds it. */
        pl->fits = tp <= pl->n && pl->g[0].comp[FIT_C_KV] >= need && pl->kv_tokens >= j->ctx;
        pl->nproc = tp;
}
