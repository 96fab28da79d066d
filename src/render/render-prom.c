/* render-prom.c - doctor as Prometheus metrics, in the text exposition
 * format node_exporter's textfile collector reads (docs/fleet.md
 * "Prometheus"): the findings, each GPU's health facts, the software stack
 * and the time and status of the check; with doctor --bench FILE, a saved
 * bench's figures and verdict too. */
#include "render.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"

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
 * about no single GPU (an Xid on two GPUs) counts its instances. prefix:
 * "dlrig" (doctor's findings) or "dlrig_bench" (a saved bench's). */
static void prom_findings(FILE *out, const struct findings *fs, const char *prefix)
{
        size_t count[SEV_MAX] = { 0 };
        bool bench = !strcmp(prefix, "dlrig_bench");

        fprintf(out, "# HELP %s_finding A finding of dlrig %s (docs/findings.md); the value counts its instances.\n"
                     "# TYPE %s_finding gauge\n", prefix, bench ? "bench" : "doctor", prefix);
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
                fprintf(out, "%s_finding{id=\"", prefix);
                render_prom_label(out, f->cat->id);
                fprintf(out, "\",severity=\"%s\",gpu=\"", severity_name(f->cat->sev));
                if (f->gpu >= 0)
                        fprintf(out, "%" PRId64, f->gpu);
                fprintf(out, "\"} %zu\n", n);
        }
        for (size_t i = 0; i < fs->n; i++)
                count[fs->v[i].cat->sev]++;
        fprintf(out, "# HELP %s_findings How many findings dlrig %s made, by severity.\n"
                     "# TYPE %s_findings gauge\n", prefix, bench ? "bench" : "doctor", prefix);
        for (int sev = SEV_MAX - 1; sev >= 0; sev--)
                fprintf(out, "%s_findings{severity=\"%s\"} %zu\n", prefix, severity_name((enum severity)sev),
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

/* PREFIX_timestamp_seconds and PREFIX_status, with their help texts. */
static void when_and_status(FILE *out, const char *prefix, const char *when_help, int64_t when,
                            const char *status_help, int status)
{
        fprintf(out, "# HELP %s_timestamp_seconds %s\n# TYPE %s_timestamp_seconds gauge\n", prefix, when_help, prefix);
        fprintf(out, "%s_timestamp_seconds %" PRId64 "\n", prefix, when);
        fprintf(out, "# HELP %s_status %s\n# TYPE %s_status gauge\n", prefix, status_help, prefix);
        fprintf(out, "%s_status %d\n", prefix, status);
}

void render_doctor_prom(FILE *out, const struct snapshot *s, const struct findings *fs, int64_t now,
                        int status)
{
        when_and_status(out, "dlrig_check", "When dlrig doctor ran, in seconds since the epoch.", now,
                        "dlrig doctor's exit status: 0 no problem, 1 warnings, 2 failures, 3 could not judge.", status);
        prom_findings(out, fs, "dlrig");
        prom_stack(out, s);
        prom_gpus(out, s);
}

/* ---- a saved bench (doctor --bench FILE) ---- */

/* The gpu label of the GPU bench knew as CUDA ordinal cuda: its NVML index
 * (the gpu of doctor's metrics), found by bus id among doctor's GPUs; else
 * "cuda<N>", which no NVML index can be mistaken for. */
static void gpu_label(char *buf, size_t len, const struct snapshot *s, const struct snap_bench *b, int64_t cuda)
{
        const struct snap_bench_gpu *g = snap_bench_gpu_of(b, cuda);
        char *want = g && g->pci_bus_id ? pci_bus_id_normalize(g->pci_bus_id) : NULL;

        snprintf(buf, len, "cuda%" PRId64, cuda);
        for (size_t i = 0; want && i < s->ngpus; i++) {
                char *have = s->gpus[i].pci_bus_id.st == FACT_OK ? pci_bus_id_normalize(s->gpus[i].pci_bus_id.v)
                                                                 : NULL;
                bool same = have && !strcmp(have, want);

                free(have);
                if (same) {
                        snprintf(buf, len, "%" PRId64, s->gpus[i].index);
                        break;
                }
        }
        free(want);
}

/* A bench figure: 0 means not measured, and is left out. */
static void figure(FILE *out, bool *head, const char *name, const char *help, const char *labels, double v)
{
        if (v <= 0)
                return;
        if (!*head)
                family(out, name, help);
        *head = true;
        fprintf(out, "%s{%s} %.6g\n", name, labels, v);
}

static void prom_bench_gpus(FILE *out, const struct snapshot *s, const struct snap_bench *b)
{
        static const char *const dir[] = { "h2d", "d2h", "d2d" };
        bool head = false, ghead = false;
        char gpu[32], labels[96];

        for (size_t i = 0; i < b->ngpus; i++) {
                const struct snap_bench_gpu *g = &b->gpus[i];
                const double v[] = { g->h2d_gbps, g->d2h_gbps, g->d2d_gbps };

                gpu_label(gpu, sizeof(gpu), s, b, g->index);
                for (size_t k = 0; k < sizeof(dir) / sizeof(dir[0]); k++) {
                        snprintf(labels, sizeof(labels), "gpu=\"%s\",direction=\"%s\"", gpu, dir[k]);
                        figure(out, &head, "dlrig_bench_copy_gbps",
                               "Copy bandwidth in GB/s of one GPU: host to GPU, GPU to host, within the GPU.", labels,
                               v[k]);
                }
        }
        for (size_t i = 0; i < b->ngemms; i++) {
                const struct snap_bench_gemm *m = &b->gemms[i];

                gpu_label(gpu, sizeof(gpu), s, b, m->index);
                snprintf(labels, sizeof(labels), "gpu=\"%s\",dtype=\"%s\"", gpu, m->dtype ? m->dtype : "");
                figure(out, &ghead, "dlrig_bench_gemm_tflops", "Square GEMM throughput in TFLOPS, by data type.",
                       labels, m->tflops);
        }
}

static void prom_bench_pairs(FILE *out, const struct snapshot *s, const struct snap_bench *b)
{
        bool bw = false, lat = false;
        char src[32], dst[32], labels[128];

        for (size_t i = 0; i < b->npairs; i++) {
                const struct snap_bench_pair *p = &b->pairs[i];
                static const char help[] = "GPU-to-GPU copy bandwidth in GB/s: one way (uni) or both ways at once "
                                           "(bidi, once per pair, src < dst).";

                gpu_label(src, sizeof(src), s, b, p->src);
                gpu_label(dst, sizeof(dst), s, b, p->dst);
                snprintf(labels, sizeof(labels), "src=\"%s\",dst=\"%s\",direction=\"uni\"", src, dst);
                figure(out, &bw, "dlrig_bench_p2p_gbps", help, labels, p->uni_gbps);
                snprintf(labels, sizeof(labels), "src=\"%s\",dst=\"%s\",direction=\"bidi\"", src, dst);
                figure(out, &bw, "dlrig_bench_p2p_gbps", help, labels, p->src < p->dst ? p->bidi_gbps : 0);
        }
        for (size_t i = 0; i < b->npairs; i++) {
                const struct snap_bench_pair *p = &b->pairs[i];

                gpu_label(src, sizeof(src), s, b, p->src);
                gpu_label(dst, sizeof(dst), s, b, p->dst);
                snprintf(labels, sizeof(labels), "src=\"%s\",dst=\"%s\"", src, dst);
                figure(out, &lat, "dlrig_bench_p2p_latency_seconds",
                       "Latency of a 4-byte GPU-to-GPU copy in seconds.", labels, p->latency_us / 1e6);
        }
}

/* The all-reduce's bus bandwidth at its largest message, and the wrong
 * results each case counted (copies and GEMMs checked element by element). */
static void prom_bench_checks(FILE *out, const struct snap_bench *b)
{
        const struct snap_bench_ar *ar = &b->allreduce;
        int64_t wrong[4] = { 0 };
        static const char *const cases[] = { "copies", "pairs", "gemm", "allreduce" };
        const size_t n[] = { b->ngpus, b->npairs, b->ngemms, ar->nsizes };
        char labels[64];
        bool head = false;

        for (size_t i = ar->nsizes; i-- > 0;)
                if (ar->sizes[i].busbw_gbps > 0) {
                        snprintf(labels, sizeof(labels), "bytes=\"%" PRId64 "\",ranks=\"%" PRId64 "\"",
                                 ar->sizes[i].bytes, ar->ranks);
                        figure(out, &head, "dlrig_bench_allreduce_busbw_gbps",
                               "NCCL all-reduce bus bandwidth in GB/s at the largest message measured.", labels,
                               ar->sizes[i].busbw_gbps);
                        break;
                }
        for (size_t i = 0; i < b->ngpus; i++)
                wrong[0] += b->gpus[i].wrong_words;
        for (size_t i = 0; i < b->npairs; i++)
                wrong[1] += b->pairs[i].wrong_words;
        for (size_t i = 0; i < b->ngemms; i++)
                wrong[2] += b->gemms[i].wrong_samples;
        for (size_t i = 0; i < ar->nsizes; i++)
                wrong[3] += ar->sizes[i].wrong_values;
        head = false;
        for (size_t k = 0; k < 4; k++) {
                if (!n[k])
                        continue; /* the case did not run: no count, rather than a 0 that says "all right" */
                if (!head)
                        family(out, "dlrig_bench_wrong_results",
                               "Results bench found wrong (32-bit words copied, GEMM samples, all-reduce values).");
                head = true;
                fprintf(out, "dlrig_bench_wrong_results{case=\"%s\"} %" PRId64 "\n", cases[k], wrong[k]);
        }
}

void render_bench_prom(FILE *out, const struct snapshot *s, const struct snap_bench *b, const struct findings *fs,
                       int64_t saved, int status)
{
        when_and_status(out, "dlrig_bench", "When the bench given to dlrig doctor --bench was saved.", saved,
                        "dlrig bench's exit status for that bench: 0 no problem, 1 warnings, 2 failures, "
                        "3 nothing measured.", status);
        prom_findings(out, fs, "dlrig_bench");
        prom_bench_gpus(out, s, b);
        prom_bench_pairs(out, s, b);
        prom_bench_checks(out, b);
}
