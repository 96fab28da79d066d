/* cmd-fit-input.c - dlrig fit's inputs: the model (built-in table or a
 * local folder) and the GPUs (snapshot or --gpu-memory). */
#include "cmd-fit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe/probe.h"
#include "util/cleanup.h"
#include "util/parse.h"

#define CONFIG_MAX_BYTES (4u << 20)
#define INDEX_MAX_BYTES (64u << 20)

static int read_host(const char *path, size_t max, struct strbuf *buf)
{
        struct sysroot *host = NULL;
        int r = sysroot_open("/", &host);

        if (r >= 0)
                r = sys_read_file(host, path, max, buf);
        sysroot_free(host);
        return r;
}

static bool host_stat(const char *path, struct stat *st)
{
        struct sysroot *host = NULL;
        int r = sysroot_open("/", &host);

        if (r >= 0)
                r = sys_stat(host, path, st);
        sysroot_free(host);
        return r >= 0;
}

static char *absolute(const char *arg)
{
        char cwd[4096];
        char *s = NULL;

        if (arg[0] == '/' || !getcwd(cwd, sizeof(cwd)))
                return strdup(arg);
        if (asprintf(&s, "%s/%s", cwd, arg) < 0)
                return NULL;
        return s;
}

/* The safetensors index gives the exact size; with the dtype, the count. */
static void read_index(const char *dir, struct fit_arch *a)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        _cleanup_free_ char *path = NULL, *err = NULL;
        int64_t bytes;

        if (asprintf(&path, "%s/model.safetensors.index.json", dir) < 0 ||
            read_host(path, INDEX_MAX_BYTES, &buf) < 0)
                return;
        if (fit_index_parse(buf.buf, buf.len, &bytes, &err) < 0) {
                cmd_error("%s: %s (ignored)", path, err);
                return;
        }
        a->exact_params = bytes / a->dtype_bytes;
}

/* Reads and parses the config file of a local model (folder or file). */
static int load_config(const char *config, bool dir, struct fit_model_src *out)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        _cleanup_free_ char *err = NULL;

        if (read_host(config, CONFIG_MAX_BYTES, &buf) < 0) {
                cmd_error("cannot read '%s': %s", config, strerror(errno));
                return -2;
        }
        if (fit_config_parse(buf.buf, buf.len, &out->m.arch, &err) < 0) {
                cmd_error("%s: %s", config, err + strlen("config.json: "));
                return -2;
        }
        if (dir)
                read_index(out->path, &out->m.arch);
        out->m.name = out->m.source = out->path;
        return 0;
}

static int load_local(const char *arg, struct fit_model_src *out)
{
        struct stat st;
        char *config = NULL;
        bool dir;
        int r;

        out->path = absolute(arg);
        if (!out->path || !host_stat(out->path, &st))
                return -1;
        dir = S_ISDIR(st.st_mode);
        if (asprintf(&config, dir ? "%s/config.json" : "%s", out->path) < 0)
                return -1;
        r = load_config(config, dir, out);
        free(config);
        return r;
}

int fit_load_model(const char *arg, struct fit_model_src *out)
{
        const struct kb_model *km = kb_model_find(arg);
        int r;

        memset(out, 0, sizeof(*out));
        if (km) {
                fit_arch_from_kb(km, &out->m.arch);
                out->m.name = km->repo;
                out->m.repo = km->repo;
                out->m.source = km->source;
                return 0;
        }
        r = load_local(arg, out);
        if (r == -1)
                cmd_error("unknown model '%s': not in dlrig's table ('dlrig fit --list') and "
                          "no such folder; pass a local model folder or its config.json instead "
                          "(huggingface-cli download REPO config.json model.safetensors.index.json "
                          "--local-dir DIR, then 'dlrig fit DIR')", arg);
        if (r < 0)
                fit_model_src_release(out); /* the caller keeps nothing on failure */
        return r < 0 ? -1 : 0;
}

void fit_model_src_release(struct fit_model_src *s)
{
        free(s->path);
        s->path = NULL;
}

static int parse_size(const char *s, int64_t *out)
{
        static const struct { const char *suffix; double mult; } units[] = {
                { "GiB", 1073741824.0 }, { "GB", 1e9 }, { "G", 1073741824.0 },
                { "MiB", 1048576.0 },    { "MB", 1e6 }, { "", 1073741824.0 },
        };
        char *end;
        double v = strtod(s, &end);

        if (end == s || !(v > 0) || v > 1e6)
                return -1;
        for (size_t i = 0; i < ARRAY_SIZE(units); i++)
                if (!strcmp(end, units[i].suffix)) {
                        *out = (int64_t)(v * units[i].mult);
                        return *out > 0 ? 0 : -1;
                }
        return -1;
}

