/* bench-syms.h - the CUDA driver API entry points bench calls beyond
 * doctor's (row format in drv/drv-syms.h). The exported names are the
 * ones cuda.h's macros map to (cuMemAlloc -> cuMemAlloc_v2); the _v2 of
 * cuEventElapsedTime is CUDA 13's name for the same prototype, so the old
 * name is its fallback on older drivers.
 *
 * Include bench-types.h (or, in the layout test, cuda.h) first. */
#pragma once

#include "drv/drv-syms.h"

#define BENCH_CUDA_SYMS(X)                                                                        \
        X(init, REQUIRED, CUresult, (unsigned int), cuInit)                                       \
        X(driver_version, REQUIRED, CUresult, (int *), cuDriverGetVersion)                        \
        X(device_count, REQUIRED, CUresult, (int *), cuDeviceGetCount)                            \
        X(device_get, REQUIRED, CUresult, (CUdevice *, int), cuDeviceGet)                         \
        X(name, REQUIRED, CUresult, (char *, int, CUdevice), cuDeviceGetName)                     \
        X(pci_bus_id, REQUIRED, CUresult, (char *, int, CUdevice), cuDeviceGetPCIBusId)           \
        X(attr, REQUIRED, CUresult, (int *, CUdevice_attribute, CUdevice), cuDeviceGetAttribute)  \
        X(ctx_retain, REQUIRED, CUresult, (CUcontext *, CUdevice), cuDevicePrimaryCtxRetain)      \
        X(ctx_release, REQUIRED, CUresult, (CUdevice), cuDevicePrimaryCtxRelease_v2)              \
        X(ctx_set, REQUIRED, CUresult, (CUcontext), cuCtxSetCurrent)                              \
        X(mem_alloc, REQUIRED, CUresult, (CUdeviceptr *, size_t), cuMemAlloc_v2)                  \
        X(mem_free, REQUIRED, CUresult, (CUdeviceptr), cuMemFree_v2)                              \
        X(host_alloc, REQUIRED, CUresult, (void **, size_t, unsigned int), cuMemHostAlloc)        \
        X(host_free, REQUIRED, CUresult, (void *), cuMemFreeHost)                                 \
        X(htod, REQUIRED, CUresult, (CUdeviceptr, const void *, size_t, CUstream),                \
          cuMemcpyHtoDAsync_v2)                                                                   \
        X(dtoh, REQUIRED, CUresult, (void *, CUdeviceptr, size_t, CUstream),                      \
          cuMemcpyDtoHAsync_v2)                                                                   \
        X(dtod, REQUIRED, CUresult, (CUdeviceptr, CUdeviceptr, size_t, CUstream),                 \
          cuMemcpyDtoDAsync_v2)                                                                   \
        X(peer_copy, REQUIRED, CUresult,                                                          \
          (CUdeviceptr, CUcontext, CUdeviceptr, CUcontext, size_t, CUstream), cuMemcpyPeerAsync) \
        X(can_access_peer, REQUIRED, CUresult, (int *, CUdevice, CUdevice), cuDeviceCanAccessPeer)\
        X(p2p_attr, OPTIONAL, CUresult, (int *, CUdevice_P2PAttribute, CUdevice, CUdevice),      \
          cuDeviceGetP2PAttribute)                                                                \
        X(enable_peer, REQUIRED, CUresult, (CUcontext, unsigned int), cuCtxEnablePeerAccess)      \
        X(stream_create, REQUIRED, CUresult, (CUstream *, unsigned int), cuStreamCreate)          \
        X(stream_destroy, REQUIRED, CUresult, (CUstream), cuStreamDestroy_v2)                     \
        X(stream_sync, REQUIRED, CUresult, (CUstream), cuStreamSynchronize)                       \
        X(stream_wait, REQUIRED, CUresult, (CUstream, CUevent, unsigned int), cuStreamWaitEvent)  \
        X(event_create, REQUIRED, CUresult, (CUevent *, unsigned int), cuEventCreate)             \
        X(event_destroy, REQUIRED, CUresult, (CUevent), cuEventDestroy_v2)                        \
        X(event_record, REQUIRED, CUresult, (CUevent, CUstream), cuEventRecord)                   \
        X(event_sync, REQUIRED, CUresult, (CUevent), cuEventSynchronize)                          \
        X(event_query, REQUIRED, CUresult, (CUevent), cuEventQuery)                               \
        X(elapsed, REQUIRED, CUresult, (float *, CUevent, CUevent), cuEventElapsedTime_v2,        \
          cuEventElapsedTime)

struct bench_cuda_api {
        BENCH_CUDA_SYMS(DRV_API_FIELD)
};

#define BENCH_SYM_ENUM_(field, ...) BENCH_SYM_##field,
enum bench_sym { BENCH_CUDA_SYMS(BENCH_SYM_ENUM_) BENCH_SYM_MAX };
