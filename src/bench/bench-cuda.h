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
#include "util/strbuf.h"

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
CUresult bench_mark_start(struct bench_cuda *bc, struct bench_dev *d);
CUresult bench_mark_stop(struct bench_cuda *bc, struct bench_dev *d, float *ms);

/* ---- the registry of cases (bench-cases.c) ----------------------------------
 * What bench measures is a table of cases, as nvbandwidth's and nccl-tests'
 * test tables: a stable name, whether the case applies to the plan and the
 * selected GPUs, and its run. A case that does not apply, or needs a library
 * that cannot be loaded, is reported skipped with the reason (a "skipped"
 * record: snap_bench_skip), never dropped. */

/* Why a case did not run: the reason, and the library it needed and could
 * not load (static: "cuBLAS", "NCCL"; NULL: it does not apply). */
struct bench_skip {
        struct strbuf why;
        const char *library;
};

struct bench_case {
        const char *name;   /* stable: "copies", "gemm", "pairs", "allreduce" */
        const char *desc;
        /* false, with skip->why set, when the case does not apply */
        bool (*applies)(const struct bench_cuda *bc, struct bench_skip *skip);
        /* Measures, emitting its records. A library it cannot load fills
         * skip (why and library) and returns CUDA_SUCCESS; a driver error
         * returns it and ends the run. */
        CUresult (*run)(struct bench_cuda *bc, struct bench_skip *skip);
};

/* The registry in the order the cases run; *ret_n gets its length. */
const struct bench_case *bench_cases(size_t *ret_n);
/* Runs every case of the registry on the open devices, in order, until a
 * driver error (returned). */
CUresult bench_run_cases(struct bench_cuda *bc);

/* bench-copy.c: one device's own figures, then every pair's. */
CUresult bench_gpu_copies(struct bench_cuda *bc, struct bench_dev *d);
CUresult bench_pairs(struct bench_cuda *bc);
/* bench-gemm.c: every GPU's BF16 and FP32 GEMM rate through cuBLAS; skip
 * says why when cuBLAS cannot be loaded. */
CUresult bench_gemms(struct bench_cuda *bc, struct bench_skip *skip);
/* The workspace bench gives cuBLAS on a GPU of compute capability
 * major.x: PyTorch's size (docs/bench.md, "Against PyTorch"). */
size_t bench_gemm_workspace_bytes(int major);
/* bench-allreduce.c: NCCL all-reduce over all selected GPUs; skip says why
 * when NCCL cannot be loaded. */
CUresult bench_allreduce(struct bench_cuda *bc, struct bench_skip *skip);
/* bench-link.c: the PCIe link of bus right now, from sysfs. */
void bench_read_link(const struct sysroot *root, const char *bus, struct snap_bench_link *into);
/* The PCI device id of bus (0x2237 for an A10G), 0 when unreadable. */
unsigned bench_read_device_id(const struct sysroot *root, const char *bus);
