/* fit-mem.h - GPU memory of one job (inference or fine-tuning) on a set of
 * GPUs: per-GPU components and the layer placement. Formulas and constants:
 * docs/fit.md; each constant is named and commented in fit-mem.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "fit/fit-arch.h"

#define FIT_GPUS_MAX 64

enum fit_task { FIT_INFER, FIT_LORA, FIT_QLORA, FIT_FULL };
enum fit_engine { FIT_EXL2, FIT_HF, FIT_VLLM, FIT_GGUF, FIT_EXL3 };
/* FIT_CACHE_FP8: exllamav2's ExLlamaV2Cache_8bit (FP8 e5m2, no scales). */
enum fit_cache { FIT_CACHE_FP16, FIT_CACHE_Q8, FIT_CACHE_Q6, FIT_CACHE_Q4, FIT_CACHE_FP8 };
enum fit_optim { FIT_ADAMW, FIT_ADAMW8BIT, FIT_CPU_OFFLOAD };
/* Which linears LoRA adapts: torchtune's defaults (q, v, output and the
 * MLP), or q and v only (the LoRA paper, lit-gpt and PEFT defaults). */
enum fit_lora_targets { FIT_LORA_ATTN_MLP, FIT_LORA_QV };
/* NF4 implementation under QLoRA: torchao (torchtune) or bitsandbytes
 * (PEFT, lit-gpt), whose autograd function keeps each quantized linear's
 * input for backward. */
enum fit_nf4 { FIT_NF4_TORCHAO, FIT_NF4_BNB };
/* Training savers and weight formats (issue 17): how the decoder linears
 * are stored (fit-quant.c), and whether packed sequences go through flex
 * attention (no mask) or SDPA with a materialized b x s x s mask. */
enum fit_wfmt {
        FIT_W_BF16, FIT_W_GPTQ8, FIT_W_GPTQ4, FIT_W_AWQ4, FIT_W_BNB8, FIT_W_BNB4, FIT_W_BNB4_DQ,
        FIT_W_AO_INT4, FIT_W_AO_INT8, FIT_W_HQQ4, FIT_W_MAX,
};
enum fit_packed { FIT_PACKED_NONE, FIT_PACKED_FLEX, FIT_PACKED_SDPA };

struct fit_job {
        enum fit_task task;
        enum fit_engine engine;  /* inference only */
        double bpw;              /* exllamav2 bits per weight of the decoder linears */
        int64_t ctx, batch;      /* tokens per sequence; sequences per GPU */
        enum fit_cache cache;
        int64_t rank;            /* LoRA rank */
        enum fit_lora_targets lora_targets;
        enum fit_nf4 nf4;
        bool matmul_attn;        /* exllamav2 without flash-attn/xformers: scores materialized */
        bool act_ckpt;
        enum fit_optim optim;
        bool fp32_loss;          /* unchunked loss on fp32 logits (older torchtune, HF Trainer) */
        /* inference engine settings (vLLM, llama.cpp, ExLlamaV3; fit-engine.h) */
        struct fit_engine_opts {
                double gmu;              /* vLLM gpu_memory_utilization */
                int64_t batched_tokens;  /* vLLM max_num_batched_tokens (profile run) */
                int64_t max_seqs;        /* vLLM max_num_seqs (sampler of the profile run) */
                int tp;                  /* vLLM tensor_parallel_size */
                int quant;               /* enum fit_wquant: vLLM weight format */
                int kv;                  /* enum fit_kv_type: cache element type */
                int64_t block;           /* vLLM block_size (tokens per KV block) */
                int gguf;                /* enum fit_gguf_ftype: llama.cpp file type */
                int64_t ngl;             /* llama.cpp -ngl: layers on GPUs (-1: all) */
                int64_t ubatch;          /* llama.cpp n_ubatch */
                bool flash_attn;         /* llama.cpp -fa */
                double split[8];         /* llama.cpp --tensor-split (0: by capacity) */
                int head_bits;           /* ExLlamaV3 LM head bits */
                bool flashinfer_sampler; /* vLLM V1 top-k/top-p by FlashInfer, not torch.sort */
                int gpu_cc;              /* the GPUs' compute capability x10 (vLLM's MXFP4
                                          * backend); 0: unknown */
                int vllm_minor;          /* vLLM release 0.N (0: the newest modelled): 6-7 the V0
                                          * engine, 8-10 V1 counting NCCL's setup, 11-20
                                          * V1, 21+ V1 with CUDA graphs in the budget */
        } eng;
        /* training savers and weight formats (fit-train.c, fit-quant.c) */
        enum fit_wfmt weights;   /* transformers inference; under QLoRA the base (bf16: NF4) */
        int64_t group;           /* quantization group size; 0: the format's default */
        bool optim_in_bwd;       /* optimizer step fused into backward: no gradient buffer */
        bool paged_optim;        /* bitsandbytes paged optimizer: state in CUDA managed memory */
        bool act_offload;        /* saved activations streamed to the CPU */
        bool compile;            /* torch.compile of the model and the loss */
        int64_t grad_accum;      /* micro-batches per optimizer step; 0 or 1: none */
        enum fit_packed packed;
        bool fsdp_wrap_root;     /* embeddings and LM head are FSDP units of their own */
        bool load_fp32;          /* from_pretrained without a dtype: fp32 on the GPU, then cast */
        int64_t context_bytes;   /* CUDA context and workspaces per GPU (kb); 0: the default */
};

