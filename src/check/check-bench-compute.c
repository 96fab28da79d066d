/* check-bench-compute.c - GEMM and all-reduce figures into findings,
 * and what the knowledge base says they should reach
 * (docs/bench.md, docs/findings.md):
 *  - bench.gemm-slow: a GPU's BF16 or FP32 GEMM below 75% of the median of
 *    its siblings (same model, at least three), or below 40% of the
 *    knowledge base's dense peak. cuBLAS reaches 60-90% of the datasheet
 *    on large square GEMMs (an H100 SXM ~700 of 989 BF16 TFLOP/s, an A100
 *    ~280 of 312); under 40% a GPU is throttled (power cap, clocks, heat)
 *    or not the GPU the name says.
 *  - bench.allreduce-hung / -wrong / -slow, bench.*-not-run: see below. */
#include "check-bench-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "util/xalloc.h"

#define GEMM_SIBLING_FRACTION CHECK_BENCH_SLOW_FRACTION
#define GEMM_PEAK_FRACTION 0.40
/* busbw is judged on a message of at least 1 MiB (nccl-tests' curves are
 * near their plateau from a few MiB on) */
#define AR_SLOW_MIN_BYTES (1u << 20)

/* ---- expectations ------------------------------------------------------------------ */

void check_bench_expect_gpu(const struct snap_bench_gpu *g, struct check_bench_expect *ret)
{
        const struct kb_gpu *kb = kb_gpu_by_pci((unsigned)g->pci_device_id);

        ret->model = kb ? kb->name : NULL;
        if (g->link.width && g->link.max_width)
                ret->pcie_gbps = kb_pcie_gbps(g->link.max_speed_gts, (int)g->link.max_width);
        else
                ret->pcie_gbps = kb_gpu_pcie_gbps(kb);
        ret->copy_gbps = kb_gpu_copy_gbps(kb);
}

double check_bench_gemm_peak(const struct snap_bench_gpu *g, enum snap_dtype t)
{
        return kb_gpu_peak_tflops(kb_gpu_by_pci((unsigned)g->pci_device_id), snap_dtype_key(t));
}

int64_t check_bench_gemm_n(const struct snap_bench *b)
{
        return b->ngemms ? b->gemms[b->ngemms - 1].n : 0;
}

/* The per-direction rate of the slowest link among the GPUs: NVLink (half
 * the kb's total, both directions) when every pair runs P2P faster than
 * PCIe could, else the smallest PCIe gen x width figure. */
static double link_gbps(const struct snap_bench *b, double slowest_pair, bool all_p2p,
                        const char **basis)
{
        double pcie = 0, nvlink = 0;

        for (size_t i = 0; i < b->ngpus; i++) {
                const struct kb_gpu *kb = kb_gpu_by_pci((unsigned)b->gpus[i].pci_device_id);
                struct check_bench_expect e;
                double nv = kb_gpu_nvlink_gbps(kb);

                check_bench_expect_gpu(&b->gpus[i], &e);
                if (e.pcie_gbps > 0 && (pcie == 0 || e.pcie_gbps < pcie))
                        pcie = e.pcie_gbps;
                if (nv > 0 && (nvlink == 0 || nv < nvlink))
                        nvlink = nv;
        }
        if (all_p2p && nvlink > 0 && slowest_pair > pcie) {
                *basis = "NVLink";
                return nvlink;
        }
        *basis = all_p2p ? "PCIe P2P" : "PCIe through host memory";
        return pcie;
}

double check_bench_ar_expected(const struct snap_bench *b, double *slow_fraction,
                               const char **basis)
{
        double slowest = 0, link;
        bool all_p2p = b->npairs > 0;

        for (size_t i = 0; i < b->npairs; i++) {
                const struct snap_bench_pair *p = &b->pairs[i];

                all_p2p = all_p2p && p->p2p;
                if (p->uni_gbps > 0 && (slowest == 0 || p->uni_gbps < slowest))
                        slowest = p->uni_gbps;
        }
        link = link_gbps(b, slowest, all_p2p, basis);
        /* through host memory NCCL copies each byte through the CPU's memory
         * twice: 35-50% of the staged copy rate is normal there */
        *slow_fraction = all_p2p ? 0.5 : 0.25;
        if (slowest > 0 && (link == 0 || slowest < link))
                return slowest;
        return link;
}

/* ---- GEMM -------------------------------------------------------------------------- */

