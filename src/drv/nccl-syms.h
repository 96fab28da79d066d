/* nccl-syms.h - the NCCL entry points dlrig bench calls (row format in
 * drv-syms.h). Include nccl-types.h first. */
#pragma once

#include "drv-syms.h"

#define NCCL_SYMS(X)                                                                              \
        X(version, REQUIRED, ncclResult_t, (int *), ncclGetVersion)                               \
        X(init_all, REQUIRED, ncclResult_t, (ncclComm_t *, int, const int *), ncclCommInitAll)    \
        X(all_reduce, REQUIRED, ncclResult_t,                                                     \
          (const void *, void *, size_t, ncclDataType_t, ncclRedOp_t, ncclComm_t, cudaStream_t),  \
          ncclAllReduce)                                                                          \
        X(group_start, REQUIRED, ncclResult_t, (void), ncclGroupStart)                            \
        X(group_end, REQUIRED, ncclResult_t, (void), ncclGroupEnd)                                \
        X(async_error, REQUIRED, ncclResult_t, (ncclComm_t, ncclResult_t *),                      \
          ncclCommGetAsyncError)                                                                  \
        X(abort, REQUIRED, ncclResult_t, (ncclComm_t), ncclCommAbort)                             \
        X(destroy, REQUIRED, ncclResult_t, (ncclComm_t), ncclCommDestroy)                         \
        X(error_string, OPTIONAL, const char *, (ncclResult_t), ncclGetErrorString)

struct nccl_api {
        NCCL_SYMS(DRV_API_FIELD)
};

#define NCCL_SYM_ENUM_(field, ...) NCCL_SYM_##field,
enum nccl_sym { NCCL_SYMS(NCCL_SYM_ENUM_) NCCL_SYM_MAX };
