/* snap-json.c - snapshot <-> JSON through one table of field descriptors,
 * so that saving, loading and the schema cannot drift apart. */
#include "snap-json.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/xalloc.h"

enum jtype { JT_FSTR, JT_FNUM, JT_STR, JT_INT, JT_BOOL, JT_STRV, JT_PROBE, JT_OBJ, JT_ARRAY };

struct jfield;

struct jtable {
        const struct jfield *fields;
        size_t n;
        size_t elem_size;  /* arrays only */
        size_t count_off;  /* arrays only: offset of the size_t count */
};

struct jfield {
        const char *key;
        enum jtype type;
        size_t off;
        const struct jtable *sub; /* JT_OBJ and JT_ARRAY */
};

#define TABLE(t) { t, sizeof(t) / sizeof(t[0]), 0, 0 }
#define F(T, S, m) { #m, T, offsetof(S, m), NULL }

/* ---- tables ----------------------------------------------------------- */

static const struct jfield os_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_os, probe), NULL },
        F(JT_FSTR, struct snap_os, distro_id), F(JT_FSTR, struct snap_os, version_id),
        F(JT_FSTR, struct snap_os, pretty_name), F(JT_FSTR, struct snap_os, kernel),
        F(JT_FSTR, struct snap_os, arch), F(JT_FNUM, struct snap_os, secure_boot),
};

#define PD struct snap_pci_dev
static const struct jfield pci_dev_fields[] = {
        F(JT_STR, PD, bus_id), F(JT_STR, PD, kind), F(JT_INT, PD, vendor_id),
        F(JT_INT, PD, device_id), F(JT_INT, PD, subsys_vendor_id),
        F(JT_INT, PD, subsys_device_id), F(JT_INT, PD, class_code),
        F(JT_FSTR, PD, name), F(JT_FNUM, PD, numa_node), F(JT_FSTR, PD, driver),
        F(JT_FSTR, PD, link_speed_cur), F(JT_FSTR, PD, link_speed_max),
        F(JT_FNUM, PD, link_gen_cur), F(JT_FNUM, PD, link_gen_max),
        F(JT_FNUM, PD, link_width_cur), F(JT_FNUM, PD, link_width_max),
        F(JT_FNUM, PD, bar0_bytes),
};
#undef PD
static const struct jtable pci_dev_table = {
        pci_dev_fields, sizeof(pci_dev_fields) / sizeof(pci_dev_fields[0]),
        sizeof(struct snap_pci_dev), offsetof(struct snap_pci, n)
};
static const struct jfield pci_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_pci, probe), NULL },
        { "devices", JT_ARRAY, offsetof(struct snap_pci, devs), &pci_dev_table },
};

#define DK struct snap_dkms
static const struct jfield dkms_fields[] = {
        F(JT_STR, DK, module), F(JT_STR, DK, version), F(JT_STR, DK, kernel),
        F(JT_STR, DK, arch), F(JT_STR, DK, state),
};
#undef DK
static const struct jtable dkms_table = {
        dkms_fields, sizeof(dkms_fields) / sizeof(dkms_fields[0]),
        sizeof(struct snap_dkms), offsetof(struct snap_kmod, ndkms)
};
#define KM struct snap_kmod
static const struct jfield kmod_fields[] = {
        { "status", JT_PROBE, offsetof(KM, probe), NULL },
        F(JT_BOOL, KM, nvidia), F(JT_BOOL, KM, nvidia_uvm), F(JT_BOOL, KM, nvidia_drm),
        F(JT_BOOL, KM, nvidia_modeset), F(JT_BOOL, KM, nouveau), F(JT_BOOL, KM, nova_core),
        F(JT_FSTR, KM, loaded_version), F(JT_FSTR, KM, proc_version),
        F(JT_FSTR, KM, flavour), F(JT_FSTR, KM, module_path),
        F(JT_FSTR, KM, module_version), F(JT_FSTR, KM, module_signer),
        F(JT_FSTR, KM, nouveau_blacklisted), F(JT_STRV, KM, kernels_installed),
        F(JT_STRV, KM, kernels_with_module),
        { "dkms", JT_ARRAY, offsetof(KM, dkms), &dkms_table },
};
#undef KM

