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
#include "kb/kb-codes.h"

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

/* Return codes: the one table is KB_NVML_CODES in kb/kb-codes.h, which the
 * checks read too. */
#define NVML_RETURN_CODES(X) KB_NVML_CODES(X)

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
