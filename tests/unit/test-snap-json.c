/* test-snap-json.c - a snapshot survives JSON and back; bad input is named;
 * every field of snap.h's lists reaches the JSON and comes back; and
 * docs/json-schema.md (argv[1]) documents exactly the keys the snapshot
 * writes, with their types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap/snap-json.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

static const char *schema_path;

static void fill(struct snapshot *s)
{
        struct snap_gpu *g;
        struct snap_pci_dev *d;

        snap_init(s);
        s->dlrig_version = strdup("test");
        probe_set(&s->os.probe, FACT_OK, NULL);
        fact_set_str(&s->os.distro_id, "ubuntu");
        fact_fail_num(&s->os.secure_boot, FACT_DENIED, "permission denied");
        d = snap_add_pci_dev(&s->pci);
        d->bus_id = strdup("0000:3b:00.0");
        d->kind = strdup("gpu");
        d->device_id = 0x2237;
        g = snap_add_gpu(s);
        fact_set_str(&g->name, "NVIDIA A10G");
        fact_set_num(&g->memory_total_bytes, 24146608128);
        fact_fail_num(&g->remap_pending, FACT_UNSUPPORTED, "NVML_ERROR_NOT_SUPPORTED");
        strv_push(&s->devnodes.gpus, strdup("nvidia0"));
}

static void test_roundtrip(void **state)
{
        struct snapshot a, b;
        char *err = NULL, *ta, *tb;
        json_t *ja, *jb;

        (void)state;
        fill(&a);
        ja = snap_to_json(&a);
        snap_init(&b);
        assert_int_equal(snap_from_json(ja, &b, &err), 0);
        jb = snap_to_json(&b);
        ta = json_dumps(ja, JSON_PRESERVE_ORDER);
        tb = json_dumps(jb, JSON_PRESERVE_ORDER);
        assert_string_equal(ta, tb);
        assert_int_equal(b.gpus[0].remap_pending.st, FACT_UNSUPPORTED);
        assert_string_equal(b.gpus[0].remap_pending.why, "NVML_ERROR_NOT_SUPPORTED");
        assert_int_equal(b.pci.devs[0].device_id, 0x2237);
        free(ta), free(tb);
        json_decref(ja), json_decref(jb);
        snap_release(&a), snap_release(&b);
}

static void test_bad_field_is_named(void **state)
{
        struct snapshot s;
        char *err = NULL;
        json_error_t jerr;
        json_t *j = json_loads("{\"schema_version\":1,\"os\":{\"status\":\"ok\"},"
                               "\"gpus\":[{\"index\":0,\"memory_total_bytes\":\"lots\"}]}",
                               0, &jerr);

        (void)state;
        snap_init(&s);
        assert_int_equal(snap_from_json(j, &s, &err), -74 /* EBADMSG */);
        assert_non_null(strstr(err, "gpus[0].memory_total_bytes"));
        free(err);
        snap_release(&s);
        json_decref(j);
}

static void test_wrong_schema(void **state)
{
        struct snapshot s;
        char *err = NULL;
        json_t *j = json_pack("{s:i}", "schema_version", 99);

        (void)state;
        snap_init(&s);
        assert_int_not_equal(snap_from_json(j, &s, &err), 0);
        free(err);
        snap_release(&s);
        json_decref(j);
}

/* A bench saved before the registry of cases: its two skip strings come
 * back as skips of "gemm" and "allreduce". */
static void test_bench_legacy_skips(void **state)
{
        struct snapshot s;
        char *err = NULL;
        json_t *j = json_pack("{s:i, s:{s:s, s:s, s:{s:s}}}", "schema_version",
                              DLRIG_SCHEMA_VERSION, "bench", "status", "ok", "gemm_skipped",
                              "'libcublas.so.13' not found", "allreduce", "skipped",
                              "one GPU selected: an all-reduce needs two");
        const struct snap_bench_skip *k;

        (void)state;
        snap_init(&s);
        assert_int_equal(snap_from_json(j, &s, &err), 0);
        k = snap_bench_skip_of(&s.bench, "gemm");
        assert_non_null(k);
        assert_string_equal(k->why, "'libcublas.so.13' not found");
        assert_string_equal(k->library, "cuBLAS");
        k = snap_bench_skip_of(&s.bench, "allreduce");
        assert_non_null(k);
        assert_null(k->library);
        assert_int_equal(s.bench.nskips, 2);
        snap_release(&s);
        json_decref(j);
}

