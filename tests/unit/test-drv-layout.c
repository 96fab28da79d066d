/* test-drv-layout.c - proves our NVML and CUDA declarations (src/drv/
 * nvml-types.h, nvml-syms.h, cuda-types.h, cuda-syms.h) against NVIDIA's
 * own headers, wherever those are installed.
 *
 * Meson builds this file once per header: with DLRIG_LAYOUT_NVML when
 * nvml.h is found, with DLRIG_LAYOUT_CUDA when cuda.h is (bench's CUDA
 * declarations too), with DLRIG_LAYOUT_CUBLAS for cublas_api.h (src/drv/
 * cublas-*.h) and DLRIG_LAYOUT_NCCL for nccl.h (src/drv/nccl-*.h). Without its
 * header a build only exits 77, which Meson reports as skipped. Every check
 * is a _Static_assert, so a build that compiles has passed; main() says
 * what it proved.
 *
 * How the two sets of declarations share one translation unit:
 *  1. NVIDIA's header comes first. Our symbol list (*-syms.h) holds only a
 *     list, so expanding it here spells each of our prototypes with
 *     NVIDIA's types, and __builtin_types_compatible_p compares it with
 *     NVIDIA's declaration of every name we may resolve (old names too).
 *  2. Our types header comes second, its names renamed to ours_* by macros
 *     (DRV_CONST for the constants). Each of our types is then compared with
 *     NVIDIA's of the same name: integer types for compatibility, structs
 *     for size, alignment and every member's offset and type. Typedefs that
 *     are not renamed (nvmlDevice_t, CUdevice) must redeclare the very same
 *     type, or the build fails.
 *  3. Each of our enum constants must equal NVIDIA's constant of that name;
 *     our copies of NVIDIA's macros (buffer sizes) must be spelled as
 *     NVIDIA spells them, or the compiler rejects the redefinition. */
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>

/* NVIDIA marks some functions we call (nvmlDeviceGetTemperature) deprecated
 * in favour of newer ones; naming them here is not a use. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#define CHECK_PROTO_(ret, args, name)                                          \
        _Static_assert(__builtin_types_compatible_p(__typeof__(&name), ret (*) args), \
                       "prototype of " #name " differs from NVIDIA's");
#define CHECK_ROW_(field, req, ret, args, ...) DRV_EACH_NAME(CHECK_PROTO_, ret, args, __VA_ARGS__)

#define CHECK_CONST_(name, value, ...)                                         \
        _Static_assert((int)ours_##name == (int)(name) && (int)(name) == (value),             \
                       #name " differs from NVIDIA's");

#define CHECK_TYPE(ours, real)                                                 \
        _Static_assert(__builtin_types_compatible_p(ours, real), #real " differs from NVIDIA's")

#define CHECK_STRUCT(ours, real)                                               \
        _Static_assert(sizeof(ours) == sizeof(real) && alignof(ours) == alignof(real), \
                       "size or alignment of " #real " differs from NVIDIA's")

#define CHECK_MEMBER(ours, real, m)                                            \
        _Static_assert(offsetof(ours, m) == offsetof(real, m) &&               \
                       __builtin_types_compatible_p(__typeof__(((ours *)0)->m), \
                                                    __typeof__(((real *)0)->m)), \
                       #real "." #m " differs from NVIDIA's")

#define COUNT_ROW_(...) +1

/* ---- NVML ---------------------------------------------------------------- */
#ifdef DLRIG_LAYOUT_NVML
#define NVML_NO_UNVERSIONED_FUNC_DEFS /* declare the old names too */
#include <nvml.h>

#include "drv/nvml-syms.h"

NVML_SYMS(CHECK_ROW_)

#undef DRV_CONST
#define DRV_CONST(name) ours_##name
#define nvmlReturn_t ours_nvmlReturn_t
#define nvmlEnableState_t ours_nvmlEnableState_t
#define nvmlMemoryErrorType_t ours_nvmlMemoryErrorType_t
#define nvmlEccCounterType_t ours_nvmlEccCounterType_t
#define nvmlPageRetirementCause_t ours_nvmlPageRetirementCause_t
#define nvmlTemperatureSensors_t ours_nvmlTemperatureSensors_t
#define nvmlPciInfo_st ours_nvmlPciInfo_st
#define nvmlPciInfo_t ours_nvmlPciInfo_t
#define nvmlMemory_st ours_nvmlMemory_st
#define nvmlMemory_t ours_nvmlMemory_t
#include "drv/nvml-types.h"
#undef nvmlReturn_t
#undef nvmlEnableState_t
#undef nvmlMemoryErrorType_t
#undef nvmlEccCounterType_t
#undef nvmlPageRetirementCause_t
#undef nvmlTemperatureSensors_t
#undef nvmlPciInfo_st
#undef nvmlPciInfo_t
#undef nvmlMemory_st
#undef nvmlMemory_t

