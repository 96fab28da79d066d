/* cmd-bench.c - "dlrig bench": measure the GPUs in a worker process (or
 * read a saved bench), judge the snapshot's bench section, render it. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "check/check-bench.h"
#include "probe/probe.h"
#include "render/render.h"
#include "snap/snap-json.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "version.h"

static const char bench_help[] =
        "usage: dlrig bench [--quick] [--gpus LIST] [--json | --format FMT] [--save FILE | --from FILE]\n"
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
        "  --format FMT  text, json or markdown (to paste into an issue)\n"
        "  --save FILE   also write the figures (the snapshot's bench section) to FILE\n"
        "  --from FILE   judge and print a saved bench instead of measuring\n"
        "\n"
        "Exit status: 0 no problem, 1 warnings, 2 failures, 3 could not judge.\n";

struct bench_opts {
        bool quick;
        const char *gpus, *save, *from;
};

const struct option cmd_bench_opts[] = {
        { "json", no_argument, NULL, 'j' }, { "quick", no_argument, NULL, 'q' },
        { "gpus", required_argument, NULL, 'g' }, { "help", no_argument, NULL, 'h' },
        { "save", required_argument, NULL, 's' }, { "from", required_argument, NULL, 'f' },
        { "format", required_argument, NULL, 'F' },
        { NULL, 0, NULL, 0 },
};

static int parse_bench(int argc, char **argv, struct ctx *ctx, struct bench_opts *o)
{
        int c;

        while ((c = getopt_long(argc, argv, "h", cmd_bench_opts, NULL)) != -1) {
                switch (c) {
                case 'j': ctx->format = FMT_JSON; break;
                case 'F':
                        if ((c = cmd_set_format("bench", optarg, ctx)) >= 0)
                                return c;
                        break;
                case 'q': o->quick = true; break;
                case 'g': o->gpus = optarg; break;
                case 's': o->save = optarg; break;
                case 'f': o->from = optarg; break;
                case 'h': fputs(bench_help, stdout); return EXIT_OK;
                default:
                        return cmd_usage_error("bench", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cmd_usage_error("bench", "unexpected argument '%s'", argv[optind]);
        if (o->save && o->from)
                return cmd_usage_error("bench", "--save and --from cannot be combined");
        if (o->from && (o->quick || o->gpus))
                return cmd_usage_error("bench", "--from judges a saved bench: --quick and "
                                       "--gpus do not apply");
        return -1;
}

/* "\r<op>" on a terminal, overwritten by the next one. */
static void progress(const char *op, size_t len, void *arg)
{
        (void)arg;
        fprintf(stderr, "\r\033[Kdlrig bench: %.*s", (int)(len > 100 ? 100 : len), op);
        fflush(stderr);
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

/* The plan from the options and the tests' variables; an exit code when
 * they are wrong, else -1. */
static int make_plan(const struct bench_opts *o, struct bench_plan *plan)
{
        bench_plan_init(plan, o->quick);
        if (bench_plan_env(plan, getenv("DLRIG_BENCH_COPY_BYTES")) < 0)
                return cmd_usage_error("bench", "DLRIG_BENCH_COPY_BYTES wants a byte count "
                                       "from 4096 to 4294967296");
        if (bench_plan_env_more(plan, getenv("DLRIG_BENCH_GEMM_N"),
                                getenv("DLRIG_BENCH_AR_MAX_BYTES")) < 0)
                return cmd_usage_error("bench", "DLRIG_BENCH_GEMM_N wants 64 to 16384, "
                                       "DLRIG_BENCH_AR_MAX_BYTES 8 to 4294967296");
        if (o->gpus && bench_parse_gpus(o->gpus, &plan->gpu_mask) < 0)
                return cmd_usage_error("bench", "--gpus wants CUDA ordinals such as 0,2-3, "
                                       "not '%s'", o->gpus);
        return -1;
}

/* Measures into s->bench; an exit code on failure, else -1. */
static int measure(struct ctx *ctx, const struct bench_opts *o, struct snapshot *s)
{
        struct bench_plan plan;
        char *cublas = NULL, *nccl = NULL;
        bool tty = isatty(STDERR_FILENO) && !getenv("DLRIG_DETERMINISTIC");
        int r = make_plan(o, &plan);

        if (r >= 0)
                return r;
        find_wheel_libs(ctx, &cublas, &nccl);
        plan.cublas_lib = cublas;
        plan.nccl_lib = nccl;
        r = bench_run(ctx->root, ctx->self_exe, &plan, tty ? progress : NULL, NULL, &s->bench);
        free(cublas);
        free(nccl);
        if (tty)
                fputs("\r\033[K", stderr);
        if (r < 0) {
                cmd_error("cannot run the bench worker: %s", strerror(-r));
                return EXIT_UNKNOWN;
        }
        s->dlrig_version = xstrdup(DLRIG_VERSION);
        return -1;
}

/* The schema_version of a "dlrig --json bench" report in path (top-level
 * "gpus" and "findings"), or -1 when the file is something else. */
static int report_version(const char *path)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        struct sysroot *host = NULL;
        json_t *j = NULL;
        int v = -1;

        if (sysroot_open("/", &host) >= 0 && sys_read_file(host, path, 64u << 20, &buf) >= 0)
                j = json_loadb(buf.buf, buf.len, 0, NULL);
        sysroot_free(host);
        if (json_is_array(json_object_get(j, "gpus")) && json_object_get(j, "findings"))
                v = (int)json_integer_value(json_object_get(j, "schema_version"));
        json_decref(j);
        return v;
}