/* ---- every field, through the lists --------------------------------- */

/* The fill and compare below are expanded from snap.h's lists directly, not
 * from snap-json.c's tables, so a field the tables lost shows up as a field
 * that did not come back. Every field gets its own non-default value; with
 * failed set, every fact fails instead (statuses in turn, with and without a
 * reason), which is the other half of the JSON form. */
struct filler {
        int64_t n;
        bool failed;
};

static char *fill_text(struct filler *f)
{
        return xasprintf("v%lld", (long long)++f->n);
}

/* The n-th failure: absent, unsupported, denied, timeout, error in turn. */
static enum fact_st fail_status(int64_t n)
{
        return (enum fact_st)(FACT_ABSENT + n % (FACT_ST_MAX - FACT_ABSENT));
}

static void fill_num(struct filler *f, struct fact_num *fact)
{
        int64_t n = ++f->n;

        if (f->failed)
                fact_fail_num(fact, fail_status(n), n % 2 ? "a reason" : NULL);
        else
                fact_set_num(fact, 1000 + n);
}

static void fill_str(struct filler *f, struct fact_str *fact)
{
        char *v = fill_text(f);

        if (f->failed)
                fact_fail_str(fact, fail_status(f->n), f->n % 2 ? v : NULL);
        else
                fact_set_str(fact, v);
        free(v);
}

#define FILL_NUM(name) fill_num(f, &p->name);
#define FILL_STR(name) fill_str(f, &p->name);
#define FILL_ENV(name, var) fill_str(f, &p->name);
#define FILL_INT(name) p->name = ++f->n;
#define FILL_REAL(name) p->name = (double)++f->n + 0.25;
#define FILL_TEXT(name) p->name = fill_text(f);
#define FILL_BOOL(name) p->name = true;
#define FILL_STRV(name) strv_push(&p->name, fill_text(f)), strv_push(&p->name, fill_text(f));
/* FACT_DENIED: a topology that is neither unset nor unsupported is written */
#define FILL_PROBE(name) probe_set(&p->name, f->failed ? FACT_DENIED : FACT_OK, "a reason");
#define FILL_OBJ(name, tag, key) fill_##tag(f, &p->name);
#define FILL_ARRAY(name, count, tag, key)                                      \
        p->count = 2;                                                          \
        p->name = xcalloc(2, sizeof(*p->name));                                \
        fill_##tag(f, &p->name[0]), fill_##tag(f, &p->name[1]);
#define FILL(kind, ...) FILL_##kind(__VA_ARGS__)

static void same_text(const char *fn, const char *what, const char *a, const char *b)
{
        if (a != b && (!a || !b || strcmp(a, b)))
                fail_msg("%s: %s came back as '%s', not '%s'", fn, what,
                         b ? b : "(null)", a ? a : "(null)");
}

static void same_int(const char *fn, const char *what, int64_t a, int64_t b)
{
        if (a != b)
                fail_msg("%s: %s came back as %lld, not %lld", fn, what, (long long)b, (long long)a);
}

static void same_strv(const char *fn, const char *what, const struct strv *a, const struct strv *b)
{
        same_int(fn, what, (int64_t)a->n, (int64_t)b->n);
        for (size_t i = 0; i < a->n; i++)
                same_text(fn, what, a->v[i], b->v[i]);
}

