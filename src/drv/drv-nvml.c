/* drv-nvml.c - the NVML gatherer, run inside the driver worker (see
 * drv-worker.h): loads libnvidia-ml, asks for the system facts, then for
 * each GPU's facts (drv-nvml-gpu.c), and streams them as one "nvml" record
 * and one "gpu" record per GPU, each GPU as soon as it is done, so that the
 * GPUs before a hung one survive the worker being killed. Every driver call
 * is announced by a breadcrumb first, so a call that never returns is named. */
#include "drv-nvml.h"

#include <errno.h>
#include <stdlib.h>

#include "drv-worker.h"
#include "snap/snap-json.h"
#include "sys/sys-dl.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* More GPUs than any node holds: a larger count is a broken library. */
#define NVML_MAX_GPUS 1024

#define NVML_SPEC_(field, req, ret, args, ...)                                 \
        { DRV_SYM_NAMES(__VA_ARGS__), req, offsetof(struct nvml_api, field) },
#define NVML_NEWEST_(field, req, ret, args, ...)                               \
        { { DRV_FIRST_NAME(__VA_ARGS__), NULL, NULL }, OPTIONAL,               \
          offsetof(struct nvml_api, field) },
static const struct dl_sym_spec nvml_specs[] = { NVML_SYMS(NVML_SPEC_) };
static const struct dl_sym_spec nvml_newest[] = { NVML_SYMS(NVML_NEWEST_) };

/* ---- recording results ------------------------------------------------- */

void drv_nvml_num(struct fact_num *f, nvmlReturn_t r, int64_t v)
{
        _cleanup_free_ char *why = NULL;

        if (r == NVML_SUCCESS) {
                fact_set_num(f, v);
                return;
        }
        why = nvml_errors_why(r);
        fact_fail_num(f, nvml_errors_status(r), why);
}

void drv_nvml_str(struct fact_str *f, nvmlReturn_t r, const char *buf, size_t len)
{
        _cleanup_free_ char *why = NULL;

        if (r == NVML_SUCCESS) {
                fact_take_str(f, xstrndup(buf, len));
                return;
        }
        why = nvml_errors_why(r);
        fact_fail_str(f, nvml_errors_status(r), why);
}

/* ---- the library and the system facts ---------------------------------- */

static int nvml_load(const struct sysroot *root, struct dl_lib *lib, struct nvml_ctx *c,
                     struct snap_nvml *n)
{
        static const char *const sonames[] = { "libnvidia-ml.so.1", NULL };
        _cleanup_free_ char *err = NULL;
        struct nvml_api newest;
        int r;

        r = sys_dl_open(root, "DLRIG_NVML_LIB", sonames, lib, &err);
        if (r < 0) {
                probe_set(&n->probe, r == -EOPNOTSUPP ? FACT_UNSUPPORTED : FACT_ABSENT, err);
                return r;
        }
        n->library = xstrdup(lib->path);
        r = sys_dl_resolve(lib, nvml_specs, ARRAY_SIZE(nvml_specs), &c->api, &err);
        if (r < 0) {
                probe_set(&n->probe, FACT_ERROR, err);
                return r;
        }
        /* only optional rows: this cannot fail */
        sys_dl_resolve(lib, nvml_newest, ARRAY_SIZE(nvml_newest), &newest, &err);
        drv_syms_used(nvml_specs, NVML_SYM_MAX, &c->api, &newest, c->used);
        return 0;
}

static void nvml_versions(const struct nvml_ctx *c, struct snap_nvml *n)
{
        char ver[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE] = "";
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
        int cuda = 0;

        worker_crumb("%s()", c->used[NVML_SYM_driver_version]);
        r = c->api.driver_version(ver, sizeof(ver));
        drv_nvml_str(&n->driver_version, r, ver, sizeof(ver));
        r = NVML_ERRORS_NO_SYMBOL;
        if (c->used[NVML_SYM_cuda_driver_version]) {
                worker_crumb("%s()", c->used[NVML_SYM_cuda_driver_version]);
                r = c->api.cuda_driver_version(&cuda);
        }
        drv_nvml_num(&n->cuda_driver_version, r, cuda);
}

/* Initialises NVML and fills the system facts. Returns the number of GPUs
 * to ask about. */
static unsigned int nvml_system(const struct nvml_ctx *c, struct snap_nvml *n)
{
        unsigned int count = 0;
        nvmlReturn_t r;

        worker_crumb("%s()", c->used[NVML_SYM_init]);
        r = c->api.init();
        fact_set_num(&n->init_result, r);
        if (r != NVML_SUCCESS) {
                _cleanup_free_ char *why = nvml_errors_describe(r);

                probe_set(&n->probe, FACT_ERROR, why);
                return 0;
        }
        probe_set(&n->probe, FACT_OK, NULL);
        nvml_versions(c, n);
        worker_crumb("%s()", c->used[NVML_SYM_device_count]);
        r = c->api.device_count(&count);
        drv_nvml_num(&n->device_count, r, count);
        if (r != NVML_SUCCESS)
                return 0;
        return count < NVML_MAX_GPUS ? count : NVML_MAX_GPUS;
}

int drv_nvml_gather(const struct sysroot *root)
{
        struct nvml_ctx c = { 0 };
        struct dl_lib lib = { 0 };
        struct snapshot s;
        unsigned int count = 0;

        snap_init(&s);
        if (nvml_load(root, &lib, &c, &s.nvml) == 0)
                count = nvml_system(&c, &s.nvml);
        worker_emit("nvml", snap_nvml_to_json(&s.nvml));
        for (unsigned int i = 0; i < count; i++) {
                struct snap_gpu *g = snap_add_gpu(&s);

                drv_nvml_gpu_gather(&c, i, g);
                worker_emit("gpu", snap_gpu_to_json(g));
        }
        if (count) {
                drv_nvml_topo_gather(&c, count, &s.topo);
                worker_emit("topo", snap_topo_to_json(&s.topo));
        }
        /* no nvmlShutdown: it can hang like any call, and exiting frees all */
        sys_dl_close(&lib);
        snap_release(&s);
        return 0;
}

