/* bench-judge.h - what bench-judge.c shares with bench-judge-compute.c. */
#pragma once

#include "bench.h"

/* The median of the n values (0 for none); v is reordered. */
double bench_median(double *v, size_t n);
void bench_judge_gemm(const struct bench_result *res, struct findings *fs);
void bench_judge_allreduce(const struct bench_result *res, struct findings *fs);
/* bench.allreduce-hung for what ("8 MiB over 8 GPUs"). */
void bench_judge_ar_hung(const char *what, struct findings *fs);
