/* cmd-setup.c - "dlrig setup": show the plan, ask, and carry it out. */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-plan-opts.h"
#include "setup/setup.h"

static const char setup_help[] =
        "usage: dlrig setup " PLAN_USAGE " [--dry-run] [--yes] [--from-step N]\n"
        "\n"
        "Shows the plan of dlrig plan, asks, and carries it out: system steps as root,\n"
        "user steps as the target user. Files are backed up (FILE.dlrig-bak) and\n"
        "written atomically; a journal makes a second run change nothing and a run\n"
        "after a failure resume at the failed step. Package steps are simulated first\n"
        "and refused when they would change the kernel.\n"
        "\n"
        PLAN_OPTIONS_HELP
        "  --dry-run      show the plan and what would run; change nothing\n"
        "  -y, --yes      do not ask (unattended runs)\n"
        "  --from-step N  start at step N\n"
        "\n"
        "Exit status: 0 done (or a reboot is next), 2 a step failed or was refused,\n"
        "3 could not start (usage, privileges, no consent).\n";

static bool setup_needs_root(const struct plan *p)
{
        for (size_t i = 0; i < p->nsteps; i++)
                if (p->steps[i].state == STEP_TODO && p->steps[i].system)
                        return true;
        return false;
}

/* Root for system steps on this machine; another root needs the runner
 * (its commands would otherwise run on this machine). */
static int setup_allowed(const struct ctx *ctx, const struct plan *p, const char *runner)
{
        if (!sysroot_is_host(ctx->root) && !runner) {
                cmd_error("--root %s: setup would run this machine's package manager for another "
                          "root; use --dry-run (or DLRIG_SETUP_RUNNER for tests)", ctx->root_path);
                return EXIT_UNKNOWN;
        }
        if (sysroot_is_host(ctx->root) && !runner && geteuid() != 0 && setup_needs_root(p)) {
                cmd_error("the system steps need root: run 'sudo dlrig setup' (user steps then run as %s)",
                          p->user);
                return EXIT_UNKNOWN;
        }
        return -1;
}

static int setup_consent(const struct plan_cli *cli)
{
        char line[16];

        if (cli->yes)
                return -1;
        if (!isatty(STDIN_FILENO)) {
                cmd_error("not asking without a terminal: add --yes to run the steps above");
                return EXIT_UNKNOWN;
        }
        fputs("Run the steps above? [y/N] ", stdout);
        fflush(stdout);
        if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y')) {
                puts("nothing changed");
                return EXIT_UNKNOWN;
        }
        return -1;
}

static int setup_go(struct ctx *ctx, const struct plan_cli *cli, const struct plan *p)
{
        const char *det = getenv("DLRIG_DETERMINISTIC");
        struct setup_opts o = { .from_step = cli->from_step, .runner = getenv("DLRIG_SETUP_RUNNER"),
                                .mirror = getenv("DLRIG_DOWNLOAD_MIRROR"), .self_exe = ctx->self_exe,
                                .root_path = ctx->root_path, .deterministic = det && !strcmp(det, "1"),
                                .out = stdout };
        int r;

        if (o.runner && !*o.runner)
                o.runner = NULL;
        if (cli->dry_run) {
                puts("\ndry run: nothing changed");
                return EXIT_OK;
        }
        if (!plan_todo_count(p))
                return EXIT_OK;
        if ((r = setup_allowed(ctx, p, o.runner)) >= 0 || (r = setup_consent(cli)) >= 0)
                return r;
        fputc('\n', stdout);
        r = setup_run(ctx->root, p, &o);
        return r == 0 ? EXIT_OK : r == 2 ? EXIT_FAIL : EXIT_UNKNOWN;
}

int cmd_setup(int argc, char **argv, struct ctx *ctx)
{
        struct plan_cli cli = { .help = setup_help, .name = "setup" };
        struct plan p;
        int r = plan_cli_parse(argc, argv, &cli);

        if (r >= 0)
                return r;
        if (cli.script || cli.json || cli.format || ctx->format != FMT_TEXT)
                return cmd_usage_error("setup", "%s is a dlrig plan option",
                                       cli.script ? "--script" : cli.format ? "--format" : "--json");
        if (cli.from)
                return cmd_usage_error("setup", "--from plans for a saved snapshot: use it with dlrig plan; "
                                       "setup plans for this machine");
        r = plan_cli_make(ctx, &cli, &p);
        if (r >= 0)
                return r;
        plan_print_text(stdout, &p);
        r = setup_go(ctx, &cli, &p);
        plan_release(&p);
        return r;
}
