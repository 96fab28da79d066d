/* bench-result.c - the worker's records folded into struct bench_result,
 * and the result as JSON (every figure; docs/bench.md). */
#include "bench.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct bench_gpu *bench_result_gpu(struct bench_result *res, int ordinal)
{
        for (size_t i = 0; i < res->ngpus; i++)
                if (res->gpus[i].ordinal == ordinal)
                        return &res->gpus[i];
        return NULL;
}

static double num(json_t *j, const char *key)
{
        return json_number_value(json_object_get(j, key));
}

static void add_gpu(struct bench_result *res, json_t *j)
{
        struct bench_gpu *g;
        json_t *link = json_object_get(j, "link_under_load");

        if (res->ngpus == BENCH_MAX_GPUS)
                return;
        g = &res->gpus[res->ngpus++];
        memset(g, 0, sizeof(*g));
        g->ordinal = (int)json_integer_value(json_object_get(j, "index"));
        snprintf(g->name, sizeof(g->name), "%s", json_string_value(json_object_get(j, "name"))
                 ? json_string_value(json_object_get(j, "name")) : "?");
        snprintf(g->bus, sizeof(g->bus), "%s", json_string_value(json_object_get(j, "pci_bus_id"))
                 ? json_string_value(json_object_get(j, "pci_bus_id")) : "?");
        g->pci_device_id = (unsigned)json_integer_value(json_object_get(j, "pci_device_id"));
        g->h2d_gbps = num(j, "h2d_gbps");
        g->d2h_gbps = num(j, "d2h_gbps");
        g->d2d_gbps = num(j, "d2d_gbps");
        g->wrong = (long)json_integer_value(json_object_get(j, "wrong_words"));
        if (json_object_get(link, "width")) {
                g->link.known = true;
                g->link.speed_gts = num(link, "speed_gts");
                g->link.max_speed_gts = num(link, "max_speed_gts");
                g->link.width = (int)json_integer_value(json_object_get(link, "width"));
                g->link.max_width = (int)json_integer_value(json_object_get(link, "max_width"));
        }
}

static void add_pair(struct bench_result *res, json_t *j)
{
        struct bench_pair *p;

        res->pairs = xrealloc(res->pairs, (res->npairs + 1) * sizeof(*res->pairs));
        p = &res->pairs[res->npairs++];
        p->src = (int)json_integer_value(json_object_get(j, "src"));
        p->dst = (int)json_integer_value(json_object_get(j, "dst"));
        p->p2p = json_is_true(json_object_get(j, "p2p"));
        p->rank = (int)json_integer_value(json_object_get(j, "rank"));
        p->uni_gbps = num(j, "uni_gbps");
        p->bidi_gbps = num(j, "bidi_gbps");
        p->latency_us = num(j, "latency_us");
        p->wrong = (long)json_integer_value(json_object_get(j, "wrong_words"));
        /* bidirectional runs once per unordered pair: share it */
        for (size_t i = 0; i + 1 < res->npairs; i++) {
                struct bench_pair *q = &res->pairs[i];

                if (q->src == p->dst && q->dst == p->src) {
                        if (!p->bidi_gbps)
                                p->bidi_gbps = q->bidi_gbps;
                        if (!q->bidi_gbps)
                                q->bidi_gbps = p->bidi_gbps;
                }
        }
}

static void add_gemm(struct bench_result *res, json_t *j)
{
        int index = (int)json_integer_value(json_object_get(j, "index"));
        struct bench_gpu *g = bench_result_gpu(res, index);
        const char *dtype = json_string_value(json_object_get(j, "dtype"));
        const char *err = json_string_value(json_object_get(j, "error"));
        int k = dtype && !strcmp(dtype, "bf16") ? BENCH_BF16 : BENCH_FP32;

        if (!g || !dtype)
                return;
        res->gemm_n = (unsigned)json_integer_value(json_object_get(j, "n"));
        g->gemm_tflops[k] = num(j, "tflops");
        g->gemm_wrong[k] = (long)json_integer_value(json_object_get(j, "wrong_samples"));
        snprintf(g->gemm_error[k], sizeof(g->gemm_error[k]), "%s", err ? err : "");
}

static void add_allreduce(struct bench_result *res, json_t *j)
{
        struct bench_ar *a;

        res->ar = xrealloc(res->ar, (res->nar + 1) * sizeof(*res->ar));
        a = &res->ar[res->nar++];
        a->bytes = (size_t)json_integer_value(json_object_get(j, "bytes"));
        a->iters = (unsigned)json_integer_value(json_object_get(j, "iters"));
        a->ms = num(j, "ms");
        a->algbw_gbps = num(j, "algbw_gbps");
        a->busbw_gbps = num(j, "busbw_gbps");
        a->wrong = (long)json_integer_value(json_object_get(j, "wrong_values"));
}

static void set_why(char **dst, json_t *j)
{
        const char *why = json_string_value(json_object_get(j, "why"));

        free(*dst);
        *dst = xstrdup(why ? why : "?");
}

static void add_error(struct bench_result *res, json_t *j)
{
        const char *call = json_string_value(json_object_get(j, "call"));
        const char *op = json_string_value(json_object_get(j, "op"));
        const char *why = json_string_value(json_object_get(j, "meaning"));
        char *msg;

        if (call)
                msg = xasprintf("%s failed during %s: %s", call, op ? op : "?", why ? why : "?");
        else
                msg = xasprintf("%s: %s", op ? op : "?", why ? why : "?");
        if (res->ngpus || res->npairs) {
                free(res->failure);
                res->failure = msg;
        } else {
                free(res->not_run);
                res->not_run = msg;
        }
}

void bench_result_add(struct bench_result *res, const char *tag, json_t *j)
{
        if (!strcmp(tag, "bench")) {
                res->driver_version = (int)json_integer_value(json_object_get(j, "driver_version"));
                res->device_count = (int)json_integer_value(json_object_get(j, "device_count"));
                res->started = true;
        } else if (!strcmp(tag, "gpu")) {
                add_gpu(res, j);
        } else if (!strcmp(tag, "pair")) {
                add_pair(res, j);
        } else if (!strcmp(tag, "error")) {
                add_error(res, j);
        } else if (!strcmp(tag, "gemm")) {
                add_gemm(res, j);
        } else if (!strcmp(tag, "gemm_skipped")) {
                set_why(&res->gemm_skipped, j);
        } else if (!strcmp(tag, "allreduce")) {
                add_allreduce(res, j);
        } else if (!strcmp(tag, "allreduce_skipped")) {
                set_why(&res->ar_skipped, j);
        } else if (!strcmp(tag, "allreduce_setup")) {
                res->nccl_version = (int)json_integer_value(json_object_get(j, "nccl_version"));
                res->ar_ranks = (int)json_integer_value(json_object_get(j, "ranks"));
        } else if (!strcmp(tag, "allreduce_hung")) {
                res->ar_hung_bytes = (size_t)json_integer_value(json_object_get(j, "bytes"));
                res->ar_deadline_ms = (long)json_integer_value(json_object_get(j, "deadline_ms"));
        }
}

void bench_result_release(struct bench_result *res)
{
        free(res->pairs);
        free(res->failure);
        free(res->not_run);
        free(res->gemm_skipped);
        free(res->ar);
        free(res->ar_skipped);
        memset(res, 0, sizeof(*res));
}
