/* fit-mem.c - the memory model: what each GPU holds for a job. The formulas
 * follow the engines' documented layouts (docs/fit.md); the constants below
 * are the only free numbers, each calibrated on published peak-memory
 * measurements (docs/fit-calibration.md). */
#include "fit/fit-mem.h"

#include "fit/fit-engine.h"

#include <string.h>

#define MiB (1024LL * 1024)

/* CUDA context, loaded kernels and cuBLAS workspace per GPU, as nvidia-smi
 * shows it beside torch's allocator peak: 300-600 MiB (fit-formulas.md §6). */
#define CUDA_CONTEXT_BYTES (500 * MiB)
/* NCCL communicator buffers per GPU in multi-GPU training (hundreds of MB). */
#define NCCL_BYTES (400 * MiB)

/* exllamav2 (model.py, cache.py at da07fac): autosplit reserves 192 MiB on
 * the first device, 64 MiB on the others; a forward pass covers at most
 * max_input_len = 2048 tokens; the LM head is quantized at 6 bits ("h6");
 * the dequantization buffer is capped at 512 Mi fp16 elements; Q caches
 * round the length up to 256-token pages. */
#define EXL2_RESERVE_FIRST (192 * MiB)
#define EXL2_RESERVE_OTHER (64 * MiB)
#define EXL2_MAX_INPUT 2048
#define EXL2_HEAD_BITS 6
#define EXL2_DEQUANT_MAX (512 * MiB)
#define EXL2_PAGE 256

/* torchao NF4 (QLoRA): 4-bit values, one 8-bit scale per 64 values and one
 * fp32 scale per 256 scales: 0.5 + 1/64 + 4/16384 bytes per parameter. */
#define NF4_BYTES_PER_PARAM (0.5 + 1.0 / 64 + 4.0 / 16384)

/* Training activations without checkpointing, per token per layer, in bf16
 * elements: ACT_H_ELEMS x hidden + ACT_I_ELEMS x MLP width (flash attention,
 * no s^2 term). Transformer Math 101 gives 34/2 = 17 for a GELU block; a
 * SwiGLU block keeps gate, up and their product (3 x I). Calibrated. */
#define ACT_H_ELEMS 16.0
#define ACT_I_ELEMS 3.0
/* bitsandbytes' 4-bit matmul (MatMul4Bit) saves its input for backward
 * even though the weight is frozen, where a bf16 frozen linear keeps
 * nothing: per token per layer the normed input feeding q/k/v, the one
 * feeding gate/up, and the SwiGLU product feeding down (the attention
 * output feeding o is kept by flash attention anyway): 2 x h + 1 x I bf16
 * elements. Checked on lit-gpt's bnb.nf4-dq rows (docs/fit-calibration.md). */
#define BNB_SAVED_H_ELEMS 2
#define BNB_SAVED_I_ELEMS 1
/* Logits per token: bf16 logits kept for backward plus the fp32 upcast of
 * one cross-entropy chunk (torchtune splits the loss in 8): 2 + 4/8. */
#define LOGIT_BYTES_PER_VOCAB 2.5
/* Unchunked loss (torchtune before chunked cross-entropy, HF Trainer): bf16
 * logits, their fp32 copy, fp32 log-softmax and its fp32 gradient: 2+4+4+4.
 * Calibrated on torchtune's 2024 README table (docs/fit-calibration.md). */
#define LOGIT_BYTES_FP32_LOSS 14.0
/* Transformers' prefill transient per prompt token: SwiGLU gate, up and
 * product (3 x I) plus four hidden-size tensors, bf16. */
#define PREFILL_H_ELEMS 4
#define PREFILL_I_ELEMS 3

static const char *const comp_names[FIT_C_MAX] = {
        [FIT_C_WEIGHTS] = "weights",     [FIT_C_KV] = "kv_cache",
        [FIT_C_ACT] = "activations",     [FIT_C_GRADS] = "gradients",
        [FIT_C_OPTIM] = "optimizer",     [FIT_C_CONTEXT] = "cuda_context",
        [FIT_C_RESERVE] = "reserve",
};

