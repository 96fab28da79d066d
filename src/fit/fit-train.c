/* fit-train.c - what a training step holds at its peak, walked layer by
 * layer through backward, with the memory savers of torchtune and HF
 * (optimizer step in backward, paged optimizers, activation offloading,
 * torch.compile, gradient accumulation, packed sequences); the loading
 * peak beside the step's; the caching allocator's slack. Constants are
 * named here and sourced in docs/fit-calibration.md. */
#include "fit/fit-mem.h"

#define MiB (1024LL * 1024)

/* CUDA context, loaded kernels and cuBLAS workspace when the stack is not
 * known: 300-600 MiB (fit-formulas.md §6); the knowledge base
 * (src/kb/cuda-context.tsv) gives it by CUDA version and GPU generation. */
#define CONTEXT_DEFAULT (500 * MiB)
/* torch.compile fuses a decoder layer's elementwise chains (RMSNorm,
 * RoPE, SwiGLU) so fewer intermediates are saved for backward: the share
 * of the eager activations that remains. Calibrated on torchtune's
 * "+ Compile" row (Llama 3.2 3B, docs/fit-calibration.md). */
#define COMPILE_ACT 0.74
/* torch.compile of the chunked loss (torchtune compiles each chunk's
 * cross-entropy): bytes per logit kept at the start of backward instead of
 * LOGIT_BYTES_PER_VOCAB's 2.5 (bf16 logits plus one fp32 chunk); the
 * upcast and log-softmax are fused away and part of the bf16 logits are
 * freed chunk by chunk. Calibrated on torchtune's LoRA row (Llama 3.2 3B,
 * docs/fit-calibration.md); the QLoRA row is its hold-out. */
#define LOGIT_BYTES_COMPILED 1.2
/* An unchunked fp32 loss under torch.compile: the log-softmax is fused
 * into the loss kernel, so of LOGIT_BYTES_FP32_LOSS's bf16 logits, fp32
 * copy, fp32 log-softmax and fp32 gradient (2 + 4 + 4 + 4) the
 * log-softmax is gone: 10 bytes per logit (a count, not a fit). */
#define LOGIT_BYTES_FP32_COMPILED 10.0
/* 8-bit AdamW (torchao AdamW8bit, bitsandbytes blockwise): one byte per
 * moment plus an fp32 absmax per block of 256 values; the update of each
 * parameter dequantizes its two moments to fp32, so the largest trained
 * tensor's 2 x 4 bytes come on top while it is stepped. */
#define ADAM8_BLOCK 256
#define ADAM8_STEP_BYTES 8
/* Activation offloading streams each checkpointed input to the CPU on a
 * side stream; the one being copied out and the one prefetched for
 * backward stay (torchtune OffloadActivations). */
#define OFFLOAD_RESIDENT_LAYERS 2
/* The caching allocator's reserved-but-free slack, as a share of the
 * step's transient memory (activations, logits, gradients): torchtune logs
 * 6.21 -> 6.27 GiB (LoRA, 1 %) and 13.99 -> 15.97 GB (full fine-tune with
 * a paged optimizer in backward, 14 % of the total) from allocated to
 * reserved; PR #1517: FSDP2 raises it further. Reported as a range. */
#define SLACK_MAX_SHARE 0.35

int64_t fit_context_default(void)
{
        return CONTEXT_DEFAULT;
}

struct step {
        int64_t layers;
        int64_t saved;       /* kept per layer for backward (on the GPU) */
        int64_t recompute;   /* one layer's full set, rebuilt in backward (checkpointing) */
        int64_t fixed;       /* resident the whole step: a packed-SDPA mask */
        int64_t logits;      /* loss peak at the start of backward */
        int64_t grad_layer;  /* one layer's gradients as they stay (sharded under FSDP) */
        int64_t grad_head;   /* LM head and final norm, produced first */
        int64_t grad_embed;  /* embeddings, produced last */
        int64_t grad_live;   /* the largest gradient alive at once with a fused step */
};

static int64_t max64(int64_t a, int64_t b)
{
        return a > b ? a : b;
}

static void step_acts(const struct fit_arch *a, const struct fit_job *j, struct step *s)
{
        struct fit_job eager = *j;
        int64_t tokens = j->batch * j->ctx, full;

        eager.act_ckpt = false;
        full = fit_train_activations(a, &eager) / a->layers;
        if (j->compile)
                full = (int64_t)((double)full * COMPILE_ACT);
        s->layers = a->layers;
        s->saved = j->act_ckpt ? tokens * a->hidden * 2 : full;
        s->recompute = j->act_ckpt ? full : 0;
        s->logits = fit_train_logits(a, j);
        if (j->compile)
                s->logits = (int64_t)((double)tokens * (double)a->vocab *
                                      (j->fp32_loss ? LOGIT_BYTES_FP32_COMPILED : LOGIT_BYTES_COMPILED));
        s->fixed = j->packed == FIT_PACKED_SDPA ? j->batch * j->ctx * j->ctx : 0;
}

static void step_grads(const struct fit_params *p, const struct fit_job *j, int n, int64_t lora,
                       struct step *s)
{
        int shards = j->task == FIT_FULL ? n : 1;

        if (j->task == FIT_FULL) {
                s->grad_layer = p->layer * 2 / shards;
                s->grad_head = (p->lm_head + (p->total - p->embed - p->lm_head -
                                              s->layers * p->layer)) * 2 / shards;
                s->grad_embed = p->embed * 2 / shards;
                s->grad_live = max64(p->embed, max64(p->lm_head, p->largest_linear)) * 2 / shards;
        } else {
                s->grad_layer = lora * 2 / s->layers;
                s->grad_live = s->grad_layer;
        }
}

