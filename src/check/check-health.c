/* check-health.c - per-GPU health: uncorrected ECC errors, row remapping,
 * retired pages, clock throttling, and the kernel log's Xid events grouped
 * per GPU and code, classed by the knowledge base.
 *
 * Runs only when NVML initialised (below that its counters mean nothing).
 * A GPU that fell off the bus is the driver check's: its counters are
 * errors and its Xids (79 first) are that finding's evidence. */
#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"
#include "kb/kb.h"
#include "util/xalloc.h"

#define CHECK_HEALTH_HW (CHECK_CLK_HW_SLOWDOWN | CHECK_CLK_HW_THERMAL | CHECK_CLK_HW_POWER_BRAKE)

static int64_t check_health_num(const struct fact_num *f)
{
        return f->st == FACT_OK ? f->v : -1;
}

/* The Xids that report memory errors (DBE, page retirement and row
 * remapping events, contained and uncontained ECC errors). */
static bool check_health_memory_xid(int64_t code)
{
        return code == 48 || code == 63 || code == 64 || code == 92 || code == 94 || code == 95;
}

/* g has a memory finding (uncorrected ECC, failed or pending remap) that
 * its memory Xids belong to. */
/* A lifetime count with none since the driver loaded is history that
 * remapping already handled; a count since boot is not. */
static bool check_health_ecc_bad(const struct snap_gpu *g)
{
        int64_t vol = check_health_num(&g->ecc_uncorrected_volatile);

        return vol > 0 || (vol < 0 && check_health_num(&g->ecc_uncorrected_aggregate) > 0);
}

static bool check_health_memory_bad(const struct snap_gpu *g)
{
        return check_health_ecc_bad(g) || check_health_num(&g->remap_failed) > 0 ||
               check_health_num(&g->remap_pending) > 0;
}

static void check_health_xid_evidence(struct finding *f, const struct snapshot *s, const struct snap_gpu *g)
{
        for (size_t i = 0; i < s->klog.nxid; i++) {
                const struct snap_xid *x = &s->klog.xids[i];
                if (check_health_memory_xid(x->code) && g->pci_bus_id.st == FACT_OK &&
                    check_util_bus_eq(x->pci_bus_id, g->pci_bus_id.v))
                        finding_evidence(f, "kernel log: Xid %" PRId64 ": %s", x->code, x->detail ? x->detail : "");
        }
}

static void check_health_fix_reset(struct finding *f, const struct snap_gpu *g)
{
        finding_fix(f, "sudo nvidia-smi -r -i %" PRId64 "   # once no process uses it; or reboot", g->index);
}

static void check_health_ecc(const struct snapshot *s, const struct snap_gpu *g, struct findings *fs)
{
        int64_t vol = check_health_num(&g->ecc_uncorrected_volatile);
        int64_t agg = check_health_num(&g->ecc_uncorrected_aggregate);
        char name[CHECK_NAME_MAX];
        struct finding *f;

        if (!check_health_ecc_bad(g))
                return;
        if (vol > 0)
                f = finding_add(fs, "health.ecc-uncorrected", "%s has %" PRId64 " uncorrected ECC error%s since the driver loaded",
                                check_util_gpu_name(g, name), vol, vol == 1 ? "" : "s");
        else
                f = finding_add(fs, "health.ecc-uncorrected", "%s has %" PRId64 " uncorrected ECC error%s in its lifetime",
                                check_util_gpu_name(g, name), agg, agg == 1 ? "" : "s");
        f->gpu = g->index;
        finding_evidence(f, "NVML uncorrected ECC errors: volatile %" PRId64 ", aggregate %" PRId64, vol, agg);
        check_health_xid_evidence(f, s, g);
        finding_fix(f, "# the jobs that touched the bad memory have failed; drain the GPU");
        check_health_fix_reset(f, g);
        finding_fix(f, "# if the count keeps growing after the reset: dcgmi diag -r 3, then have the GPU replaced (RMA)");
}

static void check_health_remap_evidence(struct finding *f, const struct snap_gpu *g)
{
        finding_evidence(f, "NVML remapped rows: correctable %" PRId64 ", uncorrectable %" PRId64
                         ", pending %" PRId64 ", failure %" PRId64, check_health_num(&g->remap_correctable),
                         check_health_num(&g->remap_uncorrectable), check_health_num(&g->remap_pending),
                         check_health_num(&g->remap_failed));
}

