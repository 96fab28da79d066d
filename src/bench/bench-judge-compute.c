/* bench-judge-compute.c - GEMM and all-reduce figures into findings
 * (docs/bench.md, docs/findings.md):
 *  - bench.gemm-slow: a GPU's BF16 or FP32 GEMM below 75% of the median of
 *    its siblings (same model, at least three), or below 40% of the
 *    knowledge base's dense peak. cuBLAS reaches 60-90% of the datasheet
 *    on large square GEMMs (an H100 SXM ~700 of 989 BF16 TFLOP/s, an A100
 *    ~280 of 312); under 40% a GPU is throttled (power cap, clocks, heat)
 *    or not the GPU the name says.
 *  - bench.allreduce-hung / -wrong / -slow, bench.*-not-run: see below. */
#include "bench-judge.h"

#include <stdio.h>
#include <string.h>

#define GEMM_SIBLING_FRACTION 0.75
#define GEMM_PEAK_FRACTION 0.40
/* busbw is judged on a message of at least 1 MiB (nccl-tests' curves are
 * near their plateau from a few MiB on) */
#define AR_SLOW_MIN_BYTES (1u << 20)

static const char *const gemm_kind[] = { "BF16", "FP32" };

static double gemm_sibling_median(const struct bench_result *res, const struct bench_gpu *g,
                                  int k, size_t *n)
{
        double v[BENCH_MAX_GPUS];

        *n = 0;
        for (size_t i = 0; i < res->ngpus; i++)
                if (!strcmp(res->gpus[i].name, g->name) && res->gpus[i].gemm_tflops[k] > 0)
                        v[(*n)++] = res->gpus[i].gemm_tflops[k];
        return bench_median(v, *n);
}

/* Returns whether a finding was made for kind k of g. */
static bool judge_gemm_kind(const struct bench_result *res, const struct bench_gpu *g, int k,
                            struct findings *fs)
{
        double v = g->gemm_tflops[k], peak = bench_gemm_peak(g, k);
        size_t n;
        double med = gemm_sibling_median(res, g, k, &n);
        struct finding *f;

        if (v <= 0)
                return false;
        if (n >= 3 && v < GEMM_SIBLING_FRACTION * med) {
                f = finding_add(fs, "bench.gemm-slow", "GPU %d (%s): %s GEMM %.1f TFLOP/s, %.0f%% "
                                "of its siblings' %.1f TFLOP/s", g->ordinal, g->bus,
                                gemm_kind[k], v, 100 * v / med, med);
                finding_evidence(f, "median over the %zu %s GPUs measured, cuBLAS %u^3", n,
                                 g->name, res->gemm_n);
        } else if (peak > 0 && v < GEMM_PEAK_FRACTION * peak) {
                f = finding_add(fs, "bench.gemm-slow", "GPU %d (%s): %s GEMM %.1f TFLOP/s, %.0f%% "
                                "of the %.0f TFLOP/s peak", g->ordinal, g->bus, gemm_kind[k], v,
                                100 * v / peak, peak);
                finding_evidence(f, "cuBLAS reaches 60-90%% of the dense peak on a %u^3 GEMM; "
                                 "below 40%% the GPU is held back", res->gemm_n);
        } else {
                return false;
        }
        finding_fix(f, "nvidia-smi -q -d PERFORMANCE,POWER,CLOCK -i %d   # throttle reasons, "
                    "power limit, clocks", g->ordinal);
        return true;
}

static void judge_gemm_error(const struct bench_gpu *g, int k, struct findings *fs)
{
        const char *e = g->gemm_error[k];
        struct finding *f;

        if (g->gemm_wrong[k]) {
                f = finding_add(fs, "bench.gemm-wrong", "GPU %d (%s): %ld of 16 sampled elements "
                                "of a %s GEMM are wrong", g->ordinal, g->bus, g->gemm_wrong[k],
                                gemm_kind[k]);
                finding_evidence(f, "C = A x B read back and compared with the host's sum, "
                                 "within 0.1%% of the sum of |products|");
                finding_fix(f, "dlrig doctor   # Xid and ECC errors on GPU %d; a GPU that "
                            "computes wrong results must not train", g->ordinal);
        }
        if (!*e)
                return;
        /* a GPU without BF16 (before Ampere) is no fault */
        if (strstr(e, "NOT_SUPPORTED") || strstr(e, "ARCH_MISMATCH")) {
                f = finding_add(fs, "bench.gemm-not-run", "GPU %d: no %s GEMM figure: %s",
                                g->ordinal, gemm_kind[k], e);
                return;
        }
        f = finding_add(fs, "bench.failed", "GPU %d: %s GEMM failed: %s", g->ordinal,
                        gemm_kind[k], e);
        finding_fix(f, "dlrig doctor   # Xid errors on GPU %d", g->ordinal);
}

