/* setup.h - carrying out a plan: dlrig setup's executor.
 *
 * Every command goes through one runner (setup-exec.c) on top of sys_exec,
 * with a deadline; DLRIG_SETUP_RUNNER names a program that receives every
 * command as its arguments instead (the tests' recorder). A journal in the
 * state folder records finished steps, so a second run of the same plan
 * executes nothing and a run after a failure resumes at the failed step.
 * Every edited file is backed up first (FILE.dlrig-bak, the original kept
 * once) and written atomically. Package steps are simulated first and
 * refused when a kernel image would change. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "plan/plan.h"
#include "sys/sys.h"
#include "util/strv.h"

struct setup_opts {
        long from_step;        /* 1-based; 0: from the first */
        const char *runner;    /* DLRIG_SETUP_RUNNER; NULL: run the commands themselves */
        const char *mirror;    /* DLRIG_DOWNLOAD_MIRROR: replaces https://HOST of downloads */
        const char *self_exe, *root_path;
        bool deterministic;    /* no durations in the output */
        FILE *out;
};

struct setup_state {
        char *dir;             /* /var/log/dlrig or ~/.local/state/dlrig, in the root */
        char *journal_path, *log_path;
        struct strv journal;   /* "done ID FINGERPRINT", "reboot BOOT_ID", "failed ID" */
        char *boot_id;
};

/* Returns 0 when every step ran or was done, 2 when one failed or was
 * refused (the reason printed and logged), 3 when the state could not be
 * kept (journal or log not writable). */
int setup_run(const struct sysroot *root, const struct plan *p, const struct setup_opts *o);

/* ---- internal to the executor ---- */
int setup_state_open(const struct sysroot *root, const struct plan *p, struct setup_state *st);
void setup_state_release(struct setup_state *st);
bool setup_state_has(const struct setup_state *st, const char *line);
/* Replaces the entries starting with prefix by line (NULL: removes them)
 * and saves the journal atomically. */
int setup_state_set(const struct sysroot *root, struct setup_state *st, const char *prefix, const char *line);
void setup_log(const struct sysroot *root, const struct setup_state *st, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* A short fingerprint of a step's actions: a changed plan re-runs it. */
char *setup_fingerprint(const struct plan *p, const struct plan_step *step);

/* The package a simulated transaction would change that is a kernel image
 * ("linux-image-6.8.0-45-generic", "kernel-core"), or NULL. Owned. */
char *setup_sim_kernel(const char *output, size_t len);

/* Replaces the marked block in old (or appends it): owned new content. */
char *setup_block_apply(const char *old, const char *body);
/* Writes an action's file (block or whole) with a backup first; returns 0
 * (1 when it already had that content) or a negative errno. */
int setup_file(const struct sysroot *root, const struct plan_act *a);
/* Downloads with resume, checks the published SHA-256; the message in
 * *reterr on failure. */
int setup_fetch(const struct sysroot *root, const struct setup_opts *o, const struct plan_act *a,
                char **reterr);
