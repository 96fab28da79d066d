/* snap-json.c - snapshot <-> JSON through one table of field descriptors,
 * so that saving, loading and the schema cannot drift apart. */
#include "snap-json.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "snap-json-internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* ---- tables ----------------------------------------------------------- */

/* One table per struct, expanded from its list in snap.h (see there for the
 * kinds). SELF names the struct whose offsets the expansion takes; it is
 * defined around each table because a list's X cannot carry it. Sub-tables
 * come before the tables that point at them. */
#define JF_(key, type, name, sub, count) { key, type, offsetof(SELF, name), sub, count },
#define JF_NUM(name) JF_(#name, JT_NUM, name, NULL, 0)
#define JF_STR(name) JF_(#name, JT_STR, name, NULL, 0)
#define JF_ENV(name, var) JF_(#name, JT_STR, name, NULL, 0)
#define JF_INT(name) JF_(#name, JT_INT, name, NULL, 0)
#define JF_REAL(name) JF_(#name, JT_REAL, name, NULL, 0)
#define JF_TEXT(name) JF_(#name, JT_TEXT, name, NULL, 0)
#define JF_BOOL(name) JF_(#name, JT_BOOL, name, NULL, 0)
#define JF_STRV(name) JF_(#name, JT_STRV, name, NULL, 0)
#define JF_PROBE(name) JF_("status", JT_PROBE, name, NULL, 0)
#define JF_OBJ(name, tag, key) JF_(key, JT_OBJ, name, &tag##_table, 0)
#define JF_ARRAY(name, count, tag, key) JF_(key, JT_ARRAY, name, &tag##_table, offsetof(SELF, count))
#define JF(kind, ...) JF_##kind(__VA_ARGS__)
#define JTABLE(tag, LIST)                                                      \
        static const struct jfield tag##_fields[] = { LIST(JF) };             \
        static const struct jtable tag##_table = { tag##_fields, ARRAY_SIZE(tag##_fields), sizeof(SELF) }

