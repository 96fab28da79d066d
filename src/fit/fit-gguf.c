/* fit-gguf.c - GGUF tensor sizes. Block layouts (ggml/src/ggml-common.h):
 * q4_0 {fp16 d; 16 bytes} per 32 = 18 B (4.5 bpw), q5_0 22 B/32 (5.5),
 * q8_0 {fp16 d; 32 bytes} = 34 B/32 (8.5); K-quants per 256-value super-block:
 * q2_K 84 B (2.625), q3_K 110 B (3.4375), q4_K {2 fp16; 12 scale bytes;
 * 128} = 144 B (4.5), q5_K 176 B (5.5), q6_K {128 ql; 64 qh; 16 scales;
 * fp16} = 210 B (6.5625); i-quants: iq4_xs 136 B/256 (4.25), iq3_xxs 98
 * (3.0625), iq2_xxs 66 (2.0625), iq1_s 50 (1.5625). File-type mixes
 * (src/llama-quant.cpp, llama_tensor_get_type): output.weight q6_K unless
 * the file is q8_0 or 16-bit (iq1/iq2 files: q5_K); Q4_K_M and Q5_K_M put
 * attn_v and ffn_down at q6_K on "use_more_bits" layers (the first and
 * last eighth and every third layer between), Q4_K_S ffn_down at q5_K on
 * the first eighth. Checked: Llama-3.1-8B Q4_K_M is 4.58 GiB, 4.89 BPW,
 * 193 q4_K and 33 q6_K tensors, as llama.cpp prints (fit-calibration.md). */
#include "fit/fit-gguf.h"

#include <string.h>
#include <strings.h>

struct ggml_type { const char *name; double bpw; };

static const struct ggml_type types[] = {
        { "f32", 32 }, { "f16", 16 }, { "bf16", 16 }, { "q8_0", 8.5 }, { "q6_K", 6.5625 },
        { "q5_K", 5.5 }, { "q5_0", 5.5 }, { "q4_K", 4.5 }, { "q4_0", 4.5 }, { "q3_K", 3.4375 },
        { "q2_K", 2.625 }, { "iq4_xs", 4.25 }, { "iq4_nl", 4.5 }, { "iq3_xxs", 3.0625 },
        { "iq3_s", 3.4375 }, { "iq2_xxs", 2.0625 }, { "iq2_xs", 2.3125 }, { "iq1_s", 1.5625 },
        { "mxfp4", 4.25 },
};

/* Per file type: name, base type, the type of "more bits" attn_v and
 * ffn_down layers, and the output head's type. */
struct ftype { const char *name, *base, *more_v, *more_down, *output; };

static const struct ftype ftypes[FIT_GGUF_FTYPES] = {
        [FIT_GGUF_F16] = { "F16", "f16", "f16", "f16", "f16" },
        [FIT_GGUF_BF16] = { "BF16", "bf16", "bf16", "bf16", "bf16" },
        [FIT_GGUF_Q8_0] = { "Q8_0", "q8_0", "q8_0", "q8_0", "q8_0" },
        [FIT_GGUF_Q6_K] = { "Q6_K", "q6_K", "q6_K", "q6_K", "q6_K" },
        [FIT_GGUF_Q5_K_M] = { "Q5_K_M", "q5_K", "q6_K", "q6_K", "q6_K" },
        [FIT_GGUF_Q5_K_S] = { "Q5_K_S", "q5_K", "q5_K", "q5_K", "q6_K" },
        [FIT_GGUF_Q4_K_M] = { "Q4_K_M", "q4_K", "q6_K", "q6_K", "q6_K" },
        [FIT_GGUF_Q4_K_S] = { "Q4_K_S", "q4_K", "q4_K", "q5_K", "q6_K" },
        [FIT_GGUF_Q4_0] = { "Q4_0", "q4_0", "q4_0", "q4_0", "q6_K" },
        [FIT_GGUF_Q3_K_M] = { "Q3_K_M", "q3_K", "q4_K", "q4_K", "q6_K" },
        [FIT_GGUF_Q2_K] = { "Q2_K", "q2_K", "q3_K", "q3_K", "q6_K" },
        [FIT_GGUF_IQ4_XS] = { "IQ4_XS", "iq4_xs", "iq4_xs", "iq4_xs", "q6_K" },
        [FIT_GGUF_IQ3_XXS] = { "IQ3_XXS", "iq3_xxs", "iq3_xxs", "iq3_xxs", "q6_K" },
        [FIT_GGUF_IQ2_XXS] = { "IQ2_XXS", "iq2_xxs", "iq2_xxs", "iq2_xxs", "q5_K" },
        [FIT_GGUF_IQ1_S] = { "IQ1_S", "iq1_s", "iq1_s", "iq1_s", "q5_K" },
};

