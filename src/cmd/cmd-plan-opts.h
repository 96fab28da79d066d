/* cmd-plan-opts.h - the options dlrig plan and dlrig setup share, and
 * making the plan from this machine (or --from a saved snapshot). */
#pragma once

#include "cmd.h"
#include "plan/plan.h"

#define PLAN_USAGE "[--torch V] [--cuda X.Y] [--python V] [--env NAME] " \
                   "[--installer miniforge|miniconda|uv] [--user NAME] [--hold-kernel] [--profile-d] [--new-env] " \
                   "[--from FILE]"
#define PLAN_OPTIONS_HELP                                                                   \
        "  --torch V      this PyTorch release (default: the newest that suits the GPUs)\n" \
        "  --cuda X.Y     this CUDA variant of the wheels and toolkit\n"                    \
        "  --python V     this Python version in the environment\n"                         \
        "  --env NAME     the environment's name (default: dl)\n"                           \
        "  --installer I  miniforge (default), miniconda or uv\n"                           \
        "  --user NAME    whose environment to set up (default: the invoking user)\n"       \
        "  --hold-kernel  also hold the kernel packages (an offered step)\n"                \
        "  --profile-d    CUDA's PATH for every user in /etc/profile.d, not ~/.bashrc\n"     \
        "  --new-env      a fresh environment even where a working one exists\n"           \
        "  --from FILE    plan for a snapshot saved with dlrig doctor --save\n"

struct plan_cli {
        const char *help, *name;
        struct plan_opts o;
        const char *from;
        const char *format;       /* --format's argument; NULL: not given */
        bool script, dry_run, yes, json;
        long from_step;           /* 0: not given */
        const char *setup_only;   /* a setup option given to plan */
};

/* Returns -1 to go on, else the exit code (help, usage error). */
int plan_cli_parse(int argc, char **argv, struct plan_cli *cli);
/* Returns -1 with the plan made, else the exit code (reason printed). */
int plan_cli_make(struct ctx *ctx, const struct plan_cli *cli, struct plan *ret);
