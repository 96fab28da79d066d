/* bench-judge.c - bench's figures into findings. Outliers are judged
 * against siblings, which share the machine's quirks, rather than against
 * datasheets, which no machine reaches: a GPU below 75% of the median of
 * the GPUs of its model, a pair below 75% of the median of the pairs of its
 * link kind (same CUDA P2P access and performance rank), a P2P pair slower
 * than the same copy staged through host memory would be. Wrong data and a
 * hung operation are failures whatever the speed. */
#include "bench-judge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOW_FRACTION 0.75

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;

        return (x > y) - (x < y);
}

double bench_median(double *v, size_t n)
{
        if (!n)
                return 0;
        qsort(v, n, sizeof(*v), cmp_double);
        return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ---- one GPU's figures -------------------------------------------------------- */

static void judge_wrong_gpu(const struct bench_gpu *g, struct findings *fs)
{
        struct finding *f;

        if (!g->wrong)
                return;
        f = finding_add(fs, "bench.copy-wrong", "GPU %d (%s): %ld wrong 32-bit words after its "
                        "own copies", g->ordinal, g->bus, g->wrong);
        finding_evidence(f, "host->GPU, GPU->host and on-GPU copies of the same data did not "
                         "return what was sent");
        finding_fix(f, "dlrig doctor   # look for Xid and ECC errors on GPU %d", g->ordinal);
}

static void judge_link(const struct bench_gpu *g, struct findings *fs)
{
        struct finding *f;

        if (!g->link.known || !g->link.max_width)
                return;
        if (g->link.width >= g->link.max_width && g->link.speed_gts >= g->link.max_speed_gts)
                return;
        f = finding_add(fs, "bench.link-degraded-under-load",
                        "GPU %d (%s): PCIe link at %.1f GT/s x%d while copying, can do %.1f GT/s x%d",
                        g->ordinal, g->bus, g->link.speed_gts, g->link.width,
                        g->link.max_speed_gts, g->link.max_width);
        finding_evidence(f, "read from sysfs while host->GPU copies were in flight: a link "
                         "saving power comes up to full speed under load, this one did not");
        finding_fix(f, "reseat the card or move it to a x%d slot; check the riser and the BIOS "
                    "slot setting (lspci -vv -s %s | grep LnkSta)", g->link.max_width, g->bus);
}

struct gpu_fig {
        const char *what;
        size_t offset;
};

static const struct gpu_fig gpu_figs[] = {
        { "host->GPU", offsetof(struct bench_gpu, h2d_gbps) },
        { "GPU->host", offsetof(struct bench_gpu, d2h_gbps) },
        { "on-GPU copy", offsetof(struct bench_gpu, d2d_gbps) },
};

static double gpu_val(const struct bench_gpu *g, const struct gpu_fig *k)
{
        return *(const double *)((const char *)g + k->offset);
}

/* The median of figure k over the GPUs of g's model. */
static double sibling_median(const struct bench_result *res, const struct bench_gpu *g,
                             const struct gpu_fig *k, size_t *nsib)
{
        double v[BENCH_MAX_GPUS];
        size_t n = 0;

        for (size_t i = 0; i < res->ngpus; i++)
                if (!strcmp(res->gpus[i].name, g->name) && gpu_val(&res->gpus[i], k) > 0)
                        v[n++] = gpu_val(&res->gpus[i], k);
        *nsib = n;
        return bench_median(v, n);
}

/* Returns whether g was found slow. */
static bool judge_gpu_speed(const struct bench_result *res, const struct bench_gpu *g,
                            struct findings *fs)
{
        for (size_t k = 0; k < sizeof(gpu_figs) / sizeof(gpu_figs[0]); k++) {
                size_t nsib;
                double med = sibling_median(res, g, &gpu_figs[k], &nsib), v = gpu_val(g, &gpu_figs[k]);
                struct finding *f;

                if (nsib < 3 || v <= 0 || v >= SLOW_FRACTION * med)
                        continue;
                f = finding_add(fs, "bench.gpu-slow", "GPU %d (%s): %s %.1f GB/s, %.0f%% of its "
                                "siblings' %.1f GB/s", g->ordinal, g->bus, gpu_figs[k].what, v,
                                100 * v / med, med);
                finding_evidence(f, "median over the %zu %s GPUs measured", nsib, g->name);
                finding_fix(f, "dlrig doctor   # PCIe link width and speed, throttling, Xid errors");
                return true; /* one finding per GPU: the first figure tells */
        }
        return false;
}

/* ---- pairs ---------------------------------------------------------------------- */

static void judge_wrong_pair(const struct bench_pair *p, struct findings *fs)
{
        struct finding *f;

        if (!p->wrong)
                return;
        f = finding_add(fs, "bench.copy-wrong", "copy GPU %d -> GPU %d (%s): %ld wrong 32-bit "
                        "words at %.1f GB/s", p->src, p->dst, p->p2p ? "P2P" : "through host",
                        p->wrong, p->uni_gbps);
        finding_evidence(f, "the data read back from GPU %d is not what GPU %d sent: a fast "
                         "copy that delivers wrong data", p->dst, p->src);
        if (p->p2p)
                finding_fix(f, "NCCL_P2P_DISABLE=1   # route NCCL through the host until P2P "
                            "between these GPUs is fixed (driver update, or IOMMU/ACS settings)");
}

/* The median unidirectional figure of the pairs of p's kind. */
static double pair_median(const struct bench_result *res, const struct bench_pair *p,
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
        med = bench_median(v, n);
        free(v);
        return med;
}

static void judge_pair_speed(const struct bench_result *res, const struct bench_pair *p,
                             struct findings *fs)
{
        size_t n;
        double med = pair_median(res, p, &n);
        struct finding *f;

        if (n < 3 || p->uni_gbps <= 0 || p->uni_gbps >= SLOW_FRACTION * med)
                return;
        f = finding_add(fs, "bench.pair-slow", "copy GPU %d -> GPU %d: %.1f GB/s, %.0f%% of "
                        "the median of its kind, %.1f GB/s", p->src, p->dst, p->uni_gbps,
                        100 * p->uni_gbps / med, med);
        finding_evidence(f, "median over the %zu %s pairs of CUDA P2P performance rank %d",
                         n, p->p2p ? "P2P" : "through-host", p->rank);
        finding_fix(f, "dlrig doctor   # PCIe ACS on a bridge between the two GPUs routes P2P "
                    "through the root complex; check the links of both GPUs");
}

/* P2P should beat staging through host memory, whose rate is bounded by
 * the slower of src's GPU->host and dst's host->GPU copies. */
static void judge_p2p_vs_host(const struct bench_result *res, const struct bench_pair *p,
                              struct findings *fs)
{
        const struct bench_gpu *a = NULL, *b = NULL;
        double host;
        struct finding *f;

        for (size_t i = 0; i < res->ngpus; i++) {
                if (res->gpus[i].ordinal == p->src)
                        a = &res->gpus[i];
                if (res->gpus[i].ordinal == p->dst)
                        b = &res->gpus[i];
        }
        if (!p->p2p || !a || !b || a->d2h_gbps <= 0 || b->h2d_gbps <= 0)
                return;
        host = a->d2h_gbps < b->h2d_gbps ? a->d2h_gbps : b->h2d_gbps;
        if (p->uni_gbps >= SLOW_FRACTION * host)
                return;
        f = finding_add(fs, "bench.p2p-slower-than-host", "copy GPU %d -> GPU %d over P2P: "
                        "%.1f GB/s, through the host it could reach %.1f GB/s", p->src, p->dst,
                        p->uni_gbps, host);
        finding_evidence(f, "GPU %d->host %.1f GB/s, host->GPU %d %.1f GB/s", p->src,
                         a->d2h_gbps, p->dst, b->h2d_gbps);
        finding_fix(f, "NCCL_P2P_DISABLE=1   # until the P2P path is fixed (ACS, IOMMU, BIOS)");
}

/* ---- the run -------------------------------------------------------------------- */

static bool judge_run(const struct bench_result *res, struct findings *fs)
{
        struct finding *f;

        if (res->not_run || (!res->failure && (!res->started || !res->ngpus))) {
                if (res->not_run || !res->started)
                        f = finding_add(fs, "bench.not-run", "nothing could be measured: %s",
                                        res->not_run ? res->not_run : "no result");
                else
                        f = finding_add(fs, "bench.not-run", "nothing could be measured: no GPU "
                                        "selected (CUDA sees %d)", res->device_count);
                finding_fix(f, "dlrig doctor");
                return false;
        }
        if (res->failure && res->hung && strstr(res->failure, "all-reduce")) {
                bench_judge_ar_hung(res->failure, fs); /* NCCL set-up or launch blocked */
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
static bool pair_explained(const bool *slow, const struct bench_pair *p)
{
        return (p->src >= 0 && p->src < BENCH_MAX_GPUS && slow[p->src]) ||
               (p->dst >= 0 && p->dst < BENCH_MAX_GPUS && slow[p->dst]);
}

/* Whether a warning or failure was added since finding number before. */
static bool judged_bad(const struct findings *fs, size_t before)
{
        for (size_t i = before; i < fs->n; i++)
                if (fs->v[i].cat && fs->v[i].cat->sev >= SEV_WARN)
                        return true;
        return false;
}

void bench_judge(const struct bench_result *res, struct findings *fs)
{
        bool slow[BENCH_MAX_GPUS] = { false };
        size_t before = fs->n;

        if (!judge_run(res, fs))
                return;
        for (size_t i = 0; i < res->ngpus; i++) {
                const struct bench_gpu *g = &res->gpus[i];

                judge_wrong_gpu(g, fs);
                judge_link(g, fs);
                if (judge_gpu_speed(res, g, fs) && g->ordinal >= 0 && g->ordinal < BENCH_MAX_GPUS)
                        slow[g->ordinal] = true;
        }
        for (size_t i = 0; i < res->npairs; i++) {
                judge_wrong_pair(&res->pairs[i], fs);
                if (pair_explained(slow, &res->pairs[i]))
                        continue;
                judge_p2p_vs_host(res, &res->pairs[i], fs);
                judge_pair_speed(res, &res->pairs[i], fs);
        }
        bench_judge_gemm(res, fs);
        bench_judge_allreduce(res, fs);
        if (!judged_bad(fs, before))
                finding_add(fs, "bench.ok", "%zu GPUs, %zu pairs and %zu all-reduce sizes "
                            "measured; every result verified, no outlier", res->ngpus,
                            res->npairs, res->nar);
        findings_sort(fs);
}
