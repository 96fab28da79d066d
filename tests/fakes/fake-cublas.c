/* fake-cublas.c - a fake libcublas.so for dlrig bench's GEMM: no
 * arithmetic, only time. cublasGemmEx advances its stream's clock in the
 * fake libcuda (fake-cuda-clock.h) by 2 m n k / rate, the rate being the
 * device's "Gemm" entry of the description's "cublas" section (README.md):
 * {"bf16_tflops": ..., "fp32_tflops": ...}, so bench's TFLOP/s are the
 * modelled ones. The product itself is computed for real, once per handle
 * (the timed loop repeats one GEMM), so a verifying reader sees it;
 * "wrong": true leaves C zero. The entry may also hang or return a code
 * ("ret"), like any entry; a type bench does not ask for is
 * CUBLAS_STATUS_NOT_SUPPORTED. A "Gemm" entry with "workspace_bytes" runs
 * at "own_workspace_share" of its rate on a handle whose workspace
 * (cublasSetWorkspace_v2) is smaller, as an H200's cuBLAS picks a slower
 * kernel on its default workspace. cublasSetWorkspace_v2 answers an
 * optional "SetWorkspace" entry (a "ret" code); built with
 * FAKE_CUBLAS_NO_WORKSPACE (cublas11/, libcublas.so.11) it is not
 * exported at all, as in a libcublas that lacks it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drv/cublas-types.h"
#include "drv/cublas-syms.h"
#include "fake-cuda-clock.h"
#include "fake-desc.h"

#define FAKE_EXPORT __attribute__((visibility("default")))
#define FAKE_BLAS_DECL_(ret, args, name) FAKE_EXPORT ret name args;
#define FAKE_BLAS_ROW_(field, req, ret, args, ...)                             \
        DRV_EACH_NAME(FAKE_BLAS_DECL_, ret, args, __VA_ARGS__)
CUBLAS_SYMS(FAKE_BLAS_ROW_)

#define FAKE_CODE_(name, value, ...) { #name, (value) },
static const struct fake_code fake_cublas_codes[] = { CUBLAS_RETURN_CODES(FAKE_CODE_) };

static const struct fake_lib fake_cublas = {
        "fake-cublas", "cublas", fake_cublas_codes,
        sizeof(fake_cublas_codes) / sizeof(fake_cublas_codes[0]), CUBLAS_STATUS_INTERNAL_ERROR,
};

struct cublasContext {
        int dev;
        CUstream stream;
        const void *done_c;  /* the C already computed on this handle */
        size_t ws_bytes;     /* the workspace set on it; 0: cuBLAS's own */
};

/* Element idx of a matrix of type t as a float. */
static float fake_get(const void *m, cudaDataType t, size_t idx)
{
        float f;

        if (t == CUDA_R_16BF) {
                uint16_t h;
                uint32_t bits;

                memcpy(&h, (const char *)m + 2 * idx, 2);
                bits = (uint32_t)h << 16;
                memcpy(&f, &bits, 4);
        } else {
                memcpy(&f, (const char *)m + 4 * idx, 4);
        }
        return f;
}

/* Stores f at idx, bfloat16 rounded to nearest even. */
static void fake_put(void *m, cudaDataType t, size_t idx, float f)
{
        if (t == CUDA_R_16BF) {
                uint32_t bits;
                uint16_t h;

                memcpy(&bits, &f, 4);
                h = (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
                memcpy((char *)m + 2 * idx, &h, 2);
        } else {
                memcpy((char *)m + 4 * idx, &f, 4);
        }
}

struct fake_gemm {
        cublasOperation_t ta, tb;
        int m, n, k, lda, ldb, ldc;
        const void *A, *B;
        void *C;
        cudaDataType at, ct;
        float alpha, beta;
};

/* op(M) of an r x c result as floats, row by row of op(M)'s columns: out[x
 * + col * r] = op(M)[x, col], so the inner loop runs over contiguous x. */
static float *fake_unpack(const void *m, cudaDataType t, cublasOperation_t op, int ld, int r,
                          int c)
{
        float *out = malloc((size_t)r * (size_t)c * sizeof(*out));

        if (!out)
                abort(); /* a test fake: out of memory is the end */
        for (int col = 0; col < c; col++)
                for (int x = 0; x < r; x++)
                        out[(size_t)x + (size_t)col * r] =
                                fake_get(m, t, op == CUBLAS_OP_N ? (size_t)x + (size_t)col * ld
                                                                 : (size_t)col + (size_t)x * ld);
        return out;
}

/* C = alpha op(A) op(B) + beta C, column-major, accumulated in float; the
 * inputs are unpacked once so the loops stay cheap under sanitizers. */
static void fake_compute(const struct fake_gemm *g, int wrong)
{
        /* At[x + i*k] = op(A)[i, x]: A transposed, so the dot product is contiguous */
        float *at = fake_unpack(g->A, g->at, g->ta == CUBLAS_OP_N ? CUBLAS_OP_T : CUBLAS_OP_N,
                                g->lda, g->k, g->m);
        float *b = fake_unpack(g->B, g->at, g->tb, g->ldb, g->k, g->n);

        for (int j = 0; j < g->n; j++)
                for (int i = 0; i < g->m; i++) {
                        size_t ci = (size_t)i + (size_t)j * g->ldc;
                        const float *ar = at + (size_t)i * g->k, *bc = b + (size_t)j * g->k;
                        float acc = 0;

                        for (int x = 0; !wrong && x < g->k; x++)
                                acc += ar[x] * bc[x];
                        fake_put(g->C, g->ct, ci, wrong ? 0.0f
                                 : g->alpha * acc + (g->beta != 0 ? g->beta * fake_get(g->C, g->ct, ci) : 0));
                }
        free(at);
        free(b);
}

cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)
{
        int dev = fake_cuda_current_dev();

        if (!handle)
                return CUBLAS_STATUS_INVALID_VALUE;
        if (dev < 0)
                return CUBLAS_STATUS_NOT_INITIALIZED;
        if (!(*handle = calloc(1, sizeof(**handle))))
                return CUBLAS_STATUS_ALLOC_FAILED;
        (*handle)->dev = dev;
        return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)
{
        if (!handle)
                return CUBLAS_STATUS_NOT_INITIALIZED;
        free(handle);
        return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t streamId)
{
        if (!handle)
                return CUBLAS_STATUS_NOT_INITIALIZED;
        if (streamId && fake_cuda_stream_dev(streamId) != handle->dev)
                return CUBLAS_STATUS_INVALID_VALUE; /* a stream of another GPU */
        handle->stream = streamId;
        return CUBLAS_STATUS_SUCCESS;
}

