/* probe-toolkits.c - the CUDA toolkits of the machine, the nvcc that PATH
 * finds first, and the libcuda / libcudart files the dynamic loader would
 * find (LD_LIBRARY_PATH first, then ld.so.conf, then the defaults).
 *
 * Toolkits are looked for where installers put them, not by walking the
 * disk: /usr/local/cuda-X.Y and /usr/local/cuda (NVIDIA's runfile, .deb and
 * .rpm packages, container images), /opt/cuda (Arch), CUDA_HOME and
 * CUDA_PATH, and the folder of every nvcc on the process's and the login
 * shell's PATH (Debian's nvidia-cuda-toolkit in /usr/bin, a conda env).
 * Links are resolved (/usr/local/cuda -> /etc/alternatives/cuda ->
 * /usr/local/cuda-13.0), so each folder is listed once. */
#include "probe.h"

#include <stdlib.h>
#include <string.h>

#include "probe-internal.h"
#include "sys/sys-dl.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define TK_FILE_MAX (256u * 1024)
#define TK_MAX_DIRS 64
#define TK_MAX_TOOLKITS 32

static const char *tk_fact(const struct fact_str *f)
{
        return f->st == FACT_OK ? f->v : NULL;
}

/* path with its links resolved (owned), or NULL when it does not exist. */
static char *tk_resolve(const struct probe_ctx *ctx, const char *path)
{
        struct strbuf sb = STRBUF_INIT;

        if (sys_resolve(ctx->root, path, &sb) < 0) {
                strbuf_release(&sb);
                return NULL;
        }
        return strbuf_detach(&sb);
}

/* Adds the toolkit folder at path (once, by its resolved name); a folder
 * that does not exist is not a toolkit. Returns it, or NULL. */
static struct snap_toolkit *tk_add(const struct probe_ctx *ctx, const struct dpkg_db *db, struct snap_toolkits *t,
                                   const char *path, const char *origin)
{
        _cleanup_free_ char *real = tk_resolve(ctx, path);
        struct snap_toolkit *k;

        if (!real || !strcmp(real, "/"))
                return NULL;
        for (size_t i = 0; i < t->n; i++)
                if (!strcmp(t->v[i].path, real))
                        return &t->v[i];
        if (t->n >= TK_MAX_TOOLKITS)
                return NULL;
        k = snap_add_toolkit(t);
        k->path = xstrdup(real);
        k->origin = xstrdup(origin);
        probe_toolkit_version(ctx, db, real, k);
        return k;
}

/* A folder under which NVIDIA's layout has a toolkit: bin/nvcc,
 * version.json or the runtime library. */
static bool tk_looks_like(const struct probe_ctx *ctx, const char *dir)
{
        static const char *const marks[] = { "bin/nvcc", "version.json", "version.txt", "lib64", "targets", NULL };

        for (size_t i = 0; marks[i]; i++) {
                _cleanup_free_ char *p = xasprintf("%s/%s", dir, marks[i]);
                if (sys_exists(ctx->root, p))
                        return true;
        }
        return false;
}

static void tk_under(const struct probe_ctx *ctx, const struct dpkg_db *db, struct snap_toolkits *t,
                     const char *parent)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;

        if (sys_list_dir(ctx->root, parent, &names) < 0)
                return;
        /* the versioned folders; "cuda" itself (a link to one, or a plain
         * folder) comes after them, so their order is the listing's */
        strv_push(&names, xstrdup("cuda"));
        for (size_t i = 0; i < names.n; i++)
                if (startswith(names.v[i], "cuda-") || (i == names.n - 1 && !strcmp(names.v[i], "cuda"))) {
                        _cleanup_free_ char *p = xasprintf("%s/%s", parent, names.v[i]);
                        if (tk_looks_like(ctx, p))
                                tk_add(ctx, db, t, p, "system");
                }
}