#define SELF struct snap_os
JTABLE(os, SNAP_OS);
#undef SELF
#define SELF struct snap_pci_dev
JTABLE(pci_dev, SNAP_PCI_DEV);
#undef SELF
#define SELF struct snap_pci_bridge
JTABLE(pci_bridge, SNAP_PCI_BRIDGE);
#undef SELF
#define SELF struct snap_pci
JTABLE(pci, SNAP_PCI);
#undef SELF
#define SELF struct snap_dkms
JTABLE(dkms, SNAP_DKMS);
#undef SELF
#define SELF struct snap_kmod
JTABLE(kmod, SNAP_KMOD);
#undef SELF
#define SELF struct snap_gpu
JTABLE(gpu, SNAP_GPU);
#undef SELF
#define SELF struct snap_nvml
JTABLE(nvml, SNAP_NVML);
#undef SELF
#define SELF struct snap_cuda_dev
JTABLE(cuda_dev, SNAP_CUDA_DEV);
#undef SELF
#define SELF struct snap_cuda
JTABLE(cuda, SNAP_CUDA);
#undef SELF
#define SELF struct snap_xid
JTABLE(xid, SNAP_XID);
#undef SELF
#define SELF struct snap_klog
JTABLE(klog, SNAP_KLOG);
#undef SELF
#define SELF struct snap_fabric
JTABLE(fabric, SNAP_FABRIC);
#undef SELF
#define SELF struct snap_devnodes
JTABLE(devnodes, SNAP_DEVNODES);
#undef SELF
#define SELF struct snap_host
JTABLE(host, SNAP_HOST);
#undef SELF
#define SELF struct snap_procenv
JTABLE(procenv, SNAP_PROCENV);
#undef SELF
#define SELF struct snap_toolkit
JTABLE(toolkit, SNAP_TOOLKIT);
#undef SELF
#define SELF struct snap_toolkits
JTABLE(toolkits, SNAP_TOOLKITS);
#undef SELF
#define SELF struct snap_shell
JTABLE(shell, SNAP_SHELL);
#undef SELF
#define SELF struct snap_pyenv
JTABLE(pyenv, SNAP_PYENV);
#undef SELF
#define SELF struct snap_python
JTABLE(python, SNAP_PYTHON);
#undef SELF
#define SELF struct snap_topo_gpu
JTABLE(topo_gpu, SNAP_TOPO_GPU);
#undef SELF
#define SELF struct snap_topo_pair
JTABLE(topo_pair, SNAP_TOPO_PAIR);
#undef SELF
#define SELF struct snap_topo
JTABLE(topo, SNAP_TOPO);
#undef SELF
#define SELF struct snap_bench_plan
JTABLE(bench_plan, SNAP_BENCH_PLAN);
#undef SELF
#define SELF struct snap_bench_link
JTABLE(bench_link, SNAP_BENCH_LINK);
#undef SELF
#define SELF struct snap_bench_gpu
JTABLE(bench_gpu, SNAP_BENCH_GPU);
#undef SELF
#define SELF struct snap_bench_pair
JTABLE(bench_pair, SNAP_BENCH_PAIR);
#undef SELF
#define SELF struct snap_bench_gemm
JTABLE(bench_gemm, SNAP_BENCH_GEMM);
#undef SELF
#define SELF struct snap_bench_ar_size
JTABLE(bench_ar_size, SNAP_BENCH_AR_SIZE);
#undef SELF
#define SELF struct snap_bench_skip
JTABLE(bench_skip, SNAP_BENCH_SKIP);
#undef SELF
#define SELF struct snap_bench_ar
JTABLE(bench_ar, SNAP_BENCH_AR);
#undef SELF
#define SELF struct snap_bench
JTABLE(bench, SNAP_BENCH);
#undef SELF
#define SELF struct snap_prove_torch
JTABLE(prove_torch, SNAP_PROVE_TORCH);
#undef SELF
#define SELF struct snap_prove_gpu
JTABLE(prove_gpu, SNAP_PROVE_GPU);
#undef SELF
#define SELF struct snap_prove_step
JTABLE(prove_step, SNAP_PROVE_STEP);
#undef SELF
#define SELF struct snap_prove
JTABLE(prove, SNAP_PROVE);
#undef SELF
#define SELF struct snapshot
JTABLE(root, SNAP_ROOT);
#undef SELF

/* ---- public entry points ---------------------------------------------- */

json_t *snap_to_json(const struct snapshot *s)
{
        json_t *o = json_object(), *body = jtable_write(&root_table, (const char *)s);

        json_object_set_new(o, "schema_version", json_integer(DLRIG_SCHEMA_VERSION));
        json_object_update(o, body);
        json_decref(body);
        /* a driver without the topology calls (or a fixture described
         * before them) leaves the snapshot as it was before topology */
        if (s->topo.probe.st == FACT_UNSET || s->topo.probe.st == FACT_UNSUPPORTED)
                json_object_del(o, "topology");
        /* only a bench writes its section (bench --save) */
        if (s->bench.probe.st == FACT_UNSET)
                json_object_del(o, "bench");
        if (s->prove.probe.st == FACT_UNSET)
                json_object_del(o, "prove");
        return o;
}

json_t *snap_topo_to_json(const struct snap_topo *t)
{
        return jtable_write(&topo_table, (const char *)t);
}

int snap_topo_from_json(json_t *j, struct snap_topo *t, char **reterr)
{
        return jtable_read(&topo_table, j, t, reterr);
}

json_t *snap_gpu_to_json(const struct snap_gpu *g)
{
        return jtable_write(&gpu_table, (const char *)g);
}

json_t *snap_nvml_to_json(const struct snap_nvml *n)
{
        return jtable_write(&nvml_table, (const char *)n);
}

