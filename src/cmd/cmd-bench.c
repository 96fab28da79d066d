/* cmd-bench.c - "dlrig bench": measure the GPUs in a worker process, judge
 * the figures, print them (text or JSON) with the findings. */
#include "cmd.h"

#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "probe/probe.h"
#include "render/render.h"

static const char bench_help[] =
        "usage: dlrig bench [--quick] [--gpus LIST] [--json]\n"
        "\n"
        "Measures what the GPUs do: host<->GPU and on-GPU copy bandwidth, for\n"
        "every pair of GPUs the peer copy bandwidth (one way and both ways) and\n"
        "latency, each GPU's BF16 and FP32 GEMM rate (cuBLAS), and NCCL\n"
        "all-reduce over all of them, with every copy's and sum's data verified.\n"
        "Figures far below their siblings or what the links allow, P2P slower than\n"
        "the host path, wrong data, hung collectives and links that stay degraded\n"
        "under load are reported as findings (docs/bench.md).\n"
        "\n"
        "  --quick       smaller sizes and fewer repetitions (about a minute on 8 GPUs)\n"
        "  --gpus LIST   only these CUDA ordinals: 0,2-3\n"
        "  --json        print every figure as JSON\n"
        "\n"
        "Exit status: 0 no problem, 1 warnings, 2 failures, 3 could not judge.\n";

struct bench_opts {
        bool quick;
        const char *gpus;
};

