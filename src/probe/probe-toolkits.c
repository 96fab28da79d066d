/* probe-toolkits.c - CUDA toolkits under /usr/local, the nvcc the login
 * shell finds first, and the libcuda / libcudart files the dynamic loader
 * would find (LD_LIBRARY_PATH first, then ld.so.conf, then the defaults). */
#include "probe.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define TK_FILE_MAX (256u * 1024)
#define TK_MAX_DIRS 64

static const char *const tk_default_dirs[] = {
        "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", NULL,
};

/* "12.1.105" from version.json, or "11.8.89" from version.txt. */
static void tk_version(const struct probe_ctx *ctx, const char *dir, struct fact_str *ret)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        _cleanup_free_ char *js = xasprintf("%s/version.json", dir), *txt = xasprintf("%s/version.txt", dir);
        json_t *j, *v;

        if (sys_read_file(ctx->root, js, TK_FILE_MAX, &buf) >= 0) {
                j = json_loadb(buf.buf, buf.len, 0, NULL);
                v = json_object_get(json_object_get(j, "cuda"), "version");
                if (json_is_string(v))
                        fact_set_str(ret, json_string_value(v));
                else
                        fact_fail_str(ret, FACT_ERROR, "version.json has no cuda.version");
                json_decref(j);
                return;
        }
        if (sys_read_file(ctx->root, txt, TK_FILE_MAX, &buf) >= 0) {
                char *v2 = version_find(buf.buf);
                if (v2)
                        fact_take_str(ret, v2);
                else
                        fact_fail_str(ret, FACT_ERROR, "version.txt names no version");
                return;
        }
        fact_fail_str(ret, FACT_ABSENT, "no version.json or version.txt");
}

static void tk_add(const struct probe_ctx *ctx, struct snap_toolkits *t, const char *path, const char *origin)
{
        struct snap_toolkit *k = snap_add_toolkit(t);

        k->path = xstrdup(path);
        k->origin = xstrdup(origin);
        tk_version(ctx, path, &k->version);
}

static void tk_system(const struct probe_ctx *ctx, struct snap_toolkits *t)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;
        _cleanup_(strbuf_releasep) struct strbuf link = STRBUF_INIT;

        if (sys_list_dir(ctx->root, "/usr/local", &names) >= 0)
                for (size_t i = 0; i < names.n; i++)
                        if (startswith(names.v[i], "cuda-")) {
                                char *p = xasprintf("/usr/local/%s", names.v[i]);
                                tk_add(ctx, t, p, "system");
                                free(p);
                        }
        if (sys_readlink(ctx->root, "/usr/local/cuda", &link) >= 0)
                fact_take_str(&t->cuda_link, link.buf[0] == '/' ? xstrdup(link.buf)
                                                                : xasprintf("/usr/local/%s", link.buf));
        else if (sys_exists(ctx->root, "/usr/local/cuda/bin")) {
                fact_set_str(&t->cuda_link, "/usr/local/cuda"); /* a plain folder */
                tk_add(ctx, t, "/usr/local/cuda", "system");
        } else
                fact_fail_str(&t->cuda_link, FACT_ABSENT, "no /usr/local/cuda");
}

/* Splits a colon list into strv, skipping empties; returns how many. */
static size_t tk_split(const char *list, struct strv *out)
{
        size_t n = 0;

        for (const char *p = list; p && *p && out->n < TK_MAX_DIRS;) {
                size_t len = strcspn(p, ":");
                if (len) {
                        strv_push(out, xstrndup(p, len));
                        n++;
                }
                p += len + (p[len] == ':');
        }
        return n;
}