static void check_health_memory(const struct snapshot *s, const struct snap_gpu *g, struct findings *fs)
{
        int64_t sbe = check_health_num(&g->retired_pages_sbe), dbe = check_health_num(&g->retired_pages_dbe);
        char name[CHECK_NAME_MAX];
        struct finding *f;

        check_util_gpu_name(g, name);
        if (check_health_num(&g->remap_failed) > 0) {
                f = finding_add(fs, "health.remap-failed", "%s failed to remap a memory row: it should be replaced", name);
                f->gpu = g->index;
                check_health_remap_evidence(f, g);
                if (!check_health_ecc_bad(g))
                        check_health_xid_evidence(f, s, g);
                finding_fix(f, "nvidia-smi -q -d ROW_REMAPPER -i %" PRId64, g->index);
                finding_fix(f, "# take it out of service and have it replaced (RMA): NVIDIA treats a remapping failure as an RMA case");
        } else if (check_health_num(&g->remap_pending) > 0) {
                f = finding_add(fs, "health.remap-pending", "%s has memory row remaps pending: they take effect at the next GPU reset", name);
                f->gpu = g->index;
                check_health_remap_evidence(f, g);
                if (!check_health_ecc_bad(g))
                        check_health_xid_evidence(f, s, g);
                check_health_fix_reset(f, g);
        }
        if (check_health_num(&g->retired_pages_pending) > 0) {
                f = finding_add(fs, "health.retired-pages-pending", "%s has memory pages pending retirement: they are retired at the next reset", name);
                f->gpu = g->index;
                finding_evidence(f, "NVML retired pages: pending, %" PRId64 " single-bit, %" PRId64 " double-bit", sbe, dbe);
                check_health_fix_reset(f, g);
        } else if (sbe + dbe > 0) {
                f = finding_add(fs, "health.retired-pages", "%s has retired %" PRId64 " memory pages", name,
                                (sbe > 0 ? sbe : 0) + (dbe > 0 ? dbe : 0));
                f->gpu = g->index;
                finding_evidence(f, "NVML retired pages: %" PRId64 " single-bit, %" PRId64 " double-bit", sbe, dbe);
                finding_fix(f, "# nothing to do while the count stays low; a growing count is a reason for dcgmi diag -r 3");
        }
}

/* ---- throttling ---- */

static void check_health_clock_evidence(struct finding *f, const struct snap_gpu *g)
{
        static const struct { uint64_t bit; const char *name; } bits[] = {
                { CHECK_CLK_SW_POWER_CAP, "SW power cap" },     { CHECK_CLK_HW_SLOWDOWN, "HW slowdown" },
                { CHECK_CLK_SW_THERMAL, "SW thermal slowdown" }, { CHECK_CLK_HW_THERMAL, "HW thermal slowdown" },
                { CHECK_CLK_HW_POWER_BRAKE, "HW power brake" },
        };
        char names[128] = "";
        size_t len = 0;

        for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
                if ((uint64_t)g->clock_event_reasons.v & bits[i].bit)
                        len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "", bits[i].name);
        finding_evidence(f, "NVML clock event reasons: 0x%" PRIx64 " (%s)", g->clock_event_reasons.v, names);
        if (g->temperature_c.st == FACT_OK)
                finding_evidence(f, "temperature: %" PRId64 " C", g->temperature_c.v);
        if (g->power_draw_mw.st == FACT_OK && g->power_limit_mw.st == FACT_OK)
                finding_evidence(f, "power: %" PRId64 " W of a %" PRId64 " W limit", g->power_draw_mw.v / 1000,
                                 g->power_limit_mw.v / 1000);
}

