/* check-pci.c - the hardware layer: are there NVIDIA GPUs on the bus, and
 * do their PCIe links run as wide and fast as they can?
 *
 * A link that is narrower than its maximum is a fault (a riser, a slot
 * wired x8, a badly seated card). A link that is only slower while the GPU
 * idles is the driver's power saving, and recovers under load; telling the
 * two apart keeps an idle healthy machine from looking broken. */
#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* What a GPU's link does and can do, from NVML where it answers (it sees
 * the link the driver trained) and sysfs otherwise. */
struct check_pci_link {
        int64_t gen_cur, gen_max, width_cur, width_max;
        bool idle;      /* NVML says the GPU is idle, or cannot tell */
        bool slowed;    /* NVML says its clocks are held down (thermal, power brake) */
        bool from_nvml;
};

/* The PCI devices of kind, described as "8 × NVIDIA A10G". Owned. */
static char *check_pci_describe(const struct snapshot *s, const char *kind)
{
        struct strbuf sb = STRBUF_INIT;
        const char **names = xcalloc(s->pci.n ? s->pci.n : 1, sizeof(*names));
        char (*ids)[16] = xcalloc(s->pci.n ? s->pci.n : 1, sizeof(*ids));
        size_t n = 0;

        for (size_t i = 0; i < s->pci.n; i++) {
                const struct snap_pci_dev *d = &s->pci.devs[i];
                if (!d->kind || strcmp(d->kind, kind))
                        continue;
                snprintf(ids[n], sizeof(ids[n]), "10de:%04" PRIx64, d->device_id);
                names[n] = d->name.st == FACT_OK ? d->name.v : ids[n];
                n++;
        }
        check_util_tally(&sb, names, n);
        free(names);
        free(ids);
        return strbuf_detach(&sb);
}

static void check_pci_no_gpu(const struct snapshot *s, struct findings *fs)
{
        bool libs = s->cuda.library || s->nvml.library;
        struct finding *f;

        f = finding_add(fs, "pci.no-gpu", "no NVIDIA GPU on the PCI bus%s",
                        libs ? ": this machine can build CUDA programs but not run them" : "");
        finding_evidence(f, "/sys/bus/pci/devices: no device of vendor 0x10de with a display or 3D class");
        if (s->cuda.library)
                finding_evidence(f, "libcuda: %s (installed, but there is no GPU for it)", s->cuda.library);
        if (s->nvml.library)
                finding_evidence(f, "libnvidia-ml: %s", s->nvml.library);
        finding_fix(f, "# nothing to repair here: CUDA programs need a machine with an NVIDIA GPU");
        finding_fix(f, "# in a cloud VM, choose a GPU instance type; with PCI passthrough, attach the GPU to this VM");
        finding_fix(f, "# to judge a GPU machine from here: dlrig doctor --save snap.json there, dlrig doctor --from snap.json here");
}

static void check_pci_present(const struct snapshot *s, struct findings *fs)
{
        char *gpus = check_pci_describe(s, "gpu");
        char *sw = snap_pci_count(s, "nvswitch") ? check_pci_describe(s, "nvswitch") : NULL;

        finding_add(fs, "pci.gpus-present", "%s on the PCI bus%s%s", gpus, sw ? ", with " : "",
                    sw ? sw : "");
        free(gpus);
        free(sw);
}

static int64_t check_pci_max(const struct fact_num *a, const struct fact_num *b)
{
        int64_t x = a && a->st == FACT_OK ? a->v : 0, y = b && b->st == FACT_OK ? b->v : 0;

        return x > y ? x : y;
}

static int64_t check_pci_cur(const struct fact_num *nvml, const struct fact_num *sysfs)
{
        if (nvml && nvml->st == FACT_OK)
                return nvml->v;
        return sysfs->st == FACT_OK ? sysfs->v : 0;
}

static bool check_pci_sane(int64_t v, int64_t max)
{
        return v > 0 && v <= max;
}

/* Fills ret; false when the link cannot be judged (unknown or garbage, as
 * a lost GPU's config space reads all ones). */
