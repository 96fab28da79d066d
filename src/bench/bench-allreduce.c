/* bench-allreduce.c - NCCL all-reduce over every selected GPU, measured as
 * nccl-tests' all_reduce_perf measures it (docs/bench.md): one process
 * drives all the GPUs (ncclCommInitAll), each collective is a group of one
 * ncclAllReduce per GPU on that GPU's stream, float sum, out of place.
 * Per message size: warm-up collectives, then ar_iters timed ones between
 * CUDA events on each GPU's stream; the time is the slowest GPU's.
 *   algbw = bytes / time,  busbw = algbw x 2(n-1)/n
 * (busbw is what each link carries in a ring, comparable with link speeds.)
 * Every rank's input holds known small integers, so the float sum is exact
 * and every element of every output is checked.
 *
 * A collective never returns an error when a link silently drops traffic:
 * it hangs. So completion is polled (cuEventQuery, ncclCommGetAsyncError)
 * against a deadline, and a collective past it is aborted (ncclCommAbort)
 * and reported with its size and GPUs; the rest of bench goes on. */
#include "bench-cuda.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "drv/drv-worker.h"
#include "snap/snap-json.h"
#include "drv/nccl-types.h"
#include "drv/nccl-syms.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define NCCL_SPEC_(field, req, ret, args, ...)                                 \
        { DRV_SYM_NAMES(__VA_ARGS__), req, offsetof(struct nccl_api, field) },
static const struct dl_sym_spec nccl_specs[] = { NCCL_SYMS(NCCL_SPEC_) };
#define NCCL_NAME_(field, req, ret, args, ...) DRV_FIRST_NAME(__VA_ARGS__),
static const char *const nccl_names[] = { NCCL_SYMS(NCCL_NAME_) };

struct ar_run {
        struct bench_cuda *bc;
        struct nccl_api api;
        ncclComm_t *comms;
        CUdeviceptr *send, *recv;
        float *host;          /* pinned, ar_max_bytes: inputs out, outputs back */
        int n;                /* ranks: the selected GPUs */
        bool failed;          /* an NCCL error or a hang: no more collectives */
        unsigned deadline_ms; /* the per-operation deadline */
        double us_per_byte;   /* of the last size measured, per collective */
};

/* Announces an NCCL call and makes it; a failure ends the all-reduce part
 * with an "error" record (the run's failure). */
