/* bench.h - dlrig bench: measures what the GPUs do (copies, peers, GEMM,
 * all-reduce) into the snapshot's bench section (snap/snap-bench.h), which
 * check/check-bench.c judges and render/render-bench.c prints. Two halves,
 * as for doctor's drivers (drv/drv-worker.h):
 *
 *  - the worker ("dlrig __bench-worker ..."), a child process that loads
 *    libcuda, runs each measurement after a breadcrumb and streams one JSON
 *    record per result ("gpu", "pair", "gemm", "allreduce": the snapshot's
 *    structs written by its tables);
 *  - the parent, which runs the worker under a per-operation deadline and
 *    reads every record that arrived back into the snapshot with the same
 *    tables (bench-take.c). A hung copy is a fact, not a hang. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snap/snap.h"
#include "sys/sys.h"

#define BENCH_MAX_GPUS 64

/* What to measure and how hard (bench-plan.c). */
struct bench_plan {
        bool quick;
        uint64_t gpu_mask;    /* bit i: CUDA ordinal i; 0 means all */
        size_t copy_bytes;    /* per bandwidth copy */
        unsigned copy_iters;  /* timed copies per figure */
        unsigned lat_iters;   /* timed small copies per latency figure */
        unsigned gemm_n;      /* square GEMM size (m = n = k); 0: no GEMM */
        unsigned gemm_iters;  /* timed GEMMs per figure, after as many warm-up ones */
        size_t ar_max_bytes;  /* largest all-reduce message; 0: no all-reduce */
        unsigned ar_step;     /* message sizes grow by this factor from 8 bytes */
        unsigned ar_iters;    /* timed all-reduces per size */
        const char *cublas_lib, *nccl_lib; /* where else to look (a PyTorch wheel's copy) */
};

void bench_plan_init(struct bench_plan *p, bool quick);
/* DLRIG_BENCH_COPY_BYTES (tests, slow machines): another copy size; NULL
 * keeps the plan's. -EINVAL outside 4 KiB..4 GiB. */
int bench_plan_env(struct bench_plan *p, const char *copy_bytes);
/* "0,2-3" into a mask; -EINVAL on anything else. */
int bench_parse_gpus(const char *s, uint64_t *ret);
bool bench_plan_wants(const struct bench_plan *p, int ordinal);
/* DLRIG_BENCH_GEMM_N and DLRIG_BENCH_AR_MAX_BYTES (tests): a smaller GEMM
 * and largest all-reduce; -EINVAL outside 64..16384 and 8 B..4 GiB. */
int bench_plan_env_more(struct bench_plan *p, const char *gemm_n, const char *ar_max);
/* The worker's arguments after "__bench-worker": BYTES ITERS LAT_ITERS
 * MASK, as decimal numbers, then optional KEY=VALUE words (bench_plan_args
 * writes them): gemm=N:ITERS, ar=MAX:STEP:ITERS, cublas=PATH, nccl=PATH.
 * Paths are borrowed from argv. */
int bench_plan_from_args(int argc, char **argv, struct bench_plan *ret);
/* The optional words for p, each owned, appended to args (a NULL-terminated
 * array with room for 4 more). */
void bench_plan_args(const struct bench_plan *p, char **args);
/* CUBLAS_WORKSPACE_CONFIG as PyTorch reads it (parseChosenWorkspaceSize):
 * every ":SIZE:COUNT" in val, SIZE in KiB, summed; ":4096:2:16:8" is
 * 8 MiB + 128 KiB. -EINVAL when val has none (PyTorch then warns and keeps
 * its default), -ERANGE past 4 GiB. */
int bench_workspace_config(const char *val, size_t *ret);
/* The all-reduce message sizes of p in order: the i-th, or 0 past the end. */
size_t bench_ar_size(const struct bench_plan *p, size_t i);

/* The plan as the snapshot records it (what bench --from shows). */
void bench_plan_record(const struct bench_plan *p, struct snap_bench_plan *ret);

/* A PyTorch wheel's cuBLAS and NCCL in the environments the Python probe
 * found (bench-libs.c): owned paths under the root, or NULL. */
void bench_wheel_libs(const struct sysroot *root, const struct snap_python *py, char **cublas,
                      char **nccl);

/* ---- the two halves ------------------------------------------------------ */

/* Worker side (bench-worker.c): returns the exit code of the worker. */
int bench_worker_main(const struct sysroot *root, const struct bench_plan *p);
/* Parent side (bench-run.c): runs the worker and fills *ret; progress, when
 * not NULL, is called with each operation as it starts. */
typedef void bench_progress_fn(const char *op, size_t len, void *arg);
int bench_run(const struct sysroot *root, const char *self_exe, const struct bench_plan *p,
              bench_progress_fn *progress, void *arg, struct snap_bench *ret);
/* Reads the worker's records into b (zeroed, or holding the plan), then its
 * fate (bench-take.c): a malformed record, or one about a GPU no "gpu"
 * record named, ends the reading with b->failure saying which. */
struct worker_result;
void bench_take(const struct worker_result *wr, struct snap_bench *b);