#define GPU_JF_NUM(m) F(JT_FNUM, struct snap_gpu, m),
#define GPU_JF_STR(m) F(JT_FSTR, struct snap_gpu, m),
#define GPU_JF(kind, m) GPU_JF_##kind(m)
static const struct jfield gpu_fields[] = {
        F(JT_INT, struct snap_gpu, index),
        SNAP_GPU_FIELDS(GPU_JF)
};
static const struct jtable gpu_table = {
        gpu_fields, sizeof(gpu_fields) / sizeof(gpu_fields[0]),
        sizeof(struct snap_gpu), offsetof(struct snapshot, ngpus)
};

#define NV struct snap_nvml
static const struct jfield nvml_fields[] = {
        { "status", JT_PROBE, offsetof(NV, probe), NULL }, F(JT_STR, NV, library),
        F(JT_FNUM, NV, init_result), F(JT_FSTR, NV, driver_version),
        F(JT_FNUM, NV, cuda_driver_version), F(JT_FNUM, NV, device_count),
};
#undef NV

#define CD struct snap_cuda_dev
static const struct jfield cuda_dev_fields[] = {
        F(JT_INT, CD, ordinal), F(JT_FSTR, CD, name), F(JT_FSTR, CD, pci_bus_id),
        F(JT_FSTR, CD, uuid), F(JT_FSTR, CD, compute_capability),
        F(JT_FNUM, CD, memory_total_bytes),
};
#undef CD
static const struct jtable cuda_dev_table = {
        cuda_dev_fields, sizeof(cuda_dev_fields) / sizeof(cuda_dev_fields[0]),
        sizeof(struct snap_cuda_dev), offsetof(struct snap_cuda, n)
};
#define CU struct snap_cuda
static const struct jfield cuda_fields[] = {
        { "status", JT_PROBE, offsetof(CU, probe), NULL }, F(JT_STR, CU, library),
        F(JT_FNUM, CU, init_result), F(JT_FNUM, CU, driver_version),
        F(JT_FNUM, CU, device_count), F(JT_FSTR, CU, visible_devices),
        F(JT_FSTR, CU, device_order),
        { "devices", JT_ARRAY, offsetof(CU, devs), &cuda_dev_table },
};
#undef CU

static const struct jfield xid_fields[] = {
        F(JT_STR, struct snap_xid, pci_bus_id), F(JT_INT, struct snap_xid, code),
        F(JT_STR, struct snap_xid, detail),
};
static const struct jtable xid_table = {
        xid_fields, sizeof(xid_fields) / sizeof(xid_fields[0]),
        sizeof(struct snap_xid), offsetof(struct snap_klog, nxid)
};
static const struct jfield klog_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_klog, probe), NULL },
        F(JT_STR, struct snap_klog, source),
        { "xids", JT_ARRAY, offsetof(struct snap_klog, xids), &xid_table },
        F(JT_STRV, struct snap_klog, nvrm),
};

static const struct jfield fabric_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_fabric, probe), NULL },
        F(JT_FSTR, struct snap_fabric, version), F(JT_FNUM, struct snap_fabric, running),
        F(JT_FNUM, struct snap_fabric, enabled),
};

static const struct jfield devnodes_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_devnodes, probe), NULL },
        F(JT_BOOL, struct snap_devnodes, nvidiactl),
        F(JT_BOOL, struct snap_devnodes, nvidia_uvm), F(JT_STRV, struct snap_devnodes, gpus),
};

static const struct jfield toolkit_fields[] = {
        F(JT_STR, struct snap_toolkit, path), F(JT_STR, struct snap_toolkit, origin),
        F(JT_FSTR, struct snap_toolkit, version),
};
static const struct jtable toolkit_table = {
        toolkit_fields, sizeof(toolkit_fields) / sizeof(toolkit_fields[0]),
        sizeof(struct snap_toolkit), offsetof(struct snap_toolkits, n)
};
#define TK struct snap_toolkits
static const struct jfield toolkits_fields[] = {
        { "status", JT_PROBE, offsetof(TK, probe), NULL }, F(JT_FSTR, TK, cuda_link),
        { "installed", JT_ARRAY, offsetof(TK, v), &toolkit_table },
        F(JT_FSTR, TK, nvcc_path), F(JT_FSTR, TK, nvcc_version), F(JT_STRV, TK, loader_dirs),
        F(JT_STRV, TK, libcuda), F(JT_STRV, TK, libcudart), F(JT_FSTR, TK, stub_libcuda),
};
#undef TK

