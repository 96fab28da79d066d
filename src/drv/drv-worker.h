/* drv-worker.h - driver work in a separate, abandonable process.
 *
 * A GPU that hangs blocks its caller inside an ioctl where no thread can be
 * cancelled. So dlrig never loads NVIDIA libraries itself: it execs itself
 * as "dlrig __driver-worker LIB", and the worker loads the library, writes
 * a breadcrumb line before each driver call and streams the facts back as
 * tagged JSON lines on stdout:
 *
 *     crumb nvmlDeviceGetHandleByIndex_v2(3)
 *     nvml {"status":"ok",...}
 *     gpu {"index":0,...}
 *
 * The parent kills the worker when one call (no line for call_timeout_ms)
 * or the whole run (total_timeout_ms) takes too long, and keeps every fact
 * that arrived before. */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "sys/sys.h"
#include "util/strv.h"

struct strbuf;

struct drv_limits {
        unsigned call_timeout_ms;
        unsigned total_timeout_ms;
        /* optional: sees the worker's stdout as it grows (sys-exec.h) */
        void (*on_output)(const struct strbuf *out, void *arg);
        void *on_output_arg;
};

/* Reads DLRIG_DRIVER_TIMEOUT_MS (per call) from the environment. */
void drv_limits_default(struct drv_limits *ret);

struct worker_record {
        char *tag;
        json_t *json;
};

struct worker_result {
        struct worker_record *recs;
        size_t n;
        char *last_crumb;   /* the call in progress when output stopped */
        bool timed_out;     /* a call or the run exceeded its deadline */
        bool unreaped;      /* the worker did not die: stuck in the kernel */
        int exit_code;
        char *failure;      /* owned one-line account when not clean, else NULL */
        char *stderr_text;  /* what the worker (the library) wrote to stderr */
};

/* Parent side: runs the worker for lib ("nvml", "cuda") and collects its
 * records. Returns 0 when a result (possibly a failed one) was produced. */
int drv_worker_run(const struct sysroot *root, const char *self_exe, const char *lib,
                   const struct drv_limits *lim, struct worker_result *ret);
/* The same for any worker command line (argv[0] is dlrig itself), such as
 * bench's "__bench-worker". */
int drv_worker_run_argv(const struct sysroot *root, const char *const *argv,
                        const struct drv_limits *lim, struct worker_result *ret);
void worker_result_release(struct worker_result *res);

/* Worker side: the entry point of "dlrig __driver-worker LIB". */
int drv_worker_main(const struct sysroot *root, const char *lib);
/* Worker side: announce the next driver call; flushed immediately. */
void worker_crumb(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Worker side: send one record; steals the reference to j. */
void worker_emit(const char *tag, json_t *j);

/* The library gatherers, run inside the worker (drv-nvml.c, drv-cuda.c). */
int drv_nvml_gather(const struct sysroot *root);
int drv_cuda_gather(const struct sysroot *root);
