/* setup-run.h - the executor's state during one run (setup-exec.c and
 * setup-run.c only). */
#pragma once

#include "setup.h"

struct run {
        const struct sysroot *root;
        const struct plan *p;
        const struct setup_opts *o;
        struct setup_state st;
        char *err;              /* why the current step failed (owned) */
};

/* Carries out one action; -1 with R->err set on failure. */
int run_act(struct run *R, const struct plan_act *a);
