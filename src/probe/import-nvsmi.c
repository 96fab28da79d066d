/* import-nvsmi.c - nvidia-smi -q -x as a partial snapshot, with expat.
 *
 * <nvidia_smi_log> holds driver_version, cuda_version, attached_gpus and a
 * <gpu id="00000000:3B:00.0"> per GPU; each GPU's facts are leaves found by
 * their path below <gpu>. The names moved between driver branches (power
 * under power_readings, then gpu_power_readings; ECC counts as
 * single_bit/double_bit totals, then sram_/dram_ counters;
 * clocks_throttle_reasons, then clocks_event_reasons): both spellings are
 * read. "N/A", "[N/A]" and "Not Supported" mark a fact unsupported. The DTD
 * nvidia-smi names is not loaded. */
#include "import.h"

#include <errno.h>
#include <expat.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/versions.h"
#include "util/xalloc.h"

#define NVSMI_PATH_MAX 512
#define NVSMI_TEXT_MAX 4096

/* How a leaf's text becomes a fact. */
enum nv_kind {
        NV_STR,     /* as is */
        NV_INT,     /* "0", "5", "16x", "35 C" */
        NV_HEX,     /* "233510DE" */
        NV_ONOFF,   /* "Enabled" 1, "Disabled" 0 */
        NV_YESNO,   /* "Yes" 1, "No" 0 */
        NV_MIB,     /* "143771 MiB" -> bytes */
        NV_WATTS,   /* "79.07 W" -> mW */
        NV_SUM,     /* an integer added to the fact (ECC counters) */
};

struct nv_leaf {
        const char *path; /* below <gpu> */
        enum nv_kind kind;
        size_t off;       /* of the fact in struct snap_gpu */
};

#define GPU_F(name) offsetof(struct snap_gpu, name)