int fit_gpus_from_list(const char *list, struct fit_gpus *g)
{
        _cleanup_free_ char *copy = strdup(list);
        char *save = NULL, *tok;

        memset(g, 0, sizeof(*g));
        for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
                if (g->n == FIT_GPUS_MAX || parse_size(tok, &g->caps[g->n]) < 0) {
                        cmd_usage_error("fit", "--gpu-memory: '%s' is not a size like 24GiB "
                                        "(at most %d GPUs)", tok, FIT_GPUS_MAX);
                        return -1;
                }
                snprintf(g->names[g->n].name, sizeof(g->names[0].name), "%.0f GiB (planned)",
                         (double)g->caps[g->n] / 1073741824.0);
                g->names[g->n].index = g->n;
                g->n++;
        }
        if (g->n == 0) {
                cmd_usage_error("fit", "--gpu-memory needs a list like 24GiB,24GiB");
                return -1;
        }
        return 0;
}

static void probe_gpus(struct ctx *ctx, struct snapshot *s)
{
        struct strv diag = STRV_INIT;
        struct probe_ctx pc = { .root = ctx->root, .self_exe = ctx->self_exe, .diag = &diag };
        struct worker_result res = { 0 };
        int r;

        drv_limits_default(&pc.limits);
        r = drv_worker_run(ctx->root, ctx->self_exe, "nvml", &pc.limits, &res);
        probe_nvml_take(&pc, &res, r, s);
        worker_result_release(&res);
        for (size_t i = 0; i < diag.n; i++)
                cmd_error("%s", diag.v[i]);
        strv_release(&diag);
}

static int select_gpus(const struct snapshot *s, const char *sel, struct fit_gpus *g)
{
        _cleanup_free_ char *copy = sel ? strdup(sel) : NULL;
        char *save = NULL, *tok;
        int idx;

        for (size_t i = 0; !sel && i < s->ngpus && g->n < FIT_GPUS_MAX; i++)
                g->caps[g->n++] = (int64_t)i;
        for (tok = copy ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
                if (parse_int(tok, &idx) < 0 || idx < 0 || (size_t)idx >= s->ngpus ||
                    g->n == FIT_GPUS_MAX) {
                        cmd_usage_error("fit", "--gpus: '%s' is not a GPU index (0 to %zu)", tok,
                                        s->ngpus ? s->ngpus - 1 : 0);
                        return -1;
                }
                g->caps[g->n++] = idx;
        }
        return 0;
}

static int gpus_from_snapshot(const struct snapshot *s, const char *sel, struct fit_gpus *g)
{
        memset(g, 0, sizeof(*g));
        if (s->ngpus == 0) {
                cmd_error("no GPU in the snapshot (run 'dlrig doctor' to see why); plan a machine "
                          "with --gpu-memory 24GiB,24GiB instead");
                return -1;
        }
        if (select_gpus(s, sel, g) < 0)
                return -1;
        for (int i = 0; i < g->n; i++) {
                const struct snap_gpu *sg = &s->gpus[g->caps[i]];

                if (sg->memory_total_bytes.st != FACT_OK || sg->memory_total_bytes.v <= 0) {
                        cmd_error("GPU %lld: memory size unknown; pass --gpu-memory",
                                  (long long)g->caps[i]);
                        return -1;
                }
                snprintf(g->names[i].name, sizeof(g->names[0].name), "%s",
                         sg->name.st == FACT_OK && sg->name.v ? sg->name.v : "GPU");
                g->names[i].index = (int)g->caps[i];  /* keep the machine's numbering */
                g->caps[i] = sg->memory_total_bytes.v;
        }
        return 0;
}

int fit_gpus_from_machine(struct ctx *ctx, const char *from, const char *sel, struct fit_gpus *g)
{
        struct snapshot s;
        int r = 0;

        snap_init(&s);
        if (from)
                r = cmd_load_snapshot(from, &s);
        else
                probe_gpus(ctx, &s);
        if (r >= 0)
                r = gpus_from_snapshot(&s, sel, g);
        if (r >= 0 && s.nvml.cuda_driver_version.st == FACT_OK &&
            s.nvml.cuda_driver_version.v > 0 && s.nvml.cuda_driver_version.v < 100000)
                snprintf(g->cuda, sizeof(g->cuda), "%d.%d",
                         (int)(s.nvml.cuda_driver_version.v / 1000),
                         (int)(s.nvml.cuda_driver_version.v % 1000 / 10));
        snap_release(&s);
        return r;
}
