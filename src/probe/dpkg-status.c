/* dpkg-status.c - dpkg status database parsing (see dpkg-status.h). */
#include "dpkg-status.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/parse.h"
#include "util/versions.h"
#include "util/xalloc.h"

struct dpkg_para {
        char *package, *status, *version;
};

struct dpkg_scan {
        struct dpkg_para cur;
        struct dpkg_db *db;
};

static void dpkg_para_release(struct dpkg_para *p)
{
        free(p->package), free(p->status), free(p->version);
        memset(p, 0, sizeof(*p));
}

/* Ends a paragraph: an installed package joins the database, taking the
 * paragraph's strings. */
static void dpkg_para_end(struct dpkg_scan *sc)
{
        struct dpkg_para *p = &sc->cur;
        struct dpkg_db *db = sc->db;
        bool held = p->status && !strcmp(p->status, "hold ok installed");

        if (p->package && p->status && (held || !strcmp(p->status, "install ok installed"))) {
                if (db->n == db->alloc) {
                        db->alloc = db->alloc ? 2 * db->alloc : 64;
                        db->v = xrealloc(db->v, db->alloc * sizeof(*db->v));
                }
                db->v[db->n++] = (struct dpkg_pkg){ p->package, p->version, held };
                p->package = p->version = NULL;
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

void dpkg_db_parse(const char *buf, size_t len, struct dpkg_db *ret)
{
        struct dpkg_scan sc = { { NULL, NULL, NULL }, ret };

        *ret = (struct dpkg_db)DPKG_DB_INIT;
        for_each_line(buf, len, dpkg_line, &sc);
        dpkg_para_end(&sc);
}

void dpkg_db_release(struct dpkg_db *db)
{
        for (size_t i = 0; i < db->n; i++)
                free(db->v[i].package), free(db->v[i].version);
        free(db->v);
        *db = (struct dpkg_db)DPKG_DB_INIT;
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

char *dpkg_db_version(const struct dpkg_db *db, const char *name)
{
        char *best = NULL;

        for (size_t i = 0; i < db->n; i++) {
                char *v;

                if (!db->v[i].version || !dpkg_name_matches(db->v[i].package, name))
                        continue;
                v = dpkg_upstream(db->v[i].version);
                if (*v && (!best || version_cmp(v, best) > 0)) {
                        free(best);
                        best = v;
                } else {
                        free(v);
                }
        }
        return best;
}

bool dpkg_db_held(const struct dpkg_db *db, const char *prefix)
{
        for (size_t i = 0; i < db->n; i++)
                if (db->v[i].held && startswith(db->v[i].package, prefix))
                        return true;
        return false;
}

char *dpkg_status_version(const char *buf, size_t len, const char *name)
{
        struct dpkg_db db;
        char *v;

        dpkg_db_parse(buf, len, &db);
        v = dpkg_db_version(&db, name);
        dpkg_db_release(&db);
        return v;
}

bool dpkg_status_held(const char *buf, size_t len, const char *prefix)
{
        struct dpkg_db db;
        bool held;

        dpkg_db_parse(buf, len, &db);
        held = dpkg_db_held(&db, prefix);
        dpkg_db_release(&db);
        return held;
}
