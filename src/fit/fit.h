/* fit.h - dlrig fit's model of a question: the model asked about, the
 * GPUs' names, and the names of the job's choices. Pure: the memory model
 * is fit-mem.h, the answer fit-advise.h; render/render-fit.c prints it. */
#pragma once

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

/* "infer", "exllamav2", "q4", "adamw": as the options spell them (static). */
const char *fit_task_name(enum fit_task t);
const char *fit_engine_name(enum fit_engine e);
const char *fit_cache_name(enum fit_cache c);
const char *fit_optim_name(enum fit_optim o);

/* The engine's settings as its command line spells them ("vllm serve
 * --tensor-parallel-size 2 --gpu-memory-utilization 0.90 ...") and what
 * its plan answers (the KV pool's tokens for vLLM); "" for the others. */
void fit_engine_describe(const struct fit_job *j, const struct fit_plan *p, char *buf, size_t n);
/* What the engine model leaves out for this model and job, said instead
 * of guessed (static, no digits), or NULL. */
const char *fit_engine_note(const struct fit_arch *a, const struct fit_job *j);
