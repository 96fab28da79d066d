/* fit-arch.h - a decoder-only transformer's shape and its parameter count.
 * Formulas: docs/fit.md "Parameters" (Llama-style SwiGLU decoder, GQA,
 * optional q/k/v bias, q/k norm, MoE with every expert resident). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kb/kb-model.h"

struct fit_arch {
        int64_t hidden, intermediate, layers, heads, kv_heads, head_dim, vocab;
        bool tied;
        int64_t max_pos;
        int64_t experts, experts_per_tok, moe_intermediate; /* experts 0: dense */
        bool qkv_bias, qk_norm;
        int64_t norms_per_layer;
        int dtype_bytes;            /* of the published weights: 2 (bf16/fp16) or 4 */
        int64_t exact_params;       /* safetensors total when known, else 0 */
        /* Attention variants (fit-kv.c): a sliding window on some layers
         * (Mistral v0.1, Gemma 2/3) and multi-head latent attention (DeepSeek
         * V2/V3, Kimi K2), whose cache is one compressed latent of
         * kv_lora_rank plus the shared RoPE key of qk_rope_head_dim. */
        int64_t sliding_window;     /* 0: none */
        int64_t global_every;       /* every Nth layer full; 0 with a window: all windowed */
        int64_t kv_lora_rank, q_lora_rank, qk_rope_head_dim, qk_nope_head_dim, v_head_dim;
        int64_t shared_experts, first_dense; /* DeepSeek MoE: shared experts, leading dense layers */
        bool router_bias;           /* DeepSeek-V3 noaux_tc: e_score_correction_bias per expert */
        bool gpt_oss;               /* o_proj bias, attention sinks, expert biases, router bias */
        int64_t moe_every, dense_intermediate; /* Llama 4: every Nth layer MoE, the others dense */
};

/* Where the parameters are, for the memory model: decoder linears are what
 * quantization (EXL2, NF4) and LoRA touch; embeddings and LM head are not. */
struct fit_params {
        int64_t total;
        int64_t embed;          /* V*h */
        int64_t lm_head;        /* V*h, 0 when tied */
        int64_t layer;          /* one decoder layer, all of it */
        int64_t layer_linear;   /* one layer's linear (matmul) weights incl. all experts */
        int64_t largest_linear; /* in*out of the largest single linear */
        int64_t active;         /* per token: top-k experts instead of all */
};

void fit_arch_from_kb(const struct kb_model *m, struct fit_arch *a);
void fit_count_params(const struct fit_arch *a, struct fit_params *p);

/* Parses a Hugging Face config.json into *a. Returns 0, or -1 with *err
 * (owned) naming the missing or wrong field. */
int fit_config_parse(const char *buf, size_t len, struct fit_arch *a, char **err);

/* Parses model.safetensors.index.json's metadata.total_size (bytes) into
 * *bytes. Returns 0, or -1 with *err. */
int fit_index_parse(const char *buf, size_t len, int64_t *bytes, char **err);
