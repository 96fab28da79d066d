/* render-fit-savers.h - the parts of dlrig fit's answer about training
 * savers, weight formats, the loading peak and the allocator's slack
 * (render-fit-savers.c), called by render-fit.c. */
#pragma once

#include <jansson.h>
#include <stdio.h>

#include "fit/fit.h"

/* ", gptq-int4 weights" ", optimizer in backward, compile" (nothing when none). */
void render_fit_savers_text(FILE *out, const struct fit_job *j);
/* The loading peak when it is above the step's, and the slack when the
 * headroom may not hold it. */
void render_fit_load_text(FILE *out, const struct fit_job *j, const struct fit_plan *p);
void render_fit_savers_json(json_t *job, const struct fit_job *j);
void render_fit_load_json(json_t *plan, const struct fit_plan *p);
