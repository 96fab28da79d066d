/* nvml-syms.h - every NVML entry point dlrig calls, listed once.
 *
 * Row: X(field, REQUIRED|OPTIONAL, return type, (parameters), names...),
 * names newest first (see drv-syms.h for the expansions). A missing
 * REQUIRED symbol makes the library unusable; a missing OPTIONAL one turns
 * the facts it gives into "unsupported: not in this driver". Older names
 * are listed only where their prototype and struct layout are the same as
 * the newest one's (nvmlDeviceGetPciInfo, version 1, filled a shorter
 * struct and is therefore not a fallback).
 *
 * This file only defines the list: include nvml-types.h (or, in the layout
 * test, NVIDIA's nvml.h) before expanding it. */
#pragma once

#include "drv-syms.h"

#define NVML_SYMS(X)                                                                              \
        X(init, REQUIRED, nvmlReturn_t, (void), nvmlInit_v2, nvmlInit)                            \
        X(error_string, OPTIONAL, const char *, (nvmlReturn_t), nvmlErrorString)                  \
        X(driver_version, REQUIRED, nvmlReturn_t, (char *, unsigned int),                         \
          nvmlSystemGetDriverVersion)                                                             \
        X(cuda_driver_version, OPTIONAL, nvmlReturn_t, (int *),                                   \
          nvmlSystemGetCudaDriverVersion_v2, nvmlSystemGetCudaDriverVersion)                      \
        X(device_count, REQUIRED, nvmlReturn_t, (unsigned int *),                                 \
          nvmlDeviceGetCount_v2, nvmlDeviceGetCount)                                              \
        X(handle_by_index, REQUIRED, nvmlReturn_t, (unsigned int, nvmlDevice_t *),                \
          nvmlDeviceGetHandleByIndex_v2, nvmlDeviceGetHandleByIndex)                              \
        X(name, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, char *, unsigned int), nvmlDeviceGetName)  \
        X(pci_info, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, nvmlPciInfo_t *),                      \
          nvmlDeviceGetPciInfo_v3, nvmlDeviceGetPciInfo_v2)                                       \
        X(uuid, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, char *, unsigned int), nvmlDeviceGetUUID)  \
        X(memory_info, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, nvmlMemory_t *),                    \
          nvmlDeviceGetMemoryInfo)                                                                \
        X(compute_capability, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, int *, int *),               \
          nvmlDeviceGetCudaComputeCapability)                                                     \
        X(minor_number, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned int *),                   \
          nvmlDeviceGetMinorNumber)                                                               \
        X(persistence_mode, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, nvmlEnableState_t *),          \
          nvmlDeviceGetPersistenceMode)                                                           \
        X(mig_mode, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned int *, unsigned int *),       \
          nvmlDeviceGetMigMode)                                                                   \
        X(ecc_mode, OPTIONAL, nvmlReturn_t,                                                       \
          (nvmlDevice_t, nvmlEnableState_t *, nvmlEnableState_t *), nvmlDeviceGetEccMode)         \
        X(total_ecc_errors, OPTIONAL, nvmlReturn_t,                                               \
          (nvmlDevice_t, nvmlMemoryErrorType_t, nvmlEccCounterType_t, unsigned long long *),      \
          nvmlDeviceGetTotalEccErrors)                                                            \
        X(retired_pages, OPTIONAL, nvmlReturn_t,                                                  \
          (nvmlDevice_t, nvmlPageRetirementCause_t, unsigned int *, unsigned long long *),        \
          nvmlDeviceGetRetiredPages)                                                              \
        X(retired_pages_pending, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, nvmlEnableState_t *),     \
          nvmlDeviceGetRetiredPagesPendingStatus)                                                 \
        X(remapped_rows, OPTIONAL, nvmlReturn_t,                                                  \
          (nvmlDevice_t, unsigned int *, unsigned int *, unsigned int *, unsigned int *),         \
          nvmlDeviceGetRemappedRows)                                                              \
        X(pcie_gen_cur, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned int *),                   \
          nvmlDeviceGetCurrPcieLinkGeneration)                                                    \
        X(pcie_gen_max, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned int *),                   \
          nvmlDeviceGetMaxPcieLinkGeneration)                                                     \
        X(pcie_width_cur, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned int *),                 \
          nvmlDeviceGetCurrPcieLinkWidth)                                                         \
        X(pcie_width_max, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned int *),                 \
          nvmlDeviceGetMaxPcieLinkWidth)                                                          \
        X(temperature, OPTIONAL, nvmlReturn_t,                                                    \
          (nvmlDevice_t, nvmlTemperatureSensors_t, unsigned int *), nvmlDeviceGetTemperature)     \
        X(power_usage, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned int *),                    \
          nvmlDeviceGetPowerUsage)                                                                \
        X(power_limit, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned int *),                    \
          nvmlDeviceGetEnforcedPowerLimit)                                                        \
        X(clock_event_reasons, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned long long *),      \
          nvmlDeviceGetCurrentClocksEventReasons, nvmlDeviceGetCurrentClocksThrottleReasons)  \
        X(cpu_affinity, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned int, unsigned long *),    \
          nvmlDeviceGetCpuAffinity)                                                               \
        X(nvlink_state, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned int, nvmlEnableState_t *),\
          nvmlDeviceGetNvLinkState)                                                               \
        X(nvlink_remote_pci, OPTIONAL, nvmlReturn_t, (nvmlDevice_t, unsigned int, nvmlPciInfo_t *),\
          nvmlDeviceGetNvLinkRemotePciInfo_v2)                                                    \
        X(nvlink_remote_type, OPTIONAL, nvmlReturn_t,                                             \
          (nvmlDevice_t, unsigned int, nvmlIntNvLinkDeviceType_t *),                              \
          nvmlDeviceGetNvLinkRemoteDeviceType)                                                    \
        X(topo_ancestor, OPTIONAL, nvmlReturn_t,                                                  \
          (nvmlDevice_t, nvmlDevice_t, nvmlGpuTopologyLevel_t *),                                 \
          nvmlDeviceGetTopologyCommonAncestor)                                                    \
        X(p2p_status, OPTIONAL, nvmlReturn_t,                                                     \
          (nvmlDevice_t, nvmlDevice_t, nvmlGpuP2PCapsIndex_t, nvmlGpuP2PStatus_t *),              \
          nvmlDeviceGetP2PStatus)                                                                 \
        X(memory_affinity, OPTIONAL, nvmlReturn_t,                                                \
          (nvmlDevice_t, unsigned int, unsigned long *, nvmlAffinityScope_t),                     \
          nvmlDeviceGetMemoryAffinity)

/* The function-pointer struct, passed around explicitly. */
struct nvml_api {
        NVML_SYMS(DRV_API_FIELD)
};

/* The index of each symbol, for tables that name a symbol by row. */
#define NVML_SYM_ENUM_(field, ...) NVML_SYM_##field,
enum nvml_sym { NVML_SYMS(NVML_SYM_ENUM_) NVML_SYM_MAX };
