/* snap-bench.h - the bench section of the snapshot (dlrig bench,
 * docs/bench.md): what the bench worker measured, as plain data. Included by
 * snap.h only (it uses its SNAP_DECL), declared like every other section:
 * one X-macro list per struct (the kinds are listed in snap.h).
 *
 * The worker writes each of these structs as one record (its "gpu", "pair",
 * "gemm" and "allreduce" records are snap_bench_gpu, _pair, _gemm and
 * _ar_size written by snap-json.c's tables) and the parent reads them back
 * with the same tables, strictly: a record missing a key is an error, not a
 * 0. bench --save writes the section, bench --from judges it again. */
#pragma once

/* The GEMM data types bench measures: the one table of their names.
 * X(ENUM, key, label): key in JSON ("gemm_bf16_tflops", the worker's
 * "dtype"), label in text. */
#define SNAP_BENCH_DTYPES(X)                                                   \
        X(SNAP_BF16, "bf16", "BF16")                                           \
        X(SNAP_FP32, "fp32", "FP32")

#define SNAP_DTYPE_ENUM_(e, key, label) e,
enum snap_dtype { SNAP_BENCH_DTYPES(SNAP_DTYPE_ENUM_) SNAP_DTYPE_MAX, SNAP_DTYPE_INVALID = -1 };

/* "bf16" / "BF16" for t; NULL for an invalid t. */
const char *snap_dtype_key(enum snap_dtype t);
const char *snap_dtype_label(enum snap_dtype t);
/* SNAP_DTYPE_INVALID for an unknown key (or NULL). */
enum snap_dtype snap_dtype_from_key(const char *key);

/* What bench was asked to do (its --quick, sizes and counts). */
#define SNAP_BENCH_PLAN(X)                                                     \
        X(BOOL, quick)                                                         \
        X(INT, copy_bytes)        /* per bandwidth copy */                     \
        X(INT, copy_iters)        /* timed copies per figure */                \
        X(INT, lat_iters)         /* timed 4-byte copies per latency figure */ \
        X(INT, gemm_n)            /* square GEMM size; 0: no GEMM */           \
        X(INT, gemm_iters)                                                     \
        X(INT, allreduce_max_bytes) /* largest message; 0: no all-reduce */    \
        X(INT, allreduce_step)    /* sizes grow by this factor from 8 bytes */ \
        X(INT, allreduce_iters)

struct snap_bench_plan {
        SNAP_BENCH_PLAN(SNAP_DECL)
};

/* The PCIe link of a GPU read from sysfs while its host->GPU copies ran;
 * width 0: not readable (no sysfs, a container). */
#define SNAP_BENCH_LINK(X)                                                     \
        X(REAL, speed_gts)                                                     \
        X(INT, width)                                                          \
        X(REAL, max_speed_gts)                                                 \
        X(INT, max_width)

struct snap_bench_link {
        SNAP_BENCH_LINK(SNAP_DECL)
};

/* One GPU's own copies (the worker's "gpu" record); figures 0: not measured. */
#define SNAP_BENCH_GPU(X)                                                      \
        X(INT, index)             /* CUDA ordinal */                           \
        X(TEXT, name)                                                          \
        X(TEXT, pci_bus_id)                                                    \
        X(INT, pci_device_id)     /* from sysfs: the knowledge base's key */   \
        X(REAL, h2d_gbps)                                                      \
        X(REAL, d2h_gbps)                                                      \
        X(REAL, d2d_gbps)                                                      \
        X(INT, wrong_words)       /* wrong 32-bit words after its own copies */ \
        X(OBJ, link, bench_link, "link_under_load")

struct snap_bench_gpu {
        SNAP_BENCH_GPU(SNAP_DECL)
};

/* One ordered pair (the "pair" record). The both-ways figure is measured
 * once per unordered pair and held by both of its ordered pairs. */
#define SNAP_BENCH_PAIR(X)                                                     \
        X(INT, src)                                                            \
        X(INT, dst)                                                            \
        X(BOOL, p2p)              /* CUDA: access supported and enabled */     \
        X(INT, rank)              /* CU_DEVICE_P2P_ATTRIBUTE_PERFORMANCE_RANK */ \
        X(REAL, uni_gbps)                                                      \
        X(REAL, bidi_gbps)                                                     \
        X(REAL, latency_us)                                                    \
        X(INT, wrong_words)

struct snap_bench_pair {
        SNAP_BENCH_PAIR(SNAP_DECL)
};

