/* fit-arch.c - parameter counting from the architecture fields. */
#include "fit/fit-arch.h"

#include <string.h>

void fit_arch_from_kb(const struct kb_model *m, struct fit_arch *a)
{
        *a = (struct fit_arch){
                .hidden = m->hidden, .intermediate = m->intermediate, .layers = m->layers,
                .heads = m->heads, .kv_heads = m->kv_heads, .head_dim = m->head_dim,
                .vocab = m->vocab, .tied = m->tied, .max_pos = m->max_pos,
                .experts = m->experts, .experts_per_tok = m->experts_per_tok,
                .moe_intermediate = m->moe_intermediate, .qkv_bias = m->qkv_bias,
                .qk_norm = m->qk_norm, .norms_per_layer = m->norms_per_layer,
                .dtype_bytes = strcmp(m->dtype, "float32") ? 2 : 4, .exact_params = m->params,
        };
}

static int64_t max64(int64_t a, int64_t b)
{
        return a > b ? a : b;
}

/* q, k, v, o projections (+ q/k/v bias, + q/k norm): GQA keeps K*d for k, v. */
static int64_t attention_params(const struct fit_arch *a)
{
        int64_t q = a->heads * a->head_dim, kv = a->kv_heads * a->head_dim;
        int64_t n = a->hidden * q + 2 * a->hidden * kv + q * a->hidden;

        if (a->qkv_bias)
                n += q + 2 * kv;
        if (a->qk_norm)
                n += 2 * a->head_dim;
        return n;
}

void fit_count_params(const struct fit_arch *a, struct fit_params *p)
{
        int64_t attn = attention_params(a), mlp, mlp_active, norms;
        int64_t q = a->heads * a->head_dim;

        if (a->experts > 0) {
                int64_t expert = 3 * a->hidden * a->moe_intermediate;

                mlp = a->hidden * a->experts + a->experts * expert;  /* router + all experts */
                mlp_active = a->hidden * a->experts + a->experts_per_tok * expert;
        } else {
                mlp = mlp_active = 3 * a->hidden * a->intermediate;
        }
        norms = a->norms_per_layer * a->hidden;
        memset(p, 0, sizeof(*p));
        p->embed = a->vocab * a->hidden;
        p->lm_head = a->tied ? 0 : a->vocab * a->hidden;
        p->layer = attn + mlp + norms;
        p->layer_linear = a->hidden * q * 2 + 2 * a->hidden * a->kv_heads * a->head_dim +
                          (a->experts > 0 ? a->experts * 3 * a->hidden * a->moe_intermediate
                                          : 3 * a->hidden * a->intermediate);
        p->largest_linear = a->hidden * max64(max64(q, a->experts > 0 ? a->moe_intermediate
                                                                        : a->intermediate),
                                              a->hidden);
        p->total = a->layers * p->layer + a->hidden + p->embed + p->lm_head;
        p->active = a->layers * (attn + mlp_active + norms) + a->hidden + p->embed + p->lm_head;
}
