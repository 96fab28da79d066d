/* fit-report.h - dlrig fit's answer as text (with a bar per GPU) or JSON. */
#pragma once

#include <jansson.h>
#include <stdio.h>

#include "fit/fit-advise.h"

struct fit_model {
        const char *name, *repo;   /* repo NULL for a local folder */
        const char *source;        /* table source URL or the local path */
        struct fit_arch arch;
};

struct fit_gpu_name {
        char name[64];
        int index;      /* the machine's GPU index (nvidia-smi order), or the list position */
};

const char *fit_task_name(enum fit_task t);
const char *fit_engine_name(enum fit_engine e);
const char *fit_cache_name(enum fit_cache c);
const char *fit_optim_name(enum fit_optim o);

void fit_report_text(FILE *out, const struct fit_model *m, const struct fit_job *j,
                     const struct fit_gpu_name *names, const struct fit_advice *adv);
json_t *fit_report_json(const struct fit_model *m, const struct fit_job *j,
                        const struct fit_gpu_name *names, const struct fit_advice *adv);