void bench_judge_gemm(const struct bench_result *res, struct findings *fs)
{
        struct finding *f;

        if (res->gemm_skipped) {
                f = finding_add(fs, "bench.gemm-not-run", "no GEMM figures: cuBLAS is not "
                                "available: %s", res->gemm_skipped);
                finding_fix(f, "pip install nvidia-cublas-cu12   # or the CUDA toolkit's "
                            "libcublas; DLRIG_CUBLAS_LIB=/path/libcublas.so.12 names one");
        }
        for (size_t i = 0; i < res->ngpus; i++)
                for (int k = BENCH_BF16; k <= BENCH_FP32; k++) {
                        judge_gemm_error(&res->gpus[i], k, fs);
                        if (judge_gemm_kind(res, &res->gpus[i], k, fs))
                                break; /* one finding per GPU */
                }
}

/* ---- all-reduce ------------------------------------------------------------------- */

static void ar_hung_fix(struct finding *f)
{
        finding_fix(f, "NCCL_P2P_DISABLE=1 dlrig bench --quick   # completes? then P2P between "
                    "the GPUs is broken");
        finding_fix(f, "sudo lspci -vvv | grep -i acsctl   # ACS on PCIe bridges redirects P2P; "
                    "disable it in the BIOS or with setpci");
        finding_fix(f, "cat /proc/cmdline   # iommu=pt (or the IOMMU off) for P2P through PCIe");
        finding_fix(f, "NCCL_DEBUG=INFO NCCL_DEBUG_FILE=/tmp/nccl.%%p.log dlrig bench --quick   "
                    "# which transport NCCL chose (bench's worker keeps its stdout)");
}

void bench_judge_ar_hung(const char *what, struct findings *fs)
{
        struct finding *f = finding_add(fs, "bench.allreduce-hung", "NCCL all-reduce did not "
                                        "complete: %s", what);

        finding_evidence(f, "the communicators were aborted; the figures measured before are kept");
        ar_hung_fix(f);
}

static void judge_ar_result(const struct bench_result *res, struct findings *fs)
{
        const struct bench_ar *big = &res->ar[res->nar - 1];
        const char *basis = NULL;
        double frac, expected = bench_ar_expected(res, &frac, &basis);
        struct finding *f;

        for (size_t i = 0; i < res->nar; i++) {
                if (!res->ar[i].wrong)
                        continue;
                f = finding_add(fs, "bench.allreduce-wrong", "NCCL all-reduce of %zu bytes over "
                                "%d GPUs: %ld wrong values", res->ar[i].bytes, res->ar_ranks,
                                res->ar[i].wrong);
                finding_evidence(f, "each GPU added known integers; the float sums are exact");
                ar_hung_fix(f);
                return;
        }
        /* small messages measure latency, not links; a hang cut the run short */
        if (res->ar_hung_bytes || big->bytes < AR_SLOW_MIN_BYTES || expected <= 0 ||
            big->busbw_gbps >= frac * expected)
                return;
        f = finding_add(fs, "bench.allreduce-slow", "NCCL all-reduce of %zu bytes over %d GPUs: "
                        "bus bandwidth %.1f GB/s, %.0f%% of the %.1f GB/s the slowest link allows",
                        big->bytes, res->ar_ranks, big->busbw_gbps,
                        100 * big->busbw_gbps / expected, expected);
        finding_evidence(f, "link: %s; below %.0f%% of it NCCL is not using the path it should",
                         basis, 100 * frac);
        finding_fix(f, "NCCL_DEBUG=INFO NCCL_DEBUG_FILE=/tmp/nccl.%%p.log dlrig bench --quick   "
                    "# which transport NCCL chose (P2P/NVLink, SHM, NET)");
        finding_fix(f, "env | grep NCCL_   # a leftover NCCL_P2P_DISABLE or NCCL_P2P_LEVEL");
}

void bench_judge_allreduce(const struct bench_result *res, struct findings *fs)
{
        struct finding *f;
        char what[96];

        if (res->ar_skipped) {
                f = finding_add(fs, "bench.allreduce-not-run", "no all-reduce figures: %s",
                                res->ar_skipped);
                finding_fix(f, "pip install nvidia-nccl-cu12   # PyTorch's wheels bring it; "
                            "DLRIG_NCCL_LIB=/path/libnccl.so.2 names one");
        }
        if (res->ar_hung_bytes) {
                snprintf(what, sizeof(what), "%zu bytes over %d GPUs, none done within the %ld ms deadline",
                         res->ar_hung_bytes, res->ar_ranks, res->ar_deadline_ms);
                bench_judge_ar_hung(what, fs);
        }
        if (res->nar)
                judge_ar_result(res, fs);
}
