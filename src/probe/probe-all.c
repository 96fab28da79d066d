/* probe-all.c - runs every probe; the two driver workers in parallel,
 * since each may wait seconds on a GPU while the file probes take
 * microseconds. */
#include "probe.h"

#include <pthread.h>
#include <string.h>

struct worker_job {
        const struct probe_ctx *ctx;
        const char *lib;
        struct worker_result res;
        int r;
};

static void *worker_thread(void *data)
{
        struct worker_job *job = data;

        job->r = drv_worker_run(job->ctx->root, job->ctx->self_exe, job->lib,
                                &job->ctx->limits, &job->res);
        return NULL;
}

static void start_job(struct worker_job *job, pthread_t *t, bool *started)
{
        *started = pthread_create(t, NULL, worker_thread, job) == 0;
        if (!*started)
                worker_thread(job); /* no thread: run it here */
}

void probe_all(const struct probe_ctx *ctx, struct snapshot *s)
{
        struct worker_job nvml = { ctx, "nvml", { 0 }, 0 }, cuda = { ctx, "cuda", { 0 }, 0 };
        struct probe_cache cache;
        pthread_t tn, tc;
        bool sn, sc;

        start_job(&nvml, &tn, &sn);
        start_job(&cuda, &tc, &sc);
        probe_os(ctx, &s->os);
        probe_pci(ctx, &s->pci);
        probe_kmod(ctx, s);
        probe_devnodes(ctx, &s->devnodes);
        probe_klog(ctx, &s->klog);
        probe_cache_load(ctx, &cache);
        probe_fabric(ctx, &cache, &s->fabric);
        probe_procenv(ctx, &s->procenv);
        probe_shell(ctx, &s->procenv, &s->shell);
        probe_toolkits(ctx, &cache.dpkg, s);
        probe_python(ctx, s);
        probe_host(ctx, &cache, s);
        probe_cache_release(&cache);
        if (sn)
                pthread_join(tn, NULL);
        if (sc)
                pthread_join(tc, NULL);
        probe_nvml_take(ctx, &nvml.res, nvml.r, s);
        probe_cuda_take(ctx, &cuda.res, cuda.r, &s->cuda);
        probe_mig_instances(ctx, s);
        worker_result_release(&nvml.res);
        worker_result_release(&cuda.res);
}
