/* plan.h - the target stack and the ordered steps that reach it.
 *
 * plan_make() is a pure function of a snapshot, the knowledge base and the
 * user's asks: it chooses the stack (driver branch, PyTorch release and
 * wheel variant, Python, CUDA toolkit, environment manager), each choice
 * with a one-line reason, and lists the steps, each marked done or to do
 * from the snapshot. Each step holds the exact actions that carry it out,
 * so that `dlrig plan --script` and `dlrig setup` cannot disagree.
 * The plan owns every string reachable from it; plan_release() frees them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "kb/kb-distro.h"
#include "snap/snap.h"
#include "util/strv.h"

enum plan_pm {
        PLAN_PM_APT,
        PLAN_PM_DNF,
        PLAN_PM_MAX,
        PLAN_PM_INVALID = -1,
};

enum plan_act_kind {
        ACT_RUN,       /* argv: one command */
        ACT_PKG,       /* argv: packages; simulated first, refused if a kernel changes */
        ACT_BLOCK,     /* path: a file; text: a marked, replaceable block in it */
        ACT_FILE,      /* path: a file; text: its whole content */
        ACT_DOWNLOAD,  /* path: destination; text: URL; sha_url: its published SHA-256 */
        ACT_REBOOT,
        ACT_VERIFY,    /* dlrig doctor again */
};

/* The markers of an ACT_BLOCK's block: plan --script and setup's executor
 * (src/setup) edit the same block. */
#define PLAN_BLOCK_BEGIN "# >>> dlrig cuda >>>"
#define PLAN_BLOCK_END "# <<< dlrig cuda <<<"

struct plan_act {
        enum plan_act_kind kind;
        bool as_user;         /* runs as the target user (root: through runuser) */
        struct strv argv;
        char *path;
        char *text;
        char *sha_url;
};

enum plan_state {
        STEP_TODO,
        STEP_DONE,
        STEP_OFFERED,         /* optional: listed, run only when asked for */
};

struct plan_step {
        const char *id;       /* stable: "driver", "toolkit", "torch" ... */
        char *title;          /* "install the NVIDIA 580 driver (open kernel modules)" */
        char *why;            /* evidence for the state: "no nvidia module loaded" */
        enum plan_state state;
        bool system;          /* needs root */
        char *done_path;      /* a file whose presence means done; NULL: none */
        size_t nact;
        struct plan_act *acts;
};

struct plan_choice {
        const char *what;     /* "driver", "torch", ... */
        char *value;
        char *why;
};

#define PLAN_CHOICES_MAX 12

struct plan {
        enum plan_pm pm;
        const struct kb_distro *os; /* the distribution's kb row (distro.tsv) */
        char *distro;         /* "ubuntu 22.04" */
        char *repo;           /* NVIDIA repository codename: "ubuntu2204" */
        char *kernel;
        /* the target stack */
        char *branch;         /* "580" */
        bool open_modules;
        bool driver_kept;
        bool env_kept;        /* a working environment is adopted: no manager or env steps */
        char *torch, *torchvision, *torchaudio, *variant, *index_url;
        char *cuda;           /* "12.8": the wheel's CUDA and the toolkit's */
        char *python;
        const char *installer; /* "miniforge", "miniconda", "uv" */
        char *env_name, *env_prefix, *env_python;
        char *env_kind;       /* the kept environment's kind: "uv", "conda", "system", ... */
        char *user, *home, *manager_prefix;
        struct plan_choice choices[PLAN_CHOICES_MAX];
        size_t nchoices;
        size_t nsteps;
        struct plan_step *steps;
};

struct plan_opts {
        const char *torch, *cuda, *python, *env, *installer, *user;
        bool hold_kernel;     /* make the offered kernel hold a step to do */
        bool profile_d;       /* PATH for every user in /etc/profile.d, not the user's rc */
        bool new_env;         /* a fresh environment even where a working one exists */
};

/* Builds the plan. Asks that cannot work together, or a machine dlrig
 * cannot plan for, return -EINVAL with the reason in *reterr (owned). */
int plan_make(const struct snapshot *s, const struct plan_opts *o, struct plan *ret,
              char **reterr);
void plan_release(struct plan *p);

/* The human report: choices with reasons, then the steps. */
void plan_print_text(FILE *out, const struct plan *p);
/* The same plan as a POSIX sh script: set -eu, each step guarded. */
void plan_print_script(FILE *out, const struct plan *p);
/* The plan as JSON (docs/plan.md). */
json_t *plan_to_json(const struct plan *p);
/* One action as a shell command line, every word quoted where needed. */
char *plan_act_shell(const struct plan *p, const struct plan_act *a);
size_t plan_todo_count(const struct plan *p);
/* The command line of a package action (its simulation: apt-get -s /
 * dnf --assumeno); setup's executor runs both. */
void plan_pkg_argv(const struct plan *p, const struct plan_act *a, bool simulate,
                   struct strv *ret);

/* ---- internal to src/plan ---- */
int plan_choose(const struct snapshot *s, const struct plan_opts *o, struct plan *p,
                char **reterr);
void plan_steps(const struct snapshot *s, const struct plan_opts *o, struct plan *p);
void plan_choice_add(struct plan *p, const char *what, char *value, char *why);
struct plan_step *plan_step_add(struct plan *p, const char *id, bool system, char *title);
struct plan_act *plan_act_add(struct plan_step *st, enum plan_act_kind kind, bool as_user);
void plan_act_argv(struct plan_act *a, const char *first, ...) __attribute__((sentinel));
