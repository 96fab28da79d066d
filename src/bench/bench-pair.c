/* bench-pair.c - the peer matrix, as p2pBandwidthLatencyTest reports it:
 * for every ordered pair of GPUs the unidirectional bandwidth (src's
 * buffer into dst's, on src's stream), the bidirectional bandwidth (both
 * directions at once on two streams, bound together by events) and the
 * latency of a 4-byte copy. P2P access is enabled where CUDA says the
 * pair supports it; elsewhere cuMemcpyPeerAsync stages through host
 * memory, which is what a framework gets on such a pair too. */
#include "bench-cuda.h"

#include <string.h>

#include "drv/drv-worker.h"
#include "snap/snap-json.h"

#define LAT_BYTES 4

struct pair_fig {
        int access, rank;
        double uni, bidi, lat_us;
        long wrong;
};

static double rate(size_t bytes, unsigned iters, float ms)
{
        return ms > 0 ? (double)bytes * iters / ((double)ms * 1e6) : 0;
}

/* The CUDA P2P facts of a->b, and peer access enabled when supported. */
static CUresult pair_access(struct bench_cuda *bc, struct bench_dev *a, struct bench_dev *b,
                            struct pair_fig *f)
{
        CUresult r;

        bench_set_op("P2P attributes GPU %d -> GPU %d", a->ordinal, b->ordinal);
        BCALL(bc, can_access_peer, &f->access, a->dev, b->dev);
        f->rank = -1;
        if (bc->api.p2p_attr)
                BCALL(bc, p2p_attr, &f->rank, CU_DEVICE_P2P_ATTRIBUTE_PERFORMANCE_RANK, a->dev,
                      b->dev);
        if (!f->access)
                return CUDA_SUCCESS;
        /* access is enabled from the context that issues the copies */
        BCALL(bc, ctx_set, a->ctx);
        bench_call_begin(BENCH_SYM_enable_peer);
        r = bc->api.enable_peer(b->ctx, 0);
        if (r != CUDA_SUCCESS && r != (CUresult)CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED)
                return bench_call_failed(BENCH_SYM_enable_peer, r);
        return CUDA_SUCCESS;
}

/* One warm-up copy of bytes from a to b, then iters timed ones on a's
 * stream; the milliseconds in *ms. */
static CUresult pair_timed(struct bench_cuda *bc, struct bench_dev *a, struct bench_dev *b,
                           size_t bytes, unsigned iters, float *ms)
{
        CUresult r;

        BCALL(bc, ctx_set, a->ctx);
        BCALL(bc, peer_copy, b->dst, b->ctx, a->src, a->ctx, bytes, a->stream);
        BCALL(bc, stream_sync, a->stream);
        r = bench_mark_start(bc, a);
        for (unsigned i = 0; r == CUDA_SUCCESS && i < iters; i++)
                BCALL(bc, peer_copy, b->dst, b->ctx, a->src, a->ctx, bytes, a->stream);
        if (r == CUDA_SUCCESS)
                r = bench_mark_stop(bc, a, ms);
        return r;
}

/* One way: bandwidth of copy_bytes copies, then latency of 4-byte ones
 * (the same data: the first word of the pattern, still verifiable). */
static CUresult pair_one_way(struct bench_cuda *bc, struct bench_dev *a, struct bench_dev *b,
                             struct pair_fig *f)
{
        const struct bench_plan *p = bc->plan;
        float ms = 0;
        CUresult r;

        bench_set_op("peer copy GPU %d -> GPU %d", a->ordinal, b->ordinal);
        r = pair_timed(bc, a, b, p->copy_bytes, p->copy_iters, &ms);
        f->uni = rate(p->copy_bytes, p->copy_iters, ms);
        if (r != CUDA_SUCCESS)
                return r;
        bench_set_op("latency GPU %d -> GPU %d", a->ordinal, b->ordinal);
        r = pair_timed(bc, a, b, LAT_BYTES, p->lat_iters, &ms);
        f->lat_us = (double)ms * 1000.0 / p->lat_iters;
        return r;
}