/* One GPU's GEMM of one data type (the "gemm" record). */
#define SNAP_BENCH_GEMM(X)                                                     \
        X(INT, index)                                                          \
        X(TEXT, dtype)            /* a key of SNAP_BENCH_DTYPES */             \
        X(INT, n)                                                              \
        X(INT, iters)                                                          \
        X(REAL, ms)                                                            \
        X(REAL, tflops)           /* 0: not measured */                        \
        X(INT, samples)           /* elements of C read back and checked */    \
        X(INT, wrong_samples)     /* of those, wrong */                        \
        X(REAL, tolerance)        /* off by more than this share of the sum of |products|: wrong */ \
        X(TEXT, error)            /* cuBLAS's complaint, or NULL */             \
        X(INT, workspace_bytes)   /* given to cuBLAS (cublasSetWorkspace_v2); 0: its own */ \
        X(TEXT, workspace_note)   /* where the size came from if not PyTorch's default, or why none / cuBLAS's own; NULL */

struct snap_bench_gemm {
        SNAP_BENCH_GEMM(SNAP_DECL)
};

/* One all-reduce message size (the "allreduce" record). */
#define SNAP_BENCH_AR_SIZE(X)                                                  \
        X(INT, bytes)                                                          \
        X(INT, iters)                                                          \
        X(REAL, ms)               /* the slowest GPU's, for iters collectives */ \
        X(REAL, algbw_gbps)                                                    \
        X(REAL, busbw_gbps)                                                    \
        X(INT, wrong_values)      /* output floats that are not the exact sum */

struct snap_bench_ar_size {
        SNAP_BENCH_AR_SIZE(SNAP_DECL)
};

#define SNAP_BENCH_AR(X)                                                       \
        X(INT, nccl_version)      /* as NCCL encodes it: 22708 = 2.27.8 */     \
        X(INT, ranks)                                                          \
        X(ARRAY, sizes, nsizes, bench_ar_size, "sizes")                        \
        X(INT, hung_bytes)        /* the collective past its deadline; 0: none */ \
        X(INT, deadline_ms)

struct snap_bench_ar {
        SNAP_BENCH_AR(SNAP_DECL)
};

/* A case of bench's registry (bench/bench-cases.c) that did not run (the
 * "skipped" record): its name, why, and the library it needed and could
 * not load (NULL: the case does not apply to the plan or the GPUs). */
#define SNAP_BENCH_SKIP(X)                                                     \
        X(TEXT, name)             /* "copies", "gemm", "pairs", "allreduce" */ \
        X(TEXT, why)                                                           \
        X(TEXT, library)          /* "cuBLAS", "NCCL", or NULL */

struct snap_bench_skip {
        SNAP_BENCH_SKIP(SNAP_DECL)
};

#define SNAP_BENCH(X)                                                          \
        X(PROBE, probe)           /* FACT_UNSET: no bench (not saved either) */ \
        X(OBJ, plan, bench_plan, "plan")                                       \
        X(BOOL, started)          /* the worker initialised CUDA */            \
        X(INT, driver_version)    /* cuDriverGetVersion */                     \
        X(INT, device_count)      /* CUDA devices the worker saw */            \
        X(TEXT, not_run)          /* why nothing could be measured, or NULL */ \
        X(TEXT, failure)          /* why the run stopped early, or NULL */     \
        X(BOOL, hung)             /* ... because an operation passed its deadline */ \
        X(ARRAY, gpus, ngpus, bench_gpu, "gpus")                               \
        X(ARRAY, pairs, npairs, bench_pair, "pairs")                           \
        X(ARRAY, gemms, ngemms, bench_gemm, "gemms")                           \
        X(OBJ, allreduce, bench_ar, "allreduce")                               \
        X(ARRAY, skips, nskips, bench_skip, "skipped")

struct snap_bench {
        SNAP_BENCH(SNAP_DECL)
};

void snap_bench_release(struct snap_bench *b);
void snap_bench_gpu_release(struct snap_bench_gpu *g);
void snap_bench_pair_release(struct snap_bench_pair *p);
void snap_bench_gemm_release(struct snap_bench_gemm *g);
void snap_bench_ar_size_release(struct snap_bench_ar_size *a);
void snap_bench_skip_release(struct snap_bench_skip *k);
/* Grow helpers: return the new zeroed element. */
struct snap_bench_gpu *snap_add_bench_gpu(struct snap_bench *b);
struct snap_bench_pair *snap_add_bench_pair(struct snap_bench *b);
struct snap_bench_gemm *snap_add_bench_gemm(struct snap_bench *b);
struct snap_bench_ar_size *snap_add_bench_ar_size(struct snap_bench_ar *a);
struct snap_bench_skip *snap_add_bench_skip(struct snap_bench *b);
/* Lookups (borrowed, NULL when none). */
const struct snap_bench_gpu *snap_bench_gpu_of(const struct snap_bench *b, int64_t index);
const struct snap_bench_gemm *snap_bench_gemm_of(const struct snap_bench *b, int64_t index,
                                                 enum snap_dtype t);
/* The case name skipped, or NULL when it ran (or was never reached). */
const struct snap_bench_skip *snap_bench_skip_of(const struct snap_bench *b, const char *name);