CHECK_TYPE(ours_nvmlReturn_t, nvmlReturn_t);
CHECK_TYPE(ours_nvmlEnableState_t, nvmlEnableState_t);
CHECK_TYPE(ours_nvmlMemoryErrorType_t, nvmlMemoryErrorType_t);
CHECK_TYPE(ours_nvmlEccCounterType_t, nvmlEccCounterType_t);
CHECK_TYPE(ours_nvmlPageRetirementCause_t, nvmlPageRetirementCause_t);
CHECK_TYPE(ours_nvmlTemperatureSensors_t, nvmlTemperatureSensors_t);

CHECK_STRUCT(ours_nvmlPciInfo_t, nvmlPciInfo_t);
CHECK_MEMBER(ours_nvmlPciInfo_t, nvmlPciInfo_t, busIdLegacy);
CHECK_MEMBER(ours_nvmlPciInfo_t, nvmlPciInfo_t, domain);
CHECK_MEMBER(ours_nvmlPciInfo_t, nvmlPciInfo_t, bus);
CHECK_MEMBER(ours_nvmlPciInfo_t, nvmlPciInfo_t, device);
CHECK_MEMBER(ours_nvmlPciInfo_t, nvmlPciInfo_t, pciDeviceId);
CHECK_MEMBER(ours_nvmlPciInfo_t, nvmlPciInfo_t, pciSubSystemId);
CHECK_MEMBER(ours_nvmlPciInfo_t, nvmlPciInfo_t, busId);

CHECK_STRUCT(ours_nvmlMemory_t, nvmlMemory_t);
CHECK_MEMBER(ours_nvmlMemory_t, nvmlMemory_t, total);
CHECK_MEMBER(ours_nvmlMemory_t, nvmlMemory_t, free);
CHECK_MEMBER(ours_nvmlMemory_t, nvmlMemory_t, used);

NVML_RETURN_CODES(CHECK_CONST_)
NVML_CONSTANTS(CHECK_CONST_)

static const int layout_nvml_syms = 0 NVML_SYMS(COUNT_ROW_);
static const int layout_nvml_consts = 0 NVML_RETURN_CODES(COUNT_ROW_) NVML_CONSTANTS(COUNT_ROW_);
#endif

/* ---- CUDA driver API ----------------------------------------------------- */
#ifdef DLRIG_LAYOUT_CUDA
#include <cuda.h>

#include "drv/cuda-syms.h"

CUDA_SYMS(CHECK_ROW_)

#undef DRV_CONST
#define DRV_CONST(name) ours_##name
#define CUresult ours_CUresult
#define CUdevice_attribute ours_CUdevice_attribute
#define CUuuid_st ours_CUuuid_st
#define CUuuid ours_CUuuid
#include "drv/cuda-types.h"
#undef CUresult
#undef CUdevice_attribute
#undef CUuuid_st
#undef CUuuid

CHECK_TYPE(ours_CUresult, CUresult);
CHECK_TYPE(ours_CUdevice_attribute, CUdevice_attribute);

CHECK_STRUCT(ours_CUuuid, CUuuid);
CHECK_MEMBER(ours_CUuuid, CUuuid, bytes);

CUDA_RETURN_CODES(CHECK_CONST_)
CUDA_CONSTANTS(CHECK_CONST_)

/* bench's declarations (src/bench/bench-types.h, bench-syms.h) */
#undef DRV_CONST
#include "bench/bench-syms.h"
BENCH_CUDA_SYMS(CHECK_ROW_)
#define DRV_CONST(name) ours_##name
#define CUdeviceptr_v2 ours_CUdeviceptr_v2
#define CUdeviceptr ours_CUdeviceptr
#define CUdevice_P2PAttribute ours_CUdevice_P2PAttribute
#include "bench/bench-types.h"
#undef CUdeviceptr_v2
#undef CUdeviceptr
#undef CUdevice_P2PAttribute

CHECK_TYPE(ours_CUdeviceptr, CUdeviceptr);
CHECK_TYPE(ours_CUdevice_P2PAttribute, CUdevice_P2PAttribute);
BENCH_CUDA_CONSTS(CHECK_CONST_)

