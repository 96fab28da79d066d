/* toolkit-version.c - a CUDA toolkit folder's version from the best
 * evidence present, and which evidence it was. NVIDIA's runfile and the
 * cuda-toolkit meta package write version.json; its container images
 * install component packages (cuda-nvcc-13-0, cuda-cudart-13-0, ...) and
 * have none, so the package database comes next, then nvcc itself (on this
 * machine only: a foreign root's programs are never run), then the
 * runtime library's file name. */
#include "probe-internal.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sys/sys-exec.h"
#include "toolkit-parse.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/versions.h"
#include "util/xalloc.h"

#define TKV_FILE_MAX (256u * 1024)
#define TKV_RPM_MAX (8u << 20)
#define TKV_NVCC_TIMEOUT_MS 5000
/* The recorder's copy of `rpm -qa` (the rpm database itself is a SQLite
 * file that only librpm reads): scripts/record-machine.sh writes it. */
#define TKV_RPM_LIST "/var/lib/rpm-dlrig-list.txt"

static void tkv_set(struct snap_toolkit *k, char *version, char *evidence)
{
        fact_take_str(&k->version, version);
        free(k->evidence);
        k->evidence = evidence;
}

static bool tkv_files(const struct probe_ctx *ctx, const char *dir, struct snap_toolkit *k)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        _cleanup_free_ char *js = xasprintf("%s/version.json", dir), *txt = xasprintf("%s/version.txt", dir);
        json_t *j, *v;
        char *found;

        if (sys_read_file(ctx->root, js, TKV_FILE_MAX, &buf) >= 0) {
                j = json_loadb(buf.buf, buf.len, 0, NULL);
                v = json_object_get(json_object_get(j, "cuda"), "version");
                found = json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
                json_decref(j);
                if (found)
                        tkv_set(k, found, xstrdup("version.json"));
                return found != NULL;
        }
        if (sys_read_file(ctx->root, txt, TKV_FILE_MAX, &buf) >= 0 && (found = version_find(buf.buf))) {
                tkv_set(k, found, xstrdup("version.txt"));
                return true;
        }
        return false;
}

/* "/usr/local/cuda-13.0" -> "13-0", the suffix of NVIDIA's package names. */
static char *tkv_series(const char *dir)
{
        const char *base = strrchr(dir, '/');
        char *v = base ? toolkit_name_version(base + 1, "cuda-") : NULL;

        for (char *p = v; p && *p; p++)
                if (*p == '.')
                        *p = '-';
        if (v && strchr(v, '-') != strrchr(v, '-'))
                *strrchr(v, '-') = '\0'; /* "12.4.1" -> "12-4" */
        return v;
}

/* The series of the only cuda-nvcc-X-Y installed, for a folder whose name
 * has none (/usr/local/cuda as a plain folder, /opt/cuda). */
static char *tkv_only_series(const struct dpkg_db *db)
{
        char *one = NULL;

        for (size_t i = 0; i < db->n; i++) {
                const char *p = db->v[i].package;
                if (!startswith(p, "cuda-nvcc-") || !isdigit((unsigned char)p[10]))
                        continue;
                if (one) {
                        free(one);
                        return NULL; /* two series: the name must decide */
                }
                one = xstrdup(p + 10);
        }
        return one;
}

static const char *const tkv_components[] = { "cuda-nvcc-", "cuda-cudart-", "cuda-toolkit-", NULL };

static bool tkv_dpkg(const struct dpkg_db *db, const char *dir, struct snap_toolkit *k)
{
        _cleanup_free_ char *series = tkv_series(dir);
        char *v;

        if (!strcmp(dir, "/usr") && (v = dpkg_db_version(db, "nvidia-cuda-toolkit"))) {
                /* Debian's own package: "12.4.131~12.4.1-1" */
                char *found = version_find(v);
                if (found)
                        tkv_set(k, found, xasprintf("dpkg nvidia-cuda-toolkit %s", v));
                free(v);
                return found != NULL;
        }
        if (!series)
                series = tkv_only_series(db);
        for (size_t i = 0; series && tkv_components[i]; i++) {
                _cleanup_free_ char *name = xasprintf("%s%s", tkv_components[i], series);
                if ((v = dpkg_db_version(db, name))) {
                        char *found = version_find(v);
                        if (found) {
                                tkv_set(k, found, xasprintf("dpkg %s %s", name, v));
                                free(v);
                                return true;
                        }
                        free(v);
                }
        }
        return false;
}

