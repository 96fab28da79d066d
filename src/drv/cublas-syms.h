/* cublas-syms.h - the cuBLAS entry points dlrig bench calls (row format in
 * drv-syms.h). cublasCreate, cublasDestroy and cublasSetStream are macros
 * for the _v2 exports in cublas_v2.h; the unversioned exports belong to
 * the legacy API and are no fallback. cublasSetWorkspace_v2 (the export
 * behind cublas_v2.h's cublasSetWorkspace) is optional: without it bench
 * runs its GEMMs on cuBLAS's own workspace and says so. Include
 * cublas-types.h (or, in the layout test, cublas_api.h) first. */
#pragma once

#include "drv-syms.h"

#define CUBLAS_SYMS(X)                                                                            \
        X(create, REQUIRED, cublasStatus_t, (cublasHandle_t *), cublasCreate_v2)                  \
        X(destroy, REQUIRED, cublasStatus_t, (cublasHandle_t), cublasDestroy_v2)                  \
        X(set_stream, REQUIRED, cublasStatus_t, (cublasHandle_t, cudaStream_t), cublasSetStream_v2)\
        X(set_workspace, OPTIONAL, cublasStatus_t, (cublasHandle_t, void *, size_t),              \
          cublasSetWorkspace_v2)                                                                  \
        X(gemm_ex, REQUIRED, cublasStatus_t,                                                      \
          (cublasHandle_t, cublasOperation_t, cublasOperation_t, int, int, int, const void *,     \
           const void *, cudaDataType, int, const void *, cudaDataType, int, const void *,        \
           void *, cudaDataType, int, cublasComputeType_t, cublasGemmAlgo_t),                     \
          cublasGemmEx)

struct cublas_api {
        CUBLAS_SYMS(DRV_API_FIELD)
};

#define CUBLAS_SYM_ENUM_(field, ...) CUBLAS_SYM_##field,
enum cublas_sym { CUBLAS_SYMS(CUBLAS_SYM_ENUM_) CUBLAS_SYM_MAX };