static void tk_nvcc(const struct probe_ctx *ctx, struct snapshot *s)
{
        struct snap_toolkits *t = &s->toolkits;
        _cleanup_(strv_release) struct strv dirs = STRV_INIT;

        if (s->shell.path.st != FACT_OK) {
                fact_fail_str(&t->nvcc_path, FACT_UNSET, "the login shell's PATH is unknown");
                return;
        }
        tk_split(s->shell.path.v, &dirs);
        for (size_t i = 0; i < dirs.n; i++) {
                char *p = xasprintf("%s/nvcc", dirs.v[i]);
                if (sys_exists(ctx->root, p)) {
                        char *top = xstrdup(dirs.v[i]), *slash = strrchr(top, '/');
                        fact_take_str(&t->nvcc_path, p);
                        if (slash)
                                *slash = '\0';
                        tk_version(ctx, top, &t->nvcc_version);
                        free(top);
                        return;
                }
                free(p);
        }
        fact_fail_str(&t->nvcc_path, FACT_ABSENT, "no nvcc on PATH");
        fact_fail_str(&t->nvcc_version, FACT_ABSENT, "no nvcc on PATH");
}

/* Appends the folders one ld.so.conf file lists; include lines of the form
 * "include DIR/ *.conf" (a glob) are followed one level. */
static void tk_ld_conf(const struct probe_ctx *ctx, const char *path, struct strv *dirs, int depth)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        char *save = NULL;

        if (depth > 1 || sys_read_file(ctx->root, path, TK_FILE_MAX, &buf) < 0)
                return;
        for (char *line = strtok_r(buf.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *v = strip_dup(line, strcspn(line, "#"));
                if (startswith(v, "include ")) {
                        char *dir = strip_dup(v + 8, strlen(v + 8)), *star = strrchr(dir, '/');
                        struct strv names = STRV_INIT;
                        if (star)
                                *star = '\0';
                        if (sys_list_dir(ctx->root, dir, &names) >= 0)
                                for (size_t i = 0; i < names.n; i++)
                                        if (strstr(names.v[i], ".conf")) {
                                                char *p = xasprintf("%s/%s", dir, names.v[i]);
                                                tk_ld_conf(ctx, p, dirs, depth + 1);
                                                free(p);
                                        }
                        strv_release(&names);
                        free(dir);
                } else if (*v == '/' && dirs->n < TK_MAX_DIRS) {
                        strv_push(dirs, v);
                        v = NULL;
                }
                free(v);
        }
}

static void tk_libs_in(const struct probe_ctx *ctx, struct snap_toolkits *t, const char *dir)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;
        size_t n = strlen(dir);

        if (sys_list_dir(ctx->root, dir, &names) < 0)
                return;
        for (size_t i = 0; i < names.n; i++) {
                bool cuda = startswith(names.v[i], "libcuda.so"), rt = startswith(names.v[i], "libcudart.so");
                char *p;
                if (!cuda && !rt)
                        continue;
                p = xasprintf("%s/%s", dir, names.v[i]);
                if (cuda && t->stub_libcuda.st != FACT_OK && n >= 6 && !strcmp(dir + n - 6, "/stubs"))
                        fact_set_str(&t->stub_libcuda, p);
                strv_push(cuda ? &t->libcuda : &t->libcudart, p);
        }
}

static void tk_loader(const struct probe_ctx *ctx, struct snapshot *s)
{
        struct snap_toolkits *t = &s->toolkits;

        if (s->shell.ld_library_path.st == FACT_OK)
                tk_split(s->shell.ld_library_path.v, &t->loader_dirs);
        tk_ld_conf(ctx, "/etc/ld.so.conf", &t->loader_dirs, 0);
        for (size_t i = 0; tk_default_dirs[i]; i++)
                if (strv_find(&t->loader_dirs, tk_default_dirs[i]) < 0)
                        strv_push(&t->loader_dirs, xstrdup(tk_default_dirs[i]));
        for (size_t i = 0; i < t->loader_dirs.n; i++)
                tk_libs_in(ctx, t, t->loader_dirs.v[i]);
        if (t->stub_libcuda.st != FACT_OK)
                fact_fail_str(&t->stub_libcuda, FACT_ABSENT, "no stub libcuda on the loader path");
}

void probe_toolkits(const struct probe_ctx *ctx, struct snapshot *s)
{
        tk_system(ctx, &s->toolkits);
        tk_nvcc(ctx, s);
        tk_loader(ctx, s);
        probe_set(&s->toolkits.probe, FACT_OK, NULL);
}