static bool check_pci_link_of(const struct snap_pci_dev *d, const struct snap_gpu *g,
                              struct check_pci_link *ret)
{
        ret->gen_cur = check_pci_cur(g ? &g->pcie_gen_cur : NULL, &d->link_gen_cur);
        ret->width_cur = check_pci_cur(g ? &g->pcie_width_cur : NULL, &d->link_width_cur);
        ret->gen_max = check_pci_max(g ? &g->pcie_gen_max : NULL, &d->link_gen_max);
        ret->width_max = check_pci_max(g ? &g->pcie_width_max : NULL, &d->link_width_max);
        ret->from_nvml = g && g->pcie_width_cur.st == FACT_OK;
        ret->idle = !g || g->clock_event_reasons.st != FACT_OK ||
                    (g->clock_event_reasons.v & CHECK_CLK_GPU_IDLE);
        ret->slowed = g && g->clock_event_reasons.st == FACT_OK &&
                      (g->clock_event_reasons.v & (CHECK_CLK_HW_SLOWDOWN | CHECK_CLK_SW_THERMAL |
                                                   CHECK_CLK_HW_THERMAL | CHECK_CLK_HW_POWER_BRAKE));
        return check_pci_sane(ret->gen_cur, 6) && check_pci_sane(ret->gen_max, 6) &&
               check_pci_sane(ret->width_cur, 32) && check_pci_sane(ret->width_max, 32);
}

static void check_pci_link_evidence(struct finding *f, const struct snap_pci_dev *d,
                                    const struct snap_gpu *g)
{
        if (d->link_width_cur.st == FACT_OK && d->link_width_max.st == FACT_OK)
                finding_evidence(f, "/sys/bus/pci/devices/%s: current_link_width %" PRId64
                                 ", max_link_width %" PRId64 ", current_link_speed %s, max_link_speed %s",
                                 d->bus_id, d->link_width_cur.v, d->link_width_max.v,
                                 d->link_speed_cur.st == FACT_OK ? d->link_speed_cur.v : "?",
                                 d->link_speed_max.st == FACT_OK ? d->link_speed_max.v : "?");
        if (g && g->pcie_width_cur.st == FACT_OK && g->pcie_gen_cur.st == FACT_OK)
                finding_evidence(f, "NVML PCIe link: Gen%" PRId64 " x%" PRId64 " (max Gen%" PRId64
                                 " x%" PRId64 ")", g->pcie_gen_cur.v, g->pcie_width_cur.v,
                                 check_pci_max(&g->pcie_gen_max, NULL),
                                 check_pci_max(&g->pcie_width_max, NULL));
        if (g && g->clock_event_reasons.st == FACT_OK)
                finding_evidence(f, "NVML clock event reasons: 0x%" PRIx64 "%s", g->clock_event_reasons.v,
                                 g->clock_event_reasons.v & CHECK_CLK_GPU_IDLE ? " (idle)" : " (busy)");
}

static void check_pci_degraded(const struct snapshot *s, const struct snap_pci_dev *d,
                               const struct snap_gpu *g, const struct check_pci_link *l,
                               struct findings *fs)
{
        char name[CHECK_NAME_MAX], cap[64];
        bool narrow = l->width_cur < l->width_max;
        struct finding *f;

        if (l->gen_cur < l->gen_max)
                snprintf(cap, sizeof(cap), "Gen%" PRId64 " x%" PRId64, l->gen_max, l->width_max);
        else
                snprintf(cap, sizeof(cap), "x%" PRId64, l->width_max);
        f = finding_add(fs, "pci.link-degraded", "%s runs at PCIe Gen%" PRId64 " x%" PRId64 "%s, capable of %s",
                        check_util_bus_name(s, d->bus_id, name), l->gen_cur, l->width_cur,
                        narrow ? "" : " while busy", cap);
        if (g)
                f->gpu = g->index;
        check_pci_link_evidence(f, d, g);
        finding_fix(f, "sudo lspci -vv -s %s | grep -E 'LnkCap|LnkSta'", d->bus_id);
        if (narrow) {
                finding_fix(f, "# a link trains its width at boot: power off, reseat the GPU, check its riser or cable");
                finding_fix(f, "# and that the slot is wired x%" PRId64 " (see the board manual), then boot again",
                            l->width_max);
        } else {
                finding_fix(f, "# under load a link should reach its top speed: set the slot to Gen%" PRId64
                            " (or Auto) in the BIOS, reseat the card, replace a riser or retimer", l->gen_max);
        }
}

/* The GPUs whose link only slowed down while idle, for one note. */
struct check_pci_idle {
        struct strv lines;              /* one per GPU */
        struct check_pci_link first;
        bool mixed;                     /* not all at the same link state */
};

