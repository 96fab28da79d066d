/* plan-internal.h - shared by the files of src/plan only. */
#pragma once

#include "plan.h"

#include "kb/kb.h"
#include "util/strbuf.h"

#define PLAN_CC_MAX 8

struct plan_gpus {
        size_t n;
        const char *name;            /* the first GPU's model */
        bool mixed;                  /* more than one model */
        char ccs[PLAN_CC_MAX][8];
        size_t nccs;
        const struct kb_arch *archs[PLAN_CC_MAX];
        size_t narch;
        const char *cap;             /* newest branch that drives them all; NULL: any */
        bool open;                   /* open kernel modules possible */
        bool open_required;
};

int plan_fail(char **reterr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int plan_gpus_scan(const struct snapshot *s, struct plan_gpus *g, char **reterr);
int plan_gpus_policy(struct plan_gpus *g, char **reterr);
char *plan_gpus_describe(const struct plan_gpus *g);
bool plan_gpus_run(const struct plan_gpus *g, const struct kb_torch_variant *v);
bool plan_gpus_branch_ok(const struct plan_gpus *g, const char *br);
/* "cu128" -> "12.8"; NULL for "cpu" and other non-CUDA variants. */
char *plan_variant_cuda(const char *variant);
/* True when a driver of this version runs CUDA cuda (natively or through
 * CUDA's minor-version compatibility). */
bool plan_driver_runs(const char *driver, const char *cuda);
/* The installed driver's version, or NULL. */
const char *plan_driver_installed(const struct snapshot *s);
/* The Python environment at prefix, when the snapshot has one. */
const struct snap_pyenv *plan_env_find(const struct snapshot *s, const char *prefix);
/* The user's steps (PATH block, environment manager, environment, torch),
 * then the reboot and the verification. */
void plan_steps_user(const struct snapshot *s, const struct plan_opts *o, struct plan *p);
/* Appends word to sb, single-quoted unless it is made of safe characters. */
void plan_sh_quote(struct strbuf *sb, const char *word);
/* The step's own already-done test as a shell condition; NULL: none. */
char *plan_step_test(const struct plan *p, const struct plan_step *st);
int plan_choose_check_asks(const struct plan_opts *o, char **reterr);
int plan_choose_distro(const struct snapshot *s, struct plan *p, char **reterr);
int plan_choose_user(const struct snapshot *s, const struct plan_opts *o, struct plan *p, char **reterr);