static const int layout_cuda_syms = 0 CUDA_SYMS(COUNT_ROW_) BENCH_CUDA_SYMS(COUNT_ROW_);
static const int layout_cuda_consts = 0 CUDA_RETURN_CODES(COUNT_ROW_) CUDA_CONSTANTS(COUNT_ROW_)
        BENCH_CUDA_CONSTS(COUNT_ROW_);
#endif

/* ---- cuBLAS -------------------------------------------------------------- */
#ifdef DLRIG_LAYOUT_CUBLAS
#include <cublas_api.h>

#include "drv/cublas-syms.h"

CUBLAS_SYMS(CHECK_ROW_)

#undef DRV_CONST
#define DRV_CONST(name) ours_##name
#define cublasStatus_t ours_cublasStatus_t
#define cublasOperation_t ours_cublasOperation_t
#define cublasGemmAlgo_t ours_cublasGemmAlgo_t
#define cublasComputeType_t ours_cublasComputeType_t
#define cudaDataType ours_cudaDataType
#include "drv/cublas-types.h"
#undef cublasStatus_t
#undef cublasOperation_t
#undef cublasGemmAlgo_t
#undef cublasComputeType_t
#undef cudaDataType

CHECK_TYPE(ours_cublasStatus_t, cublasStatus_t);
CHECK_TYPE(ours_cublasOperation_t, cublasOperation_t);
CHECK_TYPE(ours_cublasGemmAlgo_t, cublasGemmAlgo_t);
CHECK_TYPE(ours_cublasComputeType_t, cublasComputeType_t);
CHECK_TYPE(ours_cudaDataType, cudaDataType);
/* cublasHandle_t and cudaStream_t are not renamed: redeclared above */

CUBLAS_RETURN_CODES(CHECK_CONST_)
CUBLAS_CONSTANTS(CHECK_CONST_)

static const int layout_cublas_syms = 0 CUBLAS_SYMS(COUNT_ROW_);
static const int layout_cublas_consts = 0 CUBLAS_RETURN_CODES(COUNT_ROW_)
        CUBLAS_CONSTANTS(COUNT_ROW_);
#endif

/* ---- NCCL ---------------------------------------------------------------- */
#ifdef DLRIG_LAYOUT_NCCL
/* nccl.h declares ncclGroupStart() without (void): an unprototyped
 * declaration, compatible with our (void) prototype */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <nccl.h>
#pragma GCC diagnostic pop

#include "drv/nccl-syms.h"

NCCL_SYMS(CHECK_ROW_)

#undef DRV_CONST
#define DRV_CONST(name) ours_##name
#define ncclResult_t ours_ncclResult_t
#define ncclDataType_t ours_ncclDataType_t
#define ncclRedOp_t ours_ncclRedOp_t
#include "drv/nccl-types.h"
#undef ncclResult_t
#undef ncclDataType_t
#undef ncclRedOp_t

CHECK_TYPE(ours_ncclResult_t, ncclResult_t);
CHECK_TYPE(ours_ncclDataType_t, ncclDataType_t);
CHECK_TYPE(ours_ncclRedOp_t, ncclRedOp_t);
_Static_assert(sizeof(ncclUniqueId) == NCCL_UNIQUE_ID_BYTES, "ncclUniqueId differs");

NCCL_RETURN_CODES(CHECK_CONST_)
NCCL_CONSTANTS(CHECK_CONST_)

static const int layout_nccl_syms = 0 NCCL_SYMS(COUNT_ROW_);
static const int layout_nccl_consts = 0 NCCL_RETURN_CODES(COUNT_ROW_) NCCL_CONSTANTS(COUNT_ROW_);
#endif

int main(void)
{
        int checked = 0;

#ifdef DLRIG_LAYOUT_NVML
        printf("nvml.h: %d entry points, 2 structs, %d constants match\n", layout_nvml_syms,
               layout_nvml_consts);
        checked = 1;
#endif
#ifdef DLRIG_LAYOUT_CUDA
        printf("cuda.h: %d entry points, 1 struct, %d constants match\n", layout_cuda_syms,
               layout_cuda_consts);
        checked = 1;
#endif
#ifdef DLRIG_LAYOUT_CUBLAS
        printf("cublas_api.h: %d entry points, %d constants match\n", layout_cublas_syms,
               layout_cublas_consts);
        checked = 1;
#endif
#ifdef DLRIG_LAYOUT_NCCL
        printf("nccl.h: %d entry points, %d constants match\n", layout_nccl_syms,
               layout_nccl_consts);
        checked = 1;
#endif
        if (!checked) {
                puts("skipped: NVIDIA's header is not installed here");
                return 77;
        }
        return 0;
}