static double gemm_tflops(const struct snap_bench *res, const struct snap_bench_gpu *g,
                          enum snap_dtype k)
{
        const struct snap_bench_gemm *m = snap_bench_gemm_of(res, g->index, k);

        return m ? m->tflops : 0;
}

static double gemm_sibling_median(const struct snap_bench *res, const struct snap_bench_gpu *g,
                                  enum snap_dtype k, size_t *n)
{
        double *v = xcalloc(res->ngpus ? res->ngpus : 1, sizeof(*v)), med;

        *n = 0;
        for (size_t i = 0; i < res->ngpus; i++)
                if (res->gpus[i].name && g->name && !strcmp(res->gpus[i].name, g->name) &&
                    gemm_tflops(res, &res->gpus[i], k) > 0)
                        v[(*n)++] = gemm_tflops(res, &res->gpus[i], k);
        med = check_bench_median(v, *n);
        free(v);
        return med;
}

/* Returns whether a finding was made for kind k of g. */
static bool judge_gemm_kind(const struct snap_bench *res, const struct snap_bench_gpu *g,
                            enum snap_dtype k, struct findings *fs)
{
        double v = gemm_tflops(res, g, k), peak = check_bench_gemm_peak(g, k);
        int n3 = (int)check_bench_gemm_n(res);
        size_t n;
        double med = gemm_sibling_median(res, g, k, &n);
        struct finding *f;

        if (v <= 0)
                return false;
        if (n >= 3 && v < GEMM_SIBLING_FRACTION * med) {
                f = finding_add(fs, "bench.gemm-slow", "GPU %d (%s): %s GEMM %.1f TFLOP/s, %.0f%% "
                                "of its siblings' %.1f TFLOP/s", (int)g->index, g->pci_bus_id,
                                snap_dtype_label(k), v, 100 * v / med, med);
                finding_evidence(f, "median over the %zu %s GPUs measured, cuBLAS %d^3", n,
                                 g->name, n3);
        } else if (peak > 0 && v < GEMM_PEAK_FRACTION * peak) {
                f = finding_add(fs, "bench.gemm-slow", "GPU %d (%s): %s GEMM %.1f TFLOP/s, %.0f%% "
                                "of the %.0f TFLOP/s peak", (int)g->index, g->pci_bus_id,
                                snap_dtype_label(k), v, 100 * v / peak, peak);
                finding_evidence(f, "cuBLAS reaches 60-90%% of the dense peak on a %d^3 GEMM; "
                                 "below %.0f%% the GPU is held back", n3, 100 * GEMM_PEAK_FRACTION);
        } else {
                return false;
        }
        finding_fix(f, "nvidia-smi -q -d PERFORMANCE,POWER,CLOCK -i %d   # throttle reasons, "
                    "power limit, clocks", (int)g->index);
        return true;
}

static void judge_gemm_error(const struct snap_bench_gpu *g, const struct snap_bench_gemm *m,
                             enum snap_dtype k, struct findings *fs)
{
        const char *e = m->error;
        struct finding *f;

        if (m->wrong_samples) {
                f = finding_add(fs, "bench.gemm-wrong", "GPU %d (%s): %ld of %ld sampled elements "
                                "of a %s GEMM are wrong", (int)g->index, g->pci_bus_id,
                                (long)m->wrong_samples, (long)m->samples, snap_dtype_label(k));
                finding_evidence(f, "C = A x B read back and compared with the host's sum, "
                                 "within %g%% of the sum of |products|", 100 * m->tolerance);
                finding_fix(f, "dlrig doctor   # Xid and ECC errors on GPU %d; a GPU that "
                            "computes wrong results must not train", (int)g->index);
        }
        if (!e || !*e)
                return;
        /* a GPU without BF16 (before Ampere) is no fault */
        if (strstr(e, "NOT_SUPPORTED") || strstr(e, "ARCH_MISMATCH")) {
                finding_add(fs, "bench.gemm-not-run", "GPU %d: no %s GEMM figure: %s",
                            (int)g->index, snap_dtype_label(k), e);
                return;
        }
        f = finding_add(fs, "bench.failed", "GPU %d: %s GEMM failed: %s", (int)g->index,
                        snap_dtype_label(k), e);
        finding_fix(f, "dlrig doctor   # Xid errors on GPU %d", (int)g->index);
}