int64_t fit_cuda_context_bytes(const struct fit_job *j)
{
        return j && j->context_bytes > 0 ? j->context_bytes : CUDA_CONTEXT_BYTES;
}

const char *fit_comp_name(enum fit_comp c)
{
        return c < FIT_C_MAX ? comp_names[c] : "?";
}

static int64_t max64(int64_t a, int64_t b)
{
        return a > b ? a : b;
}

static int64_t min64(int64_t a, int64_t b)
{
        return a < b ? a : b;
}

int64_t fit_cache_bytes_per_token_layer(const struct fit_arch *a, enum fit_cache c)
{
        int64_t kd = a->kv_heads * a->head_dim, scales = kd / 8;  /* 2 x K x d/32 fp16 */

        switch (c) {
        case FIT_CACHE_Q8: return 2 * kd + scales;
        case FIT_CACHE_Q6: return kd + kd / 2 + scales;
        case FIT_CACHE_Q4: return kd + scales;
        case FIT_CACHE_FP8: return 2 * kd;  /* one byte per value, truncated fp16 */
        case FIT_CACHE_FP16: break;
        }
        return 4 * kd;
}

/* Each adapted in x out linear adds rank x (in + out). torchtune's defaults
 * adapt q, v, the output projection and the MLP (dense models; MoE experts
 * are left alone); the q-and-v choice adapts only the first two. */
int64_t fit_lora_params(const struct fit_arch *a, int64_t rank, enum fit_lora_targets t)
{
        int64_t h = a->hidden, q = a->heads * a->head_dim, kv = a->kv_heads * a->head_dim;
        int64_t per = (h + q) + (h + kv);

        if (t == FIT_LORA_ATTN_MLP) {
                per += q + h;
                if (a->experts == 0)
                        per += 3 * (h + a->intermediate);
        }
        return a->layers * rank * per;
}

/* The MLP width a token passes through: I, or top-k experts' widths. */
static int64_t mlp_width(const struct fit_arch *a)
{
        return a->experts ? a->experts_per_tok * a->moe_intermediate : a->intermediate;
}

int64_t fit_train_activations(const struct fit_arch *a, const struct fit_job *j)
{
        int64_t tokens = j->batch * j->ctx;
        double h_elems = ACT_H_ELEMS, i_elems = ACT_I_ELEMS, layer;

        if (j->task == FIT_QLORA && j->nf4 == FIT_NF4_BNB)
                h_elems += BNB_SAVED_H_ELEMS, i_elems += BNB_SAVED_I_ELEMS;
        layer = (double)tokens * (h_elems * (double)a->hidden + i_elems * (double)mlp_width(a)) * 2;
        if (!j->act_ckpt)
                return (int64_t)(layer * (double)a->layers);
        /* Checkpointing keeps each layer's input and recomputes one layer. */
        return a->layers * tokens * a->hidden * 2 + (int64_t)layer;
}

int64_t fit_train_logits(const struct fit_arch *a, const struct fit_job *j)
{
        return (int64_t)((double)(j->batch * j->ctx) * (double)a->vocab *
                         (j->fp32_loss ? LOGIT_BYTES_FP32_LOSS : LOGIT_BYTES_PER_VOCAB));
}

/* ---- training: every GPU holds the same share (FSDP full shard) ---- */

static void weights_train(const struct fit_arch *a, const struct fit_params *p,
                          const struct fit_job *j, int n, struct fit_gpu_use *g)
{
        int64_t stored = p->total * 2, layer = p->layer * 2;

        if (j->task == FIT_QLORA) {
                int64_t linear = a->layers * p->layer_linear;

                stored = (int64_t)((double)linear * NF4_BYTES_PER_PARAM) + (p->total - linear) * 2;
                layer = (int64_t)((double)p->layer_linear * NF4_BYTES_PER_PARAM) +
                        (p->layer - p->layer_linear) * 2;
                if (j->weights != FIT_W_BF16) {  /* a GPTQ, AWQ, bnb, torchao or HQQ base */
                        layer = fit_wfmt_layer_bytes(a, j->weights, j->group) +
                                (p->layer - p->layer_linear) * 2;
                        stored = a->layers * layer + (p->total - a->layers * p->layer) * 2;
                }
        }
        if (n == 1) {
                g->comp[FIT_C_WEIGHTS] = stored;
                return;
        }
        /* FSDP: a 1/N shard, plus the all-gathered layer being computed and
         * the prefetched next one; CPU offload keeps only the gathered ones.
         * The root unit (embeddings, final norm, LM head: the parameters
         * outside the wrapped decoder layers) is not resharded after forward
         * because backward needs it at once (torch FSDP's _post_forward_reshard
         * and fully_shard's root), so it stays gathered for the whole step. */
        g->comp[FIT_C_WEIGHTS] = 2 * layer + (p->embed + p->lm_head) * 2;
        if (!(j->task == FIT_FULL && j->optim == FIT_CPU_OFFLOAD))
                g->comp[FIT_C_WEIGHTS] += stored / n;
}

