/* cmd-plan-opts.c - option parsing shared by plan and setup, and the
 * snapshot the plan is made from. */
#include "cmd-plan-opts.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe/probe.h"
#include "util/parse.h"
#include "version.h"

const struct option cmd_plan_opts[] = {
        { "torch", required_argument, NULL, 't' }, { "cuda", required_argument, NULL, 'c' },
        { "python", required_argument, NULL, 'p' }, { "env", required_argument, NULL, 'e' },
        { "installer", required_argument, NULL, 'i' }, { "user", required_argument, NULL, 'u' },
        { "hold-kernel", no_argument, NULL, 'k' }, { "profile-d", no_argument, NULL, 'P' }, { "from", required_argument, NULL, 'f' },
        { "new-env", no_argument, NULL, 'E' },
        { "script", no_argument, NULL, 's' }, { "dry-run", no_argument, NULL, 'n' },
        { "yes", no_argument, NULL, 'y' }, { "from-step", required_argument, NULL, 'N' },
        { "json", no_argument, NULL, 'j' }, { "help", no_argument, NULL, 'h' },
        { "format", required_argument, NULL, 'F' }, { NULL, 0, NULL, 0 },
};

static int plan_cli_setup_opt(int c, struct plan_cli *cli)
{
        int n;

        switch (c) {
        case 's': cli->script = true; return 0;
        case 'n': cli->dry_run = true; cli->setup_only = "--dry-run"; return 0;
        case 'y': cli->yes = true; cli->setup_only = "--yes"; return 0;
        case 'N':
                cli->setup_only = "--from-step";
                if (parse_int(optarg, &n) < 0 || n < 1)
                        return cmd_usage_error(cli->name, "--from-step wants a step number, not '%s'", optarg);
                cli->from_step = n;
                return 0;
        default:
                return -1;
        }
}

int plan_cli_parse(int argc, char **argv, struct plan_cli *cli)
{
        int c, r;

        while ((c = getopt_long(argc, argv, "hy", cmd_plan_opts, NULL)) != -1) {
                switch (c) {
                case 't': cli->o.torch = optarg; break;
                case 'c': cli->o.cuda = optarg; break;
                case 'p': cli->o.python = optarg; break;
                case 'e': cli->o.env = optarg; break;
                case 'i': cli->o.installer = optarg; break;
                case 'u': cli->o.user = optarg; break;
                case 'k': cli->o.hold_kernel = true; break;
                case 'P': cli->o.profile_d = true; break;
                case 'E': cli->o.new_env = true; break;
                case 'f': cli->from = optarg; break;
                case 'j': cli->json = true; break;
                case 'F': cli->format = optarg; break;
                case 'h': fputs(cli->help, stdout); return EXIT_OK;
                default:
                        r = plan_cli_setup_opt(c, cli);
                        if (r > 0)
                                return r;
                        if (r < 0)
                                return cmd_usage_error(cli->name, "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cmd_usage_error(cli->name, "unexpected argument '%s'", argv[optind]);
        return -1;
}

static void plan_cli_probe(struct ctx *ctx, const struct plan_cli *cli, struct snapshot *s)
{
        /* Another root's user is named, not inferred from this process. */
        if (cli->o.user && !sysroot_is_host(ctx->root))
                setenv("DLRIG_USER", cli->o.user, 1);
        s->dlrig_version = strdup(DLRIG_VERSION);
        cmd_probe_machine(ctx, s, &(struct cmd_probe_opts){ 0 }); /* doctor says what could not be probed */
}

int plan_cli_make(struct ctx *ctx, const struct plan_cli *cli, struct plan *ret)
{
        struct snapshot s;
        char *err = NULL;
        int r;

        snap_init(&s);
        if (cli->from) {
                if (cmd_load_snapshot(cli->from, &s) < 0) {
                        snap_release(&s);
                        return EXIT_UNKNOWN;
                }
        } else {
                plan_cli_probe(ctx, cli, &s);
        }
        r = plan_make(&s, &cli->o, ret, &err);
        snap_release(&s);
        if (r < 0) {
                cmd_error("cannot plan: %s", err);
                free(err);
                return EXIT_UNKNOWN;
        }
        return -1;
}
