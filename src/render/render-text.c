/* render-text.c - the human doctor report. Colour only when asked for by
 * the caller (a terminal, no NO_COLOR); the layout never depends on it. */
#include "render.h"

#include <inttypes.h>
#include <string.h>

#define C_RED "\033[31m"
#define C_YEL "\033[33m"
#define C_GRN "\033[32m"
#define C_BLU "\033[36m"
#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

const char *render_fact_str(const struct fact_str *f, const char *unknown)
{
        return f->st == FACT_OK && f->v ? f->v : unknown;
}

/* MiB, as nvidia-smi prints GPU memory, so the numbers can be compared. */
const char *render_bytes(int64_t bytes, char *buf)
{
        snprintf(buf, 32, "%" PRId64 " MiB", bytes / (1024 * 1024));
        return buf;
}

static const char *paint(const struct render_opts *o, const char *code)
{
        return o->color ? code : "";
}

static void render_system(FILE *out, const struct snapshot *s)
{
        const struct snap_os *os = &s->os;
        const char *sb = os->secure_boot.st != FACT_OK ? "Secure Boot unknown"
                         : os->secure_boot.v ? "Secure Boot on" : "Secure Boot off";

        if (os->secure_boot.st == FACT_ABSENT)
                sb = "no EFI";
        fprintf(out, "  System   %s, kernel %s, %s, %s\n",
                render_fact_str(&os->pretty_name, "unknown distribution"),
                render_fact_str(&os->kernel, "unknown"), render_fact_str(&os->arch, "unknown"), sb);
}

static void render_driver(FILE *out, const struct snapshot *s)
{
        const struct snap_nvml *n = &s->nvml;
        const struct snap_kmod *k = &s->kmod;

        fprintf(out, "  Driver   ");
        if (n->driver_version.st == FACT_OK)
                fprintf(out, "%s", n->driver_version.v);
        else
                fprintf(out, "not answering");
        if (n->cuda_driver_version.st == FACT_OK)
                fprintf(out, " (CUDA %" PRId64 ".%" PRId64 ")", n->cuda_driver_version.v / 1000,
                        n->cuda_driver_version.v % 1000 / 10);
        if (k->nvidia)
                fprintf(out, ", module %s%s%s%s", render_fact_str(&k->loaded_version, "?"),
                        k->flavour.st == FACT_OK ? " (" : "",
                        render_fact_str(&k->flavour, ""), k->flavour.st == FACT_OK ? ")" : "");
        else if (k->probe.st == FACT_UNSET)
                fprintf(out, ", nvidia module unknown");
        else
                fprintf(out, ", nvidia module not loaded");
        fputc('\n', out);
}

static void render_nvml_gpu(FILE *out, const struct snap_gpu *g)
{
        char mem[32];

        fprintf(out, "    %-2" PRId64 " %-28s %-13s %10s  sm %-4s", g->index,
                render_fact_str(&g->name, "?"), render_fact_str(&g->pci_bus_id, "?"),
                g->memory_total_bytes.st == FACT_OK ? render_bytes(g->memory_total_bytes.v, mem) : "?",
                render_fact_str(&g->compute_capability, "?"));
        if (g->pcie_gen_cur.st == FACT_OK && g->pcie_width_cur.st == FACT_OK)
                fprintf(out, "  Gen%" PRId64 " x%" PRId64, g->pcie_gen_cur.v, g->pcie_width_cur.v);
        if (g->temperature_c.st == FACT_OK)
                fprintf(out, "  %" PRId64 " C", g->temperature_c.v);
        fputc('\n', out);
}

/* Without NVML the bus is all we know: show what sits there and who owns it. */
static void render_pci_dev(FILE *out, const struct snap_pci_dev *d)
{
        fprintf(out, "    -- %-28s %-13s  %04" PRIx64 ":%04" PRIx64 "  driver %s\n",
                render_fact_str(&d->name, d->kind ? d->kind : "?"), d->bus_id,
                d->vendor_id, d->device_id, render_fact_str(&d->driver, "none"));
}

static void render_gpus(FILE *out, const struct snapshot *s)
{
        size_t switches = snap_pci_count(s, "nvswitch");

        if (s->pci.probe.st == FACT_UNSET)
                fprintf(out, "  GPUs     PCI unknown");
        else
                fprintf(out, "  GPUs     %zu on PCI", snap_pci_count(s, "gpu"));
        if (switches)
                fprintf(out, " (and %zu NVSwitches)", switches);
        if (s->nvml.probe.st == FACT_OK)
                fprintf(out, ", %zu in NVML, ", s->ngpus);
        else if (s->ngpus)
                fprintf(out, ", %zu in NVML before it stopped answering, ", s->ngpus);
        else
                fprintf(out, ", NVML n/a, ");
        if (s->cuda.device_count.st == FACT_OK)
                fprintf(out, "%" PRId64 " in CUDA\n", s->cuda.device_count.v);
        else
                fprintf(out, "CUDA n/a\n");
        for (size_t i = 0; i < s->ngpus; i++)
                render_nvml_gpu(out, &s->gpus[i]);
        for (size_t i = 0; !s->ngpus && i < s->pci.n; i++)
                render_pci_dev(out, &s->pci.devs[i]);
}

static const char *sev_label(const struct render_opts *o, enum severity sev, const char **color)
{
        static const char *const labels[SEV_MAX] = { "ok  ", "info", "WARN", "FAIL" };
        static const char *const colors[SEV_MAX] = { C_GRN, C_BLU, C_YEL, C_RED };

        *color = paint(o, colors[sev]);
        return labels[sev];
}

static void render_finding(FILE *out, const struct finding *f, const struct render_opts *o)
{
        const char *color, *label = sev_label(o, f->cat->sev, &color);

        fprintf(out, "  %s%s%s  %s%s%s  %s\n", color, label, paint(o, C_OFF), paint(o, C_DIM),
                f->cat->id, paint(o, C_OFF), f->summary);
        if (f->cat->sev == SEV_OK)
                return;
        for (size_t i = 0; i < f->evidence.n; i++)
                fprintf(out, "        %s%s%s\n", paint(o, C_DIM), f->evidence.v[i], paint(o, C_OFF));
        if (f->fix.n)
                fprintf(out, "        fix:\n");
        for (size_t i = 0; i < f->fix.n; i++)
                fprintf(out, "          %s%s%s\n", paint(o, C_BOLD), f->fix.v[i], paint(o, C_OFF));
}

static void render_tally(FILE *out, const struct findings *fs)
{
        size_t count[SEV_MAX] = { 0 };

        for (size_t i = 0; i < fs->n; i++)
                count[fs->v[i].cat->sev]++;
        fprintf(out, "\n  %zu failed, %zu warnings, %zu notes, %zu ok\n", count[SEV_FAIL],
                count[SEV_WARN], count[SEV_INFO], count[SEV_OK]);
}

void render_findings_text(FILE *out, const struct findings *fs, const struct render_opts *o)
{
        for (size_t i = 0; i < fs->n; i++)
                render_finding(out, &fs->v[i], o);
        render_tally(out, fs);
}

void render_doctor_text(FILE *out, const struct snapshot *s, const struct findings *fs,
                        const struct render_opts *o)
{
        fprintf(out, "%sdlrig doctor%s\n\n", paint(o, C_BOLD), paint(o, C_OFF));
        render_system(out, s);
        render_driver(out, s);
        render_gpus(out, s);
        fputc('\n', out);
        render_findings_text(out, fs, o);
}