enum fit_comp {
        FIT_C_WEIGHTS,
        FIT_C_KV,          /* KV cache (inference) */
        FIT_C_ACT,         /* activations, logits, scratch and workspaces */
        FIT_C_GRADS,
        FIT_C_OPTIM,       /* optimizer state */
        FIT_C_CONTEXT,     /* CUDA context, kernels, NCCL buffers */
        FIT_C_RESERVE,     /* loader reserve (exllamav2 autosplit) */
        FIT_C_MAX,
};

struct fit_gpu_use {
        int64_t capacity;
        int64_t comp[FIT_C_MAX];
        int64_t total;
        int first_layer, layers;   /* decoder layers placed here (inference) */
        bool used;
        int64_t load;              /* loading peak (fit-train.c), beside the step's total */
};

struct fit_plan {
        int n;
        struct fit_gpu_use g[FIT_GPUS_MAX];
        bool fits;              /* every layer placed, every GPU within capacity */
        int nproc;              /* training: processes (GPUs) used */
        int64_t total;          /* sum over GPUs */
        int64_t lora_params;
        int64_t kv_tokens;      /* vLLM: tokens the KV pool holds (per replica) */
        /* training savers and weight formats: the loading peak of the GPU
         * that peaks highest ("fits" is judged on it too), and the upper end
         * of the caching allocator's reserved-but-free slack on that GPU,
         * not counted in the totals (fit-train.c). */
        int64_t load_peak, slack_max;
};

const char *fit_comp_name(enum fit_comp c);

/* Bytes per token per layer of the exllamav2 cache formats. */
int64_t fit_cache_bytes_per_token_layer(const struct fit_arch *a, enum fit_cache c);
int64_t fit_lora_params(const struct fit_arch *a, int64_t rank, enum fit_lora_targets t);
/* Activation bytes per GPU for training (without logits), and the logits. */
int64_t fit_train_activations(const struct fit_arch *a, const struct fit_job *j);
int64_t fit_train_logits(const struct fit_arch *a, const struct fit_job *j);

/* Training savers and weight formats (fit-quant.c, fit-train.c). */
const char *fit_wfmt_name(enum fit_wfmt f);
/* Bytes per parameter of an in x out linear stored in format f (group 0:
 * the format's default), scales, zero points and indices included. */
double fit_wfmt_bytes(enum fit_wfmt f, int64_t group, int64_t in, int64_t out);
/* Bytes of one decoder layer's linears stored in format f. */
int64_t fit_wfmt_layer_bytes(const struct fit_arch *a, enum fit_wfmt f, int64_t group);
/* The per-device dequantization buffer of format f (exllama kernels, bnb). */
int64_t fit_wfmt_scratch(const struct fit_params *p, enum fit_wfmt f);
int64_t fit_context_default(void);
/* Adjusts a training GPU's gradients and activations to what is resident
 * at the step's peak (gradients produced in backward as activations are
 * freed), applies the savers, and returns the GPU's loading peak. */
int64_t fit_train_peak(const struct fit_arch *a, const struct fit_params *p,
                       const struct fit_job *j, int n, struct fit_gpu_use *g);
int64_t fit_infer_load_peak(const struct fit_params *p, const struct fit_job *j,
                            const struct fit_gpu_use *g);
int64_t fit_slack_max(const struct fit_job *j, const struct fit_gpu_use *g);

/* Lays the job out on n GPUs of the given capacities (bytes). */
void fit_plan_job(const struct fit_arch *a, const struct fit_job *j, const int64_t *caps, int n,
                  struct fit_plan *p);
