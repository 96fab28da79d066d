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
                .sliding_window = m->sliding_window, .global_every = m->global_every,
                .kv_lora_rank = m->kv_lora_rank, .q_lora_rank = m->q_lora_rank,
                .qk_rope_head_dim = m->qk_rope_head_dim, .qk_nope_head_dim = m->qk_nope_head_dim,
                .v_head_dim = m->v_head_dim, .shared_experts = m->shared_experts,
                .first_dense = m->first_dense, .router_bias = !strcmp(m->model_type, "deepseek_v3"),
                .gpt_oss = !strcmp(m->model_type, "gpt_oss"),
        };
        /* Llama 4 Scout: every layer MoE with one shared expert (table rows). */
        a->moe_every = 1;
}

static int64_t max64(int64_t a, int64_t b)
{
        return a > b ? a : b;
}

/* MLA (DeepSeek V2/V3 modeling code): q through an optional low-rank
 * q_a/q_b pair with a norm, k and v from one down-projection to the latent
 * (plus the shared RoPE key) and its norm, then kv_b up to every head. */
static int64_t mla_params(const struct fit_arch *a)
{
        int64_t h = a->hidden, qk = a->qk_nope_head_dim + a->qk_rope_head_dim;
        int64_t q = a->q_lora_rank ? h * a->q_lora_rank + a->q_lora_rank +
                                             a->q_lora_rank * a->heads * qk
                                   : h * a->heads * qk;

        return q + h * (a->kv_lora_rank + a->qk_rope_head_dim) + a->kv_lora_rank +
               a->kv_lora_rank * a->heads * (a->qk_nope_head_dim + a->v_head_dim) +
               a->heads * a->v_head_dim * h;
}

/* q, k, v, o projections (+ q/k/v bias, + q/k norm): GQA keeps K*d for k, v. */
static int64_t attention_params(const struct fit_arch *a)
{
        int64_t q = a->heads * a->head_dim, kv = a->kv_heads * a->head_dim;
        int64_t n = a->hidden * q + 2 * a->hidden * kv + q * a->hidden;

        if (a->kv_lora_rank)
                return mla_params(a);
        if (a->qkv_bias)
                n += q + 2 * kv;
        if (a->gpt_oss)  /* o_proj bias and one attention sink per head */
                n += a->hidden + a->heads;
        if (a->qk_norm)
                n += 2 * a->head_dim;
        return n;
}

/* Dense layers among MoE ones: DeepSeek V2/V3's first_dense layers carry a
 * dense MLP of intermediate size, Llama 4 Maverick's every layer but each
 * moe_every-th one of dense_intermediate (no router, no experts); the
 * per-layer figures become the mean. */
static void dense_layers(const struct fit_arch *a, struct fit_params *p, int64_t mlp,
                         int64_t mlp_active)
{
        int64_t n = a->first_dense ? a->first_dense : a->layers - a->layers / a->moe_every;
        int64_t dense = 3 * a->hidden * (a->first_dense ? a->intermediate : a->dense_intermediate);

        p->total += n * (dense - mlp);
        p->active += n * (dense - mlp_active);
        p->layer = (p->total - a->hidden - p->embed - p->lm_head) / a->layers;
        p->layer_linear += n * (dense - (a->experts + a->shared_experts) * 3 * a->hidden *
                                                  a->moe_intermediate) / a->layers;
}

void fit_count_params(const struct fit_arch *a, struct fit_params *p)
{
        int64_t attn = attention_params(a), mlp, mlp_active, norms;
        int64_t q = a->heads * a->head_dim;

        if (a->experts > 0) {
                int64_t expert = 3 * a->hidden * a->moe_intermediate;

                mlp = a->hidden * a->experts + (a->experts + a->shared_experts) * expert +
                      (a->router_bias || a->gpt_oss ? a->experts : 0) +
                      (a->gpt_oss ? a->experts * (2 * a->moe_intermediate + a->hidden) : 0);
                mlp_active = a->hidden * a->experts + (a->experts_per_tok + a->shared_experts) * expert;
        } else {
                mlp = mlp_active = 3 * a->hidden * a->intermediate;
        }
        norms = a->norms_per_layer * a->hidden;
        memset(p, 0, sizeof(*p));
        p->embed = a->vocab * a->hidden;
        p->lm_head = a->tied ? 0 : a->vocab * a->hidden;
        p->layer = attn + mlp + norms;
        p->layer_linear = a->hidden * q * 2 + 2 * a->hidden * a->kv_heads * a->head_dim +
                          (a->experts > 0 ? (a->experts + a->shared_experts) * 3 * a->hidden *
                                                    a->moe_intermediate
                                          : 3 * a->hidden * a->intermediate);
        if (a->kv_lora_rank)  /* MLA: every matrix but the two latent norms */
                p->layer_linear = p->layer - norms - a->kv_lora_rank - a->q_lora_rank -
                                  a->hidden * a->experts;
        p->largest_linear = a->hidden * max64(max64(q, a->experts > 0 ? a->moe_intermediate
                                                                        : a->intermediate),
                                              a->hidden);
        p->total = a->layers * p->layer + a->hidden + p->embed + p->lm_head;
        p->active = a->layers * (attn + mlp_active + norms) + a->hidden + p->embed + p->lm_head;
        if (a->experts > 0 && (a->first_dense > 0 || a->moe_every > 1))
                dense_layers(a, p, mlp, mlp_active);
}
