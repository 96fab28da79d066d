/* fit-gguf-alloc.c - where ggml-alloc puts the tensors of llama.cpp's
 * graph when one GPU runs every layer and the output with flash attention:
 * a replay of ggml_gallocr_alloc_graph_impl over the GPU split of a dense
 * decoder, with ggml_dyn_tallocr's best fit (ggml/src/ggml-alloc.c,
 * llama.cpp early 2026: b7972's era). Its size is not the largest live set:
 * the KQ mask is built as an f32 input (llama-graph.cpp
 * build_attn_inp_kv_impl: n_kv x n_ubatch) and ggml_cast to f16 for
 * flash attention; ggml_backend_sched runs graph inputs on the CPU
 * (ggml_backend_sched_backend_id_from_cur, "1.inp") and the cast on the
 * GPU, so the split's copy of the f32 mask is allocated at the start of the
 * split (ggml_backend_sched_split_graph puts split inputs first) and freed
 * after the cast, leaving a hole at the bottom of the buffer. The f16 mask
 * lives until the last layer's attention. The last layer's FFN tensors
 * then fill that hole by best fit, and the final hidden state lands in
 * whichever gap fits it best; the logits, too large for any gap, go above
 * it (Qwen2.5-7B at 64k: hidden state at 118 MiB, 422 MiB in all). The
 * order of allocations and frees below is the one ggml-alloc's trace
 * shows for a Qwen2/Llama layer (in-place ops allocate nothing). */
#include "fit/fit-gguf.h"

#define FREE_BLOCKS 64
#define ALIGN 128  /* the CUDA buffer type's alignment */

struct dyn {
        struct { int64_t off, size; } b[FREE_BLOCKS];
        int n;
        int64_t max;
};

static int64_t pad(int64_t size)
{
        return (size + ALIGN - 1) / ALIGN * ALIGN;
}

static void dyn_remove(struct dyn *d, int i)
{
        for (; i < d->n - 1; i++)
                d->b[i] = d->b[i + 1];
        d->n--;
}

/* ggml_dyn_tallocr_alloc: the smallest free block that fits, the last
 * block (open-ended) only when none does. */
static int64_t dyn_alloc(struct dyn *d, int64_t size)
{
        int best = d->n - 1;
        int64_t best_size = INT64_MAX, off;

        size = pad(size);
        for (int i = 0; i < d->n - 1; i++)
                if (d->b[i].size >= size && d->b[i].size <= best_size)
                        best = i, best_size = d->b[i].size;
        off = d->b[best].off;
        d->b[best].off += size;
        d->b[best].size -= size;
        if (!d->b[best].size)
                dyn_remove(d, best);
        if (off + size > d->max)
                d->max = off + size;
        return off;
}

/* ggml_dyn_tallocr_free_bytes: merge with a neighbour, else insert in
 * address order. */
static void dyn_free(struct dyn *d, int64_t off, int64_t size)
{
        int at = 0;

        size = pad(size);
        for (int i = 0; i < d->n; i++) {
                if (d->b[i].off + d->b[i].size == off) {
                        d->b[i].size += size;
                        if (i < d->n - 1 && d->b[i].off + d->b[i].size == d->b[i + 1].off) {
                                d->b[i].size += d->b[i + 1].size;
                                dyn_remove(d, i + 1);
                        }
                        return;
                }
                if (off + size == d->b[i].off) {
                        d->b[i].off = off;
                        d->b[i].size += size;
                        if (i > 0 && d->b[i - 1].off + d->b[i - 1].size == off) {
                                d->b[i - 1].size += d->b[i].size;
                                dyn_remove(d, i);
                        }
                        return;
                }
        }
        while (at < d->n && d->b[at].off < off)
                at++;
        if (d->n == FREE_BLOCKS)  /* never with this graph; losing the block only overstates */
                return;
        for (int i = d->n; i > at; i--)
                d->b[i] = d->b[i - 1];
        d->b[at].off = off, d->b[at].size = size;
        d->n++;
}

struct shape {
        int64_t h, kv, f, mask, ub;  /* hidden, K (or V) rows, FFN, f32 mask: bytes */
};

/* Split inputs, in the order the first layer meets them: token
 * embeddings, positions, K and V cache indices (I64), the f32 mask; the
 * output ids come with the last layer. The f16 mask is kept beside them. */
enum { IN_EMBD, IN_POS, IN_KIDX, IN_VIDX, IN_MASK, IN_OUT, IN_N, MASK_F16 = IN_N };

