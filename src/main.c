/* main.c - global options, the command table, exit-code mapping and the
 * final check that the report really reached stdout. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "version.h"

const struct cmd cmd_table[] = {
        { "doctor", cmd_doctor, "[--json | --format FMT] [--output FILE] [--live] [--save FILE] [--from FILE] [--bench FILE] | --health [--timeout S] [--slurm]",
          "diagnose the GPUs, driver and CUDA stack of this machine", false, cmd_doctor_opts, NULL },
        { "health", cmd_health, "[--timeout S] [--slurm]",
          "doctor on a hard deadline, for Slurm's HealthCheckProgram and NHC (--slurm drains)", false,
          cmd_health_opts, NULL },
        { "env", cmd_env, "[--cuda X.Y]",
          "print the shell lines that put a CUDA toolkit on PATH (eval \"$(dlrig env)\")", false, cmd_env_opts, NULL },
        { "kb", cmd_kb, "cuda|torch|gpu|arch|xid [QUERY]",
          "answer questions from the built-in knowledge base", false },
        { "plan", cmd_plan, "[--torch V] [--cuda X.Y] [--python V] [--env NAME] [--installer I] [--user NAME] [--json | --script]",
          "choose the driver, CUDA and PyTorch stack for these GPUs and list the steps", false,
          cmd_plan_opts, "dry-run yes from-step" },
        { "setup", cmd_setup, "[plan options] [--dry-run] [--yes] [--from-step N]",
          "carry out the plan: driver, CUDA, conda, PyTorch, verification (asks first)", false,
          cmd_plan_opts, "script json format" },
        { "fit", cmd_fit, "MODEL [--task infer|lora|qlora|full] [--engine E] [OPTIONS]",
          "will this model run (or fine-tune) on these GPUs, and how to split it", false, cmd_fit_opts, NULL },
        { "topo", cmd_topo, "[--json] [--dot]",
          "show how the GPUs reach each other: NVLink, PCIe, NUMA, P2P", false, cmd_topo_opts, NULL },
        { "bench", cmd_bench, "[--quick] [--gpus LIST] [--json]",
          "measure copy, peer and GPU-to-GPU bandwidth, with every copy verified", false, cmd_bench_opts, NULL },
        { "prove", cmd_prove, "[--env PATH] [--gpus LIST] [--json] [--timeout S] [--bench FILE] [--print-script]",
          "run PyTorch for real: every GPU, all-reduce, DDP and FSDP under torchrun", false, cmd_prove_opts, NULL },
        { "fleet", cmd_fleet, "[--json] REPORT|FOLDER...",
          "compare many nodes' reports: drift from the majority, shared faults", false, cmd_fleet_opts, NULL },
        { "__bench-worker", cmd_bench_worker, "BYTES ITERS LAT_ITERS MASK [KEY=VALUE...]",
          "internal: run bench's measurements in this process", true },
        { "__driver-worker", cmd_driver_worker, "LIB", "internal: load LIB in this process", true },
        { "__complete", cmd_complete, "WORDS...", "internal: completion candidates for the last word", true },
        { "__findings", cmd_findings, "", "internal: the findings catalogue as scdoc, for dlrig-doctor(1)", true },
        { NULL, NULL, NULL, NULL, false, NULL, NULL },
};

const struct option cmd_main_opts[] = {
        { "root", required_argument, NULL, 'r' }, { "json", no_argument, NULL, 'j' },
        { "format", required_argument, NULL, 'F' },
        { "color", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
};

static const char usage_head[] =
        "usage: dlrig [--root DIR] [--format text|json|markdown] [--json] [--color=auto|always|never]\n"
        "             COMMAND [ARGS]\n";

static void print_help(FILE *out)
{
        fputs(usage_head, out);
        fputs("\nFrom \"the cards are plugged in\" to \"multi-GPU deep learning verified\".\n\n"
              "Commands:\n", out);
        for (const struct cmd *c = cmd_table; c->name; c++)
                if (!c->hidden)
                        fprintf(out, "  %-10s %s\n", c->name, c->summary);
        fputs("\nOptions:\n"
              "  --root DIR       inspect the machine described by DIR instead of this one\n"
              "  --format FMT     write the report as text (default), json, or markdown (to\n"
              "                   paste into a GitHub issue: doctor, plan, topo, bench, fit);\n"
              "                   doctor also as prometheus (node_exporter's textfile)\n"
              "  --json           the same as --format json\n"
              "  --color=WHEN     colour the report: auto (a terminal, no NO_COLOR), always, never\n"
              "  -h, --help       this help; 'dlrig COMMAND --help' for a command\n"
              "  --version        print the version\n"
              "\nExit status: 0 no problem, 1 warnings, 2 failures, 3 could not judge\n"
              "(usage error, internal error, report not written).\n", out);
}

__attribute__((format(printf, 1, 0)))
static void cmd_verror(const char *fmt, va_list ap)
{
        fputs("dlrig: ", stderr);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
}

void cmd_error(const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        cmd_verror(fmt, ap);
        va_end(ap);
}

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        cmd_verror(fmt, ap);
        va_end(ap);
        for (const struct cmd *c = cmd_table; cmd && c->name; c++)
                if (!strcmp(c->name, cmd)) {
                        fprintf(stderr, "usage: dlrig %s %s\n", c->name, c->usage);
                        return EXIT_UNKNOWN;
                }
        fputs(usage_head, stderr);
        return EXIT_UNKNOWN;
}

static bool want_color(const char *when)
{
        const char *term = getenv("TERM");

        if (!strcmp(when, "always"))
                return true;
        if (!strcmp(when, "never"))
                return false;
        return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && !(term && !strcmp(term, "dumb"));
}

enum exit_code cmd_exit_for(enum severity sev)
{
        static const enum exit_code codes[SEV_MAX] = {
                [SEV_OK] = EXIT_OK, [SEV_INFO] = EXIT_OK, [SEV_WARN] = EXIT_WARN, [SEV_FAIL] = EXIT_FAIL,
        };

        return sev >= 0 && sev < SEV_MAX ? codes[sev] : EXIT_UNKNOWN;
}

/* Parses the options before COMMAND. Returns -1 to go on, else an exit code. */
static int parse_global(int argc, char **argv, struct ctx *ctx)
{
        const char *color = "auto";
        int c, r;

        opterr = 0;
        while ((c = getopt_long(argc, argv, "+h", cmd_main_opts, NULL)) != -1) {
                switch (c) {
                case 'r': ctx->root_path = optarg; break;
                case 'j': ctx->format = FMT_JSON; break;
                case 'F':
                        if ((r = cmd_set_format(NULL, optarg, ctx)) >= 0)
                                return r;
                        break;
                case 'c':
                        if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never"))
                                return cmd_usage_error(NULL, "--color must be auto, always or never, not '%s'", optarg);
                        color = optarg;
                        break;
                case 'h': print_help(stdout); return EXIT_OK;
                case 'V': printf("dlrig %s\n", DLRIG_VERSION); return EXIT_OK;
                default:
                        return cmd_usage_error(NULL, "unknown option '%s'", argv[optind - 1]);
                }
        }
        ctx->color = want_color(color);
        return -1;
}

