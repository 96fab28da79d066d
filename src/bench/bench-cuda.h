/* bench-cuda.h - the worker's view of the GPUs (inside "__bench-worker"):
 * the loaded library and each selected device's context, stream and
 * buffers. Every driver call goes through BCALL, which announces it with
 * a breadcrumb first, so the parent names the call that never returned. */
#pragma once

#include "bench.h"
#include "bench-types.h"
#include "bench-syms.h"
#include "sys/sys.h"

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
/* bench-link.c: the PCIe link of bus right now, from sysfs. */
void bench_read_link(const struct sysroot *root, const char *bus, json_t *into);
/* The PCI device id of bus (0x2237 for an A10G), 0 when unreadable. */
unsigned bench_read_device_id(const struct sysroot *root, const char *bus);
