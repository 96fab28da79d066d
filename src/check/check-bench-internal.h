/* check-bench-internal.h - what check-bench.c shares with
 * check-bench-compute.c. */
#pragma once

#include "check-bench.h"

/* The median of the n values (0 for none); v is reordered. */
double check_bench_median(double *v, size_t n);
void check_bench_gemm(const struct snap_bench *res, struct findings *fs);
void check_bench_allreduce(const struct snap_bench *res, struct findings *fs);
/* bench.allreduce-hung for what ("8 MiB over 8 GPUs"). */
void check_bench_ar_hung(const char *what, struct findings *fs);
