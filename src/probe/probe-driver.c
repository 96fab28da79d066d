/* probe-driver.c - turns the driver workers' records into snapshot facts. */
#include "probe.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snap/snap-json.h"
#include "util/cleanup.h"
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

/* One kind of worker record and how it lands in the snapshot. */
struct take_kind {
        const char *tag;
        int (*take)(json_t *j, void *dst, char **err);
};

static int take_nvml(json_t *j, void *dst, char **err)
{
        struct snapshot *s = dst;
        struct snap_nvml fresh = { 0 };

        if (snap_nvml_from_json(j, &fresh, err) < 0)
                return -EINVAL;
        s->nvml = fresh; /* the worker sends this record once */
        return 0;
}

static int take_gpu(json_t *j, void *dst, char **err)
{
        struct snap_gpu *g = snap_add_gpu(dst);
        int64_t idx = g->index;

        if (snap_gpu_from_json(j, g, err) < 0)
                return -EINVAL;
        g->index = idx;
        return 0;
}

static int take_topo(json_t *j, void *dst, char **err)
{
        struct snapshot *s = dst;
        struct snap_topo fresh = { 0 };

        if (snap_topo_from_json(j, &fresh, err) < 0) {
                snap_topo_release(&fresh);
                return -EINVAL;
        }
        snap_topo_release(&s->topo);
        s->topo = fresh;
        return 0;
}

static int take_cuda(json_t *j, void *dst, char **err)
{
        struct snap_cuda *cuda = dst;
        struct snap_cuda fresh = { 0 };

        if (snap_cuda_from_json(j, &fresh, err) < 0)
                return -EINVAL;
        *cuda = fresh; /* the worker sends this record once, first */
        return 0;
}

static int take_cuda_dev(json_t *j, void *dst, char **err)
{
        struct snap_cuda_dev *d = snap_add_cuda_dev(dst);
        int64_t ord = d->ordinal;

        if (snap_cuda_dev_from_json(j, d, err) < 0)
                return -EINVAL;
        d->ordinal = ord;
        return 0;
}

/* Both workers' records: each kind into dst, the first malformed one
 * ending the probe; then the worker's own fate on probe. */
static void take_records(const struct probe_ctx *ctx, const char *lib, const char *what,
                         const struct take_kind *kinds, size_t nkinds, void *dst,
                         struct probe_st *probe, const struct worker_result *res, int run_error)
{
        char *err = NULL;

        keep_diag(ctx, lib, res->stderr_text);
        for (size_t i = 0; i < res->n; i++)
                for (size_t k = 0; k < nkinds; k++)
                        if (!strcmp(res->recs[i].tag, kinds[k].tag) &&
                            kinds[k].take(res->recs[i].json, dst, &err) < 0) {
                                bad_record(probe, kinds[k].tag, err);
                                return;
                        }
        if (probe->st == FACT_UNSET && !res->failure && run_error >= 0) {
                char *why = xasprintf("the driver worker sent no %s facts", what);

                probe_set(probe, FACT_ERROR, why);
                free(why);
        }
        note_failure(probe, res, run_error);
}

void probe_nvml_take(const struct probe_ctx *ctx, struct worker_result *res,
                     int run_error, struct snapshot *s)
{
        static const struct take_kind kinds[] = {
                { "nvml", take_nvml }, { "gpu", take_gpu }, { "topo", take_topo },
        };

        take_records(ctx, "nvml", "NVML", kinds, ARRAY_SIZE(kinds), s, &s->nvml.probe, res, run_error);
}

void probe_cuda_take(const struct probe_ctx *ctx, struct worker_result *res,
                     int run_error, struct snap_cuda *cuda)
{
        static const struct take_kind kinds[] = {
                { "cuda", take_cuda }, { "cudadev", take_cuda_dev },
        };

        take_records(ctx, "cuda", "CUDA", kinds, ARRAY_SIZE(kinds), cuda, &cuda->probe, res, run_error);
}
