/* cuda-types.h - our declarations of the part of the CUDA driver API
 * (libcuda.so.1) that dlrig uses, laid out exactly as in NVIDIA's cuda.h.
 * dlrig never includes cuda.h itself, so it builds where no toolkit is
 * installed; tests/unit/test-drv-layout.c proves these against cuda.h.
 *
 * CUresult and CUdevice_attribute are C enums in cuda.h whose values are
 * all non-negative, so the compiler gives them the type unsigned int, as
 * here. The constants are int enumerators generated from the lists. */
#pragma once

#include "drv-syms.h"
#include "kb/kb-codes.h"

typedef unsigned int CUresult;           /* enum cudaError_enum */
typedef int CUdevice_v1;
typedef CUdevice_v1 CUdevice;            /* a device ordinal, not a pointer */
typedef unsigned int CUdevice_attribute; /* enum CUdevice_attribute_enum */

typedef struct CUuuid_st {
        char bytes[16];
} CUuuid;

/* Return codes: the one table is KB_CUDA_CODES in kb/kb-codes.h, which the
 * checks read too. */
#define CUDA_RETURN_CODES(X) KB_CUDA_CODES(X)

/* The other constants we use. */
#define CUDA_CONSTANTS(X)                                                      \
        X(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 75)                    \
        X(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, 76)

enum { CUDA_RETURN_CODES(DRV_ENUM_CONST) };
enum { CUDA_CONSTANTS(DRV_ENUM_CONST) };
