/* setup-fetch.c - downloads of installer scripts: curl(1) resumes a partial
 * file (-C -), the published SHA-256 is fetched beside it and compared with
 * sha256sum(1)'s; only a file that matches is kept under its final name.
 * Both are this machine's tools run through sys_exec (no library linked
 * into dlrig, so no start-up cost for every other command). */
#include "setup.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sys/sys-exec.h"
#include "util/xalloc.h"

#define FETCH_TIMEOUT_MS (30u * 60 * 1000)
#define FETCH_TRIES 3

/* https://HOST/rest -> MIRROR/rest (tests serve from 127.0.0.1). */
static char *fetch_url(const struct setup_opts *o, const char *url)
{
        const char *rest;

        if (!o->mirror || strncmp(url, "https://", 8) || !(rest = strchr(url + 8, '/')))
                return xstrdup(url);
        return xasprintf("%s%s", o->mirror, rest);
}

static int fetch_tool(const struct sysroot *root, const char *const *argv, struct exec_res *res)
{
        struct exec_req req = { .argv = argv, .timeout_ms = FETCH_TIMEOUT_MS, .idle_timeout_ms = 120000,
                                .host_tool = true };

        return sys_exec(root, &req, res);
}

/* The first 64 hex digits of s, lower-cased, or NULL. */
static char *fetch_hex64(const char *s)
{
        char *h = xmalloc(65);
        size_t n = 0;

        while (*s && isspace((unsigned char)*s))
                s++;
        for (; n < 64 && isxdigit((unsigned char)s[n]); n++)
                h[n] = (char)tolower((unsigned char)s[n]);
        h[n] = '\0';
        if (n != 64) {
                free(h);
                return NULL;
        }
        return h;
}

static char *fetch_published(const struct sysroot *root, const char *url, char **reterr)
{
        const char *argv[] = { "curl", "-fsSL", "--max-time", "60", url, NULL };
        struct exec_res res;
        char *h = NULL;

        if (fetch_tool(root, argv, &res) < 0) {
                *reterr = xasprintf("cannot run curl for '%s'", url);
                return NULL;
        }
        if (res.exit_code == 0)
                h = fetch_hex64(res.out.buf);
        if (!h)
                *reterr = xasprintf("no SHA-256 at '%s' (curl exit %d)", url, res.exit_code);
        exec_res_release(&res);
        return h;
}

static char *fetch_sum(const struct sysroot *root, const char *host_file)
{
        const char *argv[] = { "sha256sum", "--", host_file, NULL };
        struct exec_res res;
        char *h = NULL;

        if (fetch_tool(root, argv, &res) < 0)
                return NULL;
        if (res.exit_code == 0)
                h = fetch_hex64(res.out.buf);
        exec_res_release(&res);
        return h;
}

/* curl -C - resumes where the partial file stops; a cut transfer (exit 18,
 * 56) is tried again from there. */
static int fetch_body(const struct sysroot *root, const char *url, const char *host_part, char **reterr)
{
        const char *argv[] = { "curl", "-fsSL", "-C", "-", "-o", host_part, url, NULL };
        int code = -1;

        for (int i = 0; i < FETCH_TRIES && code != 0; i++) {
                struct exec_res res;
                if (fetch_tool(root, argv, &res) < 0) {
                        *reterr = xstrdup("cannot run curl");
                        return -1;
                }
                code = res.exit_code;
                exec_res_release(&res);
        }
        if (code != 0)
                *reterr = xasprintf("downloading '%s' failed (curl exit %d); run setup again to resume", url, code);
        return code == 0 ? 0 : -1;
}

int setup_fetch(const struct sysroot *root, const struct setup_opts *o, const struct plan_act *a, char **reterr)
{
        char *url = fetch_url(o, a->text), *sha_url = a->sha_url ? fetch_url(o, a->sha_url) : NULL;
        char *part = xasprintf("%s.part", a->path), *host_part = sys_host_path(root, part);
        char *dir = xstrdup(a->path), *want = NULL, *got = NULL;
        int r = -1;

        *strrchr(dir, '/') = '\0';
        if (!sha_url)
                *reterr = xasprintf("'%s' has no published SHA-256: dlrig will not run it unverified", a->text);
        else if (sys_mkdir_p(root, dir) < 0)
                *reterr = xasprintf("cannot create '%s'", dir);
        else if ((want = fetch_published(root, sha_url, reterr)) && fetch_body(root, url, host_part, reterr) == 0) {
                got = fetch_sum(root, host_part);
                if (!got || strcasecmp(want, got)) {
                        *reterr = xasprintf("checksum mismatch for '%s': published %s, downloaded %s; "
                                            "the file was removed", url, want, got ? got : "unreadable");
                        sys_unlink(root, part);
                } else if (sys_rename(root, part, a->path) < 0) {
                        *reterr = xasprintf("cannot rename '%s'", part);
                } else {
                        r = 0;
                }
        }
        free(url), free(sha_url), free(part), free(host_part), free(dir), free(want), free(got);
        return r;
}
