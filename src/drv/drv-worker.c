/* drv-worker.c - both ends of the driver worker (see drv-worker.h). */
#include "drv-worker.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sys/sys-exec.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define DRV_CALL_TIMEOUT_MS 5000
#define DRV_TOTAL_TIMEOUT_MS 30000

void drv_limits_default(struct drv_limits *ret)
{
        const char *env = getenv("DLRIG_DRIVER_TIMEOUT_MS");
        uint64_t ms;

        ret->call_timeout_ms = DRV_CALL_TIMEOUT_MS;
        ret->total_timeout_ms = DRV_TOTAL_TIMEOUT_MS;
        ret->on_output = NULL;
        ret->on_output_arg = NULL;
        if (env && parse_u64(env, 10, &ms) == 0 && ms > 0 && ms < 600000) {
                ret->call_timeout_ms = (unsigned)ms;
                if (ret->total_timeout_ms < 4 * ms)
                        ret->total_timeout_ms = (unsigned)(4 * ms);
        }
}

/* ---- worker side ------------------------------------------------------ */

void worker_crumb(const char *fmt, ...)
{
        va_list ap;

        fputs("crumb ", stdout);
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        putchar('\n');
        fflush(stdout);
}

void worker_emit(const char *tag, json_t *j)
{
        char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

        printf("%s %s\n", tag, s ? s : "null");
        fflush(stdout);
        free(s);
        json_decref(j);
}

int drv_worker_main(const struct sysroot *root, const char *lib)
{
        if (!strcmp(lib, "nvml"))
                return drv_nvml_gather(root);
        if (!strcmp(lib, "cuda"))
                return drv_cuda_gather(root);
        fprintf(stderr, "dlrig: unknown driver worker '%s'\n", lib);
        return 3;
}

/* ---- parent side ------------------------------------------------------ */

struct parse_ctx {
        struct worker_result *res;
};

static int parse_line(const char *line, size_t len, void *data)
{
        struct worker_result *res = ((struct parse_ctx *)data)->res;
        const char *sp = memchr(line, ' ', len);
        json_error_t jerr;
        json_t *j;

        if (!sp)
                return 0;
        if (!strncmp(line, "crumb ", 6)) {
                free(res->last_crumb);
                res->last_crumb = xstrndup(sp + 1, len - (size_t)(sp + 1 - line));
                return 0;
        }
        j = json_loadb(sp + 1, len - (size_t)(sp + 1 - line), JSON_DECODE_ANY, &jerr);
        if (!j)
                return 0; /* a torn last line from a killed worker */
        res->recs = xrealloc(res->recs, (res->n + 1) * sizeof(*res->recs));
        res->recs[res->n].tag = xstrndup(line, (size_t)(sp - line));
        res->recs[res->n].json = j;
        res->n++;
        return 0;
}

static char *describe_failure(const struct worker_result *res, const struct exec_res *er,
                              const struct drv_limits *lim)
{
        const char *call = res->last_crumb ? res->last_crumb : "loading the library";

        if (er->idle_timed_out || er->timed_out)
                return xasprintf("%s did not return within %u ms%s", call,
                                 er->idle_timed_out ? lim->call_timeout_ms : lim->total_timeout_ms,
                                 er->unreaped ? "; the worker is stuck in the kernel (D state)" : "");
        if (er->exit_code > 128)
                return xasprintf("the driver worker died with signal %d during %s",
                                 er->exit_code - 128, call);
        if (er->exit_code != 0)
                return xasprintf("the driver worker exited with status %d during %s",
                                 er->exit_code, call);
        return NULL;
}

int drv_worker_run(const struct sysroot *root, const char *self_exe, const char *lib,
                   const struct drv_limits *lim, struct worker_result *ret)
{
        const char *argv[] = { self_exe, "--root", sysroot_path(root), "__driver-worker", lib, NULL };
        return drv_worker_run_argv(root, argv, lim, ret);
}

int drv_worker_run_argv(const struct sysroot *root, const char *const *argv,
                        const struct drv_limits *lim, struct worker_result *ret)
{
        struct exec_req req = { .argv = argv, .timeout_ms = lim->total_timeout_ms,
                                .idle_timeout_ms = lim->call_timeout_ms, .max_out = 4u << 20,
                                .self = true, .on_output = lim->on_output,
                                .on_output_arg = lim->on_output_arg };
        struct worker_result res = { 0 };
        struct parse_ctx pc = { &res };
        struct exec_res er;
        int r;

        r = sys_exec(root, &req, &er);
        if (r < 0)
                return r;
        for_each_line(er.out.buf, er.out.len, parse_line, &pc);
        if (er.err.len)
                res.stderr_text = strbuf_detach(&er.err); /* the libraries' own complaints */
        res.timed_out = er.timed_out || er.idle_timed_out;
        res.unreaped = er.unreaped;
        res.exit_code = er.exit_code;
        res.failure = describe_failure(&res, &er, lim);
        exec_res_release(&er);
        *ret = res;
        return 0;
}

void worker_result_release(struct worker_result *res)
{
        for (size_t i = 0; i < res->n; i++) {
                free(res->recs[i].tag);
                json_decref(res->recs[i].json);
        }
        free(res->recs);
        free(res->last_crumb);
        free(res->failure);
        free(res->stderr_text);
        memset(res, 0, sizeof(*res));
}
