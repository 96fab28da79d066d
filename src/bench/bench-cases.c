/* bench-cases.c - bench's registry of cases (bench-cuda.h), in the order
 * they run: each GPU's own copies first (the pairs and the all-reduce are
 * judged against them), then GEMM, every pair, the all-reduce. A case that
 * does not apply to the plan or the selected GPUs, or whose library cannot
 * be loaded, is a "skipped" record with the reason: the report says so
 * instead of leaving a hole. */
#include "bench-cuda.h"

#include "drv/drv-worker.h"
#include "snap/snap-json.h"
#include "util/cleanup.h"

/* The longest reason a skip carries (a loader's message names a path). */
#define SKIP_WHY_MAX 4096

static bool skip_because(struct bench_skip *skip, const char *why)
{
        strbuf_adds(&skip->why, why);
        return false;
}

static bool any_gpu(const struct bench_cuda *bc, struct bench_skip *skip)
{
        return bc->ndevs ? true : skip_because(skip, "no GPU selected");
}

static bool two_gpus(const struct bench_cuda *bc, struct bench_skip *skip, const char *needs)
{
        if (!any_gpu(bc, skip))
                return false;
        if (bc->ndevs >= 2)
                return true;
        strbuf_addf(&skip->why, "one GPU selected: %s needs two", needs);
        return false;
}

/* ---- copies: host<->GPU and on-GPU, per GPU ---- */

static bool copies_applies(const struct bench_cuda *bc, struct bench_skip *skip)
{
        return any_gpu(bc, skip);
}

static CUresult copies_run(struct bench_cuda *bc, struct bench_skip *skip)
{
        CUresult r = CUDA_SUCCESS;

        (void)skip;
        for (size_t i = 0; r == CUDA_SUCCESS && i < bc->ndevs; i++)
                r = bench_gpu_copies(bc, &bc->devs[i]);
        return r;
}

/* ---- gemm: BF16 and FP32 through cuBLAS, per GPU ---- */

static bool gemm_applies(const struct bench_cuda *bc, struct bench_skip *skip)
{
        if (!bc->plan->gemm_n)
                return skip_because(skip, "not in the plan (GEMM size 0)");
        return any_gpu(bc, skip);
}

/* ---- pairs: peer copies between every ordered pair ---- */

static bool pairs_applies(const struct bench_cuda *bc, struct bench_skip *skip)
{
        return two_gpus(bc, skip, "a pair");
}

static CUresult pairs_run(struct bench_cuda *bc, struct bench_skip *skip)
{
        (void)skip;
        return bench_pairs(bc);
}

/* ---- allreduce: NCCL over every selected GPU ---- */

static bool allreduce_applies(const struct bench_cuda *bc, struct bench_skip *skip)
{
        if (!bc->plan->ar_max_bytes)
                return skip_because(skip, "not in the plan (largest message 0)");
        return two_gpus(bc, skip, "an all-reduce");
}

static const struct bench_case cases[] = {
        { "copies", "host->GPU, GPU->host and on-GPU copy bandwidth, verified",
          copies_applies, copies_run },
        { "gemm", "BF16 and FP32 GEMM rate through cuBLAS, sampled and verified",
          gemm_applies, bench_gemms },
        { "pairs", "peer copy bandwidth one way and both ways, latency, verified",
          pairs_applies, pairs_run },
        { "allreduce", "NCCL all-reduce bus bandwidth per message size, sums verified",
          allreduce_applies, bench_allreduce },
};

const struct bench_case *bench_cases(size_t *ret_n)
{
        *ret_n = ARRAY_SIZE(cases);
        return cases;
}

static void emit_skip(const struct bench_case *c, const struct bench_skip *skip)
{
        struct snap_bench_skip rec = {
                .name = (char *)c->name, .why = skip->why.buf, .library = (char *)skip->library,
        };

        worker_emit("skipped", snap_bench_skip_to_json(&rec)); /* borrows rec's strings */
}

CUresult bench_run_cases(struct bench_cuda *bc)
{
        CUresult r = CUDA_SUCCESS;

        for (size_t i = 0; r == CUDA_SUCCESS && i < ARRAY_SIZE(cases); i++) {
                struct bench_skip skip = { .why = STRBUF_INIT };

                strbuf_init(&skip.why, SKIP_WHY_MAX);
                if (cases[i].applies(bc, &skip))
                        r = cases[i].run(bc, &skip);
                if (skip.why.len)
                        emit_skip(&cases[i], &skip);
                strbuf_release(&skip.why);
        }
        return r;
}