static void check_health_throttle(const struct snap_gpu *g, struct strv *capped, struct findings *fs)
{
        int64_t why = check_health_num(&g->clock_event_reasons);
        char name[CHECK_NAME_MAX];
        struct finding *f;

        if (why <= 0)
                return;
        check_util_gpu_name(g, name);
        if (why & CHECK_HEALTH_HW) {
                f = finding_add(fs, "health.throttle-hw", "%s is slowed by hardware (%s): its clocks are cut by half or more", name,
                                why & CHECK_CLK_HW_POWER_BRAKE ? "power brake" : why & CHECK_CLK_HW_THERMAL ? "too hot" : "HW slowdown");
                f->gpu = g->index;
                check_health_clock_evidence(f, g);
                finding_fix(f, "nvidia-smi -q -d PERFORMANCE,TEMPERATURE,POWER -i %" PRId64, g->index);
                /* HW slowdown alone is either heat or power: say both */
                if (why & CHECK_CLK_HW_THERMAL || !(why & CHECK_CLK_HW_POWER_BRAKE))
                        finding_fix(f, "# check its fans, the airflow through the chassis and dust; compare with its neighbours' temperatures");
                if (why & CHECK_CLK_HW_POWER_BRAKE || !(why & CHECK_CLK_HW_THERMAL))
                        finding_fix(f, "# power brake comes from the system: check the PSUs, their cables and the BMC's power policy");
        } else if (why & CHECK_CLK_SW_THERMAL) {
                f = finding_add(fs, "health.throttle-thermal", "%s lowers its clocks to stay under its temperature limit", name);
                f->gpu = g->index;
                check_health_clock_evidence(f, g);
                finding_fix(f, "# check its fans, the airflow through the chassis and dust");
                finding_fix(f, "nvidia-smi -q -d TEMPERATURE -i %" PRId64, g->index);
        } else if (why & CHECK_CLK_SW_POWER_CAP) {
                strv_pushf(capped, "%s: at its power limit (%" PRId64 " W of %" PRId64 " W)", name,
                           check_health_num(&g->power_draw_mw) / 1000, check_health_num(&g->power_limit_mw) / 1000);
        }
}

static void check_health_capped(const struct strv *capped, struct findings *fs)
{
        struct finding *f;

        if (!capped->n)
                return;
        f = finding_add(fs, "health.throttle-power", "%zu GPU%s held at %s power limit: normal under full load",
                        capped->n, capped->n == 1 ? " is" : "s are", capped->n == 1 ? "its" : "their");
        for (size_t i = 0; i < capped->n; i++)
                finding_evidence(f, "%s", capped->v[i]);
        finding_fix(f, "# if it happens at low power draw, the limit is set low: nvidia-smi -q -d POWER");
}

/* ---- Xid events ---- */

struct check_health_xid {
        const struct snap_xid *last;
        size_t count;
};

/* An Xid another finding reports: one of a GPU that fell off the bus or
 * that NVML does not list (the driver check's), or a memory error of a GPU
 * whose ECC or remap finding shows it. After a hang (hung_bus set) NVML
 * never got to list the GPUs past the hung one: only the hung GPU's Xids
 * are the driver finding's. */
static bool check_health_xid_explained(const struct snapshot *s, const struct snap_xid *x,
                                       const char *hung_bus)
{
        const struct snap_gpu *g = check_util_gpu_at(s, x->pci_bus_id);

        if (hung_bus && check_util_bus_eq(x->pci_bus_id, hung_bus))
                return true;
        if (g)
                return check_util_gpu_lost(g) || (check_health_memory_xid(x->code) && check_health_memory_bad(g));
        for (size_t i = 0; !hung_bus && i < s->pci.n; i++)
                if (s->pci.devs[i].kind && !strcmp(s->pci.devs[i].kind, "gpu") &&
                    check_util_bus_eq(s->pci.devs[i].bus_id, x->pci_bus_id))
                        return true;
        return false;
}

static const char *check_health_xid_id(const struct kb_xid *k)
{
        if (!k || k->cls == KB_XID_WARNING)
                return "health.xid-warning"; /* unknown codes: worth a look */
        return k->cls == KB_XID_CRITICAL ? "health.xid-critical" : "health.xid-app";
}

static void check_health_xid_one(const struct snapshot *s, const struct check_health_xid *grp,
                                 struct findings *fs)
{
        const struct snap_xid *x = grp->last;
        const struct kb_xid *k = kb_xid_find((int)x->code);
        char name[CHECK_NAME_MAX];
        struct finding *f;

