/* check-bench.c - bench's figures (the snapshot's bench section) into
 * findings. Outliers are judged
 * against siblings, which share the machine's quirks, rather than against
 * datasheets, which no machine reaches: a GPU below 75% of the median of
 * the GPUs of its model, a pair below 75% of the median of the pairs of its
 * link kind (same CUDA P2P access and performance rank), a P2P pair slower
 * than the same copy staged through host memory would be. Wrong data and a
 * hung operation are failures whatever the speed. */
#include "check-bench-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

#define SLOW_FRACTION CHECK_BENCH_SLOW_FRACTION

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;

        return (x > y) - (x < y);
}

double check_bench_median(double *v, size_t n)
{
        if (!n)
                return 0;
        qsort(v, n, sizeof(*v), cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- one GPU's figures -------------------------------------------------------- */

static void judge_wrong_gpu(const struct snap_bench_gpu *g, struct findings *fs)
{
        struct finding *f;

        if (!g->wrong_words)
                return;
        f = finding_add(fs, "bench.copy-wrong", "GPU %d (%s): %ld wrong 32-bit words after its "
                        "own copies", (int)g->index, g->pci_bus_id, g->wrong_words);
        finding_evidence(f, "host->GPU, GPU->host and on-GPU copies of the same data did not "
                         "return what was sent");
        finding_fix(f, "dlrig doctor   # look for Xid and ECC errors on GPU %d", (int)g->index);
}

static void judge_link(const struct snap_bench_gpu *g, struct findings *fs)
{
        struct finding *f;

        if (!g->link.width || !g->link.max_width)
                return;
        if (g->link.width >= g->link.max_width && g->link.speed_gts >= g->link.max_speed_gts)
                return;
        f = finding_add(fs, "bench.link-degraded-under-load",
                        "GPU %d (%s): PCIe link at %.1f GT/s x%d while copying, can do %.1f GT/s x%d",
                        (int)g->index, g->pci_bus_id, g->link.speed_gts, (int)g->link.width,
                        g->link.max_speed_gts, (int)g->link.max_width);
        finding_evidence(f, "read from sysfs while host->GPU copies were in flight: a link "
                         "saving power comes up to full speed under load, this one did not");
        finding_fix(f, "reseat the card or move it to a x%d slot; check the riser and the BIOS "
                    "slot setting (lspci -vv -s %s | grep LnkSta)", (int)g->link.max_width, g->pci_bus_id);
}

struct gpu_fig {
        const char *what;
        size_t offset;
};

static const struct gpu_fig gpu_figs[] = {
        { "host->GPU", offsetof(struct snap_bench_gpu, h2d_gbps) },
        { "GPU->host", offsetof(struct snap_bench_gpu, d2h_gbps) },
        { "on-GPU copy", offsetof(struct snap_bench_gpu, d2d_gbps) },
};

static double gpu_val(const struct snap_bench_gpu *g, const struct gpu_fig *k)
{
        return *(const double *)((const char *)g + k->offset);
}

/* Whether a and b are the same model (by the name CUDA gives). */
static bool same_name(const struct snap_bench_gpu *a, const struct snap_bench_gpu *b)
{
        return a->name && b->name && !strcmp(a->name, b->name);
}

/* The median of figure k over the GPUs of g's model. */
static double sibling_median(const struct snap_bench *res, const struct snap_bench_gpu *g,
                             const struct gpu_fig *k, size_t *nsib)
{
        double *v = xcalloc(res->ngpus ? res->ngpus : 1, sizeof(*v)), med;
        size_t n = 0;

        for (size_t i = 0; i < res->ngpus; i++)
                if (same_name(&res->gpus[i], g) && gpu_val(&res->gpus[i], k) > 0)
                        v[n++] = gpu_val(&res->gpus[i], k);
        *nsib = n;
        med = check_bench_median(v, n);
        free(v);
        return med;
}

/* Returns whether g was found slow. */
static bool judge_gpu_speed(const struct snap_bench *res, const struct snap_bench_gpu *g,
                            struct findings *fs)
{
        for (size_t k = 0; k < sizeof(gpu_figs) / sizeof(gpu_figs[0]); k++) {
                size_t nsib;
                double med = sibling_median(res, g, &gpu_figs[k], &nsib), v = gpu_val(g, &gpu_figs[k]);
                struct finding *f;

                if (nsib < 3 || v <= 0 || v >= SLOW_FRACTION * med)
                        continue;
                f = finding_add(fs, "bench.gpu-slow", "GPU %d (%s): %s %.1f GB/s, %.0f%% of its "
                                "siblings' %.1f GB/s", (int)g->index, g->pci_bus_id, gpu_figs[k].what, v,
                                100 * v / med, med);
                finding_evidence(f, "median over the %zu %s GPUs measured", nsib, g->name);
                finding_fix(f, "dlrig doctor   # PCIe link width and speed, throttling, Xid errors");
                return true; /* one finding per GPU: the first figure tells */
        }
        return false;
}

/* ---- pairs ---------------------------------------------------------------------- */

static void judge_wrong_pair(const struct snap_bench_pair *p, struct findings *fs)
{
        struct finding *f;

        if (!p->wrong_words)
                return;
        f = finding_add(fs, "bench.copy-wrong", "copy GPU %d -> GPU %d (%s): %ld wrong 32-bit "
                        "words at %.1f GB/s", (int)p->src, (int)p->dst, p->p2p ? "P2P" : "through host",
                        (long)p->wrong_words, p->uni_gbps);
        finding_evidence(f, "the data read back from GPU %d is not what GPU %d sent: a fast "
                         "copy that delivers wrong data", (int)p->dst, (int)p->src);
        if (p->p2p)
                finding_fix(f, "NCCL_P2P_DISABLE=1   # route NCCL through the host until P2P "
                            "between these GPUs is fixed (driver update, or IOMMU/ACS settings)");
}

/* The median unidirectional figure of the pairs of p's kind. */
static double pair_median(const struct snap_bench *res, const struct snap_bench_pair *p,
                          size_t *nsib)
{
        double *v = calloc(res->npairs ? res->npairs : 1, sizeof(*v));
        double med;
        size_t n = 0;

        for (size_t i = 0; v && i < res->npairs; i++)
                if (res->pairs[i].p2p == p->p2p && res->pairs[i].rank == p->rank &&
                    res->pairs[i].uni_gbps > 0)
                        v[n++] = res->pairs[i].uni_gbps;
        *nsib = n;
        med = check_bench_median(v, n);
        free(v);
        return med;
}

static void judge_pair_speed(const struct snap_bench *res, const struct snap_bench_pair *p,
                             struct findings *fs)
{
        size_t n;
        double med = pair_median(res, p, &n);
        struct finding *f;

        if (n < 3 || p->uni_gbps <= 0 || p->uni_gbps >= SLOW_FRACTION * med)
                return;
        f = finding_add(fs, "bench.pair-slow", "copy GPU %d -> GPU %d: %.1f GB/s, %.0f%% of "
                        "the median of its kind, %.1f GB/s", (int)p->src, (int)p->dst, p->uni_gbps,
                        100 * p->uni_gbps / med, med);
        finding_evidence(f, "median over the %zu %s pairs of CUDA P2P performance rank %d",
                         n, p->p2p ? "P2P" : "through-host", (int)p->rank);
        finding_fix(f, "dlrig doctor   # PCIe ACS on a bridge between the two GPUs routes P2P "
                    "through the root complex; check the links of both GPUs");
}

/* P2P should beat staging through host memory, whose rate is bounded by
 * the slower of src's GPU->host and dst's host->GPU copies. */
static void judge_p2p_vs_host(const struct snap_bench *res, const struct snap_bench_pair *p,
                              struct findings *fs)
{
        const struct snap_bench_gpu *a = NULL, *b = NULL;
        double host;
        struct finding *f;

        a = snap_bench_gpu_of(res, p->src);
        b = snap_bench_gpu_of(res, p->dst);
        if (!p->p2p || !a || !b || a->d2h_gbps <= 0 || b->h2d_gbps <= 0)
                return;
        host = a->d2h_gbps < b->h2d_gbps ? a->d2h_gbps : b->h2d_gbps;
        if (p->uni_gbps >= SLOW_FRACTION * host)
                return;
        f = finding_add(fs, "bench.p2p-slower-than-host", "copy GPU %d -> GPU %d over P2P: "
                        "%.1f GB/s, through the host it could reach %.1f GB/s", (int)p->src, (int)p->dst,
                        p->uni_gbps, host);
        finding_evidence(f, "GPU %d->host %.1f GB/s, host->GPU %d %.1f GB/s", (int)p->src,
                         a->d2h_gbps, (int)p->dst, b->h2d_gbps);
        finding_fix(f, "NCCL_P2P_DISABLE=1   # until the P2P path is fixed (ACS, IOMMU, BIOS)");
}

/* ---- the run -------------------------------------------------------------------- */

static bool judge_run(const struct snap_bench *res, struct findings *fs)
{
        struct finding *f;

        if (res->not_run || (!res->failure && (!res->started || !res->ngpus))) {
                if (res->not_run || !res->started)
                        f = finding_add(fs, "bench.not-run", "nothing could be measured: %s",
                                        res->not_run ? res->not_run : "no result");
                else
                        f = finding_add(fs, "bench.not-run", "nothing could be measured: no GPU "
                                        "selected (CUDA sees %d)", (int)res->device_count);
                finding_fix(f, "dlrig doctor");
                return false;
        }
        if (res->failure && res->hung && strstr(res->failure, "all-reduce")) {
                check_bench_ar_hung(res->failure, fs); /* NCCL set-up or launch blocked */
        } else if (res->failure && res->hung) {
                f = finding_add(fs, "bench.hung", "%s", res->failure);
                finding_evidence(f, "the figures measured before it are kept");
                finding_fix(f, "dlrig doctor   # a GPU or link that stops answering under load");
        } else if (res->failure) {
                f = finding_add(fs, "bench.failed", "%s", res->failure);
                finding_fix(f, "dlrig doctor");
        }
        return true;
}

/* A pair with a GPU already found slow is slow for that reason: the GPU's
 * finding is the root cause, its pairs are not reported again. */
static bool pair_explained(const struct snap_bench *res, const bool *slow,
                           const struct snap_bench_pair *p)
{
        for (size_t i = 0; i < res->ngpus; i++)
                if (slow[i] && (res->gpus[i].index == p->src || res->gpus[i].index == p->dst))
                        return true;
        return false;
}

/* Whether a warning or failure was added since finding number before. */
static bool judged_bad(const struct findings *fs, size_t before)
{
        for (size_t i = before; i < fs->n; i++)
                if (fs->v[i].cat && fs->v[i].cat->sev >= SEV_WARN)
                        return true;
        return false;
}

void check_bench(const struct snap_bench *res, struct findings *fs)
{
        size_t before = fs->n;
        bool *slow;

        if (!judge_run(res, fs))
                return;
        slow = xcalloc(res->ngpus ? res->ngpus : 1, sizeof(*slow));
        for (size_t i = 0; i < res->ngpus; i++) {
                const struct snap_bench_gpu *g = &res->gpus[i];

                judge_wrong_gpu(g, fs);
                judge_link(g, fs);
                slow[i] = judge_gpu_speed(res, g, fs);
        }
        for (size_t i = 0; i < res->npairs; i++) {
                judge_wrong_pair(&res->pairs[i], fs);
                if (pair_explained(res, slow, &res->pairs[i]))
                        continue;
                judge_p2p_vs_host(res, &res->pairs[i], fs);
                judge_pair_speed(res, &res->pairs[i], fs);
        }
        free(slow);
        check_bench_gemm(res, fs);
        check_bench_allreduce(res, fs);
        if (!judged_bad(fs, before))
                finding_add(fs, "bench.ok", "%zu GPUs, %zu pairs and %zu all-reduce sizes "
                            "measured; every result verified, no outlier", res->ngpus,
                            res->npairs, res->allreduce.nsizes);
        findings_sort(fs);
}
