/* kb-codes.h - the return codes of NVML and of the CUDA driver API: name,
 * value, and what the code means for the person reading a report. This is
 * the one table: drv/ expands it into NVIDIA's enum constants (nvml-types.h,
 * cuda-types.h; tests/unit/test-drv-layout.c proves them against nvml.h and
 * cuda.h) and its error texts; the checks name the codes they find in a
 * snapshot through kb_nvml_code()/kb_cuda_code() and tell codes apart by
 * the KB_-prefixed constants below.
 *
 * Sources: nvml.h (enum nvmlReturn_enum, NVML API version 13) and cuda.h
 * (enum cudaError_enum); the meanings follow NVIDIA's comments there.
 * Returned rows are static. */
#pragma once

#include <stdint.h>

/* NVML: X(name, value, meaning). */
#define KB_NVML_CODES(X)                                                                  \
        X(NVML_SUCCESS, 0, "success")                                                         \
        X(NVML_ERROR_UNINITIALIZED, 1, "NVML was not initialised")                            \
        X(NVML_ERROR_INVALID_ARGUMENT, 2, "invalid argument")                                 \
        X(NVML_ERROR_NOT_SUPPORTED, 3, "not supported by this device or driver")              \
        X(NVML_ERROR_NO_PERMISSION, 4, "no permission to talk to the GPU (device node access)") \
        X(NVML_ERROR_ALREADY_INITIALIZED, 5, "already initialised")                           \
        X(NVML_ERROR_NOT_FOUND, 6, "object not found")                                        \
        X(NVML_ERROR_INSUFFICIENT_SIZE, 7, "buffer too small")                                \
        X(NVML_ERROR_INSUFFICIENT_POWER, 8, "external power cables not properly attached")    \
        X(NVML_ERROR_DRIVER_NOT_LOADED, 9, "the NVIDIA kernel driver is not loaded")          \
        X(NVML_ERROR_TIMEOUT, 10, "the call timed out")                                       \
        X(NVML_ERROR_IRQ_ISSUE, 11, "the kernel driver saw an interrupt problem with a GPU")  \
        X(NVML_ERROR_LIBRARY_NOT_FOUND, 12, "a library NVML needs could not be loaded")       \
        X(NVML_ERROR_FUNCTION_NOT_FOUND, 13, "this NVML does not implement the function")     \
        X(NVML_ERROR_CORRUPTED_INFOROM, 14, "the GPU's infoROM is corrupted")                 \
        X(NVML_ERROR_GPU_IS_LOST, 15, "the GPU fell off the bus or is otherwise inaccessible") \
        X(NVML_ERROR_RESET_REQUIRED, 16, "the GPU needs a reset before it can be used again") \
        X(NVML_ERROR_OPERATING_SYSTEM, 17, "the operating system or a cgroup blocked the GPU") \
        X(NVML_ERROR_LIB_RM_VERSION_MISMATCH, 18, "driver/library version mismatch")          \
        X(NVML_ERROR_IN_USE, 19, "the GPU is in use")                                         \
        X(NVML_ERROR_MEMORY, 20, "out of memory")                                             \
        X(NVML_ERROR_NO_DATA, 21, "no data")                                                  \
        X(NVML_ERROR_VGPU_ECC_NOT_SUPPORTED, 22, "not available for a vGPU with ECC enabled") \
        X(NVML_ERROR_INSUFFICIENT_RESOURCES, 23, "out of critical resources")                 \
        X(NVML_ERROR_FREQ_NOT_SUPPORTED, 24, "frequency not supported")                       \
        X(NVML_ERROR_ARGUMENT_VERSION_MISMATCH, 25, "structure version not supported")        \
        X(NVML_ERROR_DEPRECATED, 26, "deprecated functionality")                              \
        X(NVML_ERROR_NOT_READY, 27, "the system is not ready")                                \
        X(NVML_ERROR_GPU_NOT_FOUND, 28, "no GPUs were found")                                 \
        X(NVML_ERROR_INVALID_STATE, 29, "resource in the wrong state")                        \
        X(NVML_ERROR_RESET_TYPE_NOT_SUPPORTED, 30, "reset type not supported")                \
        X(NVML_ERROR_UNKNOWN, 999, "internal driver error")

/* CUDA driver API: X(name, value, meaning). Only codes the driver API
 * defines: the runtime's 35 (cudaErrorInsufficientDriver) has no CUresult
 * twin. */
#define KB_CUDA_CODES(X)                                                                      \
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

/* KB_NVML_ERROR_GPU_IS_LOST, KB_CUDA_ERROR_NO_DEVICE, ...: the same
 * values under our prefix, so that this header never clashes with
 * NVIDIA's own where both are included. */
#define KB_CODE_CONST_(name, value, meaning) KB_##name = (value),
enum { KB_NVML_CODES(KB_CODE_CONST_) };
enum { KB_CUDA_CODES(KB_CODE_CONST_) };

struct kb_code {
        int64_t code;
        const char *name;     /* "NVML_ERROR_GPU_IS_LOST" */
        const char *meaning;  /* "the GPU fell off the bus or is otherwise inaccessible" */
};

/* The row of an NVML / CUDA driver API return code, or NULL when the code
 * is not in the table. */
const struct kb_code *kb_nvml_code(int64_t code);
const struct kb_code *kb_cuda_code(int64_t code);
