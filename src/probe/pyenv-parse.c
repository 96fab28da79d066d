/* pyenv-parse.c - conda-meta names, pyvenv.cfg, torch/version.py and
 * dist-info and egg-info names, PKG-INFO and the files editable installs
 * leave (see pyenv-parse.h). */
#include "pyenv-parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

char *pyenv_conda_meta_version(const char *filename)
{
        const char *v = filename + 6;
        size_t n;

        if (!startswith(filename, "python-") || !isdigit((unsigned char)v[1]))
                return NULL;
        n = strcspn(v + 1, "-");
        return n ? xstrndup(v + 1, n) : NULL;
}

struct cfg_lookup {
        const char *key;
        char *value;
};

static int cfg_line(const char *line, size_t len, void *data)
{
        struct cfg_lookup *c = data;
        const char *eq = memchr(line, '=', len);
        char *key;

        if (!eq || c->value)
                return 0;
        key = strip_dup(line, (size_t)(eq - line));
        if (!strcmp(key, c->key) && !c->value)
                c->value = strip_dup(eq + 1, len - (size_t)(eq + 1 - line));
        free(key);
        return 0;
}

char *pyenv_cfg_get(const char *buf, size_t len, const char *key)
{
        struct cfg_lookup c = { key, NULL };

        for_each_line(buf, len, cfg_line, &c);
        return c.value;
}

struct py_assign {
        const char *name;
        int found;
        char *value;
};

/* "cuda: Optional[str] = '12.1'", "cuda = None", "__version__ = '2.3.1'" */
static int assign_line(const char *line, size_t len, void *data)
{
        struct py_assign *c = data;
        size_t nlen = strlen(c->name);
        const char *eq, *q;

        if (len <= nlen || strncmp(line, c->name, nlen) ||
            (line[nlen] != ' ' && line[nlen] != ':' && line[nlen] != '='))
                return 0;
        eq = memchr(line, '=', len);
        if (!eq)
                return 0;
        c->found = 1;
        q = memchr(eq, '\'', len - (size_t)(eq - line));
        if (!q)
                q = memchr(eq, '"', len - (size_t)(eq - line));
        if (q) {
                size_t rest = len - (size_t)(q + 1 - line), n = 0;
                while (n < rest && q[1 + n] != '\'' && q[1 + n] != '"')
                        n++;
                if (n)
                        c->value = xstrndup(q + 1, n);
        }
        return 1;
}

int pyenv_py_assign(const char *buf, size_t len, const char *name, char **ret)
{
        struct py_assign c = { name, 0, NULL };

        for_each_line(buf, len, assign_line, &c);
        if (!c.found)
                return -EBADMSG;
        *ret = c.value;
        return 0;
}

int pyenv_torch_cuda(const char *buf, size_t len, char **ret)
{
        return pyenv_py_assign(buf, len, "cuda", ret);
}

/* "NAME-VERSION" + suffix -> NAME normalised as PyPI does, VERSION (NULL
 * where the name has none and noversion allows it: "cryptography.egg-info").
 * An egg's "-pyX.Y" tag ("gpg-1.18.0-py3.11.egg-info") is no part of it. */
static int pyenv_meta_name(const char *dirname, const char *suffix, bool noversion, char **ret_name,
                           char **ret_version)
{
        size_t n = strlen(dirname), sn = strlen(suffix), end;
        const char *dash, *py;
        char *name;

        if (n <= sn || strcmp(dirname + n - sn, suffix))
                return -EBADMSG;
        end = n - sn;
        dash = memchr(dirname, '-', end);
        if (dash == dirname || (!dash && !noversion) || (dash && dash + 1 >= dirname + end))
                return -EBADMSG;
        name = xstrndup(dirname, dash ? (size_t)(dash - dirname) : end);
        for (char *p = name; *p; p++)
                *p = *p == '_' || *p == '.' ? '-' : (char)tolower((unsigned char)*p);
        *ret_name = name;
        *ret_version = NULL;
        if (!dash)
                return 0;
        py = strstr(dash + 1, "-py");
        if (py && py < dirname + end && isdigit((unsigned char)py[3]))
                end = (size_t)(py - dirname);
        *ret_version = xstrndup(dash + 1, end - (size_t)(dash + 1 - dirname));
        return 0;
}

int pyenv_dist_info(const char *dirname, char **ret_name, char **ret_version)
{
        return pyenv_meta_name(dirname, ".dist-info", false, ret_name, ret_version);
}

int pyenv_egg_info(const char *name, char **ret_name, char **ret_version)
{
        return pyenv_meta_name(name, ".egg-info", true, ret_name, ret_version);
}

struct pkg_info {
        char *version;
};

/* Headers end at the first empty line; the description follows. */
static int pkg_info_line(const char *line, size_t len, void *data)
{
        struct pkg_info *c = data;

        if (!len || (len == 1 && line[0] == '\r'))
                return 1;
        if (len > 8 && !strncmp(line, "Version:", 8)) {
                c->version = strip_dup(line + 8, len - 8);
                return 1;
        }
        return 0;
}

char *pyenv_pkg_info_version(const char *buf, size_t len)
{
        struct pkg_info c = { NULL };

        for_each_line(buf, len, pkg_info_line, &c);
        if (c.version && !*c.version)
                free(c.version), c.version = NULL;
        return c.version;
}

char *pyenv_first_path(const char *buf, size_t len)
{
        size_t n = 0;

        while (n < len && buf[n] != '\n' && buf[n] != '\r')
                n++;
        if (!n || buf[0] != '/')
                return NULL;
        return strip_dup(buf, n);
}

char *pyenv_finder_mapping(const char *buf, size_t len, const char *pkg)
{
        _cleanup_free_ char *key = xasprintf("'%s': '", pkg);
        const char *k = memmem(buf, len, key, strlen(key)), *v, *q;

        if (!k)
                return NULL;
        v = k + strlen(key);
        q = memchr(v, '\'', len - (size_t)(v - buf));
        return q && q > v && v[0] == '/' ? xstrndup(v, (size_t)(q - v)) : NULL;
}
