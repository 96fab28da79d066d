/* drv-cuda.c - the CUDA driver API gatherer, run inside the driver worker
 * (see drv-worker.h): loads libcuda, initialises it, and streams one "cuda"
 * record (sent first, without devices) and then one "cudadev" record per
 * device, each as soon as it is done. Every driver call is announced by a
 * breadcrumb, so a call that never returns is named by the parent. */
#include "drv-worker.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cuda-errors.h"
#include "cuda-types.h"
#include "cuda-syms.h"
#include "snap/snap-json.h"
#include "sys/sys-dl.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

/* More devices than any node holds: a larger count is a broken library. */
#define CUDA_MAX_DEVICES 1024

#define CUDA_SPEC_(field, req, ret, args, ...)                                 \
        { DRV_SYM_NAMES(__VA_ARGS__), req, offsetof(struct cuda_api, field) },
#define CUDA_NEWEST_(field, req, ret, args, ...)                               \
        { { DRV_FIRST_NAME(__VA_ARGS__), NULL, NULL }, OPTIONAL,               \
          offsetof(struct cuda_api, field) },
static const struct dl_sym_spec cuda_specs[] = { CUDA_SYMS(CUDA_SPEC_) };
static const struct dl_sym_spec cuda_newest[] = { CUDA_SYMS(CUDA_NEWEST_) };

struct cuda_ctx {
        struct cuda_api api;
        const char *used[CUDA_SYM_MAX]; /* name each symbol was found under; NULL: missing */
};

/* ---- recording results ------------------------------------------------- */

/* The library's own name for a code our table lacks (a newer driver's). A
 * table lookup inside libcuda, not a call into the GPU: no breadcrumb. */
static const char *cuda_lib_name(const struct cuda_ctx *c, CUresult r)
{
        const char *s = NULL;

        if (r == CUDA_ERRORS_NO_SYMBOL || cuda_errors_name(r) || !c->used[CUDA_SYM_error_name])
                return NULL;
        return c->api.error_name(r, &s) == CUDA_SUCCESS ? s : NULL;
}

static void cuda_num(const struct cuda_ctx *c, struct fact_num *f, CUresult r, int64_t v)
{
        _cleanup_free_ char *why = NULL;

        if (r == CUDA_SUCCESS) {
                fact_set_num(f, v);
                return;
        }
        why = cuda_errors_why(r, cuda_lib_name(c, r));
        fact_fail_num(f, cuda_errors_status(r), why);
}

/* buf need not be NUL-terminated within len. */
static void cuda_str(const struct cuda_ctx *c, struct fact_str *f, CUresult r, const char *buf,
                     size_t len)
{
        _cleanup_free_ char *why = NULL;

        if (r == CUDA_SUCCESS) {
                fact_take_str(f, xstrndup(buf, len));
                return;
        }
        why = cuda_errors_why(r, cuda_lib_name(c, r));
        fact_fail_str(f, cuda_errors_status(r), why);
}

/* Announces symbol k's call on device i; false when the driver lacks it. */
static bool cuda_begin(const struct cuda_ctx *c, enum cuda_sym k, int i)
{
        if (!c->used[k])
                return false;
        worker_crumb("%s(%d)", c->used[k], i);
        return true;
}

/* ---- one device --------------------------------------------------------- */

static void cuda_dev_name(const struct cuda_ctx *c, CUdevice dev, int i, struct snap_cuda_dev *d)
{
        char buf[256] = "";
        CUresult r = CUDA_ERRORS_NO_SYMBOL;

        if (cuda_begin(c, CUDA_SYM_name, i))
                r = c->api.name(buf, (int)sizeof(buf), dev);
        cuda_str(c, &d->name, r, buf, sizeof(buf));
}

static void cuda_dev_cc(const struct cuda_ctx *c, CUdevice dev, int i, struct snap_cuda_dev *d)
{
        CUresult r = CUDA_ERRORS_NO_SYMBOL;
        int major = 0, minor = 0;
        char buf[32];

        if (cuda_begin(c, CUDA_SYM_attribute, i)) {
                r = c->api.attribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
                if (r == CUDA_SUCCESS && cuda_begin(c, CUDA_SYM_attribute, i))
                        r = c->api.attribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                                             dev);
        }
        snprintf(buf, sizeof(buf), "%d.%d", major, minor);
        cuda_str(c, &d->compute_capability, r, buf, sizeof(buf));
}

static void cuda_dev_bus_id(const struct cuda_ctx *c, CUdevice dev, int i, struct snap_cuda_dev *d)
{
        char buf[32] = "";
        CUresult r = CUDA_ERRORS_NO_SYMBOL;
        char *bus;

        if (cuda_begin(c, CUDA_SYM_pci_bus_id, i))
                r = c->api.pci_bus_id(buf, (int)sizeof(buf), dev);
        if (r != CUDA_SUCCESS) {
                cuda_str(c, &d->pci_bus_id, r, "", 0);
                return;
        }
        buf[sizeof(buf) - 1] = '\0';
        bus = pci_bus_id_normalize(buf);
        if (bus)
                fact_take_str(&d->pci_bus_id, bus);
        else
                fact_fail_str(&d->pci_bus_id, FACT_ERROR, "unparsable bus id");
}

/* In NVML's form, "GPU-" and the 16 bytes as 8-4-4-4-12 hex digits, so the
 * two libraries' views of a GPU can be matched. */
static char *cuda_uuid_format(const CUuuid *u)
{
        const unsigned char *b = (const unsigned char *)u->bytes;

        return xasprintf("GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                         "%02x%02x%02x%02x%02x%02x",
                         b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
                         b[11], b[12], b[13], b[14], b[15]);
}

