/* nvml-types.h - our declarations of the part of NVML (libnvidia-ml.so.1)
 * that dlrig uses, laid out exactly as in NVIDIA's nvml.h (API version 13),
 * which is not installed on most machines. tests/unit/test-drv-layout.c
 * proves the layout against the real header wherever one is installed.
 *
 * NVIDIA declares the return codes and the small enums as C enums. Every
 * value is non-negative, so the compiler gives those enums the type
 * unsigned int; declaring them as unsigned int keeps the ABI and keeps our
 * prototypes compatible with NVIDIA's. The constants are int enumerators
 * generated from the lists below, which also feed the error tables
 * (nvml-errors.c) and the fake library's names for return codes. */
#pragma once

#include "drv-syms.h"

typedef unsigned int nvmlReturn_t;              /* enum nvmlReturn_enum */
typedef struct nvmlDevice_st *nvmlDevice_t;     /* opaque handle */
typedef unsigned int nvmlEnableState_t;         /* enum nvmlEnableState_enum */
typedef unsigned int nvmlMemoryErrorType_t;     /* enum nvmlMemoryErrorType_enum */
typedef unsigned int nvmlEccCounterType_t;      /* enum nvmlEccCounterType_enum */
typedef unsigned int nvmlPageRetirementCause_t; /* enum nvmlPageRetirementCause_enum */
typedef unsigned int nvmlTemperatureSensors_t;  /* enum nvmlTemperatureSensors_enum */
typedef unsigned int nvmlGpuTopologyLevel_t;    /* enum nvmlGpuLevel_enum */
typedef unsigned int nvmlGpuP2PCapsIndex_t;     /* enum nvmlGpuP2PCapsIndex_enum */
typedef unsigned int nvmlGpuP2PStatus_t;        /* enum nvmlGpuP2PStatus_enum */
typedef unsigned int nvmlIntNvLinkDeviceType_t; /* enum nvmlIntNvLinkDeviceType_enum */
typedef unsigned int nvmlAffinityScope_t;       /* NVML_AFFINITY_SCOPE_* */

/* Return codes: name, value, what it means for the person reading a report. */
#define NVML_RETURN_CODES(X)                                                                  \
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

/* The other enum values we use. */
#define NVML_CONSTANTS(X)                                                      \
        X(NVML_FEATURE_DISABLED, 0)                                            \
        X(NVML_FEATURE_ENABLED, 1)                                             \
        X(NVML_MEMORY_ERROR_TYPE_CORRECTED, 0)                                 \
        X(NVML_MEMORY_ERROR_TYPE_UNCORRECTED, 1)                               \
        X(NVML_VOLATILE_ECC, 0)                                                \
        X(NVML_AGGREGATE_ECC, 1)                                               \
        X(NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS, 0)        \
        X(NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR, 1)                  \
        X(NVML_TEMPERATURE_GPU, 0)                                             \
        X(NVML_P2P_CAPS_INDEX_READ, 0)                                         \
        X(NVML_P2P_CAPS_INDEX_WRITE, 1)                                        \
        X(NVML_P2P_CAPS_INDEX_NVLINK, 2)                                       \
        X(NVML_P2P_CAPS_INDEX_ATOMICS, 3)                                      \
        X(NVML_P2P_CAPS_INDEX_PROP, 4)                                         \
        X(NVML_P2P_STATUS_OK, 0)                                               \
        X(NVML_NVLINK_DEVICE_TYPE_GPU, 0x00)                                   \
        X(NVML_NVLINK_DEVICE_TYPE_SWITCH, 0x02)

/* NVIDIA's macros, spelled token for token as in nvml.h: where both headers
 * meet (the layout test) a different spelling is a redefinition error. */
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE 32
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE 16
#define NVML_DEVICE_UUID_V2_BUFFER_SIZE 96
#define NVML_DEVICE_NAME_V2_BUFFER_SIZE 96
#define NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE 80
#define NVML_NVLINK_MAX_LINKS 18
#define NVML_DEVICE_MIG_DISABLE 0x0
#define NVML_DEVICE_MIG_ENABLE 0x1
#define NVML_AFFINITY_SCOPE_NODE 0

enum { NVML_RETURN_CODES(DRV_ENUM_CONST) };
enum { NVML_CONSTANTS(DRV_ENUM_CONST) };

/* What nvmlDeviceGetPciInfo_v2/_v3 fill in. */
typedef struct nvmlPciInfo_st {
        char busIdLegacy[NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE];
        unsigned int domain;
        unsigned int bus;
        unsigned int device;
        unsigned int pciDeviceId;    /* device id << 16 | vendor id */
        unsigned int pciSubSystemId;
        char busId[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE]; /* "00000000:3B:00.0" */
} nvmlPciInfo_t;

/* What nvmlDeviceGetMemoryInfo (version 1) fills in, in bytes. */
typedef struct nvmlMemory_st {
        unsigned long long total;
        unsigned long long free;
        unsigned long long used;
} nvmlMemory_t;
