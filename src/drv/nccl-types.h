/* nccl-types.h - our declarations of the part of NCCL (libnccl.so.2) that
 * dlrig bench uses, as in NVIDIA's nccl.h (src/nccl.h.in of NVIDIA/nccl;
 * proved against the nccl.h of CUDA 13.0's NCCL 2.28 by
 * tests/unit/test-drv-layout.c). The values have been stable since NCCL
 * 2.0 (ncclBfloat16 since 2.10, ncclInProgress since 2.14). All enums are
 * non-negative, hence unsigned int. */
#pragma once

#include "drv-syms.h"

typedef unsigned int ncclResult_t;   /* enum */
typedef unsigned int ncclDataType_t; /* enum */
typedef unsigned int ncclRedOp_t;    /* enum */
typedef struct ncclComm *ncclComm_t;
/* the runtime API's name for a CUstream, as in driver_types.h */
typedef struct CUstream_st *cudaStream_t;

#define NCCL_RETURN_CODES(X)                                                                      \
        X(ncclSuccess, 0, "success")                                                              \
        X(ncclUnhandledCudaError, 1, "a CUDA call inside NCCL failed")                            \
        X(ncclSystemError, 2, "a system call failed (shared memory, sockets, /dev/shm size)")     \
        X(ncclInternalError, 3, "internal NCCL error")                                            \
        X(ncclInvalidArgument, 4, "invalid argument")                                             \
        X(ncclInvalidUsage, 5, "invalid usage")                                                   \
        X(ncclRemoteError, 6, "a remote peer failed")                                             \
        X(ncclInProgress, 7, "the operation is still in progress")

/* ncclCommInitRank's rendezvous token; bench uses ncclCommInitAll, which
 * needs none, but the size is NCCL's ABI. */
#define NCCL_UNIQUE_ID_BYTES 128

#define NCCL_CONSTANTS(X)                                                                         \
        X(ncclFloat32, 7, "float")                                                                \
        X(ncclBfloat16, 9, "bfloat16")                                                            \
        X(ncclSum, 0, "sum")

enum { NCCL_RETURN_CODES(DRV_ENUM_CONST) };
enum { NCCL_CONSTANTS(DRV_ENUM_CONST) };
