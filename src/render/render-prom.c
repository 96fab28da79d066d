/* render-prom.c - doctor as Prometheus metrics, in the text exposition
 * format node_exporter's textfile collector reads (docs/fleet.md
 * "Prometheus"): the findings, each GPU's health facts, the software stack
 * and the time and status of the check. */
#include "render.h"

#include <inttypes.h>
#include <string.h>

/* A label value: backslash, double quote and line feed escaped, as the
 * exposition format asks. */
void render_prom_label(FILE *out, const char *s)
{
        for (; s && *s; s++) {
                if (*s == '\\')
                        fputs("\\\\", out);
                else if (*s == '"')
                        fputs("\\\"", out);
                else if (*s == '\n')
                        fputs("\\n", out);
                else
                        fputc(*s, out);
        }
}

static void family(FILE *out, const char *name, const char *help)
{
        fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* ---- findings ---- */

static bool same_series(const struct finding *a, const struct finding *b)
{
        return a->cat == b->cat && a->gpu == b->gpu;
}

/* One series per finding id and GPU; a finding a check makes several times
 * about no single GPU (an Xid on two GPUs) counts its instances. */
static void prom_findings(FILE *out, const struct findings *fs)
{
        size_t count[SEV_MAX] = { 0 };

        family(out, "dlrig_finding",
               "A finding of dlrig doctor (docs/findings.md); the value counts its instances.");
        for (size_t i = 0; i < fs->n; i++) {
                const struct finding *f = &fs->v[i];
                size_t n = 0;
                bool seen = false;

                for (size_t k = 0; k < i && !seen; k++)
                        seen = same_series(&fs->v[k], f);
                if (seen)
                        continue;
                for (size_t k = i; k < fs->n; k++)
                        n += same_series(&fs->v[k], f);
                fputs("dlrig_finding{id=\"", out);
                render_prom_label(out, f->cat->id);
                fprintf(out, "\",severity=\"%s\",gpu=\"", severity_name(f->cat->sev));
                if (f->gpu >= 0)
                        fprintf(out, "%" PRId64, f->gpu);
                fprintf(out, "\"} %zu\n", n);
        }
        for (size_t i = 0; i < fs->n; i++)
                count[fs->v[i].cat->sev]++;
        family(out, "dlrig_findings", "How many findings dlrig doctor made, by severity.");
        for (int sev = SEV_MAX - 1; sev >= 0; sev--)
                fprintf(out, "dlrig_findings{severity=\"%s\"} %zu\n", severity_name((enum severity)sev),
                        count[sev]);
}

/* ---- per GPU ---- */

struct gpu_metric {
        const char *name;
        const char *help;
        size_t off; /* of the struct fact_num in struct snap_gpu */
};

#define GPU_FACT(field) offsetof(struct snap_gpu, field)

static const struct gpu_metric gpu_metrics[] = {
        { "dlrig_gpu_temperature_celsius", "GPU temperature (NVML).", GPU_FACT(temperature_c) },
        { "dlrig_gpu_ecc_uncorrected_volatile", "Uncorrected ECC errors since the driver loaded (NVML).",
          GPU_FACT(ecc_uncorrected_volatile) },
        { "dlrig_gpu_ecc_uncorrected_aggregate", "Uncorrected ECC errors in the GPU's lifetime (NVML).",
          GPU_FACT(ecc_uncorrected_aggregate) },
        { "dlrig_gpu_remapped_rows_pending", "1 when memory row remaps wait for a GPU reset (NVML).",
          GPU_FACT(remap_pending) },
        { "dlrig_gpu_remapped_rows_failed", "1 when a memory row remap failed: replace the GPU (NVML).",
          GPU_FACT(remap_failed) },
        { "dlrig_gpu_clock_event_reasons", "Clock event (throttle) reasons, NVML's bitmask.",
          GPU_FACT(clock_event_reasons) },
        { "dlrig_gpu_pcie_link_width_current", "PCIe link width in lanes, current (NVML).",
          GPU_FACT(pcie_width_cur) },
        { "dlrig_gpu_pcie_link_width_max", "PCIe link width in lanes, the most the link can do (NVML).",
          GPU_FACT(pcie_width_max) },
        { "dlrig_gpu_pcie_link_generation_current", "PCIe generation of the link, current (NVML).",
          GPU_FACT(pcie_gen_cur) },
        { "dlrig_gpu_pcie_link_generation_max", "PCIe generation of the link, the most it can do (NVML).",
          GPU_FACT(pcie_gen_max) },
};

static const struct fact_num *gpu_fact(const struct snap_gpu *g, const struct gpu_metric *m)
{
        return (const struct fact_num *)(const void *)((const char *)g + m->off);
}

static void prom_gpus(FILE *out, const struct snapshot *s)
{
        if (s->ngpus) {
                family(out, "dlrig_gpu_info", "A GPU the driver sees, by NVML index, with its name, UUID and bus id.");
                for (size_t i = 0; i < s->ngpus; i++) {
                        const struct snap_gpu *g = &s->gpus[i];
                        fprintf(out, "dlrig_gpu_info{gpu=\"%" PRId64 "\",name=\"", g->index);
                        render_prom_label(out, render_fact_str(&g->name, ""));
                        fputs("\",uuid=\"", out);
                        render_prom_label(out, render_fact_str(&g->uuid, ""));
                        fputs("\",pci_bus_id=\"", out);
                        render_prom_label(out, render_fact_str(&g->pci_bus_id, ""));
                        fputs("\"} 1\n", out);
                }
        }
        /* a family is written when one GPU at least knows its fact */
        for (size_t m = 0; m < sizeof(gpu_metrics) / sizeof(gpu_metrics[0]); m++) {
                bool any = false;

                for (size_t i = 0; i < s->ngpus; i++) {
                        const struct fact_num *f = gpu_fact(&s->gpus[i], &gpu_metrics[m]);
                        if (f->st != FACT_OK)
                                continue;
                        if (!any)
                                family(out, gpu_metrics[m].name, gpu_metrics[m].help);
                        any = true;
                        fprintf(out, "%s{gpu=\"%" PRId64 "\"} %" PRId64 "\n", gpu_metrics[m].name,
                                s->gpus[i].index, f->v);
                }
        }
}

/* ---- the stack ---- */

static void prom_stack(FILE *out, const struct snapshot *s)
{
        const struct fact_num *cv = &s->nvml.cuda_driver_version;
        const struct snap_pyenv *e = render_torch_env(s);
        const char *driver = render_fact_str(&s->nvml.driver_version, "");
        char cuda[32] = "";

        if (!*driver)
                driver = render_fact_str(&s->kmod.loaded_version, "");
        if (cv->st == FACT_OK)
                snprintf(cuda, sizeof(cuda), "%" PRId64 ".%" PRId64, cv->v / 1000, cv->v % 1000 / 10);
        family(out, "dlrig_stack_info",
               "The software stack: driver, the CUDA version it supports, the torch python finds first.");
        fputs("dlrig_stack_info{driver=\"", out);
        render_prom_label(out, driver);
        fprintf(out, "\",cuda=\"%s\",torch=\"", cuda);
        render_prom_label(out, e ? e->torch_version.v : "");
        fputs("\",torch_cuda=\"", out);
        render_prom_label(out, e && e->torch_cuda.st == FACT_OK ? e->torch_cuda.v : "");
        fputs("\"} 1\n", out);
}

void render_doctor_prom(FILE *out, const struct snapshot *s, const struct findings *fs, int64_t now,
                        int status)
{
        family(out, "dlrig_check_timestamp_seconds", "When dlrig doctor ran, in seconds since the epoch.");
        fprintf(out, "dlrig_check_timestamp_seconds %" PRId64 "\n", now);
        family(out, "dlrig_check_status",
               "dlrig doctor's exit status: 0 no problem, 1 warnings, 2 failures, 3 could not judge.");
        fprintf(out, "dlrig_check_status %d\n", status);
        prom_findings(out, fs);
        prom_stack(out, s);
        prom_gpus(out, s);
}
