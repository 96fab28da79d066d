/* snap-json-io.c - the engine behind snap-json.c: writes and reads any
 * struct described by a table of field descriptors. */
#include "snap-json-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "snap.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* ---- writing ---------------------------------------------------------- */

static json_t *str_or_null(const char *s)
{
        return s ? json_string(s) : json_null();
}

static void note_unavailable(json_t *unavail, const char *key, enum fact_st st,
                             const char *why)
{
        char *v;

        if (st == FACT_OK)
                return;
        v = why ? xasprintf("%s: %s", fact_st_name(st), why) : xstrdup(fact_st_name(st));
        json_object_set_new(unavail, key, json_string(v));
        free(v);
}

static json_t *write_array(const struct jtable *t, const char *arr, size_t n)
{
        json_t *a = json_array();

        for (size_t i = 0; i < n; i++)
                json_array_append_new(a, jtable_write(t, arr + i * t->size));
        return a;
}

static json_t *write_strv(const struct strv *sv)
{
        json_t *a = json_array();

        for (size_t i = 0; i < sv->n; i++)
                json_array_append_new(a, json_string(sv->v[i]));
        return a;
}

static void write_field(json_t *o, json_t *unavail, const struct jfield *f,
                        const char *p, const char *base)
{
        const struct fact_num *fn = (const void *)p;
        const struct fact_str *fs = (const void *)p;
        const struct probe_st *ps = (const void *)p;

        switch (f->type) {
        case JT_NUM:
                json_object_set_new(o, f->key, fn->st == FACT_OK ? json_integer(fn->v) : json_null());
                note_unavailable(unavail, f->key, fn->st, fn->why);
                break;
        case JT_STR:
                json_object_set_new(o, f->key, fs->st == FACT_OK ? str_or_null(fs->v) : json_null());
                note_unavailable(unavail, f->key, fs->st, fs->why);
                break;
        case JT_TEXT: json_object_set_new(o, f->key, str_or_null(*(char *const *)p)); break;
        case JT_INT: json_object_set_new(o, f->key, json_integer(*(const int64_t *)p)); break;
        case JT_REAL: json_object_set_new(o, f->key, json_real(*(const double *)p)); break;
        case JT_BOOL: json_object_set_new(o, f->key, json_boolean(*(const bool *)p)); break;
        case JT_STRV: json_object_set_new(o, f->key, write_strv((const struct strv *)p)); break;
        case JT_PROBE:
                json_object_set_new(o, "status", json_string(fact_st_name(ps->st)));
                json_object_set_new(o, "reason", str_or_null(ps->why));
                break;
        case JT_OBJ: json_object_set_new(o, f->key, jtable_write(f->sub, p)); break;
        case JT_ARRAY:
                json_object_set_new(o, f->key, write_array(f->sub, *(char *const *)p,
                                    *(const size_t *)(base + f->count_off)));
                break;
        }
}

json_t *jtable_write(const struct jtable *t, const char *base)
{
        json_t *o = json_object(), *unavail = json_object();

        for (size_t i = 0; i < t->n; i++)
                write_field(o, unavail, &t->fields[i], base + t->fields[i].off, base);
        if (json_object_size(unavail))
                json_object_set(o, "unavailable", unavail);
        json_decref(unavail);
        return o;
}

/* ---- reading ---------------------------------------------------------- */

struct rctx {
        struct strbuf path; /* "gpus[3].uuid" for error messages */
        char *err;
        bool strict;        /* a missing key is an error (a worker's record) */
};

static int bad(struct rctx *c, const char *key, const char *what)
{
        if (!c->err)
                c->err = xasprintf("%s%s%s: %s", c->path.buf, c->path.len ? "." : "", key, what);
        return -EBADMSG;
}

/* Reads "status: reason" from the unavailable map into st/why. */
static int read_unavailable(struct rctx *c, json_t *unavail, const char *key,
                            enum fact_st *st, char **why)
{
        const char *v = json_string_value(json_object_get(unavail, key));
        const char *colon;
        char *name;

        if (!v) {
                *st = FACT_UNSET;
                return 0;
        }
        colon = strstr(v, ": ");
        name = colon ? xstrndup(v, (size_t)(colon - v)) : xstrdup(v);
        *st = fact_st_from_name(name);
        free(name);
        if (*st == FACT_ST_INVALID || *st == FACT_OK)
                return bad(c, key, "unknown status in 'unavailable'");
        *why = colon ? xstrdup(colon + 2) : NULL;
        return 0;
}

static int read_obj(struct rctx *c, const struct jtable *t, json_t *o, char *base);

static int read_array(struct rctx *c, const struct jfield *f, json_t *a, char *p, char *base)
{
        const struct jtable *t = f->sub;
        size_t n = json_array_size(a), keep = c->path.len;
        char *arr;

        if (!json_is_array(a))
                return json_is_null(a) || !a ? 0 : bad(c, f->key, "expected an array");
        arr = xcalloc(n, t->size);
        *(char **)p = arr;
        *(size_t *)(base + f->count_off) = n;
        for (size_t i = 0; i < n; i++) {
                int r;
                strbuf_addf(&c->path, "%s%s[%zu]", keep ? "." : "", f->key, i);
                r = read_obj(c, t, json_array_get(a, i), arr + i * t->size);
                c->path.len = keep;
                c->path.buf[keep] = '\0';
                if (r < 0)
                        return r;
        }
        return 0;
}