#define NCALL(ar, fn, ...)                                                     \
        do {                                                                   \
                ncclResult_t n_;                                               \
                bench_crumb(nccl_names[NCCL_SYM_##fn]);                        \
                n_ = (ar)->api.fn(__VA_ARGS__);                                \
                if (n_ != ncclSuccess)                                         \
                        return nccl_failed((ar), NCCL_SYM_##fn, n_);           \
        } while (0)

static CUresult nccl_failed(struct ar_run *ar, enum nccl_sym k, ncclResult_t r)
{
        const char *why = ar->api.error_string ? ar->api.error_string(r) : NULL;

        worker_emit("error", json_pack("{s:s, s:s, s:i, s:s}", "call", nccl_names[k], "op",
                                       bench_current_op(), "code", (int)r, "meaning",
                                       why ? why : "NCCL error"));
        ar->failed = true;
        return CUDA_SUCCESS; /* the copies and GEMMs stand */
}

/* Rank r's input element i, and what every output element i must be: small
 * integers, exact in float whatever the order of the additions. */
static float ar_input(int r, size_t i)
{
        return (float)(r + 1 + (int)(i % 7));
}

static float ar_expected(int n, size_t i)
{
        return (float)(n * (n + 1) / 2 + n * (int)(i % 7));
}

static long ar_count_wrong(const float *v, size_t count, int n)
{
        long wrong = 0;

        for (size_t i = 0; i < count; i++)
                wrong += v[i] != ar_expected(n, i);
        return wrong;
}

/* ---- setting up --------------------------------------------------------------- */

static CUresult ar_buffers(struct ar_run *ar)
{
        struct bench_cuda *bc = ar->bc;
        size_t max = bc->plan->ar_max_bytes;

        bench_set_op("all-reduce: buffers of %zu bytes on %d GPUs", max, ar->n);
        BCALL(bc, ctx_set, bc->devs[0].ctx);
        BCALL(bc, host_alloc, (void **)&ar->host, max, CU_MEMHOSTALLOC_PORTABLE);
        for (int r = 0; r < ar->n; r++) {
                struct bench_dev *d = &bc->devs[r];

                for (size_t i = 0; i < max / 4; i++)
                        ar->host[i] = ar_input(r, i);
                BCALL(bc, ctx_set, d->ctx);
                BCALL(bc, mem_alloc, &ar->send[r], max);
                BCALL(bc, mem_alloc, &ar->recv[r], max);
                BCALL(bc, htod, ar->send[r], ar->host, max, d->stream);
                BCALL(bc, stream_sync, d->stream);
        }
        return CUDA_SUCCESS;
}

static void nap_us(long us)
{
        struct timespec ts = { 0, us * 1000 };

        nanosleep(&ts, NULL);
}

static long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* ncclCommInitAll sets up every GPU's channels, proxy threads and shared
 * memory in one call: seconds on 8 real GPUs, more than the per-operation
 * deadline allows a silent call. It runs in a thread while this one keeps
 * the parent's deadline away with a breadcrumb every 250 ms, for at most
 * NCCL_INIT_PATIENCE_MS; after that the breadcrumbs stop, the parent kills
 * the worker at its next deadline and the setup is reported as the hang. */
#define NCCL_INIT_PATIENCE_MS 60000L

struct init_call {
        struct ar_run *ar;
        const int *devlist;
        ncclResult_t res;
        atomic_bool done;
};

static void *init_thread(void *arg)
{
        struct init_call *c = arg;

        c->res = c->ar->api.init_all(c->ar->comms, c->ar->n, c->devlist);
        atomic_store(&c->done, true);
        return NULL;
}

static ncclResult_t init_all_patiently(struct ar_run *ar, const int *devlist)
{
        struct init_call c = { ar, devlist, ncclSuccess, false };
        const char *name = nccl_names[NCCL_SYM_init_all];
        long start = now_ms(), last_crumb = start;
        pthread_t t;

        bench_crumb(name);
        if (pthread_create(&t, NULL, init_thread, &c) != 0)
                return ar->api.init_all(ar->comms, ar->n, devlist); /* no thread: plain deadline */
        while (!atomic_load(&c.done)) {
                long now = now_ms();

                if (now - start < NCCL_INIT_PATIENCE_MS && now - last_crumb >= 250) {
                        bench_crumb(name);
                        last_crumb = now;
                }
                nap_us(5000);
        }
        pthread_join(t, NULL);
        return c.res;
}

static CUresult ar_init(struct ar_run *ar)
{
        int devlist[BENCH_MAX_GPUS], version = 0;
        ncclResult_t r;

        for (int k = 0; k < ar->n; k++)
                devlist[k] = ar->bc->devs[k].ordinal;
        bench_set_op("all-reduce: NCCL setup over %d GPUs", ar->n);
        NCALL(ar, version, &version);
        r = init_all_patiently(ar, devlist);
        if (r != ncclSuccess)
                return nccl_failed(ar, NCCL_SYM_init_all, r);
        worker_emit("allreduce_setup", json_pack("{s:i, s:i}", "nccl_version", version,
                                                 "ranks", ar->n));
        return CUDA_SUCCESS;
}

/* ---- one message size ---------------------------------------------------------- */

/* count collectives of bytes each, one group per collective. */
static CUresult ar_launch(struct ar_run *ar, size_t bytes, unsigned count)
{
        for (unsigned k = 0; k < count; k++) {
                NCALL(ar, group_start);
                for (int r = 0; r < ar->n; r++)
                        NCALL(ar, all_reduce, (const void *)(uintptr_t)ar->send[r],
                              (void *)(uintptr_t)ar->recv[r], bytes / 4, ncclFloat32, ncclSum,
                              ar->comms[r], ar->bc->devs[r].stream);
                NCALL(ar, group_end);
        }
        return CUDA_SUCCESS;
}

/* Whether every rank's stop event is done; an asynchronous NCCL error
 * fails the run. */
static CUresult ar_poll_once(struct ar_run *ar, bool *done)
{
        *done = true;
        for (int r = 0; r < ar->n && !ar->failed; r++) {
                ncclResult_t async = ncclSuccess, r_async;
                CUresult q = ar->bc->api.event_query(ar->bc->devs[r].ev[1]);

                if (q != CUDA_SUCCESS && q != CUDA_ERROR_NOT_READY)
                        return bench_call_failed(BENCH_SYM_event_query, q);
                *done = *done && q == CUDA_SUCCESS;
                /* both calls only read state: no breadcrumb for each poll
                 * (ar_wait sends one every 250 ms) */
                r_async = ar->api.async_error(ar->comms[r], &async);
                if (r_async != ncclSuccess)
                        return nccl_failed(ar, NCCL_SYM_async_error, r_async);
                if (async != ncclSuccess && async != ncclInProgress)
                        return nccl_failed(ar, NCCL_SYM_async_error, async);
        }
        return CUDA_SUCCESS;
}

/* Waits for the stop events by polling; past the deadline the
 * communicators are aborted and the hang is reported. */
static CUresult ar_wait(struct ar_run *ar, size_t bytes, unsigned count)
{
        long start = now_ms(), last_crumb = start;
        /* a batch on a slow link may take longer than one operation: four
         * times what the last size's rate predicts, on top */
        long deadline = (long)ar->deadline_ms + (long)(4e-3 * ar->us_per_byte * bytes * count);
        bool done = false;
        CUresult r = CUDA_SUCCESS;

        while (r == CUDA_SUCCESS && !ar->failed && !done) {
                long t = now_ms();

                if (t - start > deadline)
                        break;
                if (t - last_crumb >= 250) { /* the parent's deadline restarts */
                        bench_crumb("cuEventQuery");
                        last_crumb = t;
                }
                r = ar_poll_once(ar, &done);
                if (r == CUDA_SUCCESS && !done)
                        nap_us(200);
        }
        if (r != CUDA_SUCCESS || ar->failed || done)
                return r;
        bench_set_op("all-reduce: aborting NCCL past the deadline");
        for (int k = 0; k < ar->n; k++) {
                bench_crumb(nccl_names[NCCL_SYM_abort]);
                ar->api.abort(ar->comms[k]);
                ar->comms[k] = NULL;
        }
        worker_emit("allreduce_hung", json_pack("{s:I, s:i, s:I}", "bytes", (json_int_t)bytes,
                                                "ranks", ar->n, "deadline_ms",
                                                (json_int_t)deadline));
        ar->failed = true;
        return CUDA_SUCCESS;
}

/* The slowest rank's milliseconds between its two events. */
static CUresult ar_elapsed(struct ar_run *ar, float *ms)
{
        *ms = 0;
        for (int r = 0; r < ar->n; r++) {
                struct bench_dev *d = &ar->bc->devs[r];
                float t = 0;

                BCALL(ar->bc, elapsed, &t, d->ev[0], d->ev[1]);
                if (t > *ms)
                        *ms = t;
        }
        return CUDA_SUCCESS;
}

static CUresult ar_verify(struct ar_run *ar, size_t bytes, long *wrong)
{
        struct bench_cuda *bc = ar->bc;

        *wrong = 0;
        bench_set_op("all-reduce: reading %zu bytes back from %d GPUs to verify", bytes, ar->n);
        for (int r = 0; r < ar->n; r++) {
                struct bench_dev *d = &bc->devs[r];

                memset(ar->host, 0, bytes);
                BCALL(bc, ctx_set, d->ctx);
                BCALL(bc, dtoh, ar->host, ar->recv[r], bytes, d->stream);
                BCALL(bc, stream_sync, d->stream);
                *wrong += ar_count_wrong(ar->host, bytes / 4, ar->n);
        }
        return CUDA_SUCCESS;
}

static CUresult ar_size(struct ar_run *ar, size_t bytes)
{
        struct bench_cuda *bc = ar->bc;
        unsigned iters = bc->plan->ar_iters;
        struct snap_bench_ar_size rec;
        double algbw;
        float ms = 0;
        long wrong = 0;
        CUresult r;

        bench_set_op("all-reduce of %zu bytes over %d GPUs", bytes, ar->n);
        r = ar_launch(ar, bytes, iters / 5 + 1); /* warm-up */
        for (int k = 0; r == CUDA_SUCCESS && !ar->failed && k < ar->n; k++)
                BCALL(bc, event_record, bc->devs[k].ev[0], bc->devs[k].stream);
        if (r == CUDA_SUCCESS && !ar->failed)
                r = ar_launch(ar, bytes, iters);
        for (int k = 0; r == CUDA_SUCCESS && !ar->failed && k < ar->n; k++)
                BCALL(bc, event_record, bc->devs[k].ev[1], bc->devs[k].stream);
        if (r == CUDA_SUCCESS && !ar->failed)
                r = ar_wait(ar, bytes, iters + iters / 5 + 1);
        if (r == CUDA_SUCCESS && !ar->failed)
                r = ar_elapsed(ar, &ms);
        if (r == CUDA_SUCCESS && !ar->failed)
                r = ar_verify(ar, bytes, &wrong);
        if (r != CUDA_SUCCESS || ar->failed)
                return r;
        algbw = ms > 0 ? (double)bytes * iters / ((double)ms * 1e6) : 0;
        ar->us_per_byte = ms > 0 ? (double)ms * 1e3 / iters / bytes : 0;
        rec = (struct snap_bench_ar_size){
                .bytes = (int64_t)bytes, .iters = iters, .ms = ms, .algbw_gbps = algbw,
                /* busbw: the traffic each link of a ring carries (nccl-tests) */
                .busbw_gbps = algbw * 2.0 * (ar->n - 1) / ar->n, .wrong_values = wrong,
        };
        worker_emit("allreduce", snap_bench_ar_size_to_json(&rec));
        return CUDA_SUCCESS;
}

/* ---- the run -------------------------------------------------------------------- */

static int ar_load(struct ar_run *ar, struct bench_skip *skip)
{
        static const char *const sonames[] = { "libnccl.so.2", NULL };
        static const struct bench_lib lib = { "DLRIG_NCCL_LIB", sonames, nccl_specs,
                                              ARRAY_SIZE(nccl_specs) };
        _cleanup_free_ char *err = NULL;
        int r = bench_load(ar->bc->root, &lib, ar->bc->plan->nccl_lib, &ar->api, &err);

        if (r < 0) {
                strbuf_adds(&skip->why, err ? err : "failed");
                skip->library = "NCCL";
        }
        return r;
}

/* Frees what the run got, without breadcrumbs: destroys the communicators
 * that were not aborted. */
static void ar_release(struct ar_run *ar)
{
        struct bench_cuda *bc = ar->bc;

        for (int r = 0; r < ar->n; r++) {
                if (ar->comms[r])
                        ar->api.destroy(ar->comms[r]);
                if (bc->api.ctx_set(bc->devs[r].ctx) != CUDA_SUCCESS)
                        continue;
                if (ar->send[r])
                        bc->api.mem_free(ar->send[r]);
                if (ar->recv[r])
                        bc->api.mem_free(ar->recv[r]);
        }
        if (ar->host)
                bc->api.host_free(ar->host);
        free(ar->comms);
        free(ar->send);
        free(ar->recv);
}

CUresult bench_allreduce(struct bench_cuda *bc, struct bench_skip *skip)
{
        struct ar_run ar = { .bc = bc, .n = (int)bc->ndevs };
        struct drv_limits lim;
        CUresult r;

        if (ar_load(&ar, skip) < 0)
                return CUDA_SUCCESS;
        drv_limits_default(&lim);
        ar.deadline_ms = lim.call_timeout_ms;
        ar.comms = xcalloc(bc->ndevs, sizeof(*ar.comms));
        ar.send = xcalloc(bc->ndevs, sizeof(*ar.send));
        ar.recv = xcalloc(bc->ndevs, sizeof(*ar.recv));
        r = ar_buffers(&ar);
        if (r == CUDA_SUCCESS)
                r = ar_init(&ar);
        for (size_t i = 0, s; r == CUDA_SUCCESS && !ar.failed && (s = bench_ar_size(bc->plan, i));
             i++)
                r = ar_size(&ar, s);
        ar_release(&ar);
        return r;
}