/* The rpm listing: recorded below a foreign root, asked of rpm here. */
static int tkv_rpm_list(const struct probe_ctx *ctx, const char *name, struct strbuf *out)
{
        const char *argv[] = { "rpm", "-q", "--queryformat", "%{NAME} %{VERSION}-%{RELEASE} %{ARCH}\\n", name, NULL };
        struct exec_req req = { .argv = argv, .timeout_ms = TKV_NVCC_TIMEOUT_MS, .max_out = 64 * 1024 };
        struct exec_res res = { 0 };
        int r;

        if (!sysroot_is_host(ctx->root))
                return sys_read_file(ctx->root, TKV_RPM_LIST, TKV_RPM_MAX, out);
        if (!sys_exists(ctx->root, "/var/lib/rpm") || !sys_exists(ctx->root, "/usr/bin/rpm"))
                return -ENOENT;
        r = sys_exec(ctx->root, &req, &res);
        if (r >= 0 && res.exit_code == 0)
                strbuf_add(out, res.out.buf ? res.out.buf : "", res.out.len);
        exec_res_release(&res);
        return r < 0 ? r : res.exit_code ? -ENOENT : 0;
}

static bool tkv_rpm(const struct probe_ctx *ctx, const char *dir, struct snap_toolkit *k)
{
        _cleanup_free_ char *series = tkv_series(dir);

        for (size_t i = 0; series && tkv_components[i]; i++) {
                _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
                _cleanup_free_ char *name = xasprintf("%s%s", tkv_components[i], series);
                char *v;

                if (tkv_rpm_list(ctx, name, &buf) < 0)
                        return false;
                if ((v = toolkit_rpm_version(buf.buf ? buf.buf : "", buf.len, name))) {
                        tkv_set(k, v, xasprintf("rpm %s %s", name, v));
                        return true;
                }
        }
        return false;
}

/* A file name in folder dir that carries the version after prefix. */
static bool tkv_named(const struct probe_ctx *ctx, const char *dir, const char *prefix, const char *what,
                      struct snap_toolkit *k)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;

        if (sys_list_dir(ctx->root, dir, &names) < 0)
                return false;
        for (size_t i = 0; i < names.n; i++) {
                char *v = toolkit_name_version(names.v[i], prefix);
                if (v) {
                        tkv_set(k, v, xasprintf("%s %s", what, names.v[i]));
                        return true;
                }
        }
        return false;
}

/* Arch's cuda package (/opt/cuda) and a conda prefix's cuda-nvcc. */
static bool tkv_other_dbs(const struct probe_ctx *ctx, const char *dir, struct snap_toolkit *k)
{
        _cleanup_free_ char *meta = xasprintf("%s/conda-meta", dir);

        if (!strcmp(dir, "/opt/cuda") && tkv_named(ctx, "/var/lib/pacman/local", "cuda-", "pacman", k))
                return true;
        return tkv_named(ctx, meta, "cuda-nvcc-", "conda-meta", k);
}

static bool tkv_nvcc(const struct probe_ctx *ctx, const char *dir, struct snap_toolkit *k)
{
        _cleanup_free_ char *nvcc = xasprintf("%s/bin/nvcc", dir);
        const char *argv[] = { nvcc, "--version", NULL };
        struct exec_req req = { .argv = argv, .timeout_ms = TKV_NVCC_TIMEOUT_MS, .max_out = 16 * 1024 };
        struct exec_res res = { 0 };
        char *v = NULL;

        if (!sysroot_is_host(ctx->root) || !sys_exists(ctx->root, nvcc))
                return false;
        if (sys_exec(ctx->root, &req, &res) >= 0 && res.exit_code == 0 && res.out.buf)
                v = toolkit_nvcc_release(res.out.buf);
        exec_res_release(&res);
        if (v)
                tkv_set(k, v, xstrdup("nvcc --version"));
        return v != NULL;
}

/* libcudart.so.X.Y.Z where NVIDIA's layouts put it. */
static bool tkv_cudart(const struct probe_ctx *ctx, const char *dir, struct snap_toolkit *k)
{
        static const char *const subs[] = { "lib64", "targets/x86_64-linux/lib", "targets/sbsa-linux/lib", "lib",
                                            NULL };

        for (size_t i = 0; subs[i]; i++) {
                _cleanup_free_ char *p = xasprintf("%s/%s", dir, subs[i]);
                if (tkv_named(ctx, p, "libcudart.so.", "file", k))
                        return true;
        }
        return false;
}

void probe_toolkit_version(const struct probe_ctx *ctx, const struct dpkg_db *db, const char *dir,
                           struct snap_toolkit *k)
{
        if (tkv_files(ctx, dir, k) || tkv_dpkg(db, dir, k) || tkv_rpm(ctx, dir, k) ||
            tkv_other_dbs(ctx, dir, k) || tkv_nvcc(ctx, dir, k) || tkv_cudart(ctx, dir, k))
                return;
        fact_fail_str(&k->version, FACT_ABSENT,
                      "no version.json or version.txt, no package, no nvcc that answers, no libcudart.so.X.Y");
}