#define SH struct snap_shell
static const struct jfield shell_fields[] = {
        { "status", JT_PROBE, offsetof(SH, probe), NULL }, F(JT_FSTR, SH, user),
        F(JT_FSTR, SH, home), F(JT_FSTR, SH, login_shell), F(JT_FSTR, SH, path),
        F(JT_FSTR, SH, ld_library_path), F(JT_STRV, SH, rc_files), F(JT_STRV, SH, cuda_lines),
        F(JT_FSTR, SH, conda_init),
};
#undef SH

#define PE struct snap_pyenv
static const struct jfield pyenv_fields[] = {
        F(JT_STR, PE, kind), F(JT_STR, PE, path), F(JT_STR, PE, name),
        F(JT_FSTR, PE, python_version), F(JT_FSTR, PE, torch_version), F(JT_FSTR, PE, torch_cuda),
        F(JT_FSTR, PE, torchvision_version), F(JT_FSTR, PE, torchaudio_version),
        F(JT_STRV, PE, nvidia_wheels), F(JT_FSTR, PE, cuda_toolkit), F(JT_BOOL, PE, exllamav2),
        F(JT_BOOL, PE, torchtune), F(JT_FNUM, PE, live_cuda_available),
        F(JT_FNUM, PE, live_device_count), F(JT_FSTR, PE, live_arch_list),
        F(JT_STRV, PE, live_capabilities), F(JT_FSTR, PE, live_error),
};
#undef PE
static const struct jtable pyenv_table = {
        pyenv_fields, sizeof(pyenv_fields) / sizeof(pyenv_fields[0]),
        sizeof(struct snap_pyenv), offsetof(struct snap_python, n)
};
static const struct jfield python_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_python, probe), NULL },
        F(JT_BOOL, struct snap_python, live), F(JT_STRV, struct snap_python, conda_installs),
        { "environments", JT_ARRAY, offsetof(struct snap_python, envs), &pyenv_table },
};

static const struct jtable toolkits_table = TABLE(toolkits_fields), shell_table = TABLE(shell_fields),
        python_table = TABLE(python_fields);
static const struct jtable os_table = TABLE(os_fields), pci_table = TABLE(pci_fields),
        kmod_table = TABLE(kmod_fields), nvml_table = TABLE(nvml_fields),
        cuda_table = TABLE(cuda_fields), klog_table = TABLE(klog_fields),
        fabric_table = TABLE(fabric_fields), devnodes_table = TABLE(devnodes_fields);

#define SN struct snapshot
static const struct jfield snap_fields[] = {
        F(JT_STR, SN, dlrig_version),
        { "os", JT_OBJ, offsetof(SN, os), &os_table },
        { "pci", JT_OBJ, offsetof(SN, pci), &pci_table },
        { "modules", JT_OBJ, offsetof(SN, kmod), &kmod_table },
        { "nvml", JT_OBJ, offsetof(SN, nvml), &nvml_table },
        { "gpus", JT_ARRAY, offsetof(SN, gpus), &gpu_table },
        { "cuda", JT_OBJ, offsetof(SN, cuda), &cuda_table },
        { "kernel_log", JT_OBJ, offsetof(SN, klog), &klog_table },
        { "fabric_manager", JT_OBJ, offsetof(SN, fabric), &fabric_table },
        { "device_nodes", JT_OBJ, offsetof(SN, devnodes), &devnodes_table },
        { "toolkits", JT_OBJ, offsetof(SN, toolkits), &toolkits_table },
        { "shell", JT_OBJ, offsetof(SN, shell), &shell_table },
        { "python", JT_OBJ, offsetof(SN, python), &python_table },
};
#undef SN
static const struct jtable snap_table = TABLE(snap_fields);

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

static json_t *write_obj(const struct jtable *t, const char *base);

static json_t *write_array(const struct jtable *t, const char *arr, size_t n)
{
        json_t *a = json_array();

        for (size_t i = 0; i < n; i++)
                json_array_append_new(a, write_obj(t, arr + i * t->elem_size));
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
        case JT_FNUM:
                json_object_set_new(o, f->key, fn->st == FACT_OK ? json_integer(fn->v) : json_null());
                note_unavailable(unavail, f->key, fn->st, fn->why);
                break;
        case JT_FSTR:
                json_object_set_new(o, f->key, fs->st == FACT_OK ? str_or_null(fs->v) : json_null());
                note_unavailable(unavail, f->key, fs->st, fs->why);
                break;
        case JT_STR: json_object_set_new(o, f->key, str_or_null(*(char *const *)p)); break;
        case JT_INT: json_object_set_new(o, f->key, json_integer(*(const int64_t *)p)); break;
        case JT_BOOL: json_object_set_new(o, f->key, json_boolean(*(const bool *)p)); break;
        case JT_STRV: json_object_set_new(o, f->key, write_strv((const struct strv *)p)); break;
        case JT_PROBE:
                json_object_set_new(o, "status", json_string(fact_st_name(ps->st)));
                json_object_set_new(o, "reason", str_or_null(ps->why));
                break;
        case JT_OBJ: json_object_set_new(o, f->key, write_obj(f->sub, p)); break;
        case JT_ARRAY:
                json_object_set_new(o, f->key, write_array(f->sub, *(char *const *)p,
                                    *(const size_t *)(base + f->sub->count_off)));
                break;
        }
}

