/* drv-nvml-gpu.c - one GPU's NVML facts (see drv-nvml.h): a getter per
 * call, each announced by a breadcrumb naming the exported symbol and the
 * GPU index, each failure kept as the fact's status and reason. */
#include "drv-nvml.h"

#include <stdio.h>
#include <string.h>

#include "drv-worker.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

/* One GPU's queries. */
struct nvml_q {
        const struct nvml_ctx *c;
        nvmlDevice_t dev;
        unsigned int idx;
        struct snap_gpu *g;
};

/* Announces symbol k's call on this GPU; false when the driver lacks it. */
static bool q_begin(const struct nvml_q *q, enum nvml_sym k)
{
        if (!q->c->used[k])
                return false;
        worker_crumb("%s(%u)", q->c->used[k], q->idx);
        return true;
}

#define Q_NUM(q, field) ((struct fact_num *)((char *)(q)->g + (field)))

/* ---- per-GPU getters ---------------------------------------------------- */

static void get_name(const struct nvml_q *q)
{
        char buf[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = "";
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;

        if (q_begin(q, NVML_SYM_name))
                r = q->c->api.name(q->dev, buf, sizeof(buf));
        drv_nvml_str(&q->g->name, r, buf, sizeof(buf));
}

static void get_uuid(const struct nvml_q *q)
{
        char buf[NVML_DEVICE_UUID_V2_BUFFER_SIZE] = "";
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;

        if (q_begin(q, NVML_SYM_uuid))
                r = q->c->api.uuid(q->dev, buf, sizeof(buf));
        drv_nvml_str(&q->g->uuid, r, buf, sizeof(buf));
}

static void get_pci(const struct nvml_q *q)
{
        nvmlPciInfo_t pci = { 0 };
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
        char *bus;

        if (q_begin(q, NVML_SYM_pci_info))
                r = q->c->api.pci_info(q->dev, &pci);
        drv_nvml_num(&q->g->pci_device_id, r, pci.pciDeviceId);
        if (r != NVML_SUCCESS) {
                drv_nvml_str(&q->g->pci_bus_id, r, "", 0);
                return;
        }
        pci.busId[sizeof(pci.busId) - 1] = '\0';
        bus = pci_bus_id_normalize(pci.busId);
        if (bus)
                fact_take_str(&q->g->pci_bus_id, bus);
        else
                fact_fail_str(&q->g->pci_bus_id, FACT_ERROR, "unparsable bus id");
}

static void get_memory(const struct nvml_q *q)
{
        nvmlMemory_t mem = { 0 };
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;

        if (q_begin(q, NVML_SYM_memory_info))
                r = q->c->api.memory_info(q->dev, &mem);
        /* int64 holds 8 EiB; a larger total is nonsense, shown as such */
        drv_nvml_num(&q->g->memory_total_bytes, r, (int64_t)(mem.total & INT64_MAX));
}

static void get_compute_capability(const struct nvml_q *q)
{
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
        int major = 0, minor = 0;
        char buf[32];

        if (q_begin(q, NVML_SYM_compute_capability))
                r = q->c->api.compute_capability(q->dev, &major, &minor);
        snprintf(buf, sizeof(buf), "%d.%d", major, minor);
        drv_nvml_str(&q->g->compute_capability, r, buf, sizeof(buf));
}

/* The calls shaped (device, unsigned int *): one fact each. An enable
 * state is an unsigned int too, which the assertions below hold us to. */
typedef nvmlReturn_t (*nvml_uint_fn)(nvmlDevice_t, unsigned int *);
#define NVML_UINT_FACTS(X)                                                     \
        X(minor_number, minor_number)                                          \
        X(persistence_mode, persistence_mode)                                  \
        X(retired_pages_pending, retired_pages_pending)                        \
        X(pcie_gen_cur, pcie_gen_cur)                                          \
        X(pcie_gen_max, pcie_gen_max)                                          \
        X(pcie_width_cur, pcie_width_cur)                                      \
        X(pcie_width_max, pcie_width_max)                                      \
        X(power_usage, power_draw_mw)                                          \
        X(power_limit, power_limit_mw)
#define NVML_UINT_CHECK_(sym, fact)                                            \
        _Static_assert(__builtin_types_compatible_p(                           \
                __typeof__(((struct nvml_api *)0)->sym), nvml_uint_fn), #sym);
NVML_UINT_FACTS(NVML_UINT_CHECK_)
#define NVML_UINT_ROW_(sym, fact)                                              \
        { NVML_SYM_##sym, offsetof(struct nvml_api, sym), offsetof(struct snap_gpu, fact) },
static const struct {
        enum nvml_sym sym;
        size_t api;
        size_t fact;
} nvml_uint_facts[] = { NVML_UINT_FACTS(NVML_UINT_ROW_) };

static void get_uints(const struct nvml_q *q)
{
        for (size_t i = 0; i < ARRAY_SIZE(nvml_uint_facts); i++) {
                nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
                unsigned int v = 0;
                nvml_uint_fn fn;

                memcpy(&fn, (const char *)&q->c->api + nvml_uint_facts[i].api, sizeof(fn));
                if (q_begin(q, nvml_uint_facts[i].sym))
                        r = fn(q->dev, &v);
                drv_nvml_num(Q_NUM(q, nvml_uint_facts[i].fact), r, v);
        }
}

static void get_temperature(const struct nvml_q *q)
{
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
        unsigned int v = 0;

        if (q_begin(q, NVML_SYM_temperature))
                r = q->c->api.temperature(q->dev, NVML_TEMPERATURE_GPU, &v);
        drv_nvml_num(&q->g->temperature_c, r, v);
}

/* MIG and ECC mode: (device, &current, &pending). */
static void get_mode_pair(const struct nvml_q *q, enum nvml_sym k, struct fact_num *cur,
                          struct fact_num *pending)
{
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
        unsigned int a = 0, b = 0;

        if (q_begin(q, k))
                r = k == NVML_SYM_mig_mode ? q->c->api.mig_mode(q->dev, &a, &b)
                                           : q->c->api.ecc_mode(q->dev, &a, &b);
        drv_nvml_num(cur, r, a);
        drv_nvml_num(pending, r, b);
}

static void get_modes(const struct nvml_q *q)
{
        get_mode_pair(q, NVML_SYM_mig_mode, &q->g->mig_mode_current, &q->g->mig_mode_pending);
        get_mode_pair(q, NVML_SYM_ecc_mode, &q->g->ecc_mode_current, &q->g->ecc_mode_pending);
}

static const struct {
        nvmlMemoryErrorType_t type;
        nvmlEccCounterType_t counter;
        size_t fact;
} nvml_ecc_totals[] = {
        { NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_VOLATILE_ECC,
          offsetof(struct snap_gpu, ecc_uncorrected_volatile) },
        { NVML_MEMORY_ERROR_TYPE_UNCORRECTED, NVML_AGGREGATE_ECC,
          offsetof(struct snap_gpu, ecc_uncorrected_aggregate) },
        { NVML_MEMORY_ERROR_TYPE_CORRECTED, NVML_VOLATILE_ECC,
          offsetof(struct snap_gpu, ecc_corrected_volatile) },
};

static void get_ecc_totals(const struct nvml_q *q)
{
        for (size_t i = 0; i < ARRAY_SIZE(nvml_ecc_totals); i++) {
                nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
                unsigned long long v = 0;

                if (q_begin(q, NVML_SYM_total_ecc_errors))
                        r = q->c->api.total_ecc_errors(q->dev, nvml_ecc_totals[i].type,
                                                       nvml_ecc_totals[i].counter, &v);
                drv_nvml_num(Q_NUM(q, nvml_ecc_totals[i].fact), r, (int64_t)(v & INT64_MAX));
        }
}

static void get_retired_pages(const struct nvml_q *q)
{
        static const struct {
                nvmlPageRetirementCause_t cause;
                size_t fact;
        } causes[] = {
                { NVML_PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS,
                  offsetof(struct snap_gpu, retired_pages_sbe) },
                { NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR,
                  offsetof(struct snap_gpu, retired_pages_dbe) },
        };

        for (size_t i = 0; i < ARRAY_SIZE(causes); i++) {
                nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
                unsigned long long unused; /* count 0 asks for the count only */
                unsigned int n = 0;

                if (q_begin(q, NVML_SYM_retired_pages))
                        r = q->c->api.retired_pages(q->dev, causes[i].cause, &n, &unused);
                if (r == NVML_ERROR_INSUFFICIENT_SIZE)
                        r = NVML_SUCCESS; /* the count is in n all the same */
                drv_nvml_num(Q_NUM(q, causes[i].fact), r, n);
        }
}

static void get_remapped_rows(const struct nvml_q *q)
{
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
        unsigned int corr = 0, unc = 0, pending = 0, failed = 0;

        if (q_begin(q, NVML_SYM_remapped_rows))
                r = q->c->api.remapped_rows(q->dev, &corr, &unc, &pending, &failed);
        drv_nvml_num(&q->g->remap_correctable, r, corr);
        drv_nvml_num(&q->g->remap_uncorrectable, r, unc);
        drv_nvml_num(&q->g->remap_pending, r, pending);
        drv_nvml_num(&q->g->remap_failed, r, failed);
}

static void get_clock_event_reasons(const struct nvml_q *q)
{
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
        unsigned long long mask = 0;

        if (q_begin(q, NVML_SYM_clock_event_reasons))
                r = q->c->api.clock_event_reasons(q->dev, &mask);
        drv_nvml_num(&q->g->clock_event_reasons, r, (int64_t)(mask & INT64_MAX));
}

/* The CPU NUMA node the GPU hangs off: NVML's node set at node scope, one
 * word (nodes 0..63). nvmlDeviceGetNumaNodeId is not it: that one names
 * the node of the GPU's own memory on coherent (Grace) platforms. An empty
 * set is a platform without NUMA information, kept as unsupported. */
static void get_numa_node(const struct nvml_q *q)
{
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
        unsigned long set = 0;

        if (q_begin(q, NVML_SYM_memory_affinity))
                r = q->c->api.memory_affinity(q->dev, 1, &set, NVML_AFFINITY_SCOPE_NODE);
        if (r == NVML_SUCCESS && set == 0) {
                fact_fail_num(&q->g->numa_node, FACT_UNSUPPORTED, "no NUMA node in the affinity set");
                return;
        }
        drv_nvml_num(&q->g->numa_node, r, set ? __builtin_ctzl(set) : 0);
}

static void (*const nvml_getters[])(const struct nvml_q *) = {
        get_name, get_pci, get_uuid, get_memory, get_compute_capability, get_uints,
        get_temperature, get_modes, get_ecc_totals, get_retired_pages, get_remapped_rows,
        get_clock_event_reasons, get_numa_node,
};

/* A GPU without a handle is still reported, so that a lost GPU shows. */
void drv_nvml_gpu_gather(const struct nvml_ctx *c, unsigned int i, struct snap_gpu *g)
{
        struct nvml_q q = { c, NULL, i, g };
        nvmlReturn_t r;

        worker_crumb("%s(%u)", c->used[NVML_SYM_handle_by_index], i);
        r = c->api.handle_by_index(i, &q.dev);
        if (r != NVML_SUCCESS) {
                _cleanup_free_ char *name = nvml_errors_why(r);
                _cleanup_free_ char *why = xasprintf("%s (no device handle)", name);

                fact_fail_str(&g->name, nvml_errors_status(r), why);
                return;
        }
        for (size_t k = 0; k < ARRAY_SIZE(nvml_getters); k++)
                nvml_getters[k](&q);
}

