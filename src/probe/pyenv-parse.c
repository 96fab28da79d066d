/* pyenv-parse.c - conda-meta names, pyvenv.cfg, torch/version.py and
 * dist-info folder names (see pyenv-parse.h). */
#include "pyenv-parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int pyenv_dist_info(const char *dirname, char **ret_name, char **ret_version)
{
        size_t n = strlen(dirname);
        const char *dash;
        char *name;

        if (n < 11 || strcmp(dirname + n - 10, ".dist-info"))
                return -EBADMSG;
        dash = memchr(dirname, '-', n - 10);
        if (!dash || dash == dirname || dash + 1 >= dirname + n - 10)
                return -EBADMSG;
        name = xstrndup(dirname, (size_t)(dash - dirname));
        for (char *p = name; *p; p++)
                *p = *p == '_' || *p == '.' ? '-' : (char)tolower((unsigned char)*p);
        *ret_name = name;
        *ret_version = xstrndup(dash + 1, (size_t)(dirname + n - 10 - dash - 1));
        return 0;
}