#define SAME_NUM(name)                                                         \
        same_int(__func__, #name, a->name.st, b->name.st);                     \
        same_int(__func__, #name, a->name.v, b->name.v);                       \
        same_text(__func__, #name, a->name.why, b->name.why);
#define SAME_STR(name)                                                         \
        same_int(__func__, #name, a->name.st, b->name.st);                     \
        same_text(__func__, #name, a->name.v, b->name.v);                      \
        same_text(__func__, #name, a->name.why, b->name.why);
#define SAME_ENV(name, var) SAME_STR(name)
#define SAME_INT(name) same_int(__func__, #name, a->name, b->name);
#define SAME_REAL(name)                                                        \
        if (a->name != b->name)                                                \
                fail_msg("%s: %s came back as %g, not %g", __func__, #name, b->name, a->name);
#define SAME_TEXT(name) same_text(__func__, #name, a->name, b->name);
#define SAME_BOOL(name) same_int(__func__, #name, a->name, b->name);
#define SAME_STRV(name) same_strv(__func__, #name, &a->name, &b->name);
#define SAME_PROBE(name)                                                       \
        same_int(__func__, #name, a->name.st, b->name.st);                     \
        same_text(__func__, #name, a->name.why, b->name.why);
#define SAME_OBJ(name, tag, key) same_##tag(&a->name, &b->name);
#define SAME_ARRAY(name, count, tag, key)                                      \
        same_int(__func__, #count, (int64_t)a->count, (int64_t)b->count);      \
        for (size_t i = 0; i < a->count; i++)                                  \
                same_##tag(&a->name[i], &b->name[i]);
#define SAME(kind, ...) SAME_##kind(__VA_ARGS__)

/* Per struct: a mirror built from the list alone, whose size shows a member
 * added to the struct by hand, outside its list; the filler; the compare. */
#define DEFINE_TESTERS(tag, type, LIST)                                        \
        struct mirror_##tag { LIST(SNAP_DECL) };                               \
        _Static_assert(sizeof(struct mirror_##tag) == sizeof(type),            \
                       #type " has a member outside its list in snap.h");     \
        static void fill_##tag(struct filler *f, type *p) { LIST(FILL) }      \
        static void same_##tag(const type *a, const type *b) { LIST(SAME) }

DEFINE_TESTERS(os, struct snap_os, SNAP_OS)
DEFINE_TESTERS(pci_dev, struct snap_pci_dev, SNAP_PCI_DEV)
DEFINE_TESTERS(pci_bridge, struct snap_pci_bridge, SNAP_PCI_BRIDGE)
DEFINE_TESTERS(pci, struct snap_pci, SNAP_PCI)
DEFINE_TESTERS(dkms, struct snap_dkms, SNAP_DKMS)
DEFINE_TESTERS(kmod, struct snap_kmod, SNAP_KMOD)
DEFINE_TESTERS(gpu, struct snap_gpu, SNAP_GPU)
DEFINE_TESTERS(nvml, struct snap_nvml, SNAP_NVML)
DEFINE_TESTERS(cuda_dev, struct snap_cuda_dev, SNAP_CUDA_DEV)
DEFINE_TESTERS(cuda, struct snap_cuda, SNAP_CUDA)
DEFINE_TESTERS(xid, struct snap_xid, SNAP_XID)
DEFINE_TESTERS(klog, struct snap_klog, SNAP_KLOG)
DEFINE_TESTERS(fabric, struct snap_fabric, SNAP_FABRIC)
DEFINE_TESTERS(devnodes, struct snap_devnodes, SNAP_DEVNODES)
DEFINE_TESTERS(host, struct snap_host, SNAP_HOST)
DEFINE_TESTERS(procenv, struct snap_procenv, SNAP_PROCENV)
DEFINE_TESTERS(toolkit, struct snap_toolkit, SNAP_TOOLKIT)
DEFINE_TESTERS(toolkits, struct snap_toolkits, SNAP_TOOLKITS)
DEFINE_TESTERS(shell, struct snap_shell, SNAP_SHELL)
DEFINE_TESTERS(pyenv, struct snap_pyenv, SNAP_PYENV)
DEFINE_TESTERS(python, struct snap_python, SNAP_PYTHON)
DEFINE_TESTERS(topo_gpu, struct snap_topo_gpu, SNAP_TOPO_GPU)
DEFINE_TESTERS(topo_pair, struct snap_topo_pair, SNAP_TOPO_PAIR)
DEFINE_TESTERS(topo, struct snap_topo, SNAP_TOPO)
DEFINE_TESTERS(bench_plan, struct snap_bench_plan, SNAP_BENCH_PLAN)
DEFINE_TESTERS(bench_link, struct snap_bench_link, SNAP_BENCH_LINK)
DEFINE_TESTERS(bench_gpu, struct snap_bench_gpu, SNAP_BENCH_GPU)
DEFINE_TESTERS(bench_pair, struct snap_bench_pair, SNAP_BENCH_PAIR)
DEFINE_TESTERS(bench_gemm, struct snap_bench_gemm, SNAP_BENCH_GEMM)
DEFINE_TESTERS(bench_ar_size, struct snap_bench_ar_size, SNAP_BENCH_AR_SIZE)
DEFINE_TESTERS(bench_skip, struct snap_bench_skip, SNAP_BENCH_SKIP)
DEFINE_TESTERS(bench_ar, struct snap_bench_ar, SNAP_BENCH_AR)
DEFINE_TESTERS(bench, struct snap_bench, SNAP_BENCH)
DEFINE_TESTERS(prove_torch, struct snap_prove_torch, SNAP_PROVE_TORCH)
DEFINE_TESTERS(prove_gpu, struct snap_prove_gpu, SNAP_PROVE_GPU)
DEFINE_TESTERS(prove_step, struct snap_prove_step, SNAP_PROVE_STEP)
DEFINE_TESTERS(prove, struct snap_prove, SNAP_PROVE)
DEFINE_TESTERS(root, struct snapshot, SNAP_ROOT)

/* Returns the JSON of a snapshot with every field filled (an owned ref). */
static json_t *filled_json(bool failed)
{
        struct filler f = { .failed = failed };
        struct snapshot s;
        json_t *j;

        snap_init(&s);
        fill_root(&f, &s);
        j = snap_to_json(&s);
        snap_release(&s);
        return j;
}

/* Fill, write, read back, compare field by field, write again, compare. */
static void every_field_roundtrips(bool failed)
{
        struct filler f = { .failed = failed };
        struct snapshot a, b;
        char *err = NULL, *ta, *tb;
        json_t *ja, *jb;

        snap_init(&a), snap_init(&b);
        fill_root(&f, &a);
        ja = snap_to_json(&a);
        if (snap_from_json(ja, &b, &err) < 0)
                fail_msg("reading the filled snapshot back: %s", err);
        same_root(&a, &b);
        jb = snap_to_json(&b);
        ta = json_dumps(ja, JSON_PRESERVE_ORDER | JSON_INDENT(1));
        tb = json_dumps(jb, JSON_PRESERVE_ORDER | JSON_INDENT(1));
        assert_string_equal(ta, tb);
        free(ta), free(tb);
        json_decref(ja), json_decref(jb);
        snap_release(&a), snap_release(&b);
}

static void test_every_fact_roundtrips(void **state)
{
        (void)state;
        every_field_roundtrips(false);
}

static void test_every_failure_roundtrips(void **state)
{
        (void)state;
        every_field_roundtrips(true);
}

/* ---- docs/json-schema.md ---------------------------------------------- */

/* Key paths as the doc writes them ("pci.devices[].bus_id"), with their
 * types ("fact int", "strings", ...), in order. */
struct keys {
        struct strv paths, types;
        bool in_snapshot; /* reading the doc: under "## Snapshot" */
};

static char *key_path(const char *prefix, const char *key, bool array)
{
        return xasprintf("%s%s%s%s", prefix, *prefix ? "." : "", key, array ? "[]" : "");
}

static const char *json_kind(json_t *v)
{
        switch (json_typeof(v)) {
        case JSON_OBJECT: return "object";
        case JSON_ARRAY: return json_is_object(json_array_get(v, 0)) ? "objects" : "strings";
        case JSON_STRING: return "string";
        case JSON_INTEGER: return "int";
        case JSON_REAL: return "number";
        case JSON_TRUE:
        case JSON_FALSE: return "bool";
        default: return "null";
        }
}

/* Collects every key under o with its JSON kind, in order, looking into the
 * first element of arrays; "unavailable" is described once, not listed. */
static void walk_keys(json_t *o, const char *prefix, struct keys *k)
{
        const char *key;
        json_t *v;

        json_object_foreach(o, key, v) {
                json_t *sub = json_is_array(v) ? json_array_get(v, 0) : v;
                char *path;

                if (!strcmp(key, "unavailable"))
                        continue;
                path = key_path(prefix, key, json_is_array(v));
                strv_push(&k->paths, path);
                strv_push(&k->types, xstrdup(json_kind(v)));
                if (json_is_object(sub))
                        walk_keys(sub, path, k);
        }
}

/* Collects the keys that "unavailable" maps name: the facts. */
static void walk_facts(json_t *o, const char *prefix, struct strv *facts)
{
        const char *key, *fact;
        json_t *v, *why;

        json_object_foreach(o, key, v) {
                json_t *sub = json_is_array(v) ? json_array_get(v, 0) : v;
                char *path = key_path(prefix, key, json_is_array(v));

                if (!strcmp(key, "unavailable"))
                        json_object_foreach(v, fact, why)
                                strv_push(facts, key_path(prefix, fact, false));
                else if (json_is_object(sub))
                        walk_facts(sub, path, facts);
                free(path);
        }
}

/* The keys the snapshot writes: the kinds of a snapshot whose facts all
 * hold, "fact " before those that a snapshot whose facts all failed lists
 * as unavailable. */
static void written_keys(struct keys *w)
{
        json_t *ok = filled_json(false), *failed = filled_json(true);
        struct strv facts = STRV_INIT;

        walk_keys(ok, "", w);
        walk_facts(failed, "", &facts);
        for (size_t i = 0; i < w->paths.n; i++) {
                char *t = w->types.v[i];
                if (strv_find(&facts, w->paths.v[i]) >= 0)
                        w->types.v[i] = xasprintf("fact %s", t), free(t);
        }
        strv_release(&facts);
        json_decref(ok), json_decref(failed);
}

/* A row of a table under "## Snapshot": "| `key`, `key` | type | meaning |". */
static int collect_row(const char *line, size_t len, void *data)
{
        struct keys *d = data;
        const char *end = line + len, *keys = line + 1, *bar, *type_end, *tick, *close;
        char *type;

        if (len > 3 && !strncmp(line, "## ", 3))
                d->in_snapshot = !strncmp(line, "## Snapshot", 11);
        if (!d->in_snapshot || len < 3 || strncmp(line, "| `", 3))
                return 0;
        bar = memchr(keys, '|', (size_t)(end - keys));
        type_end = bar ? memchr(bar + 1, '|', (size_t)(end - bar - 1)) : NULL;
        if (!type_end)
                return 0;
        type = strip_dup(bar + 1, (size_t)(type_end - bar - 1));
        for (; (tick = memchr(keys, '`', (size_t)(bar - keys))) &&
               (close = memchr(tick + 1, '`', (size_t)(bar - tick - 1)));
             keys = close + 1) {
                strv_push(&d->paths, xstrndup(tick + 1, (size_t)(close - tick - 1)));
                strv_push(&d->types, xstrdup(type));
        }
        free(type);
        return 0;
}

static void documented_keys(struct keys *d)
{
        struct strbuf sb = STRBUF_INIT;
        char buf[4096];
        size_t n;
        FILE *f = fopen(schema_path, "r");

        if (!f)
                fail_msg("cannot open '%s'", schema_path);
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                strbuf_add(&sb, buf, n);
        fclose(f);
        for_each_line(sb.buf, sb.len, collect_row, d);
        strbuf_release(&sb);
}

static bool has_key(const struct keys *k, const char *path, const char *type)
{
        long i = strv_find(&k->paths, path);

        return i >= 0 && !strcmp(k->types.v[i], type);
}

/* Prints each difference between the keys written (w) and documented (d)
 * as the change the doc needs; returns how many. */
static int compare_keys(const struct keys *w, const struct keys *d)
{
        int bad = 0;

        for (size_t i = 0; i < w->paths.n; i++)
                if (!has_key(d, w->paths.v[i], w->types.v[i]) && ++bad)
                        print_message("%s: add | `%s` | %s | ... |\n", schema_path,
                                      w->paths.v[i], w->types.v[i]);
        for (size_t i = 0; i < d->paths.n; i++)
                if (!has_key(w, d->paths.v[i], d->types.v[i]) && ++bad)
                        print_message("%s: remove `%s` (%s): the snapshot does not write it so\n",
                                      schema_path, d->paths.v[i], d->types.v[i]);
        for (size_t i = 0; !bad && i < d->paths.n; i++)
                if ((i >= w->paths.n || strcmp(w->paths.v[i], d->paths.v[i])) && ++bad)
                        print_message("%s: `%s` is out of place (twice?): the rows follow the "
                                      "order the snapshot writes its keys in\n", schema_path, d->paths.v[i]);
        return bad;
}

static void test_schema_documented(void **state)
{
        struct keys w = { 0 }, d = { 0 };
        int bad;

        (void)state;
        written_keys(&w);
        documented_keys(&d);
        bad = compare_keys(&w, &d);
        strv_release(&w.paths), strv_release(&w.types);
        strv_release(&d.paths), strv_release(&d.types);
        if (bad)
                fail_msg("%s and the snapshot's keys differ in %d rows", schema_path, bad);
}

int main(int argc, char **argv)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_bad_field_is_named),
                cmocka_unit_test(test_wrong_schema), cmocka_unit_test(test_every_fact_roundtrips),
                cmocka_unit_test(test_every_failure_roundtrips), cmocka_unit_test(test_schema_documented),
                cmocka_unit_test(test_bench_legacy_skips),
        };

        schema_path = argc > 1 ? argv[1] : "docs/json-schema.md";
        return cmocka_run_group_tests(tests, NULL, NULL);
}
