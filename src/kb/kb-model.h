/* kb-model.h - open models' architectures (src/kb/models.tsv), the facts
 * dlrig fit counts parameters and memory from. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kb_model {
        const char *name;             /* "Meta-Llama-3-8B" */
        const char *repo;             /* Hugging Face id: "meta-llama/Meta-Llama-3-8B" */
        const char *model_type;       /* config.json model_type: "llama" */
        int hidden, intermediate, layers, heads, kv_heads, head_dim, vocab;
        bool tied;                    /* tie_word_embeddings: LM head shares the embedding */
        int max_pos;                  /* max_position_embeddings */
        int experts, experts_per_tok; /* MoE: all experts resident; 0 = dense */
        int moe_intermediate;         /* per-expert MLP width (Mixtral: = intermediate) */
        bool qkv_bias, qk_norm;       /* Qwen2 q/k/v bias; Qwen3 per-head q/k RMSNorm */
        int norms_per_layer;          /* 2, Gemma-2 4 */
        int64_t params;               /* exact count (safetensors) */
        const char *params_published; /* the model card's rounded "8.03B" */
        const char *dtype;            /* torch_dtype of the published weights */
        const char *source;
        int sliding_window;           /* tokens a windowed layer keeps; 0: none */
        int global_every;             /* every Nth layer full attention; 0: all windowed */
        int kv_lora_rank, q_lora_rank;        /* DeepSeek MLA; 0: none */
        int qk_rope_head_dim, qk_nope_head_dim, v_head_dim;
        int shared_experts, first_dense;      /* DeepSeek MoE */
};

/* The generated table (kb-model-table.c), in file order. */
extern const struct kb_model kb_model_table[];
extern const size_t kb_model_table_size;

/* By Hugging Face id or short name, case-insensitive; NULL when unknown. */
const struct kb_model *kb_model_find(const char *query);
size_t kb_model_count(void);
const struct kb_model *kb_model_at(size_t i);
