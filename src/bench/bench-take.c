/* bench-take.c - the bench worker's records into the snapshot's bench
 * section, read by snap-json.c's tables as doctor's worker records are
 * (probe/probe-driver.c): one function per kind of record. A record that
 * is malformed (a key missing or of the wrong type), or names a GPU that no
 * "gpu" record introduced, stops the reading: the figures before it stay,
 * and the run reads as failed with the reason, never as a silent 0. */
#include "bench.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "drv/drv-worker.h"
#include "snap/snap-json.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* A string or integer key of a small record; -EBADMSG naming it otherwise. */
static int rec_str(json_t *j, const char *key, const char **ret, char **err)
{
        *ret = json_string_value(json_object_get(j, key));
        if (*ret)
                return 0;
        *err = xasprintf("%s: missing, or not a string", key);
        return -EBADMSG;
}

static int rec_int(json_t *j, const char *key, int64_t *ret, char **err)
{
        json_t *v = json_object_get(j, key);

        if (json_is_integer(v)) {
                *ret = json_integer_value(v);
                return 0;
        }
        *err = xasprintf("%s: missing, or not an integer", key);
        return -EBADMSG;
}

static int take_start(json_t *j, struct snap_bench *b, char **err)
{
        if (rec_int(j, "driver_version", &b->driver_version, err) < 0 ||
            rec_int(j, "device_count", &b->device_count, err) < 0)
                return -EBADMSG;
        b->started = true;
        return 0;
}

static int take_gpu(json_t *j, struct snap_bench *b, char **err)
{
        struct snap_bench_gpu g = { 0 };

        if (snap_bench_gpu_from_record(j, &g, err) < 0) {
                snap_bench_gpu_release(&g);
                return -EBADMSG;
        }
        *snap_add_bench_gpu(b) = g;
        return 0;
}

static int take_pair(json_t *j, struct snap_bench *b, char **err)
{
        struct snap_bench_pair p = { 0 };

        if (snap_bench_pair_from_record(j, &p, err) < 0)
                return -EBADMSG;
        /* the both-ways figure is measured once per unordered pair: share it */
        for (size_t i = 0; i < b->npairs; i++) {
                struct snap_bench_pair *q = &b->pairs[i];

                if (q->src == p.dst && q->dst == p.src) {
                        if (!p.bidi_gbps)
                                p.bidi_gbps = q->bidi_gbps;
                        if (!q->bidi_gbps)
                                q->bidi_gbps = p.bidi_gbps;
                }
        }
        *snap_add_bench_pair(b) = p;
        return 0;
}

static int take_gemm(json_t *j, struct snap_bench *b, char **err)
{
        struct snap_bench_gemm m = { 0 };

        if (snap_bench_gemm_from_record(j, &m, err) < 0)
                goto bad;
        if (snap_dtype_from_key(m.dtype) == SNAP_DTYPE_INVALID) {
                *err = xasprintf("dtype: unknown '%s'", m.dtype ? m.dtype : "(null)");
                goto bad;
        }
        if (!snap_bench_gpu_of(b, m.index)) {
                *err = xasprintf("index: GPU %lld has no \"gpu\" record", (long long)m.index);
                goto bad;
        }
        *snap_add_bench_gemm(b) = m;
        return 0;
bad:
        snap_bench_gemm_release(&m);
        return -EBADMSG;
}

static int take_ar(json_t *j, struct snap_bench *b, char **err)
{
        struct snap_bench_ar_size a = { 0 };

        if (snap_bench_ar_size_from_record(j, &a, err) < 0)
                return -EBADMSG;
        *snap_add_bench_ar_size(&b->allreduce) = a;
        return 0;
}

static int take_skip(json_t *j, struct snap_bench *b, char **err)
{
        struct snap_bench_skip k = { 0 };

        if (snap_bench_skip_from_record(j, &k, err) < 0)
                goto bad;
        if (!k.name || !k.why) {
                *err = xstrdup(k.name ? "why: null" : "name: null");
                goto bad;
        }
        *snap_add_bench_skip(b) = k;
        return 0;
bad:
        snap_bench_skip_release(&k);
        return -EBADMSG;
}

static int take_ar_setup(json_t *j, struct snap_bench *b, char **err)
{
        if (rec_int(j, "nccl_version", &b->allreduce.nccl_version, err) < 0 ||
            rec_int(j, "ranks", &b->allreduce.ranks, err) < 0)
                return -EBADMSG;
        return 0;
}

static int take_ar_hung(json_t *j, struct snap_bench *b, char **err)
{
        if (rec_int(j, "bytes", &b->allreduce.hung_bytes, err) < 0 ||
            rec_int(j, "deadline_ms", &b->allreduce.deadline_ms, err) < 0)
                return -EBADMSG;
        return 0;
}

/* A CUDA, cuBLAS or NCCL call that failed: before anything was measured
 * nothing could be, after it the run stopped early. */
static int take_error(json_t *j, struct snap_bench *b, char **err)
{
        const char *call = json_string_value(json_object_get(j, "call"));
        const char *op, *why;
        char **dst = b->ngpus || b->npairs ? &b->failure : &b->not_run;

        if (rec_str(j, "op", &op, err) < 0 || rec_str(j, "meaning", &why, err) < 0)
                return -EBADMSG;
        free(*dst);
        *dst = call ? xasprintf("%s failed during %s: %s", call, op, why)
                    : xasprintf("%s: %s", op, why);
        return 0;
}

static int take_done(json_t *j, struct snap_bench *b, char **err)
{
        (void)j, (void)b, (void)err;
        return 0;
}

static const struct {
        const char *tag;
        int (*take)(json_t *j, struct snap_bench *b, char **err);
} kinds[] = {
        { "bench", take_start },
        { "gpu", take_gpu },
        { "pair", take_pair },
        { "gemm", take_gemm },
        { "allreduce", take_ar },
        { "skipped", take_skip },
        { "allreduce_setup", take_ar_setup },
        { "allreduce_hung", take_ar_hung },
        { "error", take_error },
        { "done", take_done },
};

/* One record; -EBADMSG with *err (owned) when it is malformed or unknown. */
static int take_one(const struct worker_record *rec, struct snap_bench *b, char **err)
{
        for (size_t k = 0; k < ARRAY_SIZE(kinds); k++)
                if (!strcmp(rec->tag, kinds[k].tag))
                        return kinds[k].take(rec->json, b, err);
        *err = xstrdup("a kind of record bench does not know");
        return -EBADMSG;
}

void bench_take(const struct worker_result *wr, struct snap_bench *b)
{
        char *err = NULL;

        for (size_t i = 0; i < wr->n; i++) {
                if (take_one(&wr->recs[i], b, &err) < 0) {
                        free(b->failure);
                        b->failure = xasprintf("malformed '%s' record from the bench worker: %s",
                                               wr->recs[i].tag, err);
                        free(err);
                        b->hung = false;
                        probe_set(&b->probe, FACT_ERROR, b->failure);
                        return;
                }
        }
        if (wr->failure) {
                free(b->failure);
                b->failure = xstrdup(wr->failure);
                b->hung = wr->timed_out;
        }
        probe_set(&b->probe, b->failure || b->not_run ? (b->hung ? FACT_TIMEOUT : FACT_ERROR)
                                                      : FACT_OK,
                  b->not_run ? b->not_run : b->failure);
}