/* Gradients and optimizer state: bf16 gradients, AdamW's two moments in
 * bf16 (torchtune trains in pure bf16) or 8 bit; offloaded: none on GPU.
 * Full fine-tuning under FSDP also holds one decoder layer's unsharded
 * bf16 gradients while they are reduce-scattered to their shards, CPU
 * offload or not. */
static void states_train(const struct fit_params *p, const struct fit_job *j, int n,
                         int64_t lora, struct fit_gpu_use *g)
{
        int64_t trained = j->task == FIT_FULL ? p->total : lora;
        int shards = j->task == FIT_FULL ? n : 1;

        if (j->task == FIT_FULL && n > 1)
                g->comp[FIT_C_GRADS] = p->layer * 2;
        if (j->optim == FIT_CPU_OFFLOAD)
                return;
        g->comp[FIT_C_GRADS] += trained * 2 / shards;
        g->comp[FIT_C_OPTIM] = trained * (j->optim == FIT_ADAMW8BIT ? 2 : 4) / shards;
}

static void plan_train(const struct fit_arch *a, const struct fit_params *p,
                       const struct fit_job *j, struct fit_plan *pl)
{
        int64_t lora = j->task == FIT_FULL ? 0 : fit_lora_params(a, j->rank, j->lora_targets);

        pl->lora_params = lora;
        pl->nproc = pl->n;
        for (int i = 0; i < pl->n; i++) {
                struct fit_gpu_use *g = &pl->g[i];
                int64_t cap = g->capacity;

                if (i > 0) {  /* every rank holds the same: the first one's, once */
                        *g = pl->g[0];
                        g->capacity = cap;
                        continue;
                }
                g->used = true;
                g->layers = (int)a->layers;
                weights_train(a, p, j, pl->n, g);
                states_train(p, j, pl->n, lora, g);
                if (j->task != FIT_FULL)  /* adapters: bf16 weights */
                        g->comp[FIT_C_WEIGHTS] += lora * 2;
                g->comp[FIT_C_ACT] = fit_train_activations(a, j) + fit_train_logits(a, j);
                g->comp[FIT_C_CONTEXT] = fit_cuda_context_bytes(j) + (pl->n > 1 ? NCCL_BYTES : 0);
                g->load = fit_train_peak(a, p, j, pl->n, g);
        }
}

/* ---- inference: layers placed in order across GPUs ---- */

struct infer_cost {
        int64_t layer_weights, layer_kv;  /* one decoder layer */
        int64_t scratch;                  /* every device used: buffers, workspaces */
        int64_t kv_fixed;                 /* every device holding cache layers */
        int64_t first_weights;            /* embeddings, on the first device */
        int64_t last_weights, last_act;   /* LM head and logits, on the last */
        int64_t reserve_first, reserve_other;
        int64_t context;                  /* per device: CUDA context and workspaces */
};