static void tk_cuda_link(const struct probe_ctx *ctx, struct snap_toolkits *t)
{
        _cleanup_(strbuf_releasep) struct strbuf link = STRBUF_INIT;
        char *real;

        if (sys_readlink(ctx->root, "/usr/local/cuda", &link) < 0) {
                if (sys_exists(ctx->root, "/usr/local/cuda/bin"))
                        fact_set_str(&t->cuda_link, "/usr/local/cuda"); /* a plain folder */
                else
                        fact_fail_str(&t->cuda_link, FACT_ABSENT, "no /usr/local/cuda");
                return;
        }
        if ((real = tk_resolve(ctx, "/usr/local/cuda"))) {
                fact_take_str(&t->cuda_link, real);
        } else {
                /* the whole chain: /usr/local/cuda -> /etc/alternatives/cuda -> /usr/local/cuda-12.6 */
                _cleanup_(strbuf_releasep) struct strbuf chain = STRBUF_INIT;
                _cleanup_(strbuf_releasep) struct strbuf next = STRBUF_INIT;
                _cleanup_free_ char *why = NULL;
                strbuf_addf(&chain, "/usr/local/cuda -> %s", link.buf);
                for (int hop = 0; hop < 8 && link.buf[0] == '/' && sys_readlink(ctx->root, link.buf, &next) >= 0; hop++) {
                        strbuf_addf(&chain, " -> %s", next.buf);
                        strbuf_reset(&link);
                        strbuf_add(&link, next.buf, next.len);
                        strbuf_reset(&next);
                }
                why = xasprintf("%s, which does not exist", chain.buf);
                fact_fail_str(&t->cuda_link, FACT_ERROR, why);
        }
}

/* Splits a colon list into strv, skipping empties and duplicates. */
static void tk_split(const char *list, struct strv *out)
{
        for (const char *p = list; p && *p && out->n < TK_MAX_DIRS;) {
                size_t len = strcspn(p, ":");
                if (len) {
                        char *dir = xstrndup(p, len);
                        if (strv_find(out, dir) < 0)
                                strv_push(out, dir);
                        else
                                free(dir);
                }
                p += len + (p[len] == ':');
        }
}

/* The first nvcc on a PATH, links resolved (owned), or NULL. */
static char *tk_nvcc_on(const struct probe_ctx *ctx, const char *path)
{
        _cleanup_(strv_release) struct strv dirs = STRV_INIT;

        tk_split(path, &dirs);
        for (size_t i = 0; i < dirs.n; i++) {
                _cleanup_free_ char *p = xasprintf("%s/nvcc", dirs.v[i]);
                char *real = sys_exists(ctx->root, p) ? tk_resolve(ctx, p) : NULL;
                if (real)
                        return real;
        }
        return NULL;
}

/* The toolkit folder of an nvcc: ".../bin/nvcc" -> "...". */
static char *tk_top_of(const char *nvcc)
{
        char *top = xstrdup(nvcc), *slash = strrchr(top, '/');

        if (slash)
                *slash = '\0';
        slash = strrchr(top, '/');
        if (slash && !strcmp(slash, "/bin"))
                *slash = '\0';
        return top;
}

/* nvcc on the process's PATH first (what the user's jobs run with, and all
 * there is in a container), else on the login shell's. */