/* A saved bench: a snapshot with a bench section. A --json bench report
 * has rounded figures and judgements, not the facts to judge again. */
static int load(const char *path, struct snapshot *s)
{
        int v;

        if (cmd_load_snapshot(path, s) < 0)
                return EXIT_UNKNOWN;
        if (s->bench.probe.st != FACT_UNSET)
                return -1;
        v = report_version(path);
        if (v >= 0)
                cmd_error("'%s' is a 'dlrig --json bench' report (schema_version %d), which "
                          "cannot be judged again: save a bench with 'dlrig bench --save FILE'",
                          path, v);
        else
                cmd_error("'%s' holds no bench: save one with 'dlrig bench --save FILE'", path);
        return EXIT_UNKNOWN;
}

/* bench --save: the snapshot's schema_version, dlrig_version and bench
 * section; the sections bench did not gather are left out (a reader sees
 * them as never gathered). */
static int save(const char *path, const struct snapshot *s)
{
        json_t *j = snap_to_json(s), *out = json_object();
        static const char *const keep[] = { "schema_version", "dlrig_version", "bench" };
        char *text;
        int r;

        for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
                json_object_set(out, keep[i], json_object_get(j, keep[i]));
        text = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        r = text ? sys_write_file_atomic(path, text, strlen(text)) : -ENOMEM;
        free(text);
        json_decref(out);
        json_decref(j);
        if (r < 0)
                cmd_error("cannot save the bench to '%s': %s", path, strerror(-r));
        return r;
}

static int report(const struct ctx *ctx, const struct snap_bench *b, const struct findings *fs)
{
        struct render_opts ro = { .color = ctx->color };
        json_t *j;
        int r;

        if (ctx->format == FMT_MARKDOWN) {
                render_bench_md(stdout, b, fs);
                return 0;
        }
        if (ctx->format == FMT_TEXT) {
                render_bench_text(stdout, b, fs, &ro);
                return 0;
        }
        j = render_bench_json(b, fs);
        r = render_bench_json_dump(stdout, j);
        json_decref(j);
        if (r < 0)
                cmd_error("cannot write the report: %s", strerror(-r));
        return r;
}

int cmd_bench(int argc, char **argv, struct ctx *ctx)
{
        struct bench_opts o = { 0 };
        struct findings fs = FINDINGS_INIT;
        struct snapshot s;
        int r = parse_bench(argc, argv, ctx, &o);

        if (r >= 0 || (r = cmd_check_format("bench", ctx, FMT_REPORT_FORMS)) >= 0)
                return r;
        snap_init(&s);
        r = o.from ? load(o.from, &s) : measure(ctx, &o, &s);
        if (r < 0 && o.save && save(o.save, &s) < 0)
                r = EXIT_UNKNOWN;
        if (r < 0) {
                check_bench(&s.bench, &fs);
                if (report(ctx, &s.bench, &fs) < 0)
                        r = EXIT_UNKNOWN;
                else if (findings_has(&fs, "bench.not-run"))
                        r = EXIT_UNKNOWN;
                else
                        r = cmd_exit_for(findings_worst(&fs));
        }
        findings_release(&fs);
        snap_release(&s);
        return r;
}

int cmd_bench_worker(int argc, char **argv, struct ctx *ctx)
{
        struct bench_plan p;

        if (bench_plan_from_args(argc - 1, argv + 1, &p) < 0)
                return cmd_usage_error("__bench-worker", "expected BYTES ITERS LAT_ITERS MASK");
        return bench_worker_main(ctx->root, &p);
}
