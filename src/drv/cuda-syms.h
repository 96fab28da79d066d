/* cuda-syms.h - every CUDA driver API entry point dlrig calls, listed once
 * (row format in drv-syms.h). cuDeviceTotalMem, version 1, took an
 * unsigned int and is not a fallback for _v2; cuDeviceGetUuid, version 1,
 * has the same prototype as _v2 and differs only for MIG instances.
 *
 * Include cuda-types.h (or, in the layout test, cuda.h) first. */
#pragma once

#include "drv-syms.h"

#define CUDA_SYMS(X)                                                                              \
        X(init, REQUIRED, CUresult, (unsigned int), cuInit)                                       \
        X(driver_version, REQUIRED, CUresult, (int *), cuDriverGetVersion)                        \
        X(device_count, REQUIRED, CUresult, (int *), cuDeviceGetCount)                            \
        X(device_get, REQUIRED, CUresult, (CUdevice *, int), cuDeviceGet)                         \
        X(name, OPTIONAL, CUresult, (char *, int, CUdevice), cuDeviceGetName)                     \
        X(attribute, OPTIONAL, CUresult, (int *, CUdevice_attribute, CUdevice),                   \
          cuDeviceGetAttribute)                                                                   \
        X(pci_bus_id, OPTIONAL, CUresult, (char *, int, CUdevice), cuDeviceGetPCIBusId)           \
        X(uuid, OPTIONAL, CUresult, (CUuuid *, CUdevice), cuDeviceGetUuid_v2, cuDeviceGetUuid)    \
        X(total_mem, OPTIONAL, CUresult, (size_t *, CUdevice), cuDeviceTotalMem_v2)               \
        X(error_name, OPTIONAL, CUresult, (CUresult, const char **), cuGetErrorName)

struct cuda_api {
        CUDA_SYMS(DRV_API_FIELD)
};

#define CUDA_SYM_ENUM_(field, ...) CUDA_SYM_##field,
enum cuda_sym { CUDA_SYMS(CUDA_SYM_ENUM_) CUDA_SYM_MAX };
