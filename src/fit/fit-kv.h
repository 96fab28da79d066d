/* fit-kv.h - the KV cache of one sequence: element types (f16, fp8, the
 * ggml q8_0/q4_0 blocks), grouped-query, sliding-window and multi-head
 * latent (MLA) attention. Used by the vLLM, llama.cpp and ExLlamaV3
 * models (fit-engine.h). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "fit/fit-arch.h"

enum fit_kv_type { FIT_KV_F16, FIT_KV_FP8, FIT_KV_Q8_0, FIT_KV_Q5_0, FIT_KV_Q4_0, FIT_KV_Q6,
                   FIT_KV_Q4, FIT_KV_TYPES };

/* "f16", "fp8", "q8_0", ... (static); the type by name, or -1. */
const char *fit_kv_name(enum fit_kv_type t);
int fit_kv_parse(const char *name);
/* Bytes per cached element (K or V value), block scales included. */
double fit_kv_elem_bytes(enum fit_kv_type t);
/* Elements cached per token per layer: 2·K·d, or kv_lora_rank +
 * qk_rope_head_dim for MLA (one latent serves K and V). */
int64_t fit_kv_elems(const struct fit_arch *a);
/* Layers whose attention is windowed. */
int64_t fit_kv_windowed_layers(const struct fit_arch *a);
/* Bytes of one sequence of ctx tokens over layers [0, layers) of kv_heads
 * (a tensor-parallel share when smaller than a->kv_heads); windowed layers
 * hold min(ctx, window + extra) tokens when the engine honours the window. */
int64_t fit_kv_seq_bytes(const struct fit_arch *a, int64_t ctx, int64_t layers, int64_t kv_heads,
                         enum fit_kv_type t, bool window, int64_t extra);
/* Bytes of layer l alone for one sequence (all KV heads). */
int64_t fit_kv_layer_bytes(const struct fit_arch *a, int64_t ctx, int64_t l, enum fit_kv_type t,
                           bool window, int64_t extra);