static json_t *write_obj(const struct jtable *t, const char *base)
{
        json_t *o = json_object(), *unavail = json_object();

        for (size_t i = 0; i < t->n; i++)
                write_field(o, unavail, &t->fields[i], base + t->fields[i].off, base);
        if (json_object_size(unavail))
                json_object_set(o, "unavailable", unavail);
        json_decref(unavail);
        return o;
}

json_t *snap_to_json(const struct snapshot *s)
{
        json_t *o = json_object(), *body = write_obj(&snap_table, (const char *)s);

        json_object_set_new(o, "schema_version", json_integer(SNAP_SCHEMA_VERSION));
        json_object_update(o, body);
        json_decref(body);
        return o;
}

json_t *snap_gpu_to_json(const struct snap_gpu *g)
{
        return write_obj(&gpu_table, (const char *)g);
}

json_t *snap_nvml_to_json(const struct snap_nvml *n)
{
        return write_obj(&nvml_table, (const char *)n);
}

json_t *snap_cuda_to_json(const struct snap_cuda *c)
{
        return write_obj(&cuda_table, (const char *)c);
}

/* ---- reading ---------------------------------------------------------- */

struct rctx {
        struct strbuf path; /* "gpus[3].uuid" for error messages */
        char *err;
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
        arr = xcalloc(n, t->elem_size);
        *(char **)p = arr;
        *(size_t *)(base + t->count_off) = n;
        for (size_t i = 0; i < n; i++) {
                int r;
                strbuf_addf(&c->path, "%s%s[%zu]", keep ? "." : "", f->key, i);
                r = read_obj(c, t, json_array_get(a, i), arr + i * t->elem_size);
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
                if (f->type == JT_FNUM)
                        return read_unavailable(c, unavail, f->key, &fn->st, &fn->why);
                return read_unavailable(c, unavail, f->key, &fs->st, &fs->why);
        }
        if (f->type == JT_FNUM) {
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
        case JT_STR:
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

        switch (f->type) {
        case JT_FNUM:
        case JT_FSTR: return read_fact(c, f, v, unavail, p);
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

static int read_table(const struct jtable *t, json_t *j, void *base, char **reterr)
{
        struct rctx c = { .path = STRBUF_INIT };
        int r = read_obj(&c, t, j, base);

        strbuf_release(&c.path);
        if (r < 0)
                *reterr = c.err;
        else
                free(c.err);
        return r;
}

int snap_from_json(json_t *j, struct snapshot *s, char **reterr)
{
        json_t *ver = json_object_get(j, "schema_version");

        if (!json_is_object(j)) {
                *reterr = xstrdup("not a JSON object");
                return -EBADMSG;
        }
        if (!json_is_integer(ver) || json_integer_value(ver) != SNAP_SCHEMA_VERSION) {
                *reterr = xasprintf("schema_version: expected %d", SNAP_SCHEMA_VERSION);
                return -EBADMSG;
        }
        return read_table(&snap_table, j, s, reterr);
}

int snap_gpu_from_json(json_t *j, struct snap_gpu *g, char **reterr)
{
        return read_table(&gpu_table, j, g, reterr);
}

int snap_nvml_from_json(json_t *j, struct snap_nvml *n, char **reterr)
{
        return read_table(&nvml_table, j, n, reterr);
}

int snap_cuda_from_json(json_t *j, struct snap_cuda *c, char **reterr)
{
        return read_table(&cuda_table, j, c, reterr);
}

json_t *snap_cuda_dev_to_json(const struct snap_cuda_dev *d)
{
        return write_obj(&cuda_dev_table, (const char *)d);
}

int snap_cuda_dev_from_json(json_t *j, struct snap_cuda_dev *d, char **reterr)
{
        return read_table(&cuda_dev_table, j, d, reterr);
}
