/* fake-cuda-clock.h - what the fake cuBLAS and NCCL (fake-cublas.c,
 * fake-nccl.c) use of the fake libcuda's time model (fake-cuda-mem.c):
 * they link against it, as NVIDIA's libraries need libcuda. Not NVIDIA
 * entry points: names of our own, exported for the other fakes only. */
#pragma once

#include "bench/bench-types.h"

/* The clock of a stream whose work never finishes (a hung collective). */
#define FAKE_NEVER 1e300

#define FAKE_CLOCK_EXPORT __attribute__((visibility("default")))

/* The device of the current context, -1 without one. */
FAKE_CLOCK_EXPORT int fake_cuda_current_dev(void);
FAKE_CLOCK_EXPORT int fake_cuda_stream_dev(CUstream s);
/* A stream's clock in microseconds, and the host's. */
FAKE_CLOCK_EXPORT double fake_cuda_stream_time(CUstream s);
FAKE_CLOCK_EXPORT void fake_cuda_stream_set_time(CUstream s, double t);
FAKE_CLOCK_EXPORT double fake_cuda_host_time(void);
/* The bytes behind a device or host pointer of n bytes, NULL when it is
 * not (all of it) memory the fake handed out. */
FAKE_CLOCK_EXPORT void *fake_cuda_mem(const void *p, size_t n);
