/* probe-driver.c - turns the driver workers' records into snapshot facts. */
#include "probe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snap/snap-json.h"
#include "util/xalloc.h"

/* Keeps the worker's stderr lines for the person running dlrig. */
static void keep_diag(const struct probe_ctx *ctx, const char *lib, const char *text)
{
        const char *p = text;

        while (ctx->diag && p && *p) {
                size_t n = strcspn(p, "\n");
                if (n)
                        strv_pushf(ctx->diag, "%s worker: %.*s", lib, (int)n, p);
                p += n + (p[n] == '\n');
        }
}

/* Applies the worker's fate to a probe status that records could not. */
static void note_failure(struct probe_st *probe, const struct worker_result *res, int run_error)
{
        if (run_error < 0) {
                char *why = xasprintf("the driver worker could not start: %s", strerror(-run_error));
                probe_set(probe, FACT_ERROR, why);
                free(why);
                return;
        }
        if (!res->failure)
                return;
        probe_set(probe, res->timed_out ? FACT_TIMEOUT : FACT_ERROR, res->failure);
}

static void bad_record(struct probe_st *probe, const char *tag, char *err)
{
        char *why = xasprintf("malformed '%s' record from the driver worker: %s", tag, err);

        probe_set(probe, FACT_ERROR, why);
        free(why);
        free(err);
}

void probe_nvml_take(const struct probe_ctx *ctx, struct worker_result *res,
                     int run_error, struct snapshot *s)
{
        char *err = NULL;

        keep_diag(ctx, "nvml", res->stderr_text);
        for (size_t i = 0; i < res->n; i++) {
                const struct worker_record *rec = &res->recs[i];

                if (!strcmp(rec->tag, "nvml")) {
                        struct snap_nvml fresh = { 0 };
                        if (snap_nvml_from_json(rec->json, &fresh, &err) < 0) {
                                bad_record(&s->nvml.probe, rec->tag, err);
                                return;
                        }
                        s->nvml = fresh; /* the worker sends this record once */
                } else if (!strcmp(rec->tag, "gpu")) {
                        struct snap_gpu *g = snap_add_gpu(s);
                        int64_t idx = g->index;
                        if (snap_gpu_from_json(rec->json, g, &err) < 0) {
                                bad_record(&s->nvml.probe, rec->tag, err);
                                return;
                        }
                        g->index = idx;
                } else if (!strcmp(rec->tag, "topo")) {
                        struct snap_topo fresh = { 0 };
                        if (snap_topo_from_json(rec->json, &fresh, &err) < 0) {
                                snap_topo_release(&fresh);
                                bad_record(&s->nvml.probe, rec->tag, err);
                                return;
                        }
                        snap_topo_release(&s->topo);
                        s->topo = fresh;
                }
        }
        if (s->nvml.probe.st == FACT_UNSET && !res->failure && run_error >= 0)
                probe_set(&s->nvml.probe, FACT_ERROR, "the driver worker sent no NVML facts");
        note_failure(&s->nvml.probe, res, run_error);
}

void probe_cuda_take(const struct probe_ctx *ctx, struct worker_result *res,
                     int run_error, struct snap_cuda *cuda)
{
        char *err = NULL;

        keep_diag(ctx, "cuda", res->stderr_text);
        for (size_t i = 0; i < res->n; i++) {
                const struct worker_record *rec = &res->recs[i];

                if (!strcmp(rec->tag, "cuda")) {
                        struct snap_cuda fresh = { 0 };
                        if (snap_cuda_from_json(rec->json, &fresh, &err) < 0) {
                                bad_record(&cuda->probe, rec->tag, err);
                                return;
                        }
                        *cuda = fresh; /* the worker sends this record once, first */
                } else if (!strcmp(rec->tag, "cudadev")) {
                        struct snap_cuda_dev *d = snap_add_cuda_dev(cuda);
                        int64_t ord = d->ordinal;
                        if (snap_cuda_dev_from_json(rec->json, d, &err) < 0) {
                                bad_record(&cuda->probe, rec->tag, err);
                                return;
                        }
                        d->ordinal = ord;
                }
        }
        if (cuda->probe.st == FACT_UNSET && !res->failure && run_error >= 0)
                probe_set(&cuda->probe, FACT_ERROR, "the driver worker sent no CUDA facts");
        note_failure(&cuda->probe, res, run_error);
}