/* Resident activations + gradients at the start of backward, during each
 * layer's backward (from the last), and at the optimizer step; the
 * largest is the peak. Accumulated gradients stay from the first
 * micro-batch; a fused step frees each gradient as it is made. */
static void step_peak(const struct fit_job *j, const struct step *s, int64_t *act, int64_t *grads)
{
        bool fused = j->optim_in_bwd, accum = j->grad_accum > 1 && !fused;
        int64_t all = s->layers * s->grad_layer + s->grad_head + s->grad_embed;
        int64_t kept = j->act_offload ? s->saved * (s->layers < OFFLOAD_RESIDENT_LAYERS
                                                            ? s->layers : OFFLOAD_RESIDENT_LAYERS)
                                      : s->saved * s->layers;
        int64_t best_a = s->fixed + kept + s->logits + s->recompute, best_g = accum ? all : 0;

        for (int64_t i = s->layers - 1; i >= 0; i--) {
                int64_t a = s->fixed + s->recompute +
                            (j->act_offload ? (i + 1 < OFFLOAD_RESIDENT_LAYERS ? i + 1 : OFFLOAD_RESIDENT_LAYERS)
                                            : i + 1) * s->saved;
                int64_t g = fused ? s->grad_live
                                  : accum ? all : s->grad_head + (s->layers - i) * s->grad_layer;

                if (a + g > best_a + best_g)
                        best_a = a, best_g = g;
        }
        if (!fused && s->fixed + all > best_a + best_g)
                best_a = s->fixed, best_g = all;
        *act = best_a;
        *grads = best_g;
}

/* torchtune's QLoRA builds each decoder layer in bf16 on the GPU and
 * quantizes it (FrozenNF4Linear), so one layer's linears in bf16 come on
 * top of what is already built; transformers quantizing on load (bnb,
 * torchao, HQQ) does the same one tensor at a time; from_pretrained
 * without a dtype loads fp32 on the GPU and casts afterwards. */
static int64_t load_extra(const struct fit_params *p, const struct fit_job *j)
{
        if (j->load_fp32)
                return p->total * 2;  /* fp32 (4 B) where the step holds bf16 (2 B) */
        if (j->task == FIT_QLORA)
                return p->layer_linear * 2;
        if (j->weights == FIT_W_BNB8 || j->weights == FIT_W_BNB4 || j->weights == FIT_W_BNB4_DQ ||
            j->weights == FIT_W_AO_INT4 || j->weights == FIT_W_AO_INT8 || j->weights == FIT_W_HQQ4)
                return p->largest_linear * 2;
        return 0;
}

int64_t fit_train_peak(const struct fit_arch *a, const struct fit_params *p,
                       const struct fit_job *j, int n, struct fit_gpu_use *g)
{
        struct step s = { 0 };
        int64_t act, grads, inflight = j->task == FIT_FULL && n > 1 ? p->layer * 2 : 0;
        int64_t lora = j->task == FIT_FULL ? 0 : fit_lora_params(a, j->rank, j->lora_targets);

        step_acts(a, j, &s);
        step_grads(p, j, n, lora, &s);
        if (j->optim != FIT_CPU_OFFLOAD) {
                step_peak(j, &s, &act, &grads);
                g->comp[FIT_C_GRADS] = inflight + grads;
                g->comp[FIT_C_ACT] = act;
        }
        if (j->optim == FIT_ADAMW8BIT) {
                int64_t trained = j->task == FIT_FULL ? p->total : lora;
                int64_t largest = j->task == FIT_FULL ? s.grad_live / 2 : lora / a->layers;

                g->comp[FIT_C_OPTIM] += trained * 2 * 4 / ADAM8_BLOCK / (j->task == FIT_FULL ? n : 1) +
                                        largest * ADAM8_STEP_BYTES;
        }
        if (j->paged_optim)  /* managed memory: pages out under pressure, not allocator memory */
                g->comp[FIT_C_OPTIM] = 0;
        if (n > 1 && j->fsdp_wrap_root)  /* only one of the embeddings and the head gathered at a time */
                g->comp[FIT_C_WEIGHTS] -= 2 * (p->embed + p->lm_head) - 2 * max64(p->embed, p->lm_head);
        return g->comp[FIT_C_WEIGHTS] + load_extra(p, j) + g->comp[FIT_C_CONTEXT];
}

int64_t fit_infer_load_peak(const struct fit_params *p, const struct fit_job *j,
                            const struct fit_gpu_use *g)
{
        if (!g->used)
                return 0;
        return g->comp[FIT_C_WEIGHTS] + g->comp[FIT_C_CONTEXT] + g->comp[FIT_C_RESERVE] +
               (j->engine == FIT_HF ? load_extra(p, j) : 0);
}

int64_t fit_slack_max(const struct fit_job *j, const struct fit_gpu_use *g)
{
        int64_t transient = g->comp[FIT_C_ACT] + (j->task == FIT_INFER ? 0 : g->comp[FIT_C_GRADS]);

        /* Fixed buffers made once (exllamav2 and v3), a pool sized by
         * profiling (vLLM) or ggml's own allocator (llama.cpp): no slack. */
        if (j->task == FIT_INFER && j->engine != FIT_HF)
                return 0;

        return (int64_t)((double)transient * SLACK_MAX_SHARE);
}
