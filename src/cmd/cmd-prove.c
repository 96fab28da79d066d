/* cmd-prove.c - "dlrig prove": gather the machine's facts (the GPUs NVML
 * sees, the Python environments), run the harness in the chosen PyTorch
 * environment (prove/), judge its records (check/check-prove.c), render. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check-prove.h"
#include "probe/probe.h"
#include "prove/prove.h"
#include "render/render.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define PROVE_TIMEOUT_S 120

static const char prove_help[] =
        "usage: dlrig prove [--env PATH] [--gpus LIST] [--json] [--timeout S] [--bench FILE] [--print-script]\n"
        "\n"
        "Runs the guide's last step for real, in your PyTorch environment: torch\n"
        "imports and sees every GPU the driver shows, with code for each; a matmul on\n"
        "each GPU checked against the CPU; then, under torchrun with one process per\n"
        "GPU, an all-reduce checked for the right sum (and its bus bandwidth), a few\n"
        "DDP steps of a small transformer (the loss goes down, every rank ends with\n"
        "the same parameters) and, with 2 or more GPUs, FSDP steps. Every run has a\n"
        "deadline, past which its processes are killed. Failures are findings with\n"
        "their cause and fix (docs/prove.md). Nothing is downloaded; nothing outside\n"
        "a temporary folder is written.\n"
        "\n"
        "  --env PATH      the environment (a prefix, or its python); default: the one\n"
        "                  PATH selects, else the best with torch\n"
        "  --gpus LIST     only these torch ordinals: 0,2-3\n"
        "  --json          print the results and findings as JSON\n"
        "  --timeout S     deadline of each run, seconds (default 120)\n"
        "  --bench FILE    a 'dlrig bench --save' of this machine: torch's all-reduce\n"
        "                  bandwidth is set against its NCCL figure\n"
        "  --print-script  print the Python that prove runs, and exit\n"
        "\n"
        "DLRIG_PROVE_CPU=1 runs on the CPU with gloo (2 processes): for tests and\n"
        "machines without GPUs. DLRIG_PROVE_ENV is --env's default (fit --measure\n"
        "uses it too).\n"
        "\n"
        "Exit status: 0 passed, 1 warnings, 2 failures, 3 could not judge.\n";

const struct option cmd_prove_opts[] = {
        { "env", required_argument, NULL, 'e' }, { "gpus", required_argument, NULL, 'g' },
        { "json", no_argument, NULL, 'j' }, { "timeout", required_argument, NULL, 't' },
        { "print-script", no_argument, NULL, 'p' }, { "help", no_argument, NULL, 'h' },
        { "bench", required_argument, NULL, 'b' },
        { NULL, 0, NULL, 0 },
};

struct prove_cmd {
        struct prove_opts o;
        char *gpus;
        const char *bench;
        bool print;
};

static int parse_timeout(const char *arg, unsigned *ret)
{
        uint64_t v;

        if (parse_u64(arg, 10, &v) < 0 || v < 5 || v > 3600)
                return cmd_usage_error("prove", "--timeout wants seconds from 5 to 3600, not '%s'", arg);
        *ret = (unsigned)v;
        return -1;
}

static int parse_prove(int argc, char **argv, struct ctx *ctx, struct prove_cmd *c)
{
        int ch, r;

        while ((ch = getopt_long(argc, argv, "h", cmd_prove_opts, NULL)) != -1) {
                switch (ch) {
                case 'e': c->o.env = optarg; break;
                case 'g':
                        free(c->gpus);
                        c->gpus = NULL;
                        if (prove_parse_gpus(optarg, &c->gpus) < 0)
                                return cmd_usage_error("prove", "--gpus wants torch ordinals such as 0,2-3, not '%s'", optarg);
                        break;
                case 'j': ctx->format = FMT_JSON; break;
                case 't':
                        if ((r = parse_timeout(optarg, &c->o.timeout_s)) >= 0)
                                return r;
                        break;
                case 'p': c->print = true; break;
                case 'b': c->bench = optarg; break;
                case 'h': fputs(prove_help, stdout); return EXIT_OK;
                default: return cmd_usage_error("prove", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cmd_usage_error("prove", "unexpected argument '%s'", argv[optind]);
        c->o.gpus = c->gpus;
        if (!c->o.env)
                c->o.env = getenv("DLRIG_PROVE_ENV");
        return -1;
}

/* What prove needs from the machine: NVML's GPUs, CUDA_VISIBLE_DEVICES,
 * the bridges' ACS, /dev/shm, the Python environments. */
