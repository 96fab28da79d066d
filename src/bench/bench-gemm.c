/* bench-gemm.c - every selected GPU's matrix-multiply rate through cuBLAS
 * (docs/bench.md): C = A x B, all n x n, cublasGemmEx with BF16 inputs and
 * output and FP32 accumulation (what PyTorch's bf16 matmul asks for), then
 * FP32 throughout without TF32 (CUBLAS_COMPUTE_32F, the default math mode).
 * The handle gets a workspace of PyTorch's size (32 MiB on Hopper and
 * Blackwell, 8 MiB + 128 KiB elsewhere: docs/bench.md "Against PyTorch"): with cuBLAS's smaller default, its heuristic on an H200 picks
 * a kernel 6% slower at 8192^3. A libcublas without cublasSetWorkspace_v2,
 * or one that refuses it, runs on its own workspace and the record says so.
 * Untimed GEMMs bring the clocks up and let cuBLAS pick its kernel, then
 * as many are timed by CUDA events on the GPU's stream (gemm_iters, fewer
 * where they would take over a second): TFLOP/s = 2 n^3 x iters / elapsed. The inputs hold pseudo-random
 * values in [-1, 1): zeros would draw less power and flatter the figure.
 * Afterwards 16 elements of C are read back and compared with the host's
 * sum: a fast GEMM that computes garbage is a failure (bench.gemm-wrong).
 *
 * cuBLAS is optional: without it the "gemm" case is skipped with the
 * loader's reason (bench-cases.c) and bench goes on. A cuBLAS error (BF16 on a GPU without it) is that figure's
 * error, not the run's. */
#include "bench-cuda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv/drv-worker.h"
#include "snap/snap-json.h"
#include "util/cleanup.h"

#define CUBLAS_SPEC_(field, req, ret, args, ...)                               \
        { DRV_SYM_NAMES(__VA_ARGS__), req, offsetof(struct cublas_api, field) },
static const struct dl_sym_spec cublas_specs[] = { CUBLAS_SYMS(CUBLAS_SPEC_) };
#define CUBLAS_NAME_(field, req, ret, args, ...) DRV_FIRST_NAME(__VA_ARGS__),
static const char *const cublas_names[] = { CUBLAS_SYMS(CUBLAS_NAME_) };

#define CUBLAS_CODE_(name, value, meaning) { value, #name " (" meaning ")" },
static const struct {
        unsigned code;
        const char *text;
} cublas_codes[] = { CUBLAS_RETURN_CODES(CUBLAS_CODE_) };

/* The longest timed batch, so a slow GPU stays inside the parent's
 * per-operation deadline. */
#define GEMM_BATCH_MS 1000.0

struct gemm_kind {
        enum snap_dtype dtype; /* its name: snap_dtype_key() */
        cudaDataType type;
        size_t elt;            /* bytes per element */
};

static const struct gemm_kind gemm_kinds[] = {
        { SNAP_BF16, CUDA_R_16BF, 2 },
        { SNAP_FP32, CUDA_R_32F, 4 },
};

/* Elements of C checked against the host's sum after the timed GEMMs, and
 * how far off (a share of the sum of the products' magnitudes) is wrong;
 * both go with the figure, so the finding quotes them. */
#define GEMM_SAMPLES 16
#define GEMM_TOLERANCE 1e-3

/* One GPU's run of one kind: its buffers and its cuBLAS handle. */
struct gemm_run {
        struct bench_cuda *bc;
        struct cublas_api *blas;
        struct bench_dev *d;
        const struct gemm_kind *k;
        CUdeviceptr a, b, c;
        cublasHandle_t h;
        CUdeviceptr ws;   /* the workspace given to cuBLAS, or 0 */
        size_t ws_bytes;
        char ws_note[200]; /* where ws_bytes comes from when not PyTorch's default, or "" */
        char error[160];  /* the failed cuBLAS call, or "" */
        long wrong;       /* sampled elements of C that are not A x B */
};

