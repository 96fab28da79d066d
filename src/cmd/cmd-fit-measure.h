/* cmd-fit-measure.h - "dlrig fit MODEL --measure": run the job fit
 * predicted for real (src/fit/measure.py, embedded at build time) in the
 * user's PyTorch environment and print each GPU's measured peak beside the
 * prediction (docs/prove.md, "fit --measure"). */
#pragma once

#include "cmd-fit.h"

/* Measures m under job j on the GPUs g; prints the comparison after fit's
 * report. Returns the exit code fit_code, or EXIT_UNKNOWN when nothing
 * could be measured. */
int fit_measure(struct ctx *ctx, const struct fit_model *m, const struct fit_job *j,
                const struct fit_gpus *g, int fit_code);