static void cuda_dev_uuid(const struct cuda_ctx *c, CUdevice dev, int i, struct snap_cuda_dev *d)
{
        CUresult r = CUDA_ERRORS_NO_SYMBOL;
        CUuuid u = { { 0 } };

        if (cuda_begin(c, CUDA_SYM_uuid, i))
                r = c->api.uuid(&u, dev);
        if (r == CUDA_SUCCESS)
                fact_take_str(&d->uuid, cuda_uuid_format(&u));
        else
                cuda_str(c, &d->uuid, r, "", 0);
}

static void cuda_dev_mem(const struct cuda_ctx *c, CUdevice dev, int i, struct snap_cuda_dev *d)
{
        CUresult r = CUDA_ERRORS_NO_SYMBOL;
        size_t bytes = 0;

        if (cuda_begin(c, CUDA_SYM_total_mem, i))
                r = c->api.total_mem(&bytes, dev);
        cuda_num(c, &d->memory_total_bytes, r, (int64_t)(bytes & INT64_MAX));
}

/* A device that cuDeviceGet refuses is still reported, with the reason. */
static void cuda_dev(const struct cuda_ctx *c, int i, struct snap_cuda_dev *d)
{
        CUdevice dev = 0;
        CUresult r;

        worker_crumb("%s(%d)", c->used[CUDA_SYM_device_get], i);
        r = c->api.device_get(&dev, i);
        if (r != CUDA_SUCCESS) {
                _cleanup_free_ char *name = cuda_errors_why(r, cuda_lib_name(c, r));
                _cleanup_free_ char *why = xasprintf("%s (no device)", name);

                fact_fail_str(&d->name, cuda_errors_status(r), why);
                return;
        }
        cuda_dev_name(c, dev, i, d);
        cuda_dev_bus_id(c, dev, i, d);
        cuda_dev_uuid(c, dev, i, d);
        cuda_dev_cc(c, dev, i, d);
        cuda_dev_mem(c, dev, i, d);
}

/* ---- the library and the system facts ---------------------------------- */

static void cuda_env(struct fact_str *f, const char *name)
{
        const char *v = getenv(name);

        if (v)
                fact_set_str(f, v);
        else
                fact_fail_str(f, FACT_ABSENT, "not set");
}

static int cuda_load(const struct sysroot *root, struct dl_lib *lib, struct cuda_ctx *c,
                     struct snap_cuda *cu)
{
        static const char *const sonames[] = { "libcuda.so.1", NULL };
        _cleanup_free_ char *err = NULL;
        struct cuda_api newest;
        int r;

        r = sys_dl_open(root, "DLRIG_CUDA_LIB", sonames, lib, &err);
        if (r < 0) {
                probe_set(&cu->probe, r == -EOPNOTSUPP ? FACT_UNSUPPORTED : FACT_ABSENT, err);
                return r;
        }
        cu->library = xstrdup(lib->path);
        r = sys_dl_resolve(lib, cuda_specs, ARRAY_SIZE(cuda_specs), &c->api, &err);
        if (r < 0) {
                probe_set(&cu->probe, FACT_ERROR, err);
                return r;
        }
        /* only optional rows: this cannot fail */
        sys_dl_resolve(lib, cuda_newest, ARRAY_SIZE(cuda_newest), &newest, &err);
        drv_syms_used(cuda_specs, CUDA_SYM_MAX, &c->api, &newest, c->used);
        return 0;
}

/* Initialises the driver API and fills the system facts. Returns the
 * number of devices to ask about. */
static int cuda_system(const struct cuda_ctx *c, struct snap_cuda *cu)
{
        int version = 0, count = 0;
        CUresult r;

        /* asked before cuInit: it needs no initialised driver, and the
         * version is what explains most cuInit failures */
        worker_crumb("%s()", c->used[CUDA_SYM_driver_version]);
        r = c->api.driver_version(&version);
        cuda_num(c, &cu->driver_version, r, version);
        worker_crumb("%s(0)", c->used[CUDA_SYM_init]);
        r = c->api.init(0);
        fact_set_num(&cu->init_result, r);
        if (r != CUDA_SUCCESS) {
                _cleanup_free_ char *why = cuda_errors_describe(r, cuda_lib_name(c, r));

                probe_set(&cu->probe, FACT_ERROR, why);
                return 0;
        }
        probe_set(&cu->probe, FACT_OK, NULL);
        worker_crumb("%s()", c->used[CUDA_SYM_device_count]);
        r = c->api.device_count(&count);
        cuda_num(c, &cu->device_count, r, count);
        if (r != CUDA_SUCCESS || count < 0)
                return 0;
        return count < CUDA_MAX_DEVICES ? count : CUDA_MAX_DEVICES;
}

int drv_cuda_gather(const struct sysroot *root)
{
        struct cuda_ctx c = { 0 };
        struct dl_lib lib = { 0 };
        struct snapshot s;
        int count = 0;

        snap_init(&s);
        cuda_env(&s.cuda.visible_devices, "CUDA_VISIBLE_DEVICES");
        cuda_env(&s.cuda.device_order, "CUDA_DEVICE_ORDER");
        if (cuda_load(root, &lib, &c, &s.cuda) == 0)
                count = cuda_system(&c, &s.cuda);
        worker_emit("cuda", snap_cuda_to_json(&s.cuda));
        for (int i = 0; i < count; i++) {
                struct snap_cuda_dev *d = snap_add_cuda_dev(&s.cuda);

                cuda_dev(&c, i, d);
                worker_emit("cudadev", snap_cuda_dev_to_json(d));
        }
        /* the library stays loaded: libcuda is not unload-safe */
        sys_dl_close(&lib);
        snap_release(&s);
        return 0;
}
