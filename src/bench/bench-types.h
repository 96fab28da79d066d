/* bench-types.h - the CUDA driver API types and constants that bench uses
 * beyond doctor's (drv/cuda-types.h), laid out as in NVIDIA's cuda.h
 * (CUDA 13.0): opaque handles are pointers to incomplete structs, a device
 * pointer is an unsigned long long on 64-bit hosts. Proven against cuda.h
 * in tests/unit/test-drv-layout.c. */
#pragma once

#include "drv/cuda-types.h"

typedef unsigned long long CUdeviceptr_v2;
typedef CUdeviceptr_v2 CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;
typedef unsigned int CUdevice_P2PAttribute; /* enum CUdevice_P2PAttribute_enum */

#define BENCH_CUDA_CONSTS(X)                                                                      \
        X(CU_DEVICE_P2P_ATTRIBUTE_PERFORMANCE_RANK, 0x01, "relative performance of the link")    \
        X(CU_DEVICE_P2P_ATTRIBUTE_ACCESS_SUPPORTED, 0x02, "P2P access is possible")              \
        X(CU_STREAM_NON_BLOCKING, 0x1, "no implicit sync with the NULL stream")                   \
        X(CU_EVENT_DEFAULT, 0x0, "an event that records time")                                    \
        X(CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED, 704, "peer access already enabled")

enum { BENCH_CUDA_CONSTS(DRV_ENUM_CONST) };

/* A macro in cuda.h, spelled as there: pinned memory usable from every
 * context. */
#define CU_MEMHOSTALLOC_PORTABLE        0x01
