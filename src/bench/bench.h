/* bench.h - dlrig bench: measures what the GPUs do (copies, peers, GEMM)
 * and judges the figures against each other and against the knowledge
 * base. Two halves, as for doctor's drivers (drv/drv-worker.h):
 *
 *  - the worker ("dlrig __bench-worker ..."), a child process that loads
 *    libcuda, runs each measurement after a breadcrumb and streams one JSON
 *    record per result ("gpu", "pair");
 *  - the parent, which runs the worker under a per-operation deadline,
 *    keeps every record that arrived, and turns them into findings
 *    (bench-judge.c). A hung copy is a finding, not a hang. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/finding.h"
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
/* The all-reduce message sizes of p in order: the i-th, or 0 past the end. */
size_t bench_ar_size(const struct bench_plan *p, size_t i);

/* ---- results (bench-result.c) ------------------------------------------ */

struct bench_link {
        bool known;
        double speed_gts, max_speed_gts;
        int width, max_width;
};

struct bench_gpu {
        int ordinal;
        char name[96];
        char bus[32];
        unsigned pci_device_id;
        double h2d_gbps, d2h_gbps, d2d_gbps;  /* 0: not measured */
        long wrong;                           /* wrong 32-bit words in its own copies */
        struct bench_link link;               /* read while H2D copies ran */
        double gemm_tflops[2];                /* BENCH_BF16, BENCH_FP32; 0: not measured */
        char gemm_error[2][160];              /* cuBLAS's complaint, or "" */
        long gemm_wrong[2];                   /* sampled elements of C that are wrong */
};

enum { BENCH_BF16, BENCH_FP32 };

/* One all-reduce message size. */
struct bench_ar {
        size_t bytes;
        unsigned iters;
        double ms, algbw_gbps, busbw_gbps;
        long wrong;        /* output floats that are not the exact sum */
};

struct bench_pair {
        int src, dst;
        bool p2p;          /* CUDA: access supported and enabled */
        int rank;          /* CU_DEVICE_P2P_ATTRIBUTE_PERFORMANCE_RANK */
        double uni_gbps, bidi_gbps, latency_us;
        long wrong;
};

struct bench_result {
        int driver_version;
        int device_count;
        struct bench_gpu gpus[BENCH_MAX_GPUS];
        size_t ngpus;
        struct bench_pair *pairs;
        size_t npairs;
        char *failure;     /* why the run stopped early (owned), or NULL */
        bool hung;
        bool started;      /* the worker initialised CUDA */
        char *not_run;     /* why nothing could be measured (owned), or NULL */
        unsigned gemm_n;
        char *gemm_skipped;      /* why no GEMM was measured (owned), or NULL */
        struct bench_ar *ar;     /* all-reduce, by size */
        size_t nar;
        int nccl_version, ar_ranks;
        char *ar_skipped;        /* why no all-reduce was measured (owned), or NULL */
        size_t ar_hung_bytes;    /* the collective that passed its deadline; 0: none */
        long ar_deadline_ms;
};

/* Folds the worker's records into res. */
void bench_result_add(struct bench_result *res, const char *tag, json_t *j);
void bench_result_release(struct bench_result *res);
/* Every figure, each with what the knowledge base says it should reach
 * (bench-json.c). */
json_t *bench_result_json(const struct bench_result *res);
/* Per-direction PCIe bandwidth in GB/s of a gen N (from GT/s) x width link. */
double bench_pcie_gbps(double speed_gts, int width);
struct bench_gpu *bench_result_gpu(struct bench_result *res, int ordinal);
/* What the all-reduce's bus bandwidth should reach on these GPUs, GB/s
 * (0: unknown), and the fraction below which it is slow (bench-json.c):
 * the slowest one-way pair copy measured, capped by the link figure. */
double bench_ar_expected(const struct bench_result *res, double *slow_fraction,
                         const char **basis);
/* The knowledge base's dense peak of GPU g for kind (BENCH_BF16/FP32). */
double bench_gemm_peak(const struct bench_gpu *g, int kind);

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
              bench_progress_fn *progress, void *arg, struct bench_result *ret);
/* Judges the results (bench-judge.c). */
void bench_judge(const struct bench_result *res, struct findings *fs);