static const struct nv_leaf nv_leaves[] = {
        { "product_name", NV_STR, GPU_F(name) },
        { "uuid", NV_STR, GPU_F(uuid) },
        { "minor_number", NV_INT, GPU_F(minor_number) },
        { "persistence_mode", NV_ONOFF, GPU_F(persistence_mode) },
        { "mig_mode/current_mig", NV_ONOFF, GPU_F(mig_mode_current) },
        { "mig_mode/pending_mig", NV_ONOFF, GPU_F(mig_mode_pending) },
        { "pci/pci_device_id", NV_HEX, GPU_F(pci_device_id) },
        { "pci/pci_gpu_link_info/pcie_gen/current_link_gen", NV_INT, GPU_F(pcie_gen_cur) },
        { "pci/pci_gpu_link_info/pcie_gen/max_link_gen", NV_INT, GPU_F(pcie_gen_max) },
        { "pci/pci_gpu_link_info/link_widths/current_link_width", NV_INT, GPU_F(pcie_width_cur) },
        { "pci/pci_gpu_link_info/link_widths/max_link_width", NV_INT, GPU_F(pcie_width_max) },
        { "fb_memory_usage/total", NV_MIB, GPU_F(memory_total_bytes) },
        { "ecc_mode/current_ecc", NV_ONOFF, GPU_F(ecc_mode_current) },
        { "ecc_mode/pending_ecc", NV_ONOFF, GPU_F(ecc_mode_pending) },
        /* R535 on: SRAM and DRAM counters */
        { "ecc_errors/volatile/dram_uncorrectable", NV_SUM, GPU_F(ecc_uncorrected_volatile) },
        { "ecc_errors/volatile/sram_uncorrectable", NV_SUM, GPU_F(ecc_uncorrected_volatile) },
        { "ecc_errors/volatile/sram_uncorrectable_parity", NV_SUM, GPU_F(ecc_uncorrected_volatile) },
        { "ecc_errors/volatile/sram_uncorrectable_secded", NV_SUM, GPU_F(ecc_uncorrected_volatile) },
        { "ecc_errors/volatile/dram_correctable", NV_SUM, GPU_F(ecc_corrected_volatile) },
        { "ecc_errors/volatile/sram_correctable", NV_SUM, GPU_F(ecc_corrected_volatile) },
        { "ecc_errors/aggregate/dram_uncorrectable", NV_SUM, GPU_F(ecc_uncorrected_aggregate) },
        { "ecc_errors/aggregate/sram_uncorrectable", NV_SUM, GPU_F(ecc_uncorrected_aggregate) },
        { "ecc_errors/aggregate/sram_uncorrectable_parity", NV_SUM, GPU_F(ecc_uncorrected_aggregate) },
        { "ecc_errors/aggregate/sram_uncorrectable_secded", NV_SUM, GPU_F(ecc_uncorrected_aggregate) },
        /* before: single- and double-bit totals */
        { "ecc_errors/volatile/double_bit/total", NV_SUM, GPU_F(ecc_uncorrected_volatile) },
        { "ecc_errors/volatile/single_bit/total", NV_SUM, GPU_F(ecc_corrected_volatile) },
        { "ecc_errors/aggregate/double_bit/total", NV_SUM, GPU_F(ecc_uncorrected_aggregate) },
        { "retired_pages/multiple_single_bit_retirement/retired_count", NV_INT, GPU_F(retired_pages_sbe) },
        { "retired_pages/double_bit_retirement/retired_count", NV_INT, GPU_F(retired_pages_dbe) },
        { "retired_pages/pending_retirement", NV_YESNO, GPU_F(retired_pages_pending) },
        { "retired_pages/pending_blacklist", NV_YESNO, GPU_F(retired_pages_pending) },
        { "remapped_rows/remapped_row_corr", NV_INT, GPU_F(remap_correctable) },
        { "remapped_rows/remapped_row_unc", NV_INT, GPU_F(remap_uncorrectable) },
        { "remapped_rows/remapped_row_pending", NV_YESNO, GPU_F(remap_pending) },
        { "remapped_rows/remapped_row_failure", NV_YESNO, GPU_F(remap_failed) },
        { "temperature/gpu_temp", NV_INT, GPU_F(temperature_c) },
        { "gpu_power_readings/instant_power_draw", NV_WATTS, GPU_F(power_draw_mw) },
        { "gpu_power_readings/power_draw", NV_WATTS, GPU_F(power_draw_mw) },
        { "power_readings/power_draw", NV_WATTS, GPU_F(power_draw_mw) },
        { "gpu_power_readings/current_power_limit", NV_WATTS, GPU_F(power_limit_mw) },
        { "power_readings/power_limit", NV_WATTS, GPU_F(power_limit_mw) },
};

/* The reasons' leaves, after "clocks_event_reason_" or
 * "clocks_throttle_reason_", and their nvml.h bits. */
static const struct {
        const char *name;
        int64_t bit;
} nv_reasons[] = {
        { "gpu_idle", 0x1 },           { "applications_clocks_setting", 0x2 },
        { "sw_power_cap", 0x4 },       { "hw_slowdown", 0x8 },
        { "sync_boost", 0x10 },        { "sw_thermal_slowdown", 0x20 },
        { "hw_thermal_slowdown", 0x40 }, { "hw_power_brake_slowdown", 0x80 },
        { "display_clocks_setting", 0x100 },
};

struct nv {
        struct snapshot *s;
        struct snap_gpu *gpu;   /* the <gpu> open, if any */
        char path[NVSMI_PATH_MAX];
        size_t len;             /* of path */
        size_t skip;            /* depth past NVSMI_PATH_MAX */
        struct strbuf text;     /* of the leaf open */
        bool root;
};

static bool nv_unsupported(const char *v)
{
        return !*v || strstr(v, "N/A") || strstr(v, "Not Supported") || strstr(v, "Unknown") ||
               strstr(v, "deprecated") || strstr(v, "Insufficient");
}

/* The leading integer of "16x", "35 C", "143771 MiB". */
static bool nv_int(const char *v, int base, int64_t *ret)
{
        char *end;
        long long x;

        errno = 0;
        x = strtoll(v, &end, base);
        if (end == v || errno)
                return false;
        *ret = x;
        return true;
}

