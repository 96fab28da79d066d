/* bench-worker.c - the worker half of bench (bench.h): loads libcuda,
 * sets up each selected GPU (primary context, stream, events, two device
 * buffers, two pinned host buffers) and runs the measurements. Results
 * stream out as tagged JSON lines (drv/drv-worker.h's worker_emit), so
 * whatever was measured before a hang reaches the parent. */
#include "bench-cuda.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv/cuda-errors.h"
#include "drv/drv-worker.h"
#include "sys/sys-dl.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define BENCH_SPEC_(field, req, ret, args, ...)                                \
        { DRV_SYM_NAMES(__VA_ARGS__), req, offsetof(struct bench_cuda_api, field) },
static const struct dl_sym_spec bench_specs[] = { BENCH_CUDA_SYMS(BENCH_SPEC_) };
#define BENCH_NAME_(field, req, ret, args, ...) DRV_FIRST_NAME(__VA_ARGS__),
static const char *const bench_names[] = { BENCH_CUDA_SYMS(BENCH_NAME_) };

static char bench_op[128] = "setting up";

void bench_set_op(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(bench_op, sizeof(bench_op), fmt, ap);
        va_end(ap);
}

void bench_crumb(const char *call)
{
        worker_crumb("%s (%s)", call, bench_op);
}

const char *bench_current_op(void)
{
        return bench_op;
}

void bench_call_begin(enum bench_sym k)
{
        bench_crumb(bench_names[k]);
}

CUresult bench_call_failed(enum bench_sym k, CUresult r)
{
        json_t *j = json_pack("{s:s, s:s, s:i, s:s}", "call", bench_names[k], "op", bench_op,
                              "code", (int)r, "meaning",
                              cuda_errors_meaning(r) ? cuda_errors_meaning(r) : "unknown code");

        worker_emit("error", j);
        return r;
}

/* ---- data patterns --------------------------------------------------------- */

uint32_t bench_pattern(int ordinal, size_t i)
{
        /* never zero, different per device and per word: zeros, a stale
         * buffer or another GPU's data all count as wrong */
        return ((uint32_t)i * 2654435761u) ^ ((uint32_t)(ordinal + 1) * 0x9e3779b9u) ^ 1u;
}

void bench_fill(uint32_t *buf, size_t words, int ordinal)
{
        for (size_t i = 0; i < words; i++)
                buf[i] = bench_pattern(ordinal, i);
}

long bench_count_wrong(const uint32_t *buf, size_t words, int ordinal)
{
        long wrong = 0;

        for (size_t i = 0; i < words; i++)
                wrong += buf[i] != bench_pattern(ordinal, i);
        return wrong;
}

/* ---- timing ----------------------------------------------------------------- */

CUresult bench_mark_start(struct bench_cuda *bc, struct bench_dev *d)
{
        BCALL(bc, event_record, d->ev[0], d->stream);
        return CUDA_SUCCESS;
}

CUresult bench_mark_stop(struct bench_cuda *bc, struct bench_dev *d, float *ms)
{
        BCALL(bc, event_record, d->ev[1], d->stream);
        BCALL(bc, event_sync, d->ev[1]);
        BCALL(bc, elapsed, ms, d->ev[0], d->ev[1]);
        return CUDA_SUCCESS;
}

/* ---- setting up ------------------------------------------------------------- */

static CUresult bench_dev_open(struct bench_cuda *bc, struct bench_dev *d)
{
        size_t bytes = bc->plan->copy_bytes;
        char buf[sizeof(d->bus)] = ""; /* "0000:00:00.0" needs 13 */
        _cleanup_free_ char *bus = NULL;

        bench_set_op("setting up GPU %d", d->ordinal);
        BCALL(bc, device_get, &d->dev, d->ordinal);
        BCALL(bc, name, d->name, (int)sizeof(d->name), d->dev);
        d->name[sizeof(d->name) - 1] = '\0';
        BCALL(bc, pci_bus_id, buf, (int)sizeof(buf), d->dev);
        buf[sizeof(buf) - 1] = '\0';
        bus = pci_bus_id_normalize(buf);
        snprintf(d->bus, sizeof(d->bus), "%s", bus ? bus : buf);
        BCALL(bc, ctx_retain, &d->ctx, d->dev);
        BCALL(bc, ctx_set, d->ctx);
        BCALL(bc, stream_create, &d->stream, CU_STREAM_NON_BLOCKING);
        for (size_t i = 0; i < ARRAY_SIZE(d->ev); i++)
                BCALL(bc, event_create, &d->ev[i], CU_EVENT_DEFAULT);
        BCALL(bc, mem_alloc, &d->src, bytes);
        BCALL(bc, mem_alloc, &d->dst, bytes);
        BCALL(bc, host_alloc, (void **)&d->host_src, bytes, CU_MEMHOSTALLOC_PORTABLE);
        BCALL(bc, host_alloc, (void **)&d->host_dst, bytes, CU_MEMHOSTALLOC_PORTABLE);
        bench_fill(d->host_src, bytes / 4, d->ordinal);
        return CUDA_SUCCESS;
}

