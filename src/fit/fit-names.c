/* fit-names.c - the names of a fit job's choices, as dlrig fit's options
 * spell them and its report prints them (fit.h). */
#include "fit/fit.h"

static const char *const task_names[] = { "infer", "lora", "qlora", "full" };
static const char *const engine_names[] = { "exllamav2", "transformers" };
static const char *const cache_names[] = { "fp16", "q8", "q6", "q4" };
static const char *const optim_names[] = { "adamw", "adamw8bit", "cpu-offload" };

const char *fit_task_name(enum fit_task t) { return task_names[t]; }
const char *fit_engine_name(enum fit_engine e) { return engine_names[e]; }
const char *fit_cache_name(enum fit_cache c) { return cache_names[c]; }
const char *fit_optim_name(enum fit_optim o) { return optim_names[o]; }