static void tk_nvcc(const struct probe_ctx *ctx, const struct dpkg_db *db, struct snapshot *s)
{
        struct snap_toolkits *t = &s->toolkits;
        const char *paths[] = { tk_fact(&s->procenv.path), tk_fact(&s->shell.path) };
        const char *names[] = { "process", "login shell" };

        for (size_t i = 0; i < 2; i++) {
                _cleanup_free_ char *nvcc = paths[i] ? tk_nvcc_on(ctx, paths[i]) : NULL;
                _cleanup_free_ char *top = nvcc ? tk_top_of(nvcc) : NULL;
                const struct snap_toolkit *k;

                if (!nvcc)
                        continue;
                fact_set_str(&t->nvcc_path, nvcc);
                fact_set_str(&t->nvcc_env, names[i]);
                k = tk_add(ctx, db, t, top, !strcmp(top, "/usr") ? "distro" : "path");
                if (k && k->version.st == FACT_OK)
                        fact_set_str(&t->nvcc_version, k->version.v);
                else
                        fact_fail_str(&t->nvcc_version, FACT_ABSENT, "its toolkit's version is unknown");
                return;
        }
        if (!paths[0] && !paths[1]) {
                fact_fail_str(&t->nvcc_path, FACT_UNSET, "neither PATH is known");
                return;
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

        if (depth > 1 || sys_read_file(ctx->root, path, TK_FILE_MAX, &buf) < 0 || !buf.buf)
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
                } else if (*v == '/' && dirs->n < TK_MAX_DIRS && strv_find(dirs, v) < 0) {
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

/* The versioned files of the libraries PyTorch wheels bundle, in one of
 * LD_LIBRARY_PATH's folders: the loader takes them before a wheel's
 * RUNPATH copies (failures.md F23). */
static void tk_ld_path_libs(const struct probe_ctx *ctx, struct snap_toolkits *t, const char *dir)
{
        static const char *const stems[] = { "libcudnn.so.", "libnccl.so.", "libcublas.so.", NULL };
        _cleanup_(strv_release) struct strv names = STRV_INIT;

        if (sys_list_dir(ctx->root, dir, &names) < 0)
                return;
        for (size_t i = 0; i < names.n; i++)
                for (size_t k = 0; stems[k]; k++) {
                        const char *v = names.v[i] + strlen(stems[k]);
                        if (startswith(names.v[i], stems[k]) && strchr(v, '.') && t->ld_path_libs.n < TK_MAX_DIRS)
                                strv_pushf(&t->ld_path_libs, "%s/%s", dir, names.v[i]);
                }
}

static void tk_loader(const struct probe_ctx *ctx, struct snapshot *s)
{
        struct snap_toolkits *t = &s->toolkits;

        tk_split(tk_fact(&s->procenv.ld_library_path), &t->loader_dirs);
        tk_split(tk_fact(&s->shell.ld_library_path), &t->loader_dirs);
        for (size_t i = 0; i < t->loader_dirs.n; i++)
                tk_ld_path_libs(ctx, t, t->loader_dirs.v[i]);
        tk_ld_conf(ctx, "/etc/ld.so.conf", &t->loader_dirs, 0);
        for (const struct sys_lib_dir *d = sys_lib_dirs; d->path; d++)
                if (d->loader_default && strv_find(&t->loader_dirs, d->path) < 0)
                        strv_push(&t->loader_dirs, xstrdup(d->path));
        for (size_t i = 0; i < t->loader_dirs.n; i++)
                tk_libs_in(ctx, t, t->loader_dirs.v[i]);
        if (t->stub_libcuda.st != FACT_OK)
                fact_fail_str(&t->stub_libcuda, FACT_ABSENT, "no stub libcuda on the loader path");
}

/* NVIDIA's toolkit packages (cuda-nvcc-X-Y, cuda-toolkit-X-Y) that dpkg
 * lists while /usr/local/cuda-X.Y is gone: removed by hand, or an install
 * that failed half way. */
static void tk_packaged_missing(const struct probe_ctx *ctx, const struct dpkg_db *db, struct snap_toolkits *t)
{
        static const char *const pkgs[] = { "cuda-nvcc-", "cuda-toolkit-" };

        for (size_t i = 0; i < db->n; i++)
                for (size_t k = 0; k < 2; k++) {
                        const char *p = db->v[i].package, *series;
                        _cleanup_free_ char *dir = NULL;
                        size_t n;
                        if (!startswith(p, pkgs[k]))
                                continue;
                        series = p + strlen(pkgs[k]);
                        n = strlen(series);
                        if (n < 3 || strspn(series, "0123456789-") != n ||
                            !strchr(series, '-') || strchr(series, '-') != strrchr(series, '-'))
                                continue; /* "cuda-toolkit-12-8" only, not -config-common or -12 */
                        dir = xasprintf("/usr/local/cuda-%.*s.%s", (int)strcspn(series, "-"), series,
                                        strchr(series, '-') + 1);
                        if (!sys_exists(ctx->root, dir) && t->packaged_missing.n < TK_MAX_DIRS)
                                strv_pushf(&t->packaged_missing, "%s %s %s", p,
                                           db->v[i].version ? db->v[i].version : "?", dir);
                }
}

void probe_toolkits(const struct probe_ctx *ctx, const struct dpkg_db *db, struct snapshot *s)
{
        struct snap_toolkits *t = &s->toolkits;
        const char *homes[] = { tk_fact(&s->procenv.cuda_home), tk_fact(&s->procenv.cuda_path) };

        tk_under(ctx, db, t, "/usr/local");
        tk_under(ctx, db, t, "/opt");
        tk_cuda_link(ctx, t);
        for (size_t i = 0; i < 2; i++)
                if (homes[i])
                        tk_add(ctx, db, t, homes[i], "env");
        tk_nvcc(ctx, db, s);
        tk_loader(ctx, s);
        tk_packaged_missing(ctx, db, t);
        probe_set(&t->probe, FACT_OK, NULL);
}