static bool nv_value(const char *v, enum nv_kind kind, int64_t *ret)
{
        double w;
        char *end;

        switch (kind) {
        case NV_INT: case NV_SUM: return nv_int(v, 10, ret);
        case NV_HEX: return nv_int(v, 16, ret);
        case NV_MIB: return nv_int(v, 10, ret) && *ret >= 0 && *ret < (INT64_C(1) << 40) && (*ret <<= 20, true);
        case NV_ONOFF: *ret = !strcmp(v, "Enabled"); return *ret || !strcmp(v, "Disabled");
        case NV_YESNO: *ret = !strcmp(v, "Yes"); return *ret || !strcmp(v, "No");
        case NV_WATTS:
                w = strtod(v, &end);
                if (end == v || w < 0 || w > 1e9)
                        return false;
                *ret = (int64_t)(w * 1000 + 0.5);
                return true;
        default: return false;
        }
}

static void nv_set(struct snap_gpu *g, const struct nv_leaf *l, const char *v)
{
        int64_t x;

        if (l->kind == NV_STR) {
                struct fact_str *f = (struct fact_str *)((char *)g + l->off);
                if (!nv_unsupported(v))
                        fact_set_str(f, v);
                return;
        }
        struct fact_num *f = (struct fact_num *)((char *)g + l->off);
        if (l->kind == NV_SUM) {
                if (nv_value(v, l->kind, &x) && x >= 0)
                        fact_set_num(f, (f->st == FACT_OK ? f->v : 0) + (x < INT32_MAX ? x : INT32_MAX));
        } else if (f->st == FACT_OK) {
                return; /* the first spelling read wins */
        } else if (nv_value(v, l->kind, &x)) {
                fact_set_num(f, x);
        } else if (nv_unsupported(v)) {
                fact_fail_num(f, FACT_UNSUPPORTED, v);
        }
}

/* "clocks_event_reasons/clocks_event_reason_sw_power_cap" = "Active". */
static bool nv_reason(struct snap_gpu *g, const char *rel, const char *v)
{
        const char *leaf;

        if (startswith(rel, "clocks_event_reasons/clocks_event_reason_"))
                leaf = rel + strlen("clocks_event_reasons/clocks_event_reason_");
        else if (startswith(rel, "clocks_throttle_reasons/clocks_throttle_reason_"))
                leaf = rel + strlen("clocks_throttle_reasons/clocks_throttle_reason_");
        else
                return false;
        for (size_t i = 0; i < sizeof(nv_reasons) / sizeof(nv_reasons[0]); i++) {
                if (strcmp(leaf, nv_reasons[i].name))
                        continue;
                if (!strcmp(v, "Active") || !strcmp(v, "Not Active"))
                        fact_set_num(&g->clock_event_reasons,
                                     (g->clock_event_reasons.st == FACT_OK ? g->clock_event_reasons.v : 0) |
                                             (!strcmp(v, "Active") ? nv_reasons[i].bit : 0));
        }
        return true;
}

static void nv_gpu_leaf(struct nv *n, const char *rel, const char *v)
{
        if (nv_reason(n->gpu, rel, v))
                return;
        for (size_t i = 0; i < sizeof(nv_leaves) / sizeof(nv_leaves[0]); i++)
                if (!strcmp(rel, nv_leaves[i].path))
                        nv_set(n->gpu, &nv_leaves[i], v);
}

/* "13.0" -> 13000, as cuDriverGetVersion says it. */
static void nv_top_leaf(struct nv *n, const char *name, const char *v)
{
        struct snap_nvml *m = &n->s->nvml;
        long major, minor;
        int64_t x;

        if (!strcmp(name, "driver_version") && !nv_unsupported(v))
                fact_set_str(&m->driver_version, v);
        else if (!strcmp(name, "cuda_version") && version_parse_mm(v, &major, &minor) && major < 1000 && minor < 100)
                fact_set_num(&m->cuda_driver_version, major * 1000 + minor * 10);
        else if (!strcmp(name, "attached_gpus") && nv_int(v, 10, &x) && x >= 0)
                fact_set_num(&m->device_count, x);
}

