/* fit-kv.c - KV cache sizes. Element sizes: f16 2 bytes, fp8 1 (vLLM
 * kv_cache_dtype fp8, per-tensor scales); ggml blocks of 32 values with one
 * fp16 scale (ggml-common.h: block_q8_0 34 bytes, block_q5_0 22, block_q4_0
 * 18); ExLlamaV2/V3 Q6 (8-bit K, 4-bit V) and Q4 with one fp16 scale per
 * 32 values. MLA caches the compressed latent and the RoPE key once per
 * token per layer (DeepSeek-V2 paper §2.1.2; vLLM MLA backends,
 * llama.cpp since b4700): (kv_lora_rank + qk_rope_head_dim) elements. */
#include "fit/fit-kv.h"

#include <string.h>

static const char *const names[FIT_KV_TYPES] = { "f16", "fp8", "q8_0", "q5_0", "q4_0", "q6", "q4" };
static const double elem_bytes[FIT_KV_TYPES] = {
        2.0, 1.0, 34.0 / 32, 22.0 / 32, 18.0 / 32, (1.0 + 0.5) / 2 + 2.0 / 32, 0.5 + 2.0 / 32,
};

const char *fit_kv_name(enum fit_kv_type t)
{
        return t < FIT_KV_TYPES ? names[t] : "?";
}

int fit_kv_parse(const char *name)
{
        for (int i = 0; i < FIT_KV_TYPES; i++)
                if (!strcmp(name, names[i]))
                        return i;
        if (!strcmp(name, "auto") || !strcmp(name, "fp16") || !strcmp(name, "bf16"))
                return FIT_KV_F16;
        if (!strcmp(name, "fp8_e4m3") || !strcmp(name, "fp8_e5m2"))
                return FIT_KV_FP8;
        if (!strcmp(name, "q8"))
                return FIT_KV_Q8_0;
        return -1;
}

double fit_kv_elem_bytes(enum fit_kv_type t)
{
        return t < FIT_KV_TYPES ? elem_bytes[t] : 2.0;
}

int64_t fit_kv_elems(const struct fit_arch *a)
{
        if (a->kv_lora_rank)
                return a->kv_lora_rank + a->qk_rope_head_dim;
        return 2 * a->kv_heads * a->head_dim;
}

int64_t fit_kv_windowed_layers(const struct fit_arch *a)
{
        if (!a->sliding_window)
                return 0;
        if (!a->global_every)
                return a->layers;
        return a->layers - a->layers / a->global_every;
}

int64_t fit_kv_seq_bytes(const struct fit_arch *a, int64_t ctx, int64_t layers, int64_t kv_heads,
                         enum fit_kv_type t, bool window, int64_t extra)
{
        int64_t elems = fit_kv_elems(a), windowed = 0, kept;

        if (!a->kv_lora_rank && kv_heads < a->kv_heads)
                elems = 2 * kv_heads * a->head_dim;
        if (window && a->sliding_window)  /* the windowed share of these layers */
                windowed = fit_kv_windowed_layers(a) * layers / a->layers;
        kept = ctx < a->sliding_window + extra ? ctx : a->sliding_window + extra;
        return (int64_t)(((double)(layers - windowed) * (double)ctx + (double)windowed * (double)kept) *
                         (double)elems * fit_kv_elem_bytes(t));
}

/* Gemma 2 and 3: layer l is full attention when (l + 1) % global_every is
 * 0 (the config's layer_types); Mistral v0.1 windows every layer. */
int64_t fit_kv_layer_bytes(const struct fit_arch *a, int64_t ctx, int64_t l, enum fit_kv_type t,
                           bool window, int64_t extra)
{
        bool windowed = window && a->sliding_window &&
                        (!a->global_every || (l + 1) % a->global_every != 0);
        int64_t kept = windowed && a->sliding_window + extra < ctx ? a->sliding_window + extra : ctx;

        return (int64_t)((double)kept * (double)fit_kv_elems(a) * fit_kv_elem_bytes(t));
}
