/* fit-exl3.c - ExLlamaV3 (EXL3, trellis-quantized): decoder linears at the
 * file's bits per weight (scales inside the budget, as in EXL2), the LM
 * head at its own bits ("hb6", "hb8"; quantized even when tied), norms
 * fp16, the token embedding in system RAM; the cache per layer at FP16 or
 * quantized K/V (k bits + v bits with an fp16 scale per 32 values), for
 * every layer at full length (exllamav3 0.0.x does not cap windowed
 * layers: the Gemma-3 rows grow by the full cache per token); one forward
 * chunk of chunk_size (2048) tokens of scratch; layers placed greedily
 * from GPU 0 like its autosplit loader. */
#include "fit/fit-engine.h"

/* exllamav3 Generator/Model: chunk_size 2048 tokens per forward pass; the
 * chunk's residual, normed and attention states (4 x hidden) and the MLP's
 * gate, up and product (3 x intermediate), fp16. */
#define EXL3_CHUNK 2048
#define SCRATCH_H_ELEMS 4
#define SCRATCH_I_ELEMS 3

struct exl3_cost {
        int64_t layer_w, layer_kv, scratch, head;
};

static void cost(const struct fit_arch *a, const struct fit_job *j, struct exl3_cost *c)
{
        struct fit_params p;
        int64_t chunk = j->ctx < EXL3_CHUNK ? j->ctx : EXL3_CHUNK;
        int64_t width = a->experts ? a->experts_per_tok * a->moe_intermediate : a->intermediate;

        fit_count_params(a, &p);
        c->layer_w = (int64_t)((double)p.layer_linear * j->bpw / 8) + (p.layer - p.layer_linear) * 2;
        c->layer_kv = fit_kv_layer_bytes(a, j->ctx, 0, j->eng.kv, false, 0) * j->batch;
        c->scratch = chunk * j->batch * (SCRATCH_H_ELEMS * a->hidden + SCRATCH_I_ELEMS * width) * 2;
        c->head = a->vocab * a->hidden * j->eng.head_bits / 8 + a->hidden * 2;
}

void fit_plan_exl3(const struct fit_arch *a, const struct fit_job *j, struct fit_plan *pl)
{
        struct exl3_cost c;
        int64_t next = 0, base = fit_cuda_context_bytes(j);
        int i, last = 0;

        cost(a, j, &c);
        for (i = 0; i < pl->n && next < a->layers; i++) {
                struct fit_gpu_use *g = &pl->g[i];
                int64_t fixed = base + c.scratch;

                g->first_layer = (int)next;
                while (next < a->layers &&
                       fixed + (g->layers + 1) * (c.layer_w + c.layer_kv) +
                                       (next + 1 == a->layers ? c.head : 0) <= g->capacity) {
                        g->layers++;
                        next++;
                }
                if (g->layers)
                        last = i;
        }
        pl->fits = next == a->layers;
        if (!pl->fits) {  /* the rest lands on the last GPU, over its capacity */
                last = pl->n - 1;
                pl->g[last].layers += (int)(a->layers - next);
        }
        for (i = 0; i <= last; i++) {
                struct fit_gpu_use *g = &pl->g[i];

                g->used = true;
                g->comp[FIT_C_WEIGHTS] = g->layers * c.layer_w + (i == last ? c.head : 0);
                g->comp[FIT_C_KV] = g->layers * c.layer_kv;
                g->comp[FIT_C_ACT] = c.scratch;
                g->comp[FIT_C_CONTEXT] = base;
        }
        pl->nproc = 1;
}