static void XMLCALL nv_start(void *data, const XML_Char *name, const XML_Char **attrs)
{
        struct nv *n = data;
        size_t len = strlen(name);

        if (n->skip || n->len + 1 + len >= NVSMI_PATH_MAX) {
                n->skip++;
                return;
        }
        if (n->len)
                n->path[n->len++] = '/';
        memcpy(n->path + n->len, name, len + 1);
        n->len += len;
        strbuf_reset(&n->text);
        if (!strcmp(n->path, "nvidia_smi_log"))
                n->root = true;
        if (strcmp(n->path, "nvidia_smi_log/gpu"))
                return;
        n->gpu = snap_add_gpu(n->s);
        for (size_t i = 0; attrs[i] && attrs[i + 1]; i += 2)
                if (!strcmp(attrs[i], "id")) {
                        char *bus = pci_bus_id_normalize(attrs[i + 1]);
                        if (bus)
                                fact_take_str(&n->gpu->pci_bus_id, bus);
                }
}

static void XMLCALL nv_text(void *data, const XML_Char *s, int len)
{
        struct nv *n = data;

        if (!n->skip && len > 0 && n->text.len + (size_t)len < NVSMI_TEXT_MAX)
                strbuf_add(&n->text, s, (size_t)len);
}

static void XMLCALL nv_end(void *data, const XML_Char *name)
{
        struct nv *n = data;
        static const char gpu[] = "nvidia_smi_log/gpu";
        _cleanup_free_ char *v = NULL;
        char *slash;

        (void)name;
        if (n->skip) {
                n->skip--;
                return;
        }
        v = strip_dup(n->text.buf ? n->text.buf : "", n->text.len);
        strbuf_reset(&n->text);
        if (n->gpu && startswith(n->path, gpu) && n->path[sizeof(gpu) - 1] == '/')
                nv_gpu_leaf(n, n->path + sizeof(gpu), v);
        else if (startswith(n->path, "nvidia_smi_log/") && !strchr(n->path + 15, '/'))
                nv_top_leaf(n, n->path + 15, v);
        if (!strcmp(n->path, gpu))
                n->gpu = NULL;
        slash = strrchr(n->path, '/');
        n->len = slash ? (size_t)(slash - n->path) : 0;
        n->path[n->len] = 0;
}

/* The facts an nvidia-smi report stands for: NVML answered. */
static void nv_fill(struct snapshot *s)
{
        probe_set(&s->nvml.probe, FACT_OK, NULL);
        fact_set_num(&s->nvml.init_result, 0);
        if (s->nvml.device_count.st != FACT_OK)
                fact_set_num(&s->nvml.device_count, (int64_t)s->ngpus);
        for (size_t i = 0; i < s->ngpus; i++) {
                struct snap_gpu *g = &s->gpus[i];
                const struct kb_gpu *k = NULL;
                const char *cc = NULL;

                if (g->pci_device_id.st == FACT_OK && (g->pci_device_id.v & 0xffff) == 0x10de)
                        k = kb_gpu_by_pci((unsigned)((uint64_t)g->pci_device_id.v >> 16) & 0xffff);
                cc = k ? k->cc : g->name.st == FACT_OK ? import_cc_of_name(g->name.v) : NULL;
                if (cc)
                        fact_set_str(&g->compute_capability, cc);
        }
}

int import_nvsmi(const char *buf, size_t len, struct snapshot *s, char **err)
{
        struct nv n = { .s = s, .text = STRBUF_INIT };
        XML_Parser p = XML_ParserCreate(NULL);
        int ok;

        if (!p)
                return -ENOMEM;
        XML_SetUserData(p, &n);
        XML_SetElementHandler(p, nv_start, nv_end);
        XML_SetCharacterDataHandler(p, nv_text);
        ok = len <= INT32_MAX && XML_Parse(p, buf, (int)len, 1) == XML_STATUS_OK;
        if (!ok && err)
                *err = xasprintf("line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(p),
                                 XML_ErrorString(XML_GetErrorCode(p)));
        else if (!n.root && err)
                *err = xstrdup("no <nvidia_smi_log> root: not an nvidia-smi -q -x report");
        XML_ParserFree(p);
        strbuf_release(&n.text);
        if (!ok || !n.root)
                return -EINVAL;
        nv_fill(s);
        return 0;
}