/* Verifies what pair_one_way left in b's buffer: a's pattern, every word. */
static CUresult pair_verify(struct bench_cuda *bc, struct bench_dev *a, struct bench_dev *b,
                            struct pair_fig *f)
{
        size_t n = bc->plan->copy_bytes;

        bench_set_op("reading GPU %d's buffer back to verify the copy from GPU %d", b->ordinal,
                     a->ordinal);
        memset(b->host_dst, 0, n);
        BCALL(bc, ctx_set, b->ctx);
        BCALL(bc, dtoh, b->host_dst, b->dst, n, b->stream);
        BCALL(bc, stream_sync, b->stream);
        f->wrong = bench_count_wrong(b->host_dst, n / 4, a->ordinal);
        return CUDA_SUCCESS;
}

/* Both directions at once: b's stream waits for a's start event, both
 * enqueue their copies, a's stream waits for b's end, a records the end. */
static CUresult pair_bidi(struct bench_cuda *bc, struct bench_dev *a, struct bench_dev *b,
                          struct pair_fig *f)
{
        size_t n = bc->plan->copy_bytes;
        unsigned iters = bc->plan->copy_iters;
        struct pair_fig back = { 0 };
        float ms = 0;
        CUresult r = pair_access(bc, b, a, &back); /* b -> a is not visited yet */

        if (r != CUDA_SUCCESS)
                return r;
        bench_set_op("bidirectional copy GPU %d <-> GPU %d", a->ordinal, b->ordinal);
        BCALL(bc, ctx_set, a->ctx);
        BCALL(bc, event_record, a->ev[0], a->stream);
        BCALL(bc, ctx_set, b->ctx);
        BCALL(bc, stream_wait, b->stream, a->ev[0], 0);
        for (unsigned i = 0; i < iters; i++)
                BCALL(bc, peer_copy, a->dst, a->ctx, b->src, b->ctx, n, b->stream);
        BCALL(bc, event_record, b->ev[2], b->stream);
        BCALL(bc, ctx_set, a->ctx);
        for (unsigned i = 0; i < iters; i++)
                BCALL(bc, peer_copy, b->dst, b->ctx, a->src, a->ctx, n, a->stream);
        BCALL(bc, stream_wait, a->stream, b->ev[2], 0);
        BCALL(bc, event_record, a->ev[1], a->stream);
        BCALL(bc, event_sync, a->ev[1]);
        BCALL(bc, elapsed, &ms, a->ev[0], a->ev[1]);
        f->bidi = 2 * rate(n, iters, ms);
        return CUDA_SUCCESS;
}

static void pair_emit(const struct bench_dev *a, const struct bench_dev *b,
                      const struct pair_fig *f)
{
        struct snap_bench_pair rec = {
                .src = a->ordinal, .dst = b->ordinal, .p2p = f->access != 0, .rank = f->rank,
                .uni_gbps = f->uni, .bidi_gbps = f->bidi, .latency_us = f->lat_us,
                .wrong_words = f->wrong,
        };

        worker_emit("pair", snap_bench_pair_to_json(&rec));
}

static CUresult pair_run(struct bench_cuda *bc, struct bench_dev *a, struct bench_dev *b)
{
        struct pair_fig f = { 0 };
        CUresult r = pair_access(bc, a, b, &f);

        if (r == CUDA_SUCCESS)
                r = pair_one_way(bc, a, b, &f);
        if (r == CUDA_SUCCESS)
                r = pair_verify(bc, a, b, &f);
        if (r == CUDA_SUCCESS && a->ordinal < b->ordinal) /* once per unordered pair */
                r = pair_bidi(bc, a, b, &f);
        if (r == CUDA_SUCCESS)
                pair_emit(a, b, &f);
        return r;
}

CUresult bench_pairs(struct bench_cuda *bc)
{
        CUresult r = CUDA_SUCCESS;

        for (size_t i = 0; r == CUDA_SUCCESS && i < bc->ndevs; i++)
                for (size_t j = 0; r == CUDA_SUCCESS && j < bc->ndevs; j++)
                        if (i != j)
                                r = pair_run(bc, &bc->devs[i], &bc->devs[j]);
        return r;
}