static void gather(struct ctx *ctx, struct snapshot *s)
{
        cmd_probe_machine(ctx, s, &(struct cmd_probe_opts){ 0 });
}

/* --bench: the bench section of a saved bench, beside what prove gathers. */
static int load_bench(const char *path, struct snapshot *s)
{
        struct snapshot b;
        int r = -1;

        snap_init(&b);
        if (cmd_load_snapshot(path, &b) < 0)
                ;
        else if (b.bench.probe.st == FACT_UNSET)
                cmd_error("'%s' holds no bench: save one with 'dlrig bench --save FILE'", path);
        else {
                s->bench = b.bench;
                memset(&b.bench, 0, sizeof(b.bench));
                r = 0;
        }
        snap_release(&b);
        return r;
}

static int report(const struct ctx *ctx, const struct snap_prove *p, const struct findings *fs)
{
        struct render_opts ro = { .color = ctx->color };
        json_t *j;
        int r;

        if (ctx->format == FMT_TEXT) {
                render_prove_text(stdout, p, fs, &ro);
                return 0;
        }
        j = render_prove_json(p, fs);
        r = render_json_dump(stdout, j);
        json_decref(j);
        if (r < 0)
                cmd_error("cannot write the report: %s", strerror(-r));
        return r;
}

static int prove(struct ctx *ctx, struct prove_cmd *c)
{
        struct findings fs = FINDINGS_INIT;
        const char *cpu = getenv("DLRIG_PROVE_CPU");
        struct snapshot s;
        int r;

        c->o.cpu = cpu && !strcmp(cpu, "1");
        c->o.cpu_nproc = 2;
        snap_init(&s);
        if (c->bench && load_bench(c->bench, &s) < 0) {
                snap_release(&s);
                return EXIT_UNKNOWN;
        }
        gather(ctx, &s);
        if (prove_choose_env(ctx->root, &s.python, &c->o, &s.prove) >= 0 &&
            (r = prove_run(ctx->root, &c->o, &s.prove)) < 0)
                s.prove.not_run = xasprintf("cannot write the harness: %s", strerror(-r));
        if (s.prove.not_run)
                probe_set(&s.prove.probe, FACT_ERROR, s.prove.not_run);
        check_prove(&s, &fs);
        r = report(ctx, &s.prove, &fs) < 0 ? EXIT_UNKNOWN
            : findings_has(&fs, "prove.not-run") ? EXIT_UNKNOWN : (int)cmd_exit_for(findings_worst(&fs));
        findings_release(&fs);
        snap_release(&s);
        return r;
}

int cmd_prove(int argc, char **argv, struct ctx *ctx)
{
        struct prove_cmd c = { .o = { .timeout_s = PROVE_TIMEOUT_S } };
        int r = parse_prove(argc, argv, ctx, &c);

        if (r < 0 && (r = cmd_check_format("prove", ctx, FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON))) < 0) {
                if (c.print)
                        r = fwrite(prove_script, 1, prove_script_len, stdout) == prove_script_len ? EXIT_OK : EXIT_UNKNOWN;
                else if (!sysroot_is_host(ctx->root))
                        r = cmd_usage_error("prove", "prove runs PyTorch on this machine: --root does not apply");
                else
                        r = prove(ctx, &c);
        }
        free(c.gpus);
        return r;
}
