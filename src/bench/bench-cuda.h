/* bench-cuda.h - the worker's view of the GPUs (inside "__bench-worker"):
 * the loaded library and each selected device's context, stream and
 * buffers. Every driver call goes through BCALL, which announces it with
 * a breadcrumb first, so the parent names the call that never returned. */
#pragma once

#include "bench.h"
#include "bench-types.h"
#include "bench-syms.h"
#include "drv/cublas-types.h"
#include "drv/cublas-syms.h"
#include "sys/sys.h"
#include "sys/sys-dl.h"

struct bench_dev {
        int ordinal;
        CUdevice dev;
        CUcontext ctx;
        CUstream stream;
        CUdeviceptr src, dst;   /* copy_bytes each; src holds the device's pattern */
        uint32_t *host_src;     /* pinned, copy_bytes */
        uint32_t *host_dst;     /* pinned, copy_bytes */
        CUevent ev[3];
        char bus[32];
        char name[96];
};

struct bench_cuda {
        struct bench_cuda_api api;
        const struct bench_plan *plan;
        const struct sysroot *root;
        struct bench_dev *devs;
        size_t ndevs;
};

/* A library bench loads: its override variable, sonames (newest first)
 * and symbol table. */
struct bench_lib {
        const char *env;
        const char *const *sonames;
        const struct dl_sym_spec *specs;
        size_t nspecs;
};

/* Loads what into api: the override, the sonames, then file (a path under
 * the root, or NULL). On failure *reterr says why (owned). */
int bench_load(const struct sysroot *root, const struct bench_lib *what, const char *file,
               void *api, char **reterr);

/* Announces a driver call and makes it; a failure returns from the caller
 * with the result after reporting it on stderr. */
#define BCALL(bc, fn, ...)                                                     \
        do {                                                                   \
                CUresult r_;                                                   \
                bench_call_begin(BENCH_SYM_##fn);                              \
                r_ = (bc)->api.fn(__VA_ARGS__);                                \
                if (r_ != CUDA_SUCCESS)                                        \
                        return bench_call_failed(BENCH_SYM_##fn, r_);          \
        } while (0)

/* What the worker is doing ("peer copy GPU 0 -> GPU 3"), for breadcrumbs. */
void bench_set_op(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bench_call_begin(enum bench_sym k);
/* The breadcrumb for a call of another library ("cublasGemmEx"). */
void bench_crumb(const char *call);
const char *bench_current_op(void);
/* Reports the failed call on stderr and as an "error" record. */
CUresult bench_call_failed(enum bench_sym k, CUresult r);

/* The pattern device d's source buffer holds; word i of n. */
uint32_t bench_pattern(int ordinal, size_t i);
void bench_fill(uint32_t *buf, size_t words, int ordinal);
/* The number of words of buf that differ from device ordinal's pattern. */
long bench_count_wrong(const uint32_t *buf, size_t words, int ordinal);

/* Timing by CUDA events on d's stream: start records ev[0]; stop records
 * ev[1], waits for it and gives the milliseconds between the two. */
CUresult bench_sync(struct bench_cuda *bc, CUstream s);
CUresult bench_mark_start(struct bench_cuda *bc, struct bench_dev *d);
CUresult bench_mark_stop(struct bench_cuda *bc, struct bench_dev *d, float *ms);

/* bench-copy.c: one device's own figures, then every pair's. */
CUresult bench_gpu_copies(struct bench_cuda *bc, struct bench_dev *d);
CUresult bench_pairs(struct bench_cuda *bc);
/* bench-gemm.c: every GPU's BF16 and FP32 GEMM rate through cuBLAS. */
CUresult bench_gemms(struct bench_cuda *bc);
/* bench-allreduce.c: NCCL all-reduce over all selected GPUs. */
CUresult bench_allreduce(struct bench_cuda *bc);
/* bench-link.c: the PCIe link of bus right now, from sysfs. */
void bench_read_link(const struct sysroot *root, const char *bus, struct snap_bench_link *into);
/* The PCI device id of bus (0x2237 for an A10G), 0 when unreadable. */
unsigned bench_read_device_id(const struct sysroot *root, const char *bus);
