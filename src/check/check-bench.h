/* check-bench.h - bench's judges: pure functions of the snapshot's bench
 * section (struct snap_bench) and the knowledge base, like every check.
 * Outliers are judged against siblings (same model, same link kind), the
 * rest against what the knowledge base says the GPU and its links allow
 * (docs/bench.md, "What is compared to what"). The expectations are public:
 * the renderer prints them beside the figures. */
#pragma once

#include "check/finding.h"
#include "snap/snap.h"

/* Below this share of its siblings' median a copy or GEMM figure is slow. */
#define CHECK_BENCH_SLOW_FRACTION 0.75

/* What a GPU's figures should reach, from the knowledge base by its PCI
 * device id; each 0 (model NULL) when unknown. */
struct check_bench_expect {
        const char *model;   /* the knowledge base's name, borrowed */
        double pcie_gbps;    /* one direction of its link: the link's maximum
                              * speed and width as sysfs read them, else the
                              * model's generation at x16 */
        double copy_gbps;    /* an on-GPU copy: half the memory bandwidth */
};

void check_bench_expect_gpu(const struct snap_bench_gpu *g, struct check_bench_expect *ret);
/* The dense peak of g's model for data type t, TFLOP/s; 0 when unknown. */
double check_bench_gemm_peak(const struct snap_bench_gpu *g, enum snap_dtype t);
/* What the all-reduce's bus bandwidth should reach on these GPUs, GB/s (0:
 * unknown): the slowest one-way pair copy measured, capped by the slowest
 * link (NVLink, PCIe P2P or PCIe through host memory: *basis); and the
 * share of it below which the all-reduce is slow. */
double check_bench_ar_expected(const struct snap_bench *b, double *slow_fraction,
                               const char **basis);
/* The GEMM size measured (the records' n), 0 when none. */
int64_t check_bench_gemm_n(const struct snap_bench *b);

/* Every bench finding, then bench.ok when nothing is wrong; sorted. */
void check_bench(const struct snap_bench *b, struct findings *fs);