/* Announces a cuBLAS call and makes it; a failure is the figure's error. */
#define BLAS(g, fn, ...)                                                       \
        do {                                                                   \
                cublasStatus_t s_;                                             \
                bench_crumb(cublas_names[CUBLAS_SYM_##fn]);                    \
                s_ = (g)->blas->fn(__VA_ARGS__);                               \
                if (s_ != CUBLAS_STATUS_SUCCESS)                               \
                        return blas_failed((g), CUBLAS_SYM_##fn, s_);          \
        } while (0)

static CUresult blas_failed(struct gemm_run *g, enum cublas_sym k, cublasStatus_t s)
{
        const char *text = "unknown status";

        for (size_t i = 0; i < ARRAY_SIZE(cublas_codes); i++)
                if (cublas_codes[i].code == s)
                        text = cublas_codes[i].text;
        snprintf(g->error, sizeof(g->error), "%s returned %u: %s", cublas_names[k], s, text);
        return CUDA_SUCCESS; /* the run goes on */
}

/* Pseudo-random values in [-1, 1) as n x n elements of kind k. */
static void gemm_fill(void *host, size_t n, const struct gemm_kind *k)
{
        for (size_t i = 0; i < n * n; i++) {
                float f = (float)(bench_pattern(0, i) >> 8) / (float)(1u << 23) - 1.0f;
                uint32_t bits;

                memcpy(&bits, &f, sizeof(bits));
                if (k->elt == 2) {
                        uint16_t h = (uint16_t)(bits >> 16); /* bfloat16: the top half */
                        memcpy((char *)host + 2 * i, &h, 2);
                } else {
                        memcpy((char *)host + 4 * i, &f, 4);
                }
        }
}

/* Element idx of the host's input as a float (bfloat16: the top half). */
static double gemm_value(const void *host, const struct gemm_kind *k, size_t idx)
{
        float f;

        if (k->elt == 2) {
                uint16_t h;
                uint32_t bits;

                memcpy(&h, (const char *)host + 2 * idx, 2);
                bits = (uint32_t)h << 16;
                memcpy(&f, &bits, 4);
        } else {
                memcpy(&f, (const char *)host + 4 * idx, 4);
        }
        return f;
}

/* Whether got is C[i,j] of A x B (A = B = host, column-major): the sum in
 * double, within 0.1% of the sum of |products| (accumulation order) plus,
 * for BF16, the output's rounding. */
static bool gemm_check_one(const void *host, const struct gemm_kind *k, size_t n, size_t i,
                           size_t j, double got)
{
        double ref = 0, mag = 0, tol;

        for (size_t x = 0; x < n; x++) {
                double p = gemm_value(host, k, i + x * n) * gemm_value(host, k, x + j * n);

                ref += p;
                mag += p < 0 ? -p : p;
        }
        tol = GEMM_TOLERANCE * mag + (k->elt == 2 ? (ref < 0 ? -ref : ref) / 128 : 0);
        return got - ref <= tol && ref - got <= tol;
}

/* Reads GEMM_SAMPLES elements of C back and counts the wrong ones. */
static CUresult gemm_verify(struct gemm_run *g, const void *host)
{
        struct bench_cuda *bc = g->bc;
        size_t n = bc->plan->gemm_n, pos[GEMM_SAMPLES][2];
        unsigned char *back = (unsigned char *)g->d->host_dst;

        bench_set_op("%s GEMM, GPU %d: reading C back to verify it", snap_dtype_key(g->k->dtype), g->d->ordinal);
        for (size_t s = 0; s < GEMM_SAMPLES; s++) {
                pos[s][0] = (s * 2654435761u + 3) % n;
                pos[s][1] = (s * 40503u + 7) % n;
                BCALL(bc, dtoh, back + s * g->k->elt,
                      g->c + (pos[s][0] + pos[s][1] * n) * g->k->elt, g->k->elt, g->d->stream);
        }
        BCALL(bc, stream_sync, g->d->stream);
        for (size_t s = 0; s < GEMM_SAMPLES; s++)
                g->wrong += !gemm_check_one(host, g->k, n, pos[s][0], pos[s][1],
                                            gemm_value(back, g->k, s));
        return CUDA_SUCCESS;
}

/* PyTorch's cuBLAS workspace for a GPU of compute capability major.x
 * (parseChosenWorkspaceSize in aten/src/ATen/cuda/CublasHandlePool.cpp):
 * 32 MiB on Hopper (9) and Blackwell (10, 12; 11 since pytorch#189312),
 * as cuBLAS recommends, else cuBLAS's default ":4096:2:16:8" (2 x 4 MiB +
 * 8 x 16 KiB). */
size_t bench_gemm_workspace_bytes(int major)
{
        if (major >= 9 && major <= 12)
                return (size_t)32 << 20;
        return ((size_t)4096 * 2 + (size_t)16 * 8) << 10;
}

/* The size PyTorch would give cuBLAS on this GPU: its default for the
 * compute capability, or CUBLAS_WORKSPACE_CONFIG, which PyTorch (and
 * cuBLAS) read in the process, as the worker does here. */
static CUresult gemm_workspace_size(struct gemm_run *g)
{
        const char *cfg = getenv("CUBLAS_WORKSPACE_CONFIG");
        int major = 0;
        size_t bytes;

        BCALL(g->bc, attr, &major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, g->d->dev);
        g->ws_bytes = bench_gemm_workspace_bytes(major);
        if (!cfg)
                return CUDA_SUCCESS;
        if (bench_workspace_config(cfg, &bytes) < 0) {
                snprintf(g->ws_note, sizeof(g->ws_note),
                         "PyTorch's default: CUBLAS_WORKSPACE_CONFIG not understood (no :KiB:COUNT, or past 4 GiB)");
                return CUDA_SUCCESS;
        }
        g->ws_bytes = bytes;
        snprintf(g->ws_note, sizeof(g->ws_note), bytes ? "from CUBLAS_WORKSPACE_CONFIG, as PyTorch reads it"
                                                       : "none: CUBLAS_WORKSPACE_CONFIG asks for none");
        return CUDA_SUCCESS;
}

/* Gives the handle a workspace as PyTorch does. A missing symbol or a
 * refusal is no error: cuBLAS then uses its own, and ws_note says why. */
static CUresult gemm_workspace(struct gemm_run *g)
{
        cublasStatus_t s;
        CUresult r;

        if (!g->blas->set_workspace) {
                snprintf(g->ws_note, sizeof(g->ws_note), "cuBLAS's own: %s is not in this libcublas",
                         cublas_names[CUBLAS_SYM_set_workspace]);
                return CUDA_SUCCESS;
        }
        r = gemm_workspace_size(g);
        if (r == CUDA_SUCCESS && g->ws_bytes)
                BCALL(g->bc, mem_alloc, &g->ws, g->ws_bytes);
        if (r != CUDA_SUCCESS)
                return r;
        bench_crumb(cublas_names[CUBLAS_SYM_set_workspace]);
        s = g->blas->set_workspace(g->h, (void *)(uintptr_t)g->ws, g->ws_bytes);
        if (s != CUBLAS_STATUS_SUCCESS) {
                blas_failed(g, CUBLAS_SYM_set_workspace, s);
                snprintf(g->ws_note, sizeof(g->ws_note), "cuBLAS's own: %s", g->error);
                g->error[0] = '\0'; /* the GEMMs go on, on cuBLAS's own workspace */
                g->ws_bytes = 0;
        }
        return CUDA_SUCCESS;
}

static CUresult gemm_launch(struct gemm_run *g, unsigned count)
{
        int n = (int)g->bc->plan->gemm_n;
        const float alpha = 1.0f, beta = 0.0f;

        for (unsigned i = 0; i < count; i++)
                BLAS(g, gemm_ex, g->h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &alpha,
                     (const void *)(uintptr_t)g->a, g->k->type, n, (const void *)(uintptr_t)g->b,
                     g->k->type, n, &beta, (void *)(uintptr_t)g->c, g->k->type, n,
                     CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
        return CUDA_SUCCESS;
}

/* How many GEMMs to time: the plan's, fewer on a GPU so slow that they
 * would take over a second (the parent's per-operation deadline is 5 s),
 * judged by one GEMM timed alone after the first, which picks the kernel. */
static CUresult gemm_count(struct gemm_run *g, unsigned *iters)
{
        float ms = 0;
        CUresult r;

        *iters = g->bc->plan->gemm_iters;
        r = gemm_launch(g, 1);
        if (r == CUDA_SUCCESS && !g->error[0])
                r = bench_mark_start(g->bc, g->d);
        if (r == CUDA_SUCCESS && !g->error[0])
                r = gemm_launch(g, 1);
        if (r == CUDA_SUCCESS && !g->error[0])
                r = bench_mark_stop(g->bc, g->d, &ms);
        if (ms > 0 && (double)ms * *iters > GEMM_BATCH_MS)
                *iters = (unsigned)(GEMM_BATCH_MS / ms) > 2 ? (unsigned)(GEMM_BATCH_MS / ms) : 2;
        return r;
}

/* Buffers filled from host, a handle on the GPU's stream, the warm-up and
 * the timed GEMMs. *ms stays 0 when cuBLAS failed (g->error). */
static CUresult gemm_time(struct gemm_run *g, void *host, unsigned *iters, float *ms)
{
        struct bench_cuda *bc = g->bc;
        struct bench_dev *d = g->d;
        size_t bytes = (size_t)bc->plan->gemm_n * bc->plan->gemm_n * g->k->elt;
        CUresult r;

        BCALL(bc, ctx_set, d->ctx);
        BCALL(bc, mem_alloc, &g->a, bytes);
        BCALL(bc, mem_alloc, &g->b, bytes);
        BCALL(bc, mem_alloc, &g->c, bytes);
        BCALL(bc, htod, g->a, host, bytes, d->stream);
        BCALL(bc, htod, g->b, host, bytes, d->stream);
        BCALL(bc, stream_sync, d->stream);
        BLAS(g, create, &g->h);
        BLAS(g, set_stream, g->h, d->stream);
        r = gemm_workspace(g);
        if (r == CUDA_SUCCESS)
                r = gemm_count(g, iters);
        if (r == CUDA_SUCCESS && !g->error[0])
                r = gemm_launch(g, *iters); /* warm-up: clocks up, as many as timed */
        /* no wait here: the start event is recorded as the warm-up ends, so
         * the host's launch of the first timed GEMM is not timed */
        if (r == CUDA_SUCCESS && !g->error[0])
                r = bench_mark_start(bc, d);
        if (r == CUDA_SUCCESS && !g->error[0])
                r = gemm_launch(g, *iters);
        if (r == CUDA_SUCCESS && !g->error[0])
                r = bench_mark_stop(bc, d, ms);
        if (r == CUDA_SUCCESS && !g->error[0])
                r = gemm_verify(g, host);
        return r;
}

/* Frees what gemm_time got, without breadcrumbs (as bench_dev_close). */
static void gemm_release(struct gemm_run *g)
{
        if (g->h)
                g->blas->destroy(g->h);
        if (g->a)
                g->bc->api.mem_free(g->a);
        if (g->b)
                g->bc->api.mem_free(g->b);
        if (g->c)
                g->bc->api.mem_free(g->c);
        if (g->ws)
                g->bc->api.mem_free(g->ws);
}

static CUresult gemm_one(struct bench_cuda *bc, struct cublas_api *blas, struct bench_dev *d,
                         const struct gemm_kind *k, void *host)
{
        struct gemm_run g = { .bc = bc, .blas = blas, .d = d, .k = k };
        double n = bc->plan->gemm_n, flops;
        unsigned iters = 0;
        float ms = 0;
        struct snap_bench_gemm rec;
        CUresult r;

        bench_set_op("%s GEMM %u^3, GPU %d", snap_dtype_key(k->dtype), bc->plan->gemm_n, d->ordinal);
        r = gemm_time(&g, host, &iters, &ms);
        gemm_release(&g);
        flops = 2.0 * n * n * n * iters;
        rec = (struct snap_bench_gemm){
                .index = d->ordinal, .dtype = (char *)snap_dtype_key(k->dtype),
                .n = bc->plan->gemm_n, .iters = iters, .ms = ms,
                .tflops = ms > 0 ? flops / ((double)ms * 1e9) : 0.0, .samples = GEMM_SAMPLES,
                .wrong_samples = g.wrong, .tolerance = GEMM_TOLERANCE,
                .error = g.error[0] ? g.error : NULL, .workspace_bytes = (int64_t)g.ws_bytes,
                .workspace_note = g.ws_note[0] ? g.ws_note : NULL,
        };
        worker_emit("gemm", snap_bench_gemm_to_json(&rec)); /* borrows rec's strings */
        return r;
}

static int gemm_load(struct bench_cuda *bc, struct cublas_api *blas, struct bench_skip *skip)
{
        /* the soname carries the toolkit's major version: newest first */
        static const char *const sonames[] = { "libcublas.so.13", "libcublas.so.12",
                                               "libcublas.so.11", NULL };
        static const struct bench_lib lib = { "DLRIG_CUBLAS_LIB", sonames, cublas_specs,
                                              ARRAY_SIZE(cublas_specs) };
        _cleanup_free_ char *err = NULL;
        int r = bench_load(bc->root, &lib, bc->plan->cublas_lib, blas, &err);

        if (r < 0) {
                strbuf_adds(&skip->why, err ? err : "failed");
                skip->library = "cuBLAS";
        }
        return r;
}

CUresult bench_gemms(struct bench_cuda *bc, struct bench_skip *skip)
{
        size_t n = bc->plan->gemm_n;
        struct cublas_api blas;
        void *host = NULL;
        CUresult r = CUDA_SUCCESS;

        if (gemm_load(bc, &blas, skip) < 0)
                return CUDA_SUCCESS;
        bench_set_op("pinned host memory for the GEMM inputs");
        BCALL(bc, ctx_set, bc->devs[0].ctx);
        BCALL(bc, host_alloc, &host, n * n * 4, CU_MEMHOSTALLOC_PORTABLE);
        /* kind by kind: the inputs are filled once per kind */
        for (size_t k = 0; r == CUDA_SUCCESS && k < ARRAY_SIZE(gemm_kinds); k++) {
                gemm_fill(host, n, &gemm_kinds[k]);
                for (size_t i = 0; r == CUDA_SUCCESS && i < bc->ndevs; i++)
                        r = gemm_one(bc, &blas, &bc->devs[i], &gemm_kinds[k], host);
        }
        bc->api.host_free(host);
        return r;
}
