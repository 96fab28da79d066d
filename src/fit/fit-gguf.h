/* fit-gguf.h - llama.cpp's GGUF quantization types and file types: the
 * real bits per weight of each ggml block layout, and which type
 * llama-quantize gives each tensor of a file type (Q4_K_M's mix). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "fit/fit-arch.h"

enum fit_gguf_ftype {
        FIT_GGUF_F16, FIT_GGUF_BF16, FIT_GGUF_Q8_0, FIT_GGUF_Q6_K, FIT_GGUF_Q5_K_M,
        FIT_GGUF_Q5_K_S, FIT_GGUF_Q4_K_M, FIT_GGUF_Q4_K_S, FIT_GGUF_Q4_0, FIT_GGUF_Q3_K_M,
        FIT_GGUF_Q2_K, FIT_GGUF_IQ4_XS, FIT_GGUF_IQ3_XXS, FIT_GGUF_IQ2_XXS, FIT_GGUF_IQ1_S,
        FIT_GGUF_FTYPES,
};

/* "Q4_K_M" (static); by name (case-insensitive), or -1. */
const char *fit_gguf_name(enum fit_gguf_ftype f);
int fit_gguf_parse(const char *name);
/* Bits per weight of a ggml tensor type by name ("q4_K": 4.5), or 0. */
double fit_ggml_type_bpw(const char *type);

/* Bytes of the tensors llama-quantize writes, by where llama.cpp puts
 * them: the token embedding (host), the output head (with the output
 * layer), and decoder layer i (f32 norms and biases included). */
struct fit_gguf_sizes {
        int64_t embd, output, layer_min, layer_max, layers_total;
};
int64_t fit_gguf_layer_bytes(const struct fit_arch *a, enum fit_gguf_ftype f, int64_t i);
/* Whether layer i of n gets the file type's larger attn_v/ffn_down types,
 * and the two layer sizes (with them, without). */
bool fit_gguf_layer_more(enum fit_gguf_ftype f, int64_t i, int64_t n);
void fit_gguf_layer_pair(const struct fit_arch *a, enum fit_gguf_ftype f, int64_t *more,
                         int64_t *base);
void fit_gguf_sizes(const struct fit_arch *a, enum fit_gguf_ftype f, struct fit_gguf_sizes *s);
/* The output layer: the head at the file type's output type, f32 norm. */
int64_t fit_gguf_output_bytes(const struct fit_arch *a, enum fit_gguf_ftype f);
/* llama.cpp's compute buffer on a GPU that holds every decoder layer and
 * the output, with flash attention (fit-gguf-alloc.c): ggml-alloc's best
 * fit replayed over the graph; ctx KV cells, ub tokens per micro-batch. */
int64_t fit_gguf_fa_compute_bytes(const struct fit_arch *a, int64_t ctx, int64_t ub);
/* The same replay; skip_repeats false walks every middle layer instead of
 * stopping once they cycle (the tests compare the two). */
int64_t fit_gguf_fa_replay(const struct fit_arch *a, int64_t ctx, int64_t ub, bool skip_repeats);
