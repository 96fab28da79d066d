/* fit-config.c - a Hugging Face config.json and safetensors index, parsed
 * into a fit_arch. Outside input: every field is checked and a bad one is
 * named in the error. */
#include "fit/fit-arch.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Larger than any real model's dimension or context; products of fields
 * are bounded by check_size (PARAMS_MAX) before anything counts them. */
#define FIELD_MAX 16777216  /* 2^24: Llama 4 Scout says 10485760 positions */

/* Model types whose layers are the Llama-style decoder fit-arch.c counts. */
static const char *const known_types[] = {
        "llama", "mistral", "mixtral", "qwen2", "qwen3", "qwen3_moe", "gemma", "gemma2", "phi3",
        "gemma3", "gemma3_text", "deepseek_v2", "deepseek_v3", "kimi_k2", "gpt_oss", "llama4",
        "llama4_text",
};

__attribute__((format(printf, 2, 3)))
static int fail(char **err, const char *fmt, ...)
{
        va_list ap;
        char *s = NULL;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        va_end(ap);
        *err = s;
        return -1;
}

/* An integer field in [min, FIELD_MAX]; absent (or null) gives def, and
 * def < 0 makes the field required. */
static int get_int(json_t *o, const char *key, int64_t def, int64_t min, int64_t *out,
                   char **err)
{
        json_t *v = json_object_get(o, key);

        if (!v || json_is_null(v)) {
                if (def < 0)
                        return fail(err, "config.json: field '%s' is missing", key);
                *out = def;
                return 0;
        }
        if (!json_is_integer(v))
                return fail(err, "config.json: field '%s' is not an integer", key);
        if (json_integer_value(v) < min || json_integer_value(v) > FIELD_MAX)
                return fail(err, "config.json: field '%s' is %lld, want %lld to %d", key,
                            (long long)json_integer_value(v), (long long)min, FIELD_MAX);
        *out = json_integer_value(v);
        return 0;
}

static int get_bool(json_t *o, const char *key, bool def, bool *out, char **err)
{
        json_t *v = json_object_get(o, key);

        if (!v || json_is_null(v)) {
                *out = def;
                return 0;
        }
        if (!json_is_boolean(v))
                return fail(err, "config.json: field '%s' is not true or false", key);
        *out = json_is_true(v);
        return 0;
}

static int check_type(json_t *o, const char **type, char **err)
{
        json_t *v = json_object_get(o, "model_type");

        if (!v)
                return fail(err, "config.json: field 'model_type' is missing");
        if (!json_is_string(v))
                return fail(err, "config.json: field 'model_type' is not a string");
        *type = json_string_value(v);
        for (size_t i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++)
                if (!strcmp(*type, known_types[i]))
                        return 0;
        return fail(err, "config.json: field 'model_type' is '%.64s', not a Llama-style decoder "
                    "dlrig can count (llama, mistral, mixtral, qwen2, qwen3, qwen3_moe, gemma, "
                    "gemma2, gemma3, phi3, deepseek_v2, deepseek_v3, kimi_k2, gpt_oss, llama4)",
                    *type);
}

static int dtype_bytes(json_t *o, int *out, char **err)
{
        json_t *v = json_object_get(o, "torch_dtype");

        if (!v)
                v = json_object_get(o, "dtype");  /* transformers >= 4.56 */
        if (!v || json_is_null(v)) {
                *out = 2;
                return 0;
        }
        if (!json_is_string(v))
                return fail(err, "config.json: field 'torch_dtype' is not a string");
        if (!strcmp(json_string_value(v), "float32"))
                *out = 4;
        else if (!strcmp(json_string_value(v), "bfloat16") || !strcmp(json_string_value(v), "float16"))
                *out = 2;
        else
                return fail(err, "config.json: field 'torch_dtype' is '%.32s', want bfloat16, "
                            "float16 or float32", json_string_value(v));
        return 0;
}

static int get_shape(json_t *o, struct fit_arch *a, char **err)
{
        if (get_int(o, "hidden_size", -1, 1, &a->hidden, err) < 0 ||
            get_int(o, "num_hidden_layers", -1, 1, &a->layers, err) < 0 ||
            get_int(o, "num_attention_heads", -1, 1, &a->heads, err) < 0 ||
            get_int(o, "vocab_size", -1, 1, &a->vocab, err) < 0 ||
            get_int(o, "intermediate_size", -1, 1, &a->intermediate, err) < 0 ||
            get_int(o, "num_key_value_heads", a->heads, 1, &a->kv_heads, err) < 0 ||
            get_int(o, "max_position_embeddings", 0, 0, &a->max_pos, err) < 0)
                return -1;
        if (a->heads % a->kv_heads)
                return fail(err, "config.json: field 'num_key_value_heads' (%lld) does not divide "
                            "num_attention_heads (%lld)", (long long)a->kv_heads,
                            (long long)a->heads);
        if (!json_object_get(o, "head_dim") || json_is_null(json_object_get(o, "head_dim"))) {
                if (a->hidden % a->heads)
                        return fail(err, "config.json: field 'head_dim' is missing and hidden_size "
                                    "is not a multiple of num_attention_heads");
                a->head_dim = a->hidden / a->heads;
                return 0;
        }
        return get_int(o, "head_dim", -1, 1, &a->head_dim, err);
}