static int read_strv(struct rctx *c, const char *key, json_t *a, struct strv *sv)
{
        size_t i;
        json_t *v;

        if (!a || json_is_null(a))
                return 0;
        if (!json_is_array(a))
                return bad(c, key, "expected an array of strings");
        json_array_foreach(a, i, v) {
                if (!json_is_string(v))
                        return bad(c, key, "expected an array of strings");
                strv_push(sv, xstrdup(json_string_value(v)));
        }
        return 0;
}

static int read_fact(struct rctx *c, const struct jfield *f, json_t *v, json_t *unavail, char *p)
{
        struct fact_num *fn = (void *)p;
        struct fact_str *fs = (void *)p;

        if (!v || json_is_null(v)) {
                if (f->type == JT_NUM)
                        return read_unavailable(c, unavail, f->key, &fn->st, &fn->why);
                return read_unavailable(c, unavail, f->key, &fs->st, &fs->why);
        }
        if (f->type == JT_NUM) {
                if (!json_is_integer(v))
                        return bad(c, f->key, "expected an integer");
                fact_set_num(fn, json_integer_value(v));
                return 0;
        }
        if (!json_is_string(v))
                return bad(c, f->key, "expected a string");
        fact_set_str(fs, json_string_value(v));
        return 0;
}

static int read_probe(struct rctx *c, json_t *o, struct probe_st *ps)
{
        json_t *st = json_object_get(o, "status"), *why = json_object_get(o, "reason");

        if (!st)
                return 0; /* an older or partial snapshot: never probed */
        if (!json_is_string(st))
                return bad(c, "status", "expected a status string");
        ps->st = fact_st_from_name(json_string_value(st));
        if (ps->st == FACT_ST_INVALID)
                return bad(c, "status", "unknown status");
        if (why && !json_is_null(why) && !json_is_string(why))
                return bad(c, "reason", "expected a string");
        ps->why = xstrdup_or_null(json_string_value(why));
        return 0;
}

static int read_scalar(struct rctx *c, const struct jfield *f, json_t *v, char *p)
{
        switch (f->type) {
        case JT_TEXT:
                if (v && !json_is_null(v) && !json_is_string(v))
                        return bad(c, f->key, "expected a string");
                *(char **)p = xstrdup_or_null(json_string_value(v));
                return 0;
        case JT_INT:
                if (!v)
                        return 0;
                if (!json_is_integer(v))
                        return bad(c, f->key, "expected an integer");
                *(int64_t *)p = json_integer_value(v);
                return 0;
        case JT_REAL:
                if (!v)
                        return 0;
                if (!json_is_number(v))
                        return bad(c, f->key, "expected a number");
                *(double *)p = json_number_value(v);
                return 0;
        default: /* JT_BOOL */
                if (v && !json_is_boolean(v))
                        return bad(c, f->key, "expected true or false");
                *(bool *)p = json_is_true(v);
                return 0;
        }
}

static int read_field(struct rctx *c, const struct jfield *f, json_t *o, json_t *unavail, char *base)
{
        json_t *v = json_object_get(o, f->key);
        char *p = base + f->off;
        size_t keep = c->path.len;
        int r;

        if (!v && c->strict && f->type != JT_PROBE)
                return bad(c, f->key, "missing");
        switch (f->type) {
        case JT_NUM:
        case JT_STR: return read_fact(c, f, v, unavail, p);
        case JT_STRV: return read_strv(c, f->key, v, (struct strv *)p);
        case JT_PROBE: return read_probe(c, o, (struct probe_st *)p);
        case JT_ARRAY: return read_array(c, f, v, p, base);
        case JT_OBJ:
                if (!v)
                        return 0;
                if (!json_is_object(v))
                        return bad(c, f->key, "expected an object");
                strbuf_addf(&c->path, "%s%s", keep ? "." : "", f->key);
                r = read_obj(c, f->sub, v, p);
                c->path.len = keep;
                c->path.buf[keep] = '\0';
                return r;
        default: return read_scalar(c, f, v, p);
        }
}

static int read_obj(struct rctx *c, const struct jtable *t, json_t *o, char *base)
{
        json_t *unavail;

        if (!json_is_object(o))
                return bad(c, "", "expected an object");
        unavail = json_object_get(o, "unavailable");
        if (unavail && !json_is_object(unavail))
                return bad(c, "unavailable", "expected an object");
        for (size_t i = 0; i < t->n; i++) {
                int r = read_field(c, &t->fields[i], o, unavail, base);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int read_top(const struct jtable *t, json_t *j, void *base, char **reterr, bool strict)
{
        struct rctx c = { .path = STRBUF_INIT, .strict = strict };
        int r = read_obj(&c, t, j, base);

        strbuf_release(&c.path);
        if (r < 0)
                *reterr = c.err;
        else
                free(c.err);
        return r;
}

int jtable_read(const struct jtable *t, json_t *j, void *base, char **reterr)
{
        return read_top(t, j, base, reterr, false);
}

int jtable_read_strict(const struct jtable *t, json_t *j, void *base, char **reterr)
{
        return read_top(t, j, base, reterr, true);
}
