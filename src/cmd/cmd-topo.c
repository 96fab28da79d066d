/* cmd-topo.c - "dlrig topo": how the GPUs reach each other, from the
 * driver's topology facts, else from the PCI tree in sysfs (docs/topo.md). */
#include "cmd.h"

#include <getopt.h>
#include <stdio.h>

#include "probe/probe.h"
#include "render/render.h"
#include "topo/topo.h"

static const char topo_help[] =
        "usage: dlrig topo [--json | --format FMT] [--dot]\n"
        "\n"
        "Shows the GPU-to-GPU matrix (NV# / PIX / PXB / PHB / NODE / SYS, as\n"
        "nvidia-smi topo -m names them) with each GPU's CPUs and NUMA node, the\n"
        "P2P capabilities of every pair and each GPU's NVLink links.\n"
        "\n"
        "  --json   print it as JSON\n"
        "  --format FMT  text, json or markdown (the matrix to paste into an issue)\n"
        "  --dot    print it as Graphviz DOT (dlrig topo --dot | dot -Tpng -o topo.png)\n"
        "\n"
        "Without the driver the matrix comes from the PCI tree in sysfs (no\n"
        "NVLink or P2P information).\n"
        "\n"
        "Exit status: 0 shown, 3 no GPU topology (no driver topology, no GPU on the bus).\n";

const struct option cmd_topo_opts[] = {
        { "json", no_argument, NULL, 'j' }, { "dot", no_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' }, { "format", required_argument, NULL, 'F' },
        { NULL, 0, NULL, 0 },
};

static int parse_topo(int argc, char **argv, struct ctx *ctx, bool *dot)
{
        int c;

        while ((c = getopt_long(argc, argv, "h", cmd_topo_opts, NULL)) != -1) {
                switch (c) {
                case 'j': ctx->format = FMT_JSON; break;
                case 'F':
                        if ((c = cmd_set_format("topo", optarg, ctx)) >= 0)
                                return c;
                        break;
                case 'd': *dot = true; break;
                case 'h': fputs(topo_help, stdout); return EXIT_OK;
                default: return cmd_usage_error("topo", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cmd_usage_error("topo", "unexpected argument '%s'", argv[optind]);
        if (*dot && ctx->format != FMT_TEXT)
                return cmd_usage_error("topo", "--dot cannot be combined with --json or --format");
        return -1;
}

static void gather(struct ctx *ctx, struct snapshot *s)
{
        cmd_probe_machine(ctx, s, &(struct cmd_probe_opts){ .say_diag = true });
}

/* Why there is nothing to show, in the driver's words where it gave some. */
static void explain(const struct snapshot *s)
{
        const struct probe_st *p = s->topo.probe.st != FACT_UNSET ? &s->topo.probe
                                                                   : &s->nvml.probe;

        cmd_error("no GPU topology: %s, and no GPU in the PCI tree",
                  p->why ? p->why : "NVML gave no topology facts");
}

int cmd_topo(int argc, char **argv, struct ctx *ctx)
{
        struct topo_model m;
        struct snapshot s;
        bool dot = false;
        int r = parse_topo(argc, argv, ctx, &dot);

        if (r >= 0 || (r = cmd_check_format("topo", ctx, FMT_REPORT_FORMS)) >= 0)
                return r;
        snap_init(&s);
        gather(ctx, &s);
        if (topo_build(&s, &m) < 0 && topo_build_pci(&s, &m) < 0) {
                explain(&s);
                snap_release(&s);
                return EXIT_UNKNOWN;
        }
        if (dot) {
                render_topo_dot(stdout, &m);
        } else if (ctx->format == FMT_MARKDOWN) {
                render_topo_md(stdout, &m);
        } else if (ctx->format == FMT_JSON) {
                json_t *j = render_topo_json(&m);
                render_json_dump(stdout, j);
                json_decref(j);
        } else {
                render_topo_text(stdout, &m);
        }
        topo_release(&m);
        snap_release(&s);
        return EXIT_OK;
}