static int parse_bench(int argc, char **argv, struct ctx *ctx, struct bench_opts *o)
{
        static const struct option opts[] = {
                { "json", no_argument, NULL, 'j' }, { "quick", no_argument, NULL, 'q' },
                { "gpus", required_argument, NULL, 'g' }, { "help", no_argument, NULL, 'h' },
                { NULL, 0, NULL, 0 },
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
                switch (c) {
                case 'j': ctx->json = true; break;
                case 'q': o->quick = true; break;
                case 'g': o->gpus = optarg; break;
                case 'h': fputs(bench_help, stdout); return EXIT_OK;
                default:
                        return cmd_usage_error("bench", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cmd_usage_error("bench", "unexpected argument '%s'", argv[optind]);
        return -1;
}

/* "\r<op>" on a terminal, overwritten by the next one. */
static void progress(const char *op, size_t len, void *arg)
{
        (void)arg;
        fprintf(stderr, "\r\033[Kdlrig bench: %.*s", (int)(len > 100 ? 100 : len), op);
        fflush(stderr);
}

static void print_gpus(FILE *out, const struct bench_result *res)
{
        fprintf(out, "  GPU  bus           host->GPU  GPU->host  on-GPU copy  (GB/s)\n");
        for (size_t i = 0; i < res->ngpus; i++) {
                const struct bench_gpu *g = &res->gpus[i];

                fprintf(out, "  %3d  %-12s  %9.1f  %9.1f  %11.1f   %s\n", g->ordinal, g->bus,
                        g->h2d_gbps, g->d2h_gbps, g->d2d_gbps, g->name);
        }
}

/* One matrix of pair figures: row src, column dst. */
static void print_matrix(FILE *out, const struct bench_result *res, const char *title,
                         size_t offset)
{
        fprintf(out, "\n  %s\n  src\\dst", title);
        for (size_t j = 0; j < res->ngpus; j++)
                fprintf(out, " %7d", res->gpus[j].ordinal);
        fputc('\n', out);
        for (size_t i = 0; i < res->ngpus; i++) {
                fprintf(out, "  %7d", res->gpus[i].ordinal);
                for (size_t j = 0; j < res->ngpus; j++) {
                        const struct bench_pair *p = NULL;

                        for (size_t k = 0; k < res->npairs; k++)
                                if (res->pairs[k].src == res->gpus[i].ordinal &&
                                    res->pairs[k].dst == res->gpus[j].ordinal)
                                        p = &res->pairs[k];
                        if (p)
                                fprintf(out, " %6.1f%c", *(const double *)((const char *)p + offset),
                                        p->p2p ? ' ' : '*');
                        else
                                fprintf(out, " %7s", "-");
                }
                fputc('\n', out);
        }
}

static void print_gemm(FILE *out, const struct bench_result *res)
{
        bool any = false;

        for (size_t i = 0; i < res->ngpus; i++)
                any = any || res->gpus[i].gemm_tflops[BENCH_BF16] > 0 ||
                      res->gpus[i].gemm_tflops[BENCH_FP32] > 0;
        if (!any)
                return;
        fprintf(out, "\n  GEMM %u^3 (cuBLAS)   BF16 TFLOP/s  of peak   FP32 TFLOP/s  of peak\n",
                res->gemm_n);
        for (size_t i = 0; i < res->ngpus; i++) {
                const struct bench_gpu *g = &res->gpus[i];

                fprintf(out, "  GPU %3d            ", g->ordinal);
                for (int k = BENCH_BF16; k <= BENCH_FP32; k++) {
                        double peak = bench_gemm_peak(g, k);

                        fprintf(out, "  %12.1f", g->gemm_tflops[k]);
                        if (peak > 0 && g->gemm_tflops[k] > 0)
                                fprintf(out, "  %6.0f%%", 100 * g->gemm_tflops[k] / peak);
                        else
                                fprintf(out, "  %7s", "-");
                }
                fputc('\n', out);
        }
}

static void print_allreduce(FILE *out, const struct bench_result *res)
{
        const char *basis = NULL;
        double frac, expected = bench_ar_expected(res, &frac, &basis);

        if (!res->nar)
                return;
        fprintf(out, "\n  NCCL %d.%d.%d all-reduce, %d GPUs, float sum\n"
                "         bytes   time (us)   algbw (GB/s)   busbw (GB/s)   wrong\n",
                res->nccl_version / 10000, res->nccl_version / 100 % 100,
                res->nccl_version % 100, res->ar_ranks);
        for (size_t i = 0; i < res->nar; i++) {
                const struct bench_ar *a = &res->ar[i];

                fprintf(out, "  %12zu  %10.1f  %13.2f  %13.2f  %6ld\n", a->bytes,
                        a->iters ? a->ms * 1e3 / a->iters : 0, a->algbw_gbps, a->busbw_gbps,
                        a->wrong);
        }
        if (expected > 0)
                fprintf(out, "  the slowest link allows about %.1f GB/s of bus bandwidth (%s)\n",
                        expected, basis);
}

static void print_text(const struct ctx *ctx, const struct bench_result *res,
                       const struct findings *fs)
{
        struct render_opts o = { .color = ctx->color };

        printf("dlrig bench\n\n");
        if (res->ngpus)
                print_gpus(stdout, res);
        if (res->npairs) {
                print_matrix(stdout, res, "peer copy, one way (GB/s; * through host)",
                             offsetof(struct bench_pair, uni_gbps));
                print_matrix(stdout, res, "peer copy, both ways at once (GB/s)",
                             offsetof(struct bench_pair, bidi_gbps));
                print_matrix(stdout, res, "peer copy latency (us)",
                             offsetof(struct bench_pair, latency_us));
        }
        print_gemm(stdout, res);
        print_allreduce(stdout, res);
        fputc('\n', stdout);
        render_findings_text(stdout, fs, &o);
}

static void print_json(const struct bench_result *res, const struct bench_plan *p,
                       const struct findings *fs)
{
        json_t *j = bench_result_json(res);

        json_object_set_new(j, "plan", json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                                                 "quick", p->quick,
                                                 "copy_bytes", (json_int_t)p->copy_bytes,
                                                 "copy_iters", (json_int_t)p->copy_iters,
                                                 "lat_iters", (json_int_t)p->lat_iters,
                                                 "gemm_n", (json_int_t)p->gemm_n,
                                                 "gemm_iters", (json_int_t)p->gemm_iters,
                                                 "allreduce_max_bytes",
                                                 (json_int_t)p->ar_max_bytes,
                                                 "allreduce_step", (json_int_t)p->ar_step,
                                                 "allreduce_iters", (json_int_t)p->ar_iters));
        json_object_set_new(j, "findings", render_findings_json(fs));
        json_object_set_new(j, "status", json_string(severity_name(findings_worst(fs))));
        json_object_set_new(j, "schema_version", json_integer(REPORT_SCHEMA_VERSION));
        /* figures are rounded to 0.001 (bench-json.c): 10 digits print them exactly */
        json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        fputc('\n', stdout);
        json_decref(j);
}

/* cuBLAS and NCCL as a PyTorch wheel installed them, for the worker to try
 * after the loader's search (bench-libs.c). */
static void find_wheel_libs(struct ctx *ctx, char **cublas, char **nccl)
{
        struct strv diag = STRV_INIT;
        struct probe_ctx pc = { .root = ctx->root, .self_exe = ctx->self_exe, .diag = &diag };
        struct snapshot s;

        snap_init(&s);
        drv_limits_default(&pc.limits);
        probe_procenv(&pc, &s.procenv); /* PATH and VIRTUAL_ENV, for venvs */
        probe_shell(&pc, &s.procenv, &s.shell);     /* the home folder, for venvs */
        probe_python(&pc, &s);
        bench_wheel_libs(ctx->root, &s.python, cublas, nccl);
        snap_release(&s);
        strv_release(&diag);
}

int cmd_bench(int argc, char **argv, struct ctx *ctx)
{
        struct bench_opts o = { 0 };
        struct bench_result res = { 0 };
        struct findings fs = FINDINGS_INIT;
        struct bench_plan plan;
        char *cublas = NULL, *nccl = NULL;
        bool tty = isatty(STDERR_FILENO) && !getenv("DLRIG_DETERMINISTIC");
        int r = parse_bench(argc, argv, ctx, &o);

        if (r >= 0)
                return r;
        bench_plan_init(&plan, o.quick);
        if (bench_plan_env(&plan, getenv("DLRIG_BENCH_COPY_BYTES")) < 0)
                return cmd_usage_error("bench", "DLRIG_BENCH_COPY_BYTES wants a byte count "
                                       "from 4096 to 4294967296");
        if (bench_plan_env_more(&plan, getenv("DLRIG_BENCH_GEMM_N"),
                                getenv("DLRIG_BENCH_AR_MAX_BYTES")) < 0)
                return cmd_usage_error("bench", "DLRIG_BENCH_GEMM_N wants 64 to 16384, "
                                       "DLRIG_BENCH_AR_MAX_BYTES 8 to 4294967296");
        if (o.gpus && bench_parse_gpus(o.gpus, &plan.gpu_mask) < 0)
                return cmd_usage_error("bench", "--gpus wants CUDA ordinals such as 0,2-3, "
                                       "not '%s'", o.gpus);
        find_wheel_libs(ctx, &cublas, &nccl);
        plan.cublas_lib = cublas;
        plan.nccl_lib = nccl;
        r = bench_run(ctx->root, ctx->self_exe, &plan, tty ? progress : NULL, NULL, &res);
        free(cublas);
        free(nccl);
        if (tty)
                fputs("\r\033[K", stderr);
        if (r < 0) {
                cmd_error("cannot run the bench worker: %s", strerror(-r));
                return EXIT_UNKNOWN;
        }
        bench_judge(&res, &fs);
        if (ctx->json)
                print_json(&res, &plan, &fs);
        else
                print_text(ctx, &res, &fs);
        r = findings_has(&fs, "bench.not-run") ? EXIT_UNKNOWN : cmd_exit_for(findings_worst(&fs));
        findings_release(&fs);
        bench_result_release(&res);
        return r;
}

int cmd_bench_worker(int argc, char **argv, struct ctx *ctx)
{
        struct bench_plan p;

        if (bench_plan_from_args(argc - 1, argv + 1, &p) < 0)
                return cmd_usage_error("__bench-worker", "expected BYTES ITERS LAT_ITERS MASK");
        return bench_worker_main(ctx->root, &p);
}