/* Mixtral says num_local_experts, Qwen3-MoE num_experts, DeepSeek n_routed_experts. */
static int get_experts(json_t *o, struct fit_arch *a, char **err)
{
        const char *key = json_object_get(o, "num_local_experts") ? "num_local_experts"
                          : json_object_get(o, "n_routed_experts") ? "n_routed_experts"
                                                                    : "num_experts";

        if (get_int(o, key, 0, 0, &a->experts, err) < 0)
                return -1;
        if (a->experts == 0)
                return 0;
        /* gpt-oss spells it experts_per_token. */
        if (get_int(o, json_object_get(o, "experts_per_token") &&
                               !json_object_get(o, "num_experts_per_tok") ? "experts_per_token"
                                                                          : "num_experts_per_tok",
                    -1, 1, &a->experts_per_tok, err) < 0 ||
            get_int(o, "moe_intermediate_size", a->intermediate, 1, &a->moe_intermediate, err) < 0)
                return -1;
        if (a->experts_per_tok > a->experts)
                return fail(err, "config.json: field 'num_experts_per_tok' (%lld) exceeds %s "
                            "(%lld)", (long long)a->experts_per_tok, key, (long long)a->experts);
        return 0;
}

/* The windowed layers: Gemma 2 alternates (every 2nd layer global), Gemma 3
 * says sliding_window_pattern (6: five local, one global) or lists
 * layer_types; Mistral v0.1 windows every layer. */
static int get_window(json_t *o, const char *type, struct fit_arch *a, char **err)
{
        json_t *types = json_object_get(o, "layer_types");
        int64_t full = 0;

        if (get_int(o, "sliding_window", 0, 0, &a->sliding_window, err) < 0)
                return -1;
        if (!strcmp(type, "gemma2"))
                a->global_every = 2;
        else if (!strncmp(type, "gemma3", 6) &&
                 get_int(o, "sliding_window_pattern", 6, 1, &a->global_every, err) < 0)
                return -1;
        if (!json_is_array(types) || json_array_size(types) == 0)
                return 0;
        for (size_t i = 0; i < json_array_size(types); i++)
                full += json_is_string(json_array_get(types, i)) &&
                        !strcmp(json_string_value(json_array_get(types, i)), "full_attention");
        /* Full-attention layers spread evenly: one every layers/full. */
        a->global_every = full ? (int64_t)json_array_size(types) / full : 0;
        return 0;
}

/* Llama 4: one shared expert beside the routed ones, MoE on every
 * interleave_moe_layer_step-th layer (Maverick 2, Scout 1) with dense
 * layers of intermediate_size_mlp between, and chunked attention
 * (attention_chunk_size) on three layers of four, the fourth global:
 * counted as a window, which is how llama.cpp and vLLM cache it. */
static int get_llama4(json_t *o, struct fit_arch *a, char **err)
{
        if (get_int(o, "interleave_moe_layer_step", 1, 1, &a->moe_every, err) < 0 ||
            get_int(o, "intermediate_size_mlp", a->intermediate, 1, &a->dense_intermediate, err) < 0 ||
            get_int(o, "attention_chunk_size", 0, 0, &a->sliding_window, err) < 0)
                return -1;
        a->shared_experts = a->experts ? 1 : 0;
        a->global_every = 4;
        return 0;
}

/* DeepSeek V2/V3 and Kimi K2: multi-head latent attention, shared experts
 * and leading dense layers (q_lora_rank null in V2-Lite: no q compression). */