json_t *snap_cuda_to_json(const struct snap_cuda *c)
{
        return jtable_write(&cuda_table, (const char *)c);
}

/* A bench saved before the registry of cases (same schema_version) said
 * why GEMM and all-reduce did not run in "gemm_skipped" and
 * "allreduce.skipped"; they become skips, so its report stays the same. */
static void legacy_skip(struct snap_bench *b, const char *name, json_t *why, const char *lib)
{
        struct snap_bench_skip *k;

        if (!json_is_string(why) || snap_bench_skip_of(b, name))
                return;
        k = snap_add_bench_skip(b);
        k->name = xstrdup(name);
        k->why = xstrdup(json_string_value(why));
        /* before the registry, a missing library was the only other reason */
        k->library = strncmp(k->why, "one GPU", 7) ? xstrdup(lib) : NULL;
}

static void bench_legacy_skips(json_t *j, struct snap_bench *b)
{
        if (!json_is_object(j))
                return;
        legacy_skip(b, "gemm", json_object_get(j, "gemm_skipped"), "cuBLAS");
        legacy_skip(b, "allreduce", json_object_get(json_object_get(j, "allreduce"), "skipped"),
                    "NCCL");
}

int snap_from_json(json_t *j, struct snapshot *s, char **reterr)
{
        json_t *ver = json_object_get(j, "schema_version");

        if (!json_is_object(j)) {
                *reterr = xstrdup("not a JSON object");
                return -EBADMSG;
        }
        if (!json_is_integer(ver) || json_integer_value(ver) != DLRIG_SCHEMA_VERSION) {
                *reterr = xasprintf("schema_version: expected %d", DLRIG_SCHEMA_VERSION);
                return -EBADMSG;
        }
        if (jtable_read(&root_table, j, s, reterr) < 0)
                return -EBADMSG;
        bench_legacy_skips(json_object_get(j, "bench"), &s->bench);
        return 0;
}

int snap_gpu_from_json(json_t *j, struct snap_gpu *g, char **reterr)
{
        return jtable_read(&gpu_table, j, g, reterr);
}

int snap_nvml_from_json(json_t *j, struct snap_nvml *n, char **reterr)
{
        return jtable_read(&nvml_table, j, n, reterr);
}

int snap_cuda_from_json(json_t *j, struct snap_cuda *c, char **reterr)
{
        return jtable_read(&cuda_table, j, c, reterr);
}

json_t *snap_cuda_dev_to_json(const struct snap_cuda_dev *d)
{
        return jtable_write(&cuda_dev_table, (const char *)d);
}

int snap_cuda_dev_from_json(json_t *j, struct snap_cuda_dev *d, char **reterr)
{
        return jtable_read(&cuda_dev_table, j, d, reterr);
}

/* ---- bench: the worker's records, read strictly ------------------------ */

#define BENCH_RECORD(tag)                                                      \
        json_t *snap_##tag##_to_json(const struct snap_##tag *v)               \
        {                                                                      \
                return jtable_write(&tag##_table, (const char *)v);            \
        }                                                                      \
        int snap_##tag##_from_record(json_t *j, struct snap_##tag *v, char **reterr) \
        {                                                                      \
                return jtable_read_strict(&tag##_table, j, v, reterr);         \
        }

BENCH_RECORD(bench_gpu)
BENCH_RECORD(bench_pair)
BENCH_RECORD(bench_gemm)
BENCH_RECORD(bench_ar_size)
BENCH_RECORD(bench_skip)
BENCH_RECORD(prove_torch)
BENCH_RECORD(prove_gpu)
BENCH_RECORD(prove_step)

json_t *snap_prove_to_json(const struct snap_prove *p)
{
        return jtable_write(&prove_table, (const char *)p);
}

json_t *snap_bench_plan_to_json(const struct snap_bench_plan *p)
{
        return jtable_write(&bench_plan_table, (const char *)p);
}
