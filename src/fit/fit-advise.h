/* fit-advise.h - the answer to "does it fit": the plan, the largest context
 * and batch that fit, and the cheapest changes that make it fit. */
#pragma once

#include "fit/fit-mem.h"

#define FIT_CHANGES_MAX 16

struct fit_change {
        char args[80];           /* the flags that make the change: "--cache q4" */
        struct fit_job job;
        int ngpus;
        struct fit_plan plan;
};

struct fit_advice {
        struct fit_plan plan;
        int64_t max_ctx;         /* at the job's batch; 0: none fits */
        int64_t max_batch;       /* at the job's context */
        int nchanges;
        struct fit_change changes[FIT_CHANGES_MAX];
};

/* The GPU with the largest total (the one that decides), or -1. */
int fit_plan_peak_gpu(const struct fit_plan *p);

void fit_advise(const struct fit_arch *a, const struct fit_job *j, const int64_t *caps, int n,
                struct fit_advice *out);