#ifndef FAKE_CUBLAS_NO_WORKSPACE
cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t handle, void *workspace,
                                     size_t workspaceSizeInBytes)
{
        json_t *v = NULL;
        int r;

        if (!handle)
                return CUBLAS_STATUS_NOT_INITIALIZED;
        if (workspaceSizeInBytes && !fake_cuda_mem(workspace, workspaceSizeInBytes))
                return CUBLAS_STATUS_INVALID_VALUE; /* not device memory of that size */
        r = fake_desc_call(&fake_cublas, handle->dev, "SetWorkspace", 0, &v); /* may hang */
        if (r > 0)
                return (cublasStatus_t)r;
        handle->ws_bytes = workspaceSizeInBytes;
        return CUBLAS_STATUS_SUCCESS;
}
#endif

/* The share of its rate a GPU reaches on a handle's workspace: the
 * entry's "own_workspace_share" below its "workspace_bytes", else 1. */
static double fake_workspace_share(json_t *gemm, cublasHandle_t handle)
{
        json_t *need = json_object_get(gemm, "workspace_bytes");

        if (!need || handle->ws_bytes >= (size_t)json_integer_value(need))
                return 1.0;
        return json_number_value(json_object_get(gemm, "own_workspace_share"));
}

/* The modelled rate in TFLOP/s for these types, 0 when not supported. */
static double fake_rate(json_t *gemm, cudaDataType a, cudaDataType c, cublasComputeType_t ct)
{
        if (ct != CUBLAS_COMPUTE_32F)
                return 0;
        if (a == CUDA_R_16BF && (c == CUDA_R_16BF || c == CUDA_R_32F))
                return json_number_value(json_object_get(gemm, "bf16_tflops"));
        if (a == CUDA_R_32F && c == CUDA_R_32F)
                return json_number_value(json_object_get(gemm, "fp32_tflops"));
        return 0;
}

cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa,
                            cublasOperation_t transb, int m, int n, int k, const void *alpha,
                            const void *A, cudaDataType Atype, int lda, const void *B,
                            cudaDataType Btype, int ldb, const void *beta, void *C,
                            cudaDataType Ctype, int ldc, cublasComputeType_t computeType,
                            cublasGemmAlgo_t algo)
{
        json_t *gemm = NULL;
        double rate;
        int r;

        (void)algo;
        if (!handle)
                return CUBLAS_STATUS_NOT_INITIALIZED;
        if (m <= 0 || n <= 0 || k <= 0 || !alpha || !beta || !A || !B || !C || Atype != Btype ||
            transa > CUBLAS_OP_T || transb > CUBLAS_OP_T ||
            lda < (transa == CUBLAS_OP_N ? m : k) || ldb < (transb == CUBLAS_OP_N ? k : n) ||
            ldc < m)
                return CUBLAS_STATUS_INVALID_VALUE;
        r = fake_desc_call(&fake_cublas, handle->dev, "Gemm", 1, &gemm); /* may hang */
        if (r != 0)
                return (cublasStatus_t)r;
        rate = fake_rate(gemm, Atype, Ctype, computeType) * fake_workspace_share(gemm, handle);
        if (rate <= 0)
                return CUBLAS_STATUS_NOT_SUPPORTED;
        if (!fake_cuda_mem(A, (size_t)lda * (transa == CUBLAS_OP_N ? k : m) * (Atype == CUDA_R_16BF ? 2 : 4)) ||
            !fake_cuda_mem(B, (size_t)ldb * (transb == CUBLAS_OP_N ? n : k) * (Btype == CUDA_R_16BF ? 2 : 4)) ||
            !fake_cuda_mem(C, (size_t)ldc * n * (Ctype == CUDA_R_16BF ? 2 : 4)))
                return CUBLAS_STATUS_INVALID_VALUE; /* would fault on a GPU */
        if (handle->done_c != C) {
                struct fake_gemm g = { transa, transb, m, n, k, lda, ldb, ldc, A, B, C,
                                       Atype, Ctype, *(const float *)alpha, *(const float *)beta };

                fake_compute(&g, json_is_true(json_object_get(gemm, "wrong")));
                handle->done_c = C;
        }
        /* rate x 1e12 FLOP/s is rate x 1e6 FLOP per microsecond */
        fake_cuda_stream_set_time(handle->stream, fake_cuda_stream_time(handle->stream) +
                                  2.0 * m * n * k / (rate * 1e6));
        return CUBLAS_STATUS_SUCCESS;
}