void check_bench_gemm(const struct snap_bench *res, struct findings *fs)
{
        const struct snap_bench_skip *skip = snap_bench_skip_of(res, "gemm");
        struct finding *f;

        /* a case that does not apply (one GPU, not in the plan) is only a
         * "skipped" line of the report; a missing library is a finding */
        if (skip && skip->library) {
                f = finding_add(fs, "bench.gemm-not-run", "no GEMM figures: %s is not "
                                "available: %s", skip->library, skip->why);
                finding_fix(f, "pip install nvidia-cublas-cu12   # or the CUDA toolkit's "
                            "libcublas; DLRIG_CUBLAS_LIB=/path/libcublas.so.12 names one");
        }
        for (size_t i = 0; i < res->ngpus; i++)
                for (int k = 0; k < SNAP_DTYPE_MAX; k++) {
                        const struct snap_bench_gemm *m =
                                snap_bench_gemm_of(res, res->gpus[i].index, (enum snap_dtype)k);

                        if (m)
                                judge_gemm_error(&res->gpus[i], m, (enum snap_dtype)k, fs);
                        if (judge_gemm_kind(res, &res->gpus[i], (enum snap_dtype)k, fs))
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

void check_bench_ar_hung(const char *what, struct findings *fs)
{
        struct finding *f = finding_add(fs, "bench.allreduce-hung", "NCCL all-reduce did not "
                                        "complete: %s", what);

        finding_evidence(f, "the communicators were aborted; the figures measured before are kept");
        ar_hung_fix(f);
}

static void judge_ar_result(const struct snap_bench *res, struct findings *fs)
{
        const struct snap_bench_ar *ar = &res->allreduce;
        const struct snap_bench_ar_size *big = &ar->sizes[ar->nsizes - 1];
        const char *basis = NULL;
        double frac, expected = check_bench_ar_expected(res, &frac, &basis);
        struct finding *f;

        for (size_t i = 0; i < ar->nsizes; i++) {
                if (!ar->sizes[i].wrong_values)
                        continue;
                f = finding_add(fs, "bench.allreduce-wrong", "NCCL all-reduce of %zu bytes over "
                                "%d GPUs: %ld wrong values", (size_t)ar->sizes[i].bytes,
                                (int)ar->ranks, (long)ar->sizes[i].wrong_values);
                finding_evidence(f, "each GPU added known integers; the float sums are exact");
                ar_hung_fix(f);
                return;
        }
        /* small messages measure latency, not links; a hang cut the run short */
        if (ar->hung_bytes || big->bytes < AR_SLOW_MIN_BYTES || expected <= 0 ||
            big->busbw_gbps >= frac * expected)
                return;
        f = finding_add(fs, "bench.allreduce-slow", "NCCL all-reduce of %zu bytes over %d GPUs: "
                        "bus bandwidth %.1f GB/s, %.0f%% of the %.1f GB/s the slowest link allows",
                        (size_t)big->bytes, (int)ar->ranks, big->busbw_gbps,
                        100 * big->busbw_gbps / expected, expected);
        finding_evidence(f, "link: %s; below %.0f%% of it NCCL is not using the path it should",
                         basis, 100 * frac);
        finding_fix(f, "NCCL_DEBUG=INFO NCCL_DEBUG_FILE=/tmp/nccl.%%p.log dlrig bench --quick   "
                    "# which transport NCCL chose (P2P/NVLink, SHM, NET)");
        finding_fix(f, "env | grep NCCL_   # a leftover NCCL_P2P_DISABLE or NCCL_P2P_LEVEL");
}

void check_bench_allreduce(const struct snap_bench *res, struct findings *fs)
{
        const struct snap_bench_ar *ar = &res->allreduce;
        const struct snap_bench_skip *k = snap_bench_skip_of(res, "allreduce");
        struct finding *f;
        char what[96];

        if (k && k->library) {
                f = finding_add(fs, "bench.allreduce-not-run", "no all-reduce figures: %s",
                                k->why);
                finding_fix(f, "pip install nvidia-nccl-cu12   # PyTorch's wheels bring it; "
                            "DLRIG_NCCL_LIB=/path/libnccl.so.2 names one");
        }
        if (ar->hung_bytes) {
                snprintf(what, sizeof(what), "%zu bytes over %d GPUs, none done within the %ld ms deadline",
                         (size_t)ar->hung_bytes, (int)ar->ranks, (long)ar->deadline_ms);
                check_bench_ar_hung(what, fs);
        }
        if (ar->nsizes)
                judge_ar_result(res, fs);
}