static int get_mla(json_t *o, struct fit_arch *a, char **err)
{
        if (get_int(o, "kv_lora_rank", -1, 1, &a->kv_lora_rank, err) < 0 ||
            get_int(o, "q_lora_rank", 0, 0, &a->q_lora_rank, err) < 0 ||
            get_int(o, "qk_rope_head_dim", -1, 1, &a->qk_rope_head_dim, err) < 0 ||
            get_int(o, "qk_nope_head_dim", -1, 1, &a->qk_nope_head_dim, err) < 0 ||
            get_int(o, "v_head_dim", -1, 1, &a->v_head_dim, err) < 0 ||
            get_int(o, "n_shared_experts", 0, 0, &a->shared_experts, err) < 0 ||
            get_int(o, "first_k_dense_replace", 0, 0, &a->first_dense, err) < 0)
                return -1;
        if (a->first_dense > a->layers)
                return fail(err, "config.json: field 'first_k_dense_replace' (%lld) exceeds "
                            "num_hidden_layers (%lld)", (long long)a->first_dense,
                            (long long)a->layers);
        a->head_dim = a->qk_nope_head_dim + a->qk_rope_head_dim;
        a->router_bias = json_is_string(json_object_get(o, "topk_method")) &&
                         !strcmp(json_string_value(json_object_get(o, "topk_method")), "noaux_tc");
        return 0;
}

static int parse_object(json_t *o, struct fit_arch *a, char **err)
{
        const char *type = NULL;
        bool gemma;

        /* Multimodal configs keep the language model under text_config. */
        if (json_is_object(json_object_get(o, "text_config")) && !json_object_get(o, "hidden_size"))
                o = json_object_get(o, "text_config");
        if (check_type(o, &type, err) < 0 || get_shape(o, a, err) < 0 || get_experts(o, a, err) < 0 ||
            dtype_bytes(o, &a->dtype_bytes, err) < 0)
                return -1;
        gemma = !strncmp(type, "gemma", 5);
        a->qk_norm = !strncmp(type, "qwen3", 5) || !strncmp(type, "gemma3", 6);
        a->gpt_oss = !strcmp(type, "gpt_oss");
        a->norms_per_layer = !strcmp(type, "gemma2") || !strncmp(type, "gemma3", 6) ? 4 : 2;
        if (get_window(o, type, a, err) < 0 ||
            (!strncmp(type, "deepseek", 8) || !strcmp(type, "kimi_k2") ? get_mla(o, a, err) : 0) < 0 ||
            (!strncmp(type, "llama4", 6) ? get_llama4(o, a, err) : 0) < 0)
                return -1;
        /* Class defaults when the key is absent: Gemma ties, the others do not. */
        if (get_bool(o, "tie_word_embeddings", gemma, &a->tied, err) < 0 ||
            get_bool(o, "attention_bias", !strcmp(type, "qwen2") || a->gpt_oss, &a->qkv_bias, err) < 0)
                return -1;
        return 0;
}

/* The count in floating point first: fields are each below FIELD_MAX, but
 * their products can pass int64; no model has 10^15 parameters. */
#define PARAMS_MAX 1e15

static int check_size(const struct fit_arch *a, char **err)
{
        double h = (double)a->hidden, width = (double)(a->intermediate > a->moe_intermediate
                                                             ? a->intermediate
                                                             : a->moe_intermediate);
        double qk = (double)(a->head_dim + a->qk_nope_head_dim + a->qk_rope_head_dim + a->v_head_dim);
        double attn = h * (double)(a->heads + a->kv_heads) * qk * 2 +
                      (double)a->kv_lora_rank * ((double)a->heads * qk + h) +
                      (double)a->q_lora_rank * ((double)a->heads * qk + h);
        double mlp = (double)(a->experts + a->shared_experts + 1) * 4 * h * width;

        if ((double)a->layers * (attn + mlp + 4 * h) + 2 * (double)a->vocab * h > PARAMS_MAX)
                return fail(err, "config.json: the sizes give more than 10^15 parameters");
        return 0;
}

int fit_config_parse(const char *buf, size_t len, struct fit_arch *a, char **err)
{
        json_error_t jerr;
        json_t *o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
        int r;

        *err = NULL;
        memset(a, 0, sizeof(*a));
        if (!o)
                return fail(err, "config.json: not valid JSON: line %d: %s", jerr.line, jerr.text);
        if (!json_is_object(o))
                r = fail(err, "config.json: not a JSON object");
        else
                r = parse_object(o, a, err) < 0 ? -1 : check_size(a, err);
        json_decref(o);
        return r;
}

int fit_index_parse(const char *buf, size_t len, int64_t *bytes, char **err)
{
        json_error_t jerr;
        json_t *o = json_loadb(buf, len, 0, &jerr), *v;
        int r = 0;

        *err = NULL;
        if (!o)
                return fail(err, "model.safetensors.index.json: not valid JSON: line %d: %s",
                            jerr.line, jerr.text);
        v = json_object_get(json_object_get(o, "metadata"), "total_size");
        if (!json_is_integer(v) || json_integer_value(v) <= 0)
                r = fail(err, "model.safetensors.index.json: field 'metadata.total_size' is missing "
                         "or not a positive integer");
        else
                *bytes = json_integer_value(v);
        json_decref(o);
        return r;
}