/* A report that did not reach its reader is a failure to judge; a reader
 * that closed the pipe on purpose (| head) is not. */
static int finish_stdout(int code)
{
        if (fflush(stdout) != 0 || ferror(stdout)) {
                if (errno == EPIPE)
                        return code;
                cmd_error("could not write the report: %s", strerror(errno));
                return EXIT_UNKNOWN;
        }
        return code;
}

static int run_command(int argc, char **argv, struct ctx *ctx)
{
        const struct cmd *c;
        int r;

        for (c = cmd_table; c->name; c++)
                if (!strcmp(c->name, argv[0]))
                        break;
        if (!c->name)
                return cmd_usage_error(NULL, "unknown command '%s'", argv[0]);
        r = sysroot_open(ctx->root_path, &ctx->root);
        if (r < 0) {
                cmd_error("cannot open root '%s': %s", ctx->root_path, strerror(-r));
                return EXIT_UNKNOWN;
        }
        optind = 0; /* commands parse their own options with getopt */
        r = c->run(argc, argv, ctx);
        ctx->root = sysroot_free(ctx->root);
        return r;
}

int main(int argc, char **argv)
{
        struct ctx ctx = { .root_path = "/", .self_exe = "/proc/self/exe" };
        int r = parse_global(argc, argv, &ctx);

        if (r >= 0)
                return finish_stdout(r);
        if (optind >= argc)
                return cmd_usage_error(NULL, "no command given");
        r = run_command(argc - optind, argv + optind, &ctx);
        return finish_stdout(r);
}