const char *fit_gguf_name(enum fit_gguf_ftype f)
{
        return f < FIT_GGUF_FTYPES ? ftypes[f].name : "?";
}

int fit_gguf_parse(const char *name)
{
        for (int i = 0; i < FIT_GGUF_FTYPES; i++)
                if (!strcasecmp(name, ftypes[i].name))
                        return i;
        return -1;
}

double fit_ggml_type_bpw(const char *type)
{
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
                if (!strcmp(type, types[i].name))
                        return types[i].bpw;
        return 0;
}

/* llama-quant.cpp's use_more_bits(i, n). */
static bool more_bits(int64_t i, int64_t n)
{
        return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

static int64_t bytes(int64_t n, const char *type)
{
        return (int64_t)((double)n * fit_ggml_type_bpw(type) / 8);
}

/* Which layers get the "more bits" types: use_more_bits for Q4_K_M and
 * Q5_K_M; Q4_K_S raises ffn_down on the first eighth only. */
bool fit_gguf_layer_more(enum fit_gguf_ftype f, int64_t i, int64_t n)
{
        return f == FIT_GGUF_Q4_K_S ? i < n / 8 : more_bits(i, n);
}

/* The two sizes a layer can have: with the more-bits types or without. */
void fit_gguf_layer_pair(const struct fit_arch *a, enum fit_gguf_ftype f, int64_t *more,
                         int64_t *base)
{
        const struct ftype *t = &ftypes[f];
        struct fit_params p;
        int64_t h = a->hidden, v = a->kv_lora_rank ? 0 : h * a->kv_heads * a->head_dim;
        int64_t down = h * (a->experts ? (a->experts + a->shared_experts) * a->moe_intermediate
                                       : a->intermediate);
        int64_t rest, small;

        fit_count_params(a, &p);
        rest = bytes(p.layer_linear - v - down, t->base);
        small = (p.layer - p.layer_linear) * 4;  /* norms, biases, router: f32 */
        *base = rest + bytes(v, t->base) + bytes(down, t->base) + small;
        *more = rest + bytes(v, f == FIT_GGUF_Q4_K_S ? t->base : t->more_v) +
                bytes(down, t->more_down) + small;
}

int64_t fit_gguf_layer_bytes(const struct fit_arch *a, enum fit_gguf_ftype f, int64_t i)
{
        int64_t more, base;

        fit_gguf_layer_pair(a, f, &more, &base);
        return fit_gguf_layer_more(f, i, a->layers) ? more : base;
}

int64_t fit_gguf_output_bytes(const struct fit_arch *a, enum fit_gguf_ftype f)
{
        return bytes(a->vocab * a->hidden, ftypes[f].output) + a->hidden * 4;
}

void fit_gguf_sizes(const struct fit_arch *a, enum fit_gguf_ftype f, struct fit_gguf_sizes *s)
{
        struct fit_params p;

        int64_t more, base, n = 0;

        fit_count_params(a, &p);
        memset(s, 0, sizeof(*s));
        s->embd = bytes(p.embed, ftypes[f].base);
        /* A tied head is the embedding itself; llama.cpp duplicates it on
         * the GPU as output when the output layer is offloaded. */
        s->output = fit_gguf_output_bytes(a, f);
        fit_gguf_layer_pair(a, f, &more, &base);
        for (int64_t i = 0; i < a->layers; i++)
                n += fit_gguf_layer_more(f, i, a->layers);
        s->layers_total = n * more + (a->layers - n) * base;
        s->layer_max = n ? more : base;
        s->layer_min = n < a->layers ? base : more;
}