/* One decoder layer; returns the offset of its output (l_out). */
static int64_t layer(struct dyn *d, const struct shape *s, int64_t *in, int64_t prev, int il, bool last)
{
        int64_t n, q, qr, v, k, kr, fa, o, g2, fn, gt, up, sw, dn;

        n = dyn_alloc(d, s->h);                         /* attn_norm */
        q = dyn_alloc(d, s->h);                         /* Q (+ bias in place) */
        qr = dyn_alloc(d, s->h), dyn_free(d, q, s->h);  /* RoPE */
        v = dyn_alloc(d, s->kv);
        k = dyn_alloc(d, s->kv), dyn_free(d, n, s->h);
        kr = dyn_alloc(d, s->kv), dyn_free(d, k, s->kv);
        if (last)
                dyn_free(d, in[IN_POS], s->ub * 4);
        dyn_free(d, kr, s->kv);                         /* after the K store (set_rows) */
        if (last)
                dyn_free(d, in[IN_KIDX], s->ub * 8);
        dyn_free(d, v, s->kv);
        if (last)
                dyn_free(d, in[IN_VIDX], s->ub * 8);
        if (il == 0)                                    /* the cast, then the f32 copy goes */
                in[MASK_F16] = dyn_alloc(d, s->mask / 2), dyn_free(d, in[IN_MASK], s->mask);
        fa = dyn_alloc(d, s->h), dyn_free(d, qr, s->h);
        if (last)
                dyn_free(d, in[MASK_F16], s->mask / 2);
        o = dyn_alloc(d, s->h), dyn_free(d, fa, s->h);  /* attn_output */
        if (last) {                                     /* get_rows by the output ids */
                int64_t g1 = dyn_alloc(d, s->h);

                dyn_free(d, o, s->h);
                g2 = dyn_alloc(d, s->h);
                dyn_free(d, prev, s->h), dyn_free(d, in[IN_OUT], s->ub * 4);
                dyn_free(d, g2, s->h);                  /* ffn_inp: in place on g1 */
                o = g1;
        } else {
                dyn_free(d, prev, s->h);                /* ffn_inp: in place on o */
        }
        fn = dyn_alloc(d, s->h);                        /* ffn_norm */
        gt = dyn_alloc(d, s->f);
        up = dyn_alloc(d, s->f), dyn_free(d, fn, s->h);
        sw = dyn_alloc(d, s->f), dyn_free(d, gt, s->f), dyn_free(d, up, s->f);
        dn = dyn_alloc(d, s->h), dyn_free(d, sw, s->f); /* ffn_out, l_out in place */
        dyn_free(d, o, s->h);
        return dn;
}

/* The allocator's state between layers: free blocks and the layer output. */
static bool same_state(const struct dyn *x, int64_t px, const struct dyn *y, int64_t py)
{
        if (px != py || x->n != y->n || x->max != y->max)
                return false;
        for (int i = 0; i < x->n; i++)
                if (x->b[i].off != y->b[i].off || x->b[i].size != y->b[i].size)
                        return false;
        return true;
}

int64_t fit_gguf_fa_replay(const struct fit_arch *a, int64_t ctx, int64_t ub, bool skip_repeats)
{
        struct dyn d = { .b = { { 0, INT64_MAX / 2 } }, .n = 1, .max = 0 }, seen = { .n = 0 };
        struct shape s = {
                .h = ub * a->hidden * 4,
                .kv = ub * a->kv_heads * (a->head_dim ? a->head_dim : a->hidden / a->heads) * 4,
                .f = ub * a->intermediate * 4, .mask = ctx * ub * 4, .ub = ub,
        };
        int64_t in[IN_N + 1], prev, seen_prev = -1;
        const int64_t size[IN_N] = { s.h, ub * 4, ub * 8, ub * 8, s.mask, ub * 4 };

        for (int i = 0; i < IN_N; i++)
                in[i] = dyn_alloc(&d, size[i]);
        prev = in[IN_EMBD];
        for (int64_t il = 0; il < a->layers - 1; il++) {
                prev = layer(&d, &s, in, prev, (int)il, false);
                /* Middle layers repeat the same allocations and frees: once a
                 * layer leaves the allocator as it found it, every later middle
                 * layer does too, so a 126-layer model costs about what a
                 * 3-layer one does. */
                if (skip_repeats && il >= 1 && same_state(&d, prev, &seen, seen_prev))
                        break;
                seen = d, seen_prev = prev;
        }
        prev = layer(&d, &s, in, prev, (int)a->layers - 1, true);
        (void)prev;             /* result_norm, in place on it, stays while the logits are placed */
        dyn_alloc(&d, ub * a->vocab * 4);               /* the logits */
        return d.max;
}

int64_t fit_gguf_fa_compute_bytes(const struct fit_arch *a, int64_t ctx, int64_t ub)
{
        return fit_gguf_fa_replay(a, ctx, ub, true);
}
