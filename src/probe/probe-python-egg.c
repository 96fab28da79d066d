/* probe-python-egg.c - packages that left no dist-info folder: Debian's
 * python3-* packages and setup.py installs (NAME-VERSION.egg-info, a
 * folder or a file, with the version in PKG-INFO), and development
 * installs whose code stays in a source checkout (setup.py develop's
 * NAME.egg-link, pip install -e's __editable__ files). For those the
 * torch folder, with its version.py, is in the checkout, not the site. */
#include "probe.h"

#include <stdlib.h>
#include <string.h>

#include "probe-internal.h"
#include "pyenv-parse.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define EGG_FILE_MAX (256u * 1024)

/* PKG-INFO's Version, or NULL: path is the egg-info file itself, or a
 * folder holding PKG-INFO. */
static char *egg_pkg_info(const struct probe_ctx *ctx, const char *path)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        _cleanup_free_ char *in = xasprintf("%s/PKG-INFO", path);

        if (sys_read_file(ctx->root, in, EGG_FILE_MAX, &buf) < 0 &&
            (strbuf_reset(&buf), sys_read_file(ctx->root, path, EGG_FILE_MAX, &buf) < 0))
                return NULL;
        return buf.buf ? pyenv_pkg_info_version(buf.buf, buf.len) : NULL;
}

static char *egg_read(const struct probe_ctx *ctx, const char *site, const char *entry,
                      char *(*parse)(const char *, size_t))
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        _cleanup_free_ char *p = xasprintf("%s/%s", site, entry);

        if (sys_read_file(ctx->root, p, EGG_FILE_MAX, &buf) < 0 || !buf.buf)
                return NULL;
        return parse(buf.buf, buf.len);
}

static char *egg_torch_mapping(const char *buf, size_t len)
{
        return pyenv_finder_mapping(buf, len, "torch");
}

/* A source checkout's folder for torch from pip install -e's files:
 * "__editable__.torch-2.5.0a0+git1.pth" naming the checkout, or the
 * "__editable___torch_2_5_0a0_git1_finder.py" mapping torch to its folder. */
static char *egg_editable_torch(const struct probe_ctx *ctx, const char *site, const char *entry)
{
        size_t n = strlen(entry);
        char *dir, *slash;

        if (startswith(entry, "__editable__.torch-") && n > 4 && !strcmp(entry + n - 4, ".pth"))
                return egg_read(ctx, site, entry, pyenv_first_path);
        if (!startswith(entry, "__editable___torch_") || n < 10 || strcmp(entry + n - 10, "_finder.py"))
                return NULL;
        dir = egg_read(ctx, site, entry, egg_torch_mapping);
        if (dir && (slash = strrchr(dir, '/')) && slash > dir)
                *slash = '\0'; /* the checkout, which holds torch/ */
        return dir;
}

int probe_python_egg(const struct probe_ctx *ctx, const char *site, const char *entry, char **ret_name,
                     char **ret_version, char **ret_torch_root)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", site, entry);
        size_t n = strlen(entry);
        char *v;

        *ret_torch_root = NULL;
        if (pyenv_egg_info(entry, ret_name, ret_version) == 0) {
                if ((v = egg_pkg_info(ctx, p)))
                        free(*ret_version), *ret_version = v;
        } else if (n > 9 && !strcmp(entry + n - 9, ".egg-link")) {
                /* setup.py develop: the checkout holds NAME.egg-info */
                _cleanup_free_ char *stem = xstrndup(entry, n - 9), *root = egg_read(ctx, site, entry, pyenv_first_path);
                _cleanup_free_ char *info = root ? xasprintf("%s/%s.egg-info", root, stem) : NULL;
                if (!root || pyenv_egg_info(strrchr(info, '/') + 1, ret_name, ret_version) < 0)
                        return -1;
                free(*ret_version), *ret_version = egg_pkg_info(ctx, info);
                if (!strcmp(*ret_name, "torch"))
                        *ret_torch_root = xstrdup(root);
        } else {
                *ret_torch_root = egg_editable_torch(ctx, site, entry);
                return *ret_torch_root ? 0 : -1;
        }
        if (!*ret_version) {
                free(*ret_name), *ret_name = NULL;
                free(*ret_torch_root), *ret_torch_root = NULL;
                return -1;
        }
        return 0;
}
