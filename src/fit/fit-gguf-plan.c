/* fit-gguf-plan.c - llama.cpp on GPUs: -ngl N counts the output layer
 * first: the output layer and the last N - 1 decoder layers go to the GPUs
 * (load_tensors: i_gpu_start = max(n_layer + 1 - N, 0), the output layer
 * being il = n_layer; it logs "offloading output layer", then N - 1
 * "repeating layers"; b7972 does, as the gg-q25vl-7b rows show; builds of
 * early 2025 used n_layer - N, the last N decoder layers, the output layer
 * only when N > n_layer); --tensor-split divides them in proportion
 * (default: by memory size; llama.cpp uses the free memory), layer il
 * going to the GPU whose cumulative share first
 * exceeds (il - first) / min(N, layers + 1): the output layer counts as
 * layer n_layer in that fraction (load_tensors' get_layer_buft_list), so
 * with the output offloaded the earlier GPUs get the extra layer. Each KV
 * cache lives with it, and every GPU holds a compute buffer sized by
 * ggml-alloc for one n_ubatch micro-batch (llama.cpp src/llama-model.cpp
 * load_tensors, llama-context.cpp graph_reserve). The token embedding
 * stays in host memory. */
#include "fit/fit-engine.h"

/* Compute buffer: ggml-alloc reuses memory across the graph, so its size
 * is the largest set of tensors alive at once. Without flash attention
 * that is the f32 attention scores, n_ctx x n_ubatch x n_head, plus a few
 * n_ubatch x hidden f32 activations (calibrated: 6, from the Llama-3.1-8B
 * row where the scores dominate); on the GPU with the output layer, the
 * f32 logits n_ubatch x vocab plus the normed hidden state. */
#define ATTN_H_TENSORS 6
/* Windowed layers keep window + n_ubatch tokens (llama_kv_cache_iswa). */

static int gpu_of(const struct fit_engine_opts *e, const int64_t *caps, int n, double frac)
{
        double total = 0, sum = 0;

        for (int i = 0; i < n; i++)
                total += e->split[i] > 0 ? e->split[i] : (double)caps[i];
        for (int i = 0; i < n; i++) {
                sum += (e->split[i] > 0 ? e->split[i] : (double)caps[i]) / total;
                if (frac < sum)
                        return i;
        }
        return n - 1;
}

/* whole: this GPU runs layer 0 and the output, so with flash attention it
 * casts the f32 KQ mask and its buffer is laid out as fit-gguf-alloc.c
 * replays (dense, full-attention layers; MoE, windowed and MLA layers keep
 * the live-set rule, unmeasured). */
static int64_t compute_bytes(const struct fit_arch *a, const struct fit_job *j, bool output,
                             bool whole)
{
        int64_t ub = j->eng.ubatch > 0 ? j->eng.ubatch : 512, h = ub * a->hidden * 4;
        int64_t attn = ATTN_H_TENSORS * h, logits = ub * a->vocab * 4 + h;
        int64_t ctx = j->ctx * j->batch;

        if (j->eng.flash_attn && whole && !a->experts && !a->sliding_window && !a->kv_lora_rank)
                return fit_gguf_fa_compute_bytes(a, ctx, ub);
        if (!j->eng.flash_attn)
                attn += ctx * ub * a->heads * 4;
        return output && logits > attn ? logits : attn;
}

/* Per GPU: its layers' weights and KV cache (two sizes each: with or
 * without the more-bits types, windowed or full attention). */
static void place(const struct fit_arch *a, const struct fit_job *j, int64_t first, int64_t act,
                  const int64_t *caps, struct fit_plan *pl)
{
        const struct fit_engine_opts *e = &j->eng;
        int64_t more, base;
        int64_t kv_full = fit_kv_layer_bytes(a, j->ctx, a->global_every - 1, e->kv, false, 0) * j->batch;
        int64_t kv_win = fit_kv_layer_bytes(a, j->ctx, 0, e->kv, true, e->ubatch) * j->batch;

        fit_gguf_layer_pair(a, e->gguf, &more, &base);
        for (int64_t l = first; l < a->layers; l++) {
                struct fit_gpu_use *g = &pl->g[gpu_of(e, caps, pl->n, (double)(l - first) / (double)act)];
                bool windowed = a->sliding_window && (!a->global_every || (l + 1) % a->global_every);

                if (!g->layers)
                        g->first_layer = (int)l;
                g->layers++;
                g->comp[FIT_C_WEIGHTS] += fit_gguf_layer_more(e->gguf, l, a->layers) ? more : base;
                g->comp[FIT_C_KV] += windowed ? kv_win : kv_full;
        }
}

void fit_plan_gguf(const struct fit_arch *a, const struct fit_job *j, struct fit_plan *pl)
{
        const struct fit_engine_opts *e = &j->eng;
        int64_t ngl = e->ngl < 0 || e->ngl > a->layers + 1 ? a->layers + 1 : e->ngl;
        int64_t first = ngl ? a->layers + 1 - ngl : a->layers;  /* i_gpu_start */
        bool output = ngl > 0;
        int64_t caps[FIT_GPUS_MAX];
        int last;

        for (int i = 0; i < pl->n; i++)
                caps[i] = pl->g[i].capacity;
        /* The output layer's GPU: the split's fraction for layer n_layer. */
        last = gpu_of(e, caps, pl->n, ngl ? (double)(a->layers - first) / (double)ngl : 1);
        place(a, j, first, ngl, caps, pl);
        if (output)
                pl->g[last].comp[FIT_C_WEIGHTS] += fit_gguf_output_bytes(a, e->gguf);
        for (int i = 0; i < pl->n; i++) {
                struct fit_gpu_use *g = &pl->g[i];

                if (!g->layers && !(i == last && output))
                        continue;
                g->used = true;
                g->comp[FIT_C_ACT] = compute_bytes(a, j, i == last && output,
                                                   i == last && output && g->layers == a->layers);
                g->comp[FIT_C_CONTEXT] = fit_cuda_context_bytes(NULL);
        }
        pl->fits = true;
        pl->nproc = 1;
}