static void exl2_cost(const struct fit_arch *a, const struct fit_params *p,
                      const struct fit_job *j, struct infer_cost *c)
{
        int64_t ctx = (j->ctx + EXL2_PAGE - 1) / EXL2_PAGE * EXL2_PAGE, b = j->batch;
        int64_t mil = min64(EXL2_MAX_INPUT, ctx), kd = a->kv_heads * a->head_dim;

        memset(c, 0, sizeof(*c));
        /* hidden state, attention mask, RoPE sin/cos, MLP temporaries, the
         * dequantization buffer (exllamav2 model.py / mlp.py). */
        c->scratch = a->hidden * mil * b * 2 + mil * mil * b * 2 + a->head_dim * ctx * 2 * 2 +
                     3 * mil * b * max64(a->hidden, mlp_width(a)) * 2 +
                     2 * min64(p->largest_linear, EXL2_DEQUANT_MAX);
        /* Without flash-attn or xformers (exllamav2 0.0.1 had neither), the
         * attention of one chunk goes through matmul: fp16 scores for every
         * head, query and key, and their softmax. */
        if (j->matmul_attn)
                c->scratch += 2 * b * a->heads * mil * ctx * 2;
        if (a->kv_heads < a->heads)  /* GQA: K/V expanded to all heads (attn.py) */
                c->scratch += 2 * ctx * b * a->heads * a->head_dim * 2;
        c->layer_weights = (int64_t)((double)p->layer_linear * j->bpw / 8) +
                           (p->layer - p->layer_linear) * 2;
        c->layer_kv = fit_cache_bytes_per_token_layer(a, j->cache) * ctx * b;
        /* Quantized caches convert through one fp16 K and V buffer per device. */
        c->kv_fixed = j->cache == FIT_CACHE_FP16 ? 0 : 2 * b * ctx * kd * 2;
        /* The embedding table stays in system RAM (module 0 on the CPU). */
        /* An unquantized (16-bit) model keeps its head in fp16 too. */
        c->last_weights = a->vocab * a->hidden * (j->bpw >= 16 ? 16 : EXL2_HEAD_BITS) / 8 +
                          a->hidden * 2;
        c->last_act = a->vocab * mil * b * 4;  /* fp32 logits of one forward chunk */
        c->reserve_first = EXL2_RESERVE_FIRST;
        c->reserve_other = EXL2_RESERVE_OTHER;
}

static void hf_cost(const struct fit_arch *a, const struct fit_params *p,
                    const struct fit_job *j, struct infer_cost *c)
{
        int64_t tokens = j->ctx * j->batch;

        memset(c, 0, sizeof(*c));
        c->layer_weights = p->layer * 2;
        if (j->weights != FIT_W_BF16)  /* quantized decoder linears; the rest bf16 */
                c->layer_weights = fit_wfmt_layer_bytes(a, j->weights, j->group) +
                                   (p->layer - p->layer_linear) * 2;
        c->layer_kv = 2 * a->kv_heads * a->head_dim * tokens * 2;  /* DynamicCache, bf16 */
        c->scratch = tokens * (PREFILL_H_ELEMS * a->hidden + PREFILL_I_ELEMS * mlp_width(a)) * 2;
        c->first_weights = p->embed * 2;
        c->last_weights = p->lm_head * 2 + a->hidden * 2;
        c->last_act = j->batch * a->vocab * 4;  /* generate: last position's fp32 logits */
        c->scratch += fit_wfmt_scratch(p, j->weights);
}

/* What GPU i needs holding `layers` layers (and the LM head when last). */
static int64_t device_need(const struct infer_cost *c, int i, int64_t layers, bool last)
{
        return c->context + c->scratch + (layers ? c->kv_fixed : 0) +
               (i == 0 ? c->first_weights + c->reserve_first : c->reserve_other) +
               (last ? c->last_weights + c->last_act : 0) +
               layers * (c->layer_weights + c->layer_kv);
}

/* Greedy in order, like exllamav2's autosplit (fill GPU 0 first) and
 * accelerate's device_map (the same walk under balanced per-GPU targets).
 * Returns the GPU holding the last layer. */
static int place_layers(const struct infer_cost *c, const int64_t *target, int64_t layers,
                        struct fit_plan *pl)
{
        int64_t next = 0;
        int i, last = 0;

        for (i = 0; i < pl->n && next < layers; i++) {
                struct fit_gpu_use *g = &pl->g[i];

                g->first_layer = (int)next;
                while (next < layers && device_need(c, i, g->layers + 1, next + 1 == layers) <= target[i]) {
                        g->layers++;
                        next++;
                }
                if (g->layers)
                        last = i;
        }
        pl->fits = next == layers;
        if (!pl->fits) {  /* the rest lands on the last GPU, over its capacity */
                last = pl->n - 1;
                if (!pl->g[last].layers)
                        pl->g[last].first_layer = (int)next;
                pl->g[last].layers += (int)(layers - next);
        }
        return last;
}

