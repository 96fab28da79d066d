/* bench-run.c - the parent half of bench: runs "dlrig __bench-worker" with
 * a deadline per operation (no breadcrumb for the driver call timeout: a
 * hung copy or a GPU that fell off the bus) and one for the whole run, and
 * reads whatever records arrived into the snapshot's bench section. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv/drv-worker.h"
#include "util/strbuf.h"

/* The whole run: --quick is meant to take under a minute on 8 GPUs. */
#define BENCH_QUICK_TOTAL_MS 180000u
#define BENCH_FULL_TOTAL_MS 1800000u

struct progress {
        bench_progress_fn *fn;
        void *arg;
        size_t seen;
};

/* The last whole breadcrumb line of the worker's output so far: its
 * "(what)" part is the operation in progress. */
static void on_output(const struct strbuf *out, void *data)
{
        struct progress *pr = data;
        const char *end = out->buf + out->len, *p, *line;

        if (out->len == pr->seen)
                return;
        pr->seen = out->len;
        while (end > out->buf && end[-1] != '\n')
                end--; /* a torn last line waits for its end */
        for (p = end; p > out->buf; p = line) {
                line = p - 1;
                while (line > out->buf && line[-1] != '\n')
                        line--;
                if (p - line > 6 && !strncmp(line, "crumb ", 6)) {
                        const char *op = memchr(line, '(', (size_t)(p - line));

                        if (op && p - op > 2)
                                pr->fn(op + 1, (size_t)(p - op - 3), pr->arg);
                        return;
                }
        }
}

int bench_run(const struct sysroot *root, const char *self_exe, const struct bench_plan *p,
              bench_progress_fn *progress, void *arg, struct snap_bench *ret)
{
        struct progress pr = { progress, arg, 0 };
        char bytes[24], iters[16], lat[16], mask[24];
        char *more[5] = { NULL };
        const char *argv[] = { self_exe, "--root", sysroot_path(root), "__bench-worker",
                               bytes, iters, lat, mask, NULL, NULL, NULL, NULL, NULL };
        struct worker_result wr;
        struct drv_limits lim;
        int r;

        snprintf(bytes, sizeof(bytes), "%zu", p->copy_bytes);
        snprintf(iters, sizeof(iters), "%u", p->copy_iters);
        snprintf(lat, sizeof(lat), "%u", p->lat_iters);
        snprintf(mask, sizeof(mask), "%llu", (unsigned long long)p->gpu_mask);
        bench_plan_args(p, more);
        for (size_t i = 0; more[i]; i++)
                argv[8 + i] = more[i];
        drv_limits_default(&lim);
        lim.total_timeout_ms = p->quick ? BENCH_QUICK_TOTAL_MS : BENCH_FULL_TOTAL_MS;
        if (progress) {
                lim.on_output = on_output;
                lim.on_output_arg = &pr;
        }
        r = drv_worker_run_argv(root, argv, &lim, &wr);
        for (size_t i = 0; more[i]; i++)
                free(more[i]);
        if (r < 0)
                return r;
        bench_plan_record(p, &ret->plan);
        bench_take(&wr, ret);
        worker_result_release(&wr);
        return 0;
}
