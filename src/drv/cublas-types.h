/* cublas-types.h - our declarations of the part of cuBLAS (libcublas.so)
 * that dlrig bench uses, as in NVIDIA's cublas_api.h and library_types.h
 * (proved by tests/unit/test-drv-layout.c). Enums whose values are all
 * non-negative have the type unsigned int; cublasGemmAlgo_t has -1
 * (CUBLAS_GEMM_DEFAULT) and is int. */
#pragma once

#include "drv-syms.h"

typedef unsigned int cublasStatus_t;      /* enum */
typedef unsigned int cublasOperation_t;   /* enum */
typedef int cublasGemmAlgo_t;             /* enum with -1 */
typedef unsigned int cublasComputeType_t; /* enum */
typedef unsigned int cudaDataType;        /* enum cudaDataType_t */
typedef struct cublasContext *cublasHandle_t;
/* the runtime API's name for a CUstream, as in driver_types.h */
typedef struct CUstream_st *cudaStream_t;

#define CUBLAS_RETURN_CODES(X)                                                                    \
        X(CUBLAS_STATUS_SUCCESS, 0, "success")                                                    \
        X(CUBLAS_STATUS_NOT_INITIALIZED, 1, "cuBLAS could not initialise (no CUDA context?)")     \
        X(CUBLAS_STATUS_ALLOC_FAILED, 3, "cuBLAS could not allocate memory")                      \
        X(CUBLAS_STATUS_INVALID_VALUE, 7, "invalid value")                                        \
        X(CUBLAS_STATUS_ARCH_MISMATCH, 8, "the GPU lacks a feature this call needs")              \
        X(CUBLAS_STATUS_MAPPING_ERROR, 11, "GPU memory access failed")                            \
        X(CUBLAS_STATUS_EXECUTION_FAILED, 13, "the GPU program failed to run")                    \
        X(CUBLAS_STATUS_INTERNAL_ERROR, 14, "internal cuBLAS error")                              \
        X(CUBLAS_STATUS_NOT_SUPPORTED, 15, "not supported")                                       \
        X(CUBLAS_STATUS_LICENSE_ERROR, 16, "license error")

#define CUBLAS_CONSTANTS(X)                                                                       \
        X(CUBLAS_OP_N, 0, "no transpose")                                                         \
        X(CUBLAS_OP_T, 1, "transpose")                                                            \
        X(CUBLAS_GEMM_DEFAULT, -1, "cuBLAS picks the algorithm")                                  \
        X(CUBLAS_COMPUTE_32F, 68, "FP32 accumulation")                                            \
        X(CUBLAS_COMPUTE_32F_FAST_TF32, 77, "FP32 with TF32 tensor cores")                        \
        X(CUDA_R_32F, 0, "float")                                                                 \
        X(CUDA_R_16BF, 14, "bfloat16")

enum { CUBLAS_RETURN_CODES(DRV_ENUM_CONST) };
enum { CUBLAS_CONSTANTS(DRV_ENUM_CONST) };
