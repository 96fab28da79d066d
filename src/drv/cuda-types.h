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

typedef unsigned int CUresult;           /* enum cudaError_enum */
typedef int CUdevice_v1;
typedef CUdevice_v1 CUdevice;            /* a device ordinal, not a pointer */
typedef unsigned int CUdevice_attribute; /* enum CUdevice_attribute_enum */

typedef struct CUuuid_st {
        char bytes[16];
} CUuuid;

/* Return codes: name, value, what it means for the person reading a
 * report. Only codes the driver API defines: the runtime's 35
 * (cudaErrorInsufficientDriver) has no CUresult twin. */
#define CUDA_RETURN_CODES(X)                                                                      \
        X(CUDA_SUCCESS, 0, "success")                                                             \
        X(CUDA_ERROR_INVALID_VALUE, 1, "invalid value")                                           \
        X(CUDA_ERROR_OUT_OF_MEMORY, 2, "out of memory")                                           \
        X(CUDA_ERROR_NOT_INITIALIZED, 3, "the driver is not initialised (cuInit failed or "      \
          "was not called)")                                                                      \
        X(CUDA_ERROR_DEINITIALIZED, 4, "the driver is shutting down")                             \
        X(CUDA_ERROR_STUB_LIBRARY, 34, "the loaded libcuda is the toolkit's stub, not the "      \
          "driver's library")                                                                     \
        X(CUDA_ERROR_CALL_REQUIRES_NEWER_DRIVER, 36, "the call needs a newer driver")             \
        X(CUDA_ERROR_DEVICE_UNAVAILABLE, 46, "the device is unavailable (exclusive or "          \
          "prohibited compute mode)")                                                             \
        X(CUDA_ERROR_NO_DEVICE, 100, "no CUDA-capable device is detected")                        \
        X(CUDA_ERROR_INVALID_DEVICE, 101, "invalid device ordinal")                               \
        X(CUDA_ERROR_DEVICE_NOT_LICENSED, 102, "the device is not licensed for this use")         \
        X(CUDA_ERROR_INVALID_IMAGE, 200, "invalid kernel image")                                  \
        X(CUDA_ERROR_INVALID_CONTEXT, 201, "invalid context")                                     \
        X(CUDA_ERROR_NO_BINARY_FOR_GPU, 209, "no kernel image for this GPU architecture")         \
        X(CUDA_ERROR_ECC_UNCORRECTABLE, 214, "uncorrectable ECC error")                           \
        X(CUDA_ERROR_NVLINK_UNCORRECTABLE, 220, "uncorrectable NVLink error")                     \
        X(CUDA_ERROR_UNSUPPORTED_PTX_VERSION, 222, "PTX newer than this driver supports")         \
        X(CUDA_ERROR_FILE_NOT_FOUND, 301, "file not found")                                       \
        X(CUDA_ERROR_SHARED_OBJECT_SYMBOL_NOT_FOUND, 302, "shared object symbol not found")       \
        X(CUDA_ERROR_SHARED_OBJECT_INIT_FAILED, 303, "shared object initialisation failed")       \
        X(CUDA_ERROR_OPERATING_SYSTEM, 304, "an operating system call failed (device node "      \
          "permissions, cgroups)")                                                                \
        X(CUDA_ERROR_INVALID_HANDLE, 400, "invalid handle")                                       \
        X(CUDA_ERROR_NOT_FOUND, 500, "not found")                                                 \
        X(CUDA_ERROR_NOT_READY, 600, "not ready")                                                 \
        X(CUDA_ERROR_ILLEGAL_ADDRESS, 700, "illegal memory access")                               \
        X(CUDA_ERROR_LAUNCH_FAILED, 719, "kernel launch failed")                                  \
        X(CUDA_ERROR_NOT_PERMITTED, 800, "operation not permitted")                               \
        X(CUDA_ERROR_NOT_SUPPORTED, 801, "operation not supported")                               \
        X(CUDA_ERROR_SYSTEM_NOT_READY, 802, "the system is not ready (is nvidia-fabricmanager "   \
          "running?)")                                                                            \
        X(CUDA_ERROR_SYSTEM_DRIVER_MISMATCH, 803, "the CUDA driver library and the kernel "       \
          "driver have different versions")                                                      \
        X(CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE, 804, "forward compatibility is not "         \
          "supported on this device")                                                             \
        X(CUDA_ERROR_MPS_CONNECTION_FAILED, 805, "could not connect to the MPS daemon")           \
        X(CUDA_ERROR_TIMEOUT, 909, "timed out")                                                   \
        X(CUDA_ERROR_UNKNOWN, 999, "unknown error")

/* The other constants we use. */
#define CUDA_CONSTANTS(X)                                                      \
        X(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, 75)                    \
        X(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, 76)

enum { CUDA_RETURN_CODES(DRV_ENUM_CONST) };
enum { CUDA_CONSTANTS(DRV_ENUM_CONST) };
