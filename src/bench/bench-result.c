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
        }
}

void bench_result_release(struct bench_result *res)
{
        free(res->pairs);
        free(res->failure);
        free(res->not_run);
        memset(res, 0, sizeof(*res));
}