static void check_pci_power_saving(const struct check_pci_idle *idle, struct findings *fs)
{
        const struct check_pci_link *l = &idle->first;
        size_t n = idle->lines.n;
        struct finding *f;

        if (idle->mixed)
                f = finding_add(fs, "pci.link-power-saving",
                                "%zu GPUs idle below their top PCIe speed: power saving, the link speeds up under load", n);
        else
                f = finding_add(fs, "pci.link-power-saving",
                                "%zu GPU%s idle at PCIe Gen%" PRId64 " x%" PRId64 " (top Gen%" PRId64
                                "): power saving, the link speeds up under load",
                                n, n == 1 ? "" : "s", l->gen_cur, l->width_cur, l->gen_max);
        if (idle->mixed || n == 1)
                for (size_t i = 0; i < n; i++)
                        finding_evidence(f, "%s", idle->lines.v[i]);
        else
                finding_evidence(f, "all %zu: Gen%" PRId64 " x%" PRId64 " of Gen%" PRId64 " x%" PRId64 " (%s)", n,
                                 l->gen_cur, l->width_cur, l->gen_max, l->width_max, l->from_nvml ? "NVML" : "sysfs");
        finding_fix(f, "# nothing to fix; to confirm, read the link while the GPUs work:");
        finding_fix(f, "nvidia-smi --query-gpu=index,pcie.link.gen.current,pcie.link.gen.max,pcie.link.width.current --format=csv");
}

static void check_pci_idle_add(const struct snapshot *s, const struct snap_pci_dev *d,
                               const struct check_pci_link *l, struct check_pci_idle *idle)
{
        char name[CHECK_NAME_MAX];
        const struct check_pci_link *f = &idle->first;

        strv_pushf(&idle->lines, "%s: Gen%" PRId64 " x%" PRId64 " of Gen%" PRId64 " x%" PRId64 " (%s)",
                   check_util_bus_name(s, d->bus_id, name), l->gen_cur, l->width_cur, l->gen_max,
                   l->width_max, l->from_nvml ? "NVML" : "sysfs");
        if (idle->lines.n == 1)
                idle->first = *l;
        else if (f->gen_cur != l->gen_cur || f->width_cur != l->width_cur || f->gen_max != l->gen_max ||
                 f->width_max != l->width_max)
                idle->mixed = true;
}

/* Judges one GPU's link: narrower is a fault; slower is a fault only while
 * the GPU works at full clocks (idle is power saving, and a GPU that
 * throttles has the throttle finding). */
static void check_pci_link(const struct snapshot *s, const struct snap_pci_dev *d,
                           struct check_pci_idle *idle, struct findings *fs)
{
        const struct snap_gpu *g = check_util_gpu_at(s, d->bus_id);
        struct check_pci_link l;

        if ((g && check_util_gpu_lost(g)) || !check_pci_link_of(d, g, &l))
                return;
        if (l.width_cur < l.width_max)
                check_pci_degraded(s, d, g, &l, fs);
        else if (l.gen_cur < l.gen_max && l.idle)
                check_pci_idle_add(s, d, &l, idle);
        else if (l.gen_cur < l.gen_max && !l.slowed)
                check_pci_degraded(s, d, g, &l, fs);
}

void check_pci(const struct snapshot *s, struct findings *fs)
{
        struct check_pci_idle idle = { STRV_INIT, { 0 }, false };
        struct finding *f;

        if (s->pci.probe.st == FACT_UNSET)
                return; /* not in the report judged: nothing to say */
        if (s->pci.probe.st != FACT_OK) {
                f = finding_add(fs, "pci.unreadable", "the PCI devices could not be read (%s): judging from the driver alone",
                                fact_st_name(s->pci.probe.st));
                finding_evidence(f, "/sys/bus/pci/devices: %s", s->pci.probe.why ? s->pci.probe.why : fact_st_name(s->pci.probe.st));
                finding_fix(f, "# run dlrig on the host, not in a container without /sys, or as a user who can read /sys/bus/pci");
                return;
        }
        if (!check_util_pci_gpus(s)) {
                check_pci_no_gpu(s, fs);
                return;
        }
        check_pci_present(s, fs);
        for (size_t i = 0; i < s->pci.n; i++)
                if (s->pci.devs[i].kind && !strcmp(s->pci.devs[i].kind, "gpu"))
                        check_pci_link(s, &s->pci.devs[i], &idle, fs);
        /* Without a driver every GPU idles at its lowest speed: no news. */
        if (idle.lines.n && check_util_kernel_ok(s))
                check_pci_power_saving(&idle, fs);
        strv_release(&idle.lines);
}