static void fill_infer(const struct infer_cost *c, int last, struct fit_plan *pl)
{
        for (int i = 0; i <= last; i++) {
                struct fit_gpu_use *g = &pl->g[i];

                if (!g->layers && i != 0)
                        continue;
                g->used = true;
                g->comp[FIT_C_WEIGHTS] = g->layers * c->layer_weights + (i == 0 ? c->first_weights : 0) +
                                         (i == last ? c->last_weights : 0);
                g->comp[FIT_C_KV] = g->layers * c->layer_kv + (g->layers ? c->kv_fixed : 0);
                g->comp[FIT_C_ACT] = c->scratch + (i == last ? c->last_act : 0);
                g->comp[FIT_C_CONTEXT] = c->context;
                g->comp[FIT_C_RESERVE] = i == 0 ? c->reserve_first : c->reserve_other;
        }
}

static void plan_infer(const struct fit_arch *a, const struct fit_params *p,
                       const struct fit_job *j, struct fit_plan *pl)
{
        struct infer_cost c;
        int64_t target[FIT_GPUS_MAX], need, cap = 0;

        if (j->engine == FIT_EXL2)
                exl2_cost(a, p, j, &c);
        else
                hf_cost(a, p, j, &c);
        c.context = fit_cuda_context_bytes(j);
        for (int i = 0; i < pl->n; i++)
                cap += target[i] = pl->g[i].capacity;
        need = a->layers * (c.layer_weights + c.layer_kv) + c.first_weights + c.last_weights +
               c.last_act + pl->n * (c.context + c.scratch + c.kv_fixed);
        if (j->engine == FIT_HF && need < cap)  /* accelerate's balanced max_memory */
                for (int i = 0; i < pl->n; i++)
                        target[i] = min64(pl->g[i].capacity,
                                          (int64_t)((double)pl->g[i].capacity * (double)need / (double)cap) +
                                                  c.layer_weights + c.layer_kv + c.last_weights + c.last_act);
        fill_infer(&c, place_layers(&c, target, a->layers, pl), pl);
        pl->nproc = 1;
        for (int i = 0; i < pl->n; i++)
                pl->g[i].load = fit_infer_load_peak(p, j, &pl->g[i]);
}

void fit_plan_job(const struct fit_arch *a, const struct fit_job *j, const int64_t *caps, int n,
                  struct fit_plan *pl)
{
        struct fit_params p;
        bool within = true;

        memset(pl, 0, sizeof(*pl));
        pl->n = n < FIT_GPUS_MAX ? n : FIT_GPUS_MAX;
        for (int i = 0; i < pl->n; i++)
                pl->g[i].capacity = caps[i];
        fit_count_params(a, &p);
        if (j->task == FIT_INFER && j->engine >= FIT_VLLM) {  /* fit-engine.h */
                (j->engine == FIT_VLLM   ? fit_plan_vllm
                 : j->engine == FIT_GGUF ? fit_plan_gguf
                                         : fit_plan_exl3)(a, j, pl);
        } else if (j->task == FIT_INFER) {
                plan_infer(a, &p, j, pl);
        } else {
                plan_train(a, &p, j, pl);
                pl->fits = true;
        }
        for (int i = 0; i < pl->n; i++) {
                struct fit_gpu_use *g = &pl->g[i];

                for (int c = 0; c < FIT_C_MAX; c++)
                        g->total += g->comp[c];
                pl->total += g->total;
                if (g->used && g->total > g->capacity)
                        within = false;
                if (g->used && fit_slack_max(j, g) > pl->slack_max)
                        pl->slack_max = fit_slack_max(j, g);
                /* Loading can peak above the step (fit-train.c): judged on both. */
                pl->load_peak = max64(pl->load_peak, g->load);
                if (g->used && g->load > g->capacity)
                        within = false;
        }
        pl->fits = pl->fits && within;
}
