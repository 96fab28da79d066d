/* cmd-plan.c - "dlrig plan": choose the stack for this machine and list
 * the steps to reach it, or print them as a shell script (--script). */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>

#include "cmd-plan-opts.h"
#include "render/render.h"

static const char plan_help[] =
        "usage: dlrig plan " PLAN_USAGE " [--json | --format FMT | --script]\n"
        "\n"
        "Chooses the driver branch, PyTorch release and wheel, Python and CUDA toolkit\n"
        "for these GPUs and this distribution, says why, and lists the steps to get\n"
        "there, each done or to do.\n"
        "\n"
        PLAN_OPTIONS_HELP
        "  --script       print the plan as a POSIX sh script instead\n"
        "  --json         print the plan as JSON (docs/plan.md)\n"
        "  --format FMT   text, json or markdown (to paste into an issue)\n"
        "\n"
        "Exit status: 0 the plan was made, 3 it could not be (the reason on stderr).\n";

int cmd_plan(int argc, char **argv, struct ctx *ctx)
{
        struct plan_cli cli = { .help = plan_help, .name = "plan" };
        struct plan p;
        int r = plan_cli_parse(argc, argv, &cli);

        if (r >= 0)
                return r;
        if (cli.setup_only)
                return cmd_usage_error("plan", "'%s' is a dlrig setup option", cli.setup_only);
        if (cli.json)
                ctx->format = FMT_JSON;
        if (cli.format && (r = cmd_set_format("plan", cli.format, ctx)) >= 0)
                return r;
        if ((r = cmd_check_format("plan", ctx, FMT_REPORT_FORMS)) >= 0)
                return r;
        if (ctx->format != FMT_TEXT && cli.script)
                return cmd_usage_error("plan", "--script cannot be combined with --json or --format");
        r = plan_cli_make(ctx, &cli, &p);
        if (r >= 0)
                return r;
        if (cli.script) {
                plan_print_script(stdout, &p);
        } else if (ctx->format == FMT_JSON) {
                json_t *j = plan_to_json(&p);
                render_json_dump(stdout, j);
                json_decref(j);
        } else if (ctx->format == FMT_MARKDOWN) {
                render_plan_md(stdout, &p);
        } else {
                plan_print_text(stdout, &p);
        }
        if (!cli.script && ctx->format == FMT_TEXT && plan_todo_count(&p))
                puts("\nRun it: dlrig setup (asks first), or dlrig plan --script > setup.sh to read and run it yourself.");
        plan_release(&p);
        return EXIT_OK;
}
