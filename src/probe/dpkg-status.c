/* dpkg-status.c - dpkg status database parsing (see dpkg-status.h). */
#include "dpkg-status.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

struct dpkg_para {
        char *package, *status, *version;
};

struct dpkg_scan {
        const char *name;
        struct dpkg_para cur;
        char *best;
        bool held_mode;   /* dpkg_status_held: name is a prefix, look for holds */
        bool held;
};

static void dpkg_para_release(struct dpkg_para *p)
{
        free(p->package), free(p->status), free(p->version);
        memset(p, 0, sizeof(*p));
}

/* "name" or "name-<digits>". */
static bool dpkg_name_matches(const char *pkg, const char *name)
{
        size_t n = strlen(name);

        if (strncmp(pkg, name, n))
                return false;
        if (!pkg[n])
                return true;
        pkg += n + 1;
        return pkg[-1] == '-' && *pkg && strspn(pkg, "0123456789") == strlen(pkg);
}

/* "1:535.161.08-1ubuntu1" → "535.161.08". */
static char *dpkg_upstream(const char *v)
{
        const char *colon = strchr(v, ':'), *dash;

        if (colon && colon > v && strspn(v, "0123456789") == (size_t)(colon - v))
                v = colon + 1;
        dash = strrchr(v, '-');
        return xstrndup(v, dash ? (size_t)(dash - v) : strlen(v));
}

/* Ends a paragraph: keeps its version when it is the package we want. */
static void dpkg_para_end(struct dpkg_scan *sc)
{
        struct dpkg_para *p = &sc->cur;

        if (sc->held_mode) {
                if (p->package && p->status && startswith(p->package, sc->name) &&
                    !strcmp(p->status, "hold ok installed"))
                        sc->held = true;
                dpkg_para_release(p);
                return;
        }
        if (p->package && p->status && p->version && dpkg_name_matches(p->package, sc->name) &&
            !strcmp(p->status, "install ok installed")) {
                char *v = dpkg_upstream(p->version);

                if (*v && (!sc->best || version_cmp(v, sc->best) > 0)) {
                        free(sc->best);
                        sc->best = v;
                } else {
                        free(v);
                }
        }
        dpkg_para_release(p);
}

static bool dpkg_blank(const char *line, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if (!isspace((unsigned char)line[i]))
                        return false;
        return true;
}

static void dpkg_field(char **slot, const char *v, size_t n)
{
        free(*slot);
        *slot = strip_dup(v, n);
}

static int dpkg_line(const char *line, size_t len, void *data)
{
        struct dpkg_scan *sc = data;
        static const struct {
                const char *key;
                size_t off;
        } fields[] = {
                { "Package:", offsetof(struct dpkg_para, package) },
                { "Status:", offsetof(struct dpkg_para, status) },
                { "Version:", offsetof(struct dpkg_para, version) },
        };

        if (dpkg_blank(line, len)) {
                dpkg_para_end(sc);
                return 0;
        }
        if (memchr(line, '\0', len))
                return 0;
        for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
                size_t k = strlen(fields[i].key);

                if (len >= k && !memcmp(line, fields[i].key, k))
                        dpkg_field((char **)((char *)&sc->cur + fields[i].off), line + k, len - k);
        }
        return 0;
}

char *dpkg_status_version(const char *buf, size_t len, const char *name)
{
        struct dpkg_scan sc = { name, { NULL, NULL, NULL }, NULL, false, false };

        for_each_line(buf, len, dpkg_line, &sc);
        dpkg_para_end(&sc);
        return sc.best;
}

bool dpkg_status_held(const char *buf, size_t len, const char *prefix)
{
        struct dpkg_scan sc = { prefix, { NULL, NULL, NULL }, NULL, true, false };

        for_each_line(buf, len, dpkg_line, &sc);
        dpkg_para_end(&sc);
        return sc.held;
}