        f = finding_add(fs, check_health_xid_id(k), "%s: Xid %" PRId64 " (%zu time%s): %s",
                        x->pci_bus_id ? check_util_bus_name(s, x->pci_bus_id, name) : "a GPU", x->code,
                        grp->count, grp->count == 1 ? "" : "s", k ? k->meaning : "a code dlrig does not know");
        if (x->pci_bus_id && check_util_gpu_at(s, x->pci_bus_id))
                f->gpu = check_util_gpu_at(s, x->pci_bus_id)->index;
        finding_evidence(f, "kernel log (%s), last: Xid %" PRId64 " on %s: %s", s->klog.source ? s->klog.source : "dmesg",
                         x->code, x->pci_bus_id ? x->pci_bus_id : "?", x->detail ? x->detail : "");
        if (k)
                finding_evidence(f, "NVIDIA name: %s", k->name);
        if (k)
                finding_fix(f, "# %s", k->action);
        else
                finding_fix(f, "# look it up: https://docs.nvidia.com/deploy/xid-errors/");
}

/* One finding per GPU and code, in the order they first appeared; those
 * on hung_bus belong to the driver's finding about the hang. */
static void check_health_xid(const struct snapshot *s, const char *hung_bus, struct findings *fs)
{
        struct check_health_xid *grp = xcalloc(s->klog.nxid ? s->klog.nxid : 1, sizeof(*grp));
        size_t n = 0;

        for (size_t i = 0; i < s->klog.nxid; i++) {
                const struct snap_xid *x = &s->klog.xids[i];
                size_t j;
                if (check_health_xid_explained(s, x, hung_bus))
                        continue;
                for (j = 0; j < n; j++)
                        if (grp[j].last->code == x->code &&
                            (grp[j].last->pci_bus_id == x->pci_bus_id ||
                             check_util_bus_eq(grp[j].last->pci_bus_id, x->pci_bus_id)))
                                break;
                grp[j].last = x;
                grp[j].count++;
                n += j == n;
        }
        for (size_t j = 0; j < n; j++)
                check_health_xid_one(s, &grp[j], fs);
        free(grp);
}

/* Some GPU told its health (a collect_env report tells none). */
static bool check_health_known(const struct snapshot *s)
{
        for (size_t i = 0; i < s->ngpus; i++) {
                const struct snap_gpu *g = &s->gpus[i];
                if (fact_ok(&g->clock_event_reasons) || fact_ok(&g->ecc_uncorrected_volatile) ||
                    fact_ok(&g->remap_pending) || fact_ok(&g->retired_pages_pending) || fact_ok(&g->temperature_c))
                        return true;
        }
        return false;
}

void check_health(const struct snapshot *s, struct findings *fs)
{
        struct check_hang hang;
        struct strv capped = STRV_INIT;
        size_t start = fs->n;
        bool lost = false, hung;

        if (!check_util_gpus_expected(s) || !check_util_kernel_ok(s) || !check_util_nvml_init_ok(s))
                return;
        for (size_t i = 0; i < s->ngpus; i++) {
                const struct snap_gpu *g = &s->gpus[i];
                if (check_util_gpu_lost(g)) {
                        lost = true;
                        continue;
                }
                check_health_ecc(s, g, fs);
                check_health_memory(s, g, fs);
                check_health_throttle(g, &capped, fs);
        }
        check_health_capped(&capped, fs);
        strv_release(&capped);
        /* On a hang the driver finding shows the hung GPU's Xids; those of
         * the others are still read here, unless the hang names no GPU
         * (then that finding shows them all). */
        hung = check_util_hang(s, &hang);
        if (hung ? hang.bus != NULL : s->nvml.probe.st == FACT_OK)
                check_health_xid(s, hung ? hang.bus : NULL, fs);
        if (fs->n == start && !lost && s->nvml.probe.st == FACT_OK && !s->klog.nxid && check_health_known(s))
                finding_add(fs, "health.ok", "%zu GPU%s: no uncorrected ECC errors, pending remaps, throttling or Xid errors%s",
                            s->ngpus, s->ngpus == 1 ? "" : "s",
                            s->klog.probe.st == FACT_OK ? ""
                            : s->klog.probe.st == FACT_UNSET ? " (no kernel log in the report: Xid errors not checked)"
                                                             : " (the kernel log could not be read)");
}
