/* bench-copy.c - the copy figures, measured as nvbandwidth and
 * p2pBandwidthLatencyTest do (docs/bench.md): copy-engine copies of one
 * buffer repeated copy_iters times between two CUDA events on one stream;
 * bandwidth = bytes x iters / elapsed, in GB/s of 1e9 bytes. A GPU's own
 * copies follow as many untimed ones, with no wait in between, so the
 * start event is recorded on a busy stream (docs/bench.md, "Against
 * PyTorch"). Every figure's data is read back and compared word by
 * word with what was sent: a copy that is fast and wrong is a failure. */
#include "bench-cuda.h"

#include <string.h>

#include "drv/drv-worker.h"
#include "snap/snap-json.h"

static double gbps(size_t bytes, unsigned iters, float ms)
{
        return ms > 0 ? (double)bytes * iters / ((double)ms * 1e6) : 0;
}

/* ---- one GPU ---------------------------------------------------------------- */

enum copy_kind { COPY_H2D, COPY_D2H, COPY_D2D };

static const char *const copy_what[] = { "host -> GPU", "GPU -> host", "on-GPU" };

static CUresult copy_once(struct bench_cuda *bc, struct bench_dev *d, enum copy_kind k)
{
        size_t n = bc->plan->copy_bytes;

        if (k == COPY_H2D)
                BCALL(bc, htod, d->src, d->host_src, n, d->stream);
        else if (k == COPY_D2H)
                BCALL(bc, dtoh, d->host_dst, d->src, n, d->stream);
        else
                BCALL(bc, dtod, d->dst, d->src, n, d->stream);
        return CUDA_SUCCESS;
}

/* copy_iters untimed copies, then copy_iters timed ones. No wait between
 * the two: the start event is recorded when the last untimed copy ends and
 * the first timed one is already queued. After a wait the stream would be
 * idle when the start event is recorded, and the time the host takes to
 * hand the first timed copy to the GPU (some 10 us: the breadcrumb and the
 * launch) would count as copying: a fifth of the batch for 4 on-GPU copies
 * of 32 MiB on an H200, 16 us each. With link, the PCIe link is read while
 * the timed copies are in flight. */
static CUresult time_copy(struct bench_cuda *bc, struct bench_dev *d, enum copy_kind k,
                          struct snap_bench_link *link, double *ret)
{
        float ms = 0;
        CUresult r = CUDA_SUCCESS;

        bench_set_op("%s copy, GPU %d", copy_what[k], d->ordinal);
        for (unsigned i = 0; r == CUDA_SUCCESS && i < bc->plan->copy_iters; i++)
                r = copy_once(bc, d, k);
        if (r == CUDA_SUCCESS)
                r = bench_mark_start(bc, d);
        for (unsigned i = 0; r == CUDA_SUCCESS && i < bc->plan->copy_iters; i++)
                r = copy_once(bc, d, k);
        if (link) /* the copies are in flight: the link now runs at what it can */
                bench_read_link(bc->root, d->bus, link);
        if (r == CUDA_SUCCESS)
                r = bench_mark_stop(bc, d, &ms);
        *ret = gbps(bc->plan->copy_bytes, bc->plan->copy_iters, ms);
        return r;
}

/* Reads buffer dst of device d back and counts the words that are not
 * device ordinal's pattern. */
static CUresult read_back(struct bench_cuda *bc, struct bench_dev *d, CUdeviceptr buf,
                          int ordinal, long *wrong)
{
        size_t n = bc->plan->copy_bytes;

        bench_set_op("reading GPU %d's buffer back to verify it", d->ordinal);
        memset(d->host_dst, 0, n);
        BCALL(bc, ctx_set, d->ctx);
        BCALL(bc, dtoh, d->host_dst, buf, n, d->stream);
        BCALL(bc, stream_sync, d->stream);
        *wrong = bench_count_wrong(d->host_dst, n / 4, ordinal);
        return CUDA_SUCCESS;
}

CUresult bench_gpu_copies(struct bench_cuda *bc, struct bench_dev *d)
{
        double h2d = 0, d2h = 0, d2d = 0;
        long wrong_h = 0, wrong_d = 0, wrong_dd = 0;
        struct snap_bench_gpu rec = { 0 };
        CUresult r;

        BCALL(bc, ctx_set, d->ctx);
        r = time_copy(bc, d, COPY_H2D, &rec.link, &h2d);
        if (r == CUDA_SUCCESS)
                r = time_copy(bc, d, COPY_D2H, NULL, &d2h);
        if (r == CUDA_SUCCESS) /* D2H landed src in host_dst: H2D and D2H both */
                wrong_h = bench_count_wrong(d->host_dst, bc->plan->copy_bytes / 4, d->ordinal);
        if (r == CUDA_SUCCESS)
                r = time_copy(bc, d, COPY_D2D, NULL, &d2d);
        if (r == CUDA_SUCCESS)
                r = read_back(bc, d, d->dst, d->ordinal, &wrong_dd);
        wrong_d = wrong_h + wrong_dd;
        rec.index = d->ordinal;
        rec.name = d->name; /* borrowed until the record is written */
        rec.pci_bus_id = d->bus;
        rec.pci_device_id = bench_read_device_id(bc->root, d->bus);
        rec.h2d_gbps = h2d;
        rec.d2h_gbps = d2h;
        rec.d2d_gbps = d2d;
        rec.wrong_words = wrong_d;
        worker_emit("gpu", snap_bench_gpu_to_json(&rec));
        return r;
}