/* Frees what bench_dev_open got, without breadcrumbs: the run is over. */
static void bench_dev_close(struct bench_cuda *bc, struct bench_dev *d)
{
        if (!d->ctx || bc->api.ctx_set(d->ctx) != CUDA_SUCCESS)
                return;
        if (d->host_src)
                bc->api.host_free(d->host_src);
        if (d->host_dst)
                bc->api.host_free(d->host_dst);
        if (d->src)
                bc->api.mem_free(d->src);
        if (d->dst)
                bc->api.mem_free(d->dst);
        for (size_t i = 0; i < ARRAY_SIZE(d->ev); i++)
                if (d->ev[i])
                        bc->api.event_destroy(d->ev[i]);
        if (d->stream)
                bc->api.stream_destroy(d->stream);
        bc->api.ctx_release(d->dev);
}

int bench_load(const struct sysroot *root, const struct bench_lib *what, const char *file,
               void *api, char **reterr)
{
        struct dl_lib lib = { 0 };
        int r;

        r = sys_dl_open(root, what->env, what->sonames, &lib, reterr);
        if (r < 0 && file) { /* a wheel's copy: its message tells more */
                free(*reterr);
                *reterr = NULL;
                r = sys_dl_open_file(root, file, &lib, reterr);
        }
        if (r == 0)
                r = sys_dl_resolve(&lib, what->specs, what->nspecs, api, reterr);
        /* stays mapped until the worker exits: NVIDIA's libraries are not
         * unload-safe */
        sys_dl_close(&lib);
        return r;
}

static int bench_load_cuda(struct bench_cuda *bc)
{
        static const char *const sonames[] = { "libcuda.so.1", NULL };
        static const struct bench_lib cuda = { "DLRIG_CUDA_LIB", sonames, bench_specs,
                                               ARRAY_SIZE(bench_specs) };
        _cleanup_free_ char *err = NULL;
        int r = bench_load(bc->root, &cuda, NULL, &bc->api, &err);

        if (r < 0)
                worker_emit("error", json_pack("{s:s, s:s}", "op", "loading libcuda", "meaning",
                                               err ? err : "failed"));
        return r;
}

/* cuInit, the device count and the selection; emits the "bench" record. */
static CUresult bench_start(struct bench_cuda *bc)
{
        int version = 0, count = 0;

        bench_set_op("initialising CUDA");
        BCALL(bc, driver_version, &version);
        BCALL(bc, init, 0);
        BCALL(bc, device_count, &count);
        worker_emit("bench", json_pack("{s:i, s:i, s:I, s:I, s:I}", "driver_version", version,
                                       "device_count", count, "copy_bytes",
                                       (json_int_t)bc->plan->copy_bytes, "copy_iters",
                                       (json_int_t)bc->plan->copy_iters, "lat_iters",
                                       (json_int_t)bc->plan->lat_iters));
        bc->devs = xcalloc((size_t)(count > 0 ? count : 1), sizeof(*bc->devs));
        for (int i = 0; i < count && i < BENCH_MAX_GPUS; i++)
                if (bench_plan_wants(bc->plan, i))
                        bc->devs[bc->ndevs++].ordinal = i;
        return CUDA_SUCCESS;
}

/* Sets up CUDA and the selected GPUs, then runs the registry of cases. */
static CUresult bench_measure(struct bench_cuda *bc)
{
        CUresult r = bench_start(bc);

        for (size_t i = 0; r == CUDA_SUCCESS && i < bc->ndevs; i++)
                r = bench_dev_open(bc, &bc->devs[i]);
        if (r == CUDA_SUCCESS)
                r = bench_run_cases(bc);
        return r;
}

int bench_worker_main(const struct sysroot *root, const struct bench_plan *p)
{
        struct bench_cuda bc = { .plan = p, .root = root };
        CUresult r;

        if (bench_load_cuda(&bc) < 0)
                return 0; /* the error record says why */
        r = bench_measure(&bc);
        for (size_t i = 0; i < bc.ndevs; i++)
                bench_dev_close(&bc, &bc.devs[i]);
        free(bc.devs);
        worker_emit("done", json_pack("{s:b}", "complete", r == CUDA_SUCCESS));
        return 0;
}
