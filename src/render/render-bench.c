/* render-bench.c - bench's report: the figures of the snapshot's bench
 * section as text tables or JSON, each beside what the knowledge base says
 * it should reach (check/check-bench.h), then the findings (docs/bench.md,
 * "JSON"). */
#include "render.h"

#include <errno.h>
#include <string.h>

#include "check/check-bench.h"
#include "snap/snap-json.h"

/* ---- text -------------------------------------------------------------------------- */

static void text_gpus(FILE *out, const struct snap_bench *b)
{
        fprintf(out, "  GPU  bus           host->GPU  GPU->host  on-GPU copy  (GB/s)\n");
        for (size_t i = 0; i < b->ngpus; i++) {
                const struct snap_bench_gpu *g = &b->gpus[i];

                fprintf(out, "  %3d  %-12s  %9.1f  %9.1f  %11.1f   %s\n", (int)g->index,
                        g->pci_bus_id ? g->pci_bus_id : "?", g->h2d_gbps, g->d2h_gbps,
                        g->d2d_gbps, g->name ? g->name : "?");
        }
}

static const struct snap_bench_pair *pair_of(const struct snap_bench *b, int64_t src, int64_t dst)
{
        const struct snap_bench_pair *p = NULL;

        for (size_t k = 0; k < b->npairs; k++)
                if (b->pairs[k].src == src && b->pairs[k].dst == dst)
                        p = &b->pairs[k];
        return p;
}

/* One matrix of pair figures: row src, column dst. */
static void text_matrix(FILE *out, const struct snap_bench *b, const char *title, size_t offset)
{
        fprintf(out, "\n  %s\n  src\\dst", title);
        for (size_t j = 0; j < b->ngpus; j++)
                fprintf(out, " %7d", (int)b->gpus[j].index);
        fputc('\n', out);
        for (size_t i = 0; i < b->ngpus; i++) {
                fprintf(out, "  %7d", (int)b->gpus[i].index);
                for (size_t j = 0; j < b->ngpus; j++) {
                        const struct snap_bench_pair *p = pair_of(b, b->gpus[i].index,
                                                                  b->gpus[j].index);

                        if (p)
                                fprintf(out, " %6.1f%c", *(const double *)((const char *)p + offset),
                                        p->p2p ? ' ' : '*');
                        else
                                fprintf(out, " %7s", "-");
                }
                fputc('\n', out);
        }
}

static double gemm_tflops(const struct snap_bench *b, int64_t index, enum snap_dtype t)
{
        const struct snap_bench_gemm *m = snap_bench_gemm_of(b, index, t);

        return m ? m->tflops : 0;
}

static bool same_workspace(const struct snap_bench_gemm *a, const struct snap_bench_gemm *b)
{
        if (a->workspace_bytes != b->workspace_bytes || !a->workspace_note != !b->workspace_note)
                return false;
        return !a->workspace_note || !strcmp(a->workspace_note, b->workspace_note);
}

static bool is_bf16(const struct snap_bench_gemm *m)
{
        return m->dtype && !strcmp(m->dtype, snap_dtype_key(SNAP_BF16));
}

/* "32 MiB, as PyTorch gives it"; a size from elsewhere, or none, with the
 * worker's note ("cuBLAS's own: cublasSetWorkspace_v2 is not in ..."). */
static void print_workspace(FILE *out, const struct snap_bench_gemm *m)
{
        if (m->workspace_bytes > 0)
                fprintf(out, "%.4g MiB, %s\n", (double)m->workspace_bytes / (1 << 20),
                        m->workspace_note ? m->workspace_note : "as PyTorch gives it");
        else
                fprintf(out, "%s\n", m->workspace_note ? m->workspace_note : "not recorded");
}

/* The BF16 record (one per GPU: both types share the handle's workspace)
 * that most GPUs' workspace is like. */
static const struct snap_bench_gemm *common_workspace(const struct snap_bench *b)
{
        const struct snap_bench_gemm *best = NULL;
        size_t most = 0;

        for (size_t i = 0; i < b->ngemms; i++) {
                size_t n = 0;

                if (!is_bf16(&b->gemms[i]))
                        continue;
                for (size_t k = 0; k < b->ngemms; k++)
                        n += is_bf16(&b->gemms[k]) && same_workspace(&b->gemms[i], &b->gemms[k]);
                if (n > most) {
                        most = n;
                        best = &b->gemms[i];
                }
        }
        return best;
}

/* The workspace cuBLAS ran on: what most GPUs had, then each GPU that had
 * another; with cuBLAS's own, why (docs/bench.md, "Against PyTorch"). */
static void text_gemm_workspace(FILE *out, const struct snap_bench *b)
{
        const struct snap_bench_gemm *common = common_workspace(b);

        if (!common)
                return;
        fprintf(out, "  cuBLAS workspace   ");
        print_workspace(out, common);
        for (size_t i = 0; i < b->ngemms; i++) {
                const struct snap_bench_gemm *m = &b->gemms[i];

                if (!is_bf16(m) || same_workspace(m, common))
                        continue;
                fprintf(out, "    but GPU %d       ", (int)m->index);
                print_workspace(out, m);
        }
}

static void text_gemm(FILE *out, const struct snap_bench *b)
{
        bool any = false;

        for (size_t i = 0; i < b->ngemms; i++)
                any = any || (snap_bench_gpu_of(b, b->gemms[i].index) && b->gemms[i].tflops > 0);
        if (!any)
                return;
        fprintf(out, "\n  GEMM %d^3 (cuBLAS)", (int)check_bench_gemm_n(b));
        for (int k = 0; k < SNAP_DTYPE_MAX; k++)
                fprintf(out, "   %s TFLOP/s  of peak", snap_dtype_label((enum snap_dtype)k));
        fputc('\n', out);
        for (size_t i = 0; i < b->ngpus; i++) {
                const struct snap_bench_gpu *g = &b->gpus[i];

                fprintf(out, "  GPU %3d            ", (int)g->index);
                for (int k = 0; k < SNAP_DTYPE_MAX; k++) {
                        double v = gemm_tflops(b, g->index, (enum snap_dtype)k);
                        double peak = check_bench_gemm_peak(g, (enum snap_dtype)k);

                        fprintf(out, "  %12.1f", v);
                        if (peak > 0 && v > 0)
                                fprintf(out, "  %6.0f%%", 100 * v / peak);
                        else
                                fprintf(out, "  %7s", "-");
                }
                fputc('\n', out);
        }
        text_gemm_workspace(out, b);
}

static void text_allreduce(FILE *out, const struct snap_bench *b)
{
        const struct snap_bench_ar *ar = &b->allreduce;
        const char *basis = NULL;
        double frac, expected = check_bench_ar_expected(b, &frac, &basis);
        int v = (int)ar->nccl_version;

        if (!ar->nsizes)
                return;
        fprintf(out, "\n  NCCL %d.%d.%d all-reduce, %d GPUs, float sum\n"
                "         bytes   time (us)   algbw (GB/s)   busbw (GB/s)   wrong\n",
                v / 10000, v / 100 % 100, v % 100, (int)ar->ranks);
        for (size_t i = 0; i < ar->nsizes; i++) {
                const struct snap_bench_ar_size *a = &ar->sizes[i];

                fprintf(out, "  %12zu  %10.1f  %13.2f  %13.2f  %6ld\n", (size_t)a->bytes,
                        a->iters ? a->ms * 1e3 / (double)a->iters : 0, a->algbw_gbps,
                        a->busbw_gbps, (long)a->wrong_values);
        }
        if (expected > 0)
                fprintf(out, "  the slowest link allows about %.1f GB/s of bus bandwidth (%s)\n",
                        expected, basis);
}

/* The cases of the registry that did not run, with why:
 * "gemm: skipped: no cuBLAS ('libcublas.so.13' not found ...)". */
static void text_skips(FILE *out, const struct snap_bench *b)
{
        if (b->nskips)
                fputc('\n', out);
        for (size_t i = 0; i < b->nskips; i++) {
                const struct snap_bench_skip *k = &b->skips[i];

                if (k->library)
                        fprintf(out, "  %s: skipped: no %s (%s)\n", k->name, k->library, k->why);
                else
                        fprintf(out, "  %s: skipped: %s\n", k->name, k->why);
        }
}

void render_bench_figures_text(FILE *out, const struct snap_bench *b)
{
        if (b->ngpus)
                text_gpus(out, b);
        if (b->npairs) {
                text_matrix(out, b, "peer copy, one way (GB/s; * through host)",
                            offsetof(struct snap_bench_pair, uni_gbps));
                text_matrix(out, b, "peer copy, both ways at once (GB/s)",
                            offsetof(struct snap_bench_pair, bidi_gbps));
                text_matrix(out, b, "peer copy latency (us)",
                            offsetof(struct snap_bench_pair, latency_us));
        }
        text_gemm(out, b);
        text_allreduce(out, b);
        text_skips(out, b);
}

void render_bench_text(FILE *out, const struct snap_bench *b, const struct findings *fs,
                       const struct render_opts *o)
{
        fprintf(out, "dlrig bench\n\n");
        render_bench_figures_text(out, b);
        fputc('\n', out);
        render_findings_text(out, fs, o);
}

/* ---- JSON -------------------------------------------------------------------------- */

/* Rounded to 0.001, so reports compare as text. */
static json_t *real3(double v)
{
        return json_real((double)(long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5)) / 1000.0);
}

static json_t *fraction(double v, double peak)
{
        return peak > 0 && v > 0 ? real3(v / peak) : json_null();
}

static json_t *str_or_null(const char *s)
{
        return s && *s ? json_string(s) : json_null();
}

static json_t *gbps_or_null(double v)
{
        return v > 0 ? real3(v) : json_null();
}

static void json_gpu_expect(const struct snap_bench_gpu *g, json_t *o)
{
        struct check_bench_expect e;

        check_bench_expect_gpu(g, &e);
        json_object_set_new(o, "model", e.model ? json_string(e.model) : json_null());
        json_object_set_new(o, "expected_pcie_gbps", gbps_or_null(e.pcie_gbps));
        json_object_set_new(o, "expected_copy_gbps", gbps_or_null(e.copy_gbps));
        json_object_set_new(o, "h2d_fraction", fraction(g->h2d_gbps, e.pcie_gbps));
        json_object_set_new(o, "d2h_fraction", fraction(g->d2h_gbps, e.pcie_gbps));
        json_object_set_new(o, "d2d_fraction", fraction(g->d2d_gbps, e.copy_gbps));
}

static void json_gemm(const struct snap_bench *b, const struct snap_bench_gpu *g, json_t *o)
{
        const struct snap_bench_gemm *gemm_ws;
        char key[40];

        for (int k = 0; k < SNAP_DTYPE_MAX; k++) {
                const struct snap_bench_gemm *m = snap_bench_gemm_of(b, g->index, (enum snap_dtype)k);
                const char *t = snap_dtype_key((enum snap_dtype)k);
                double peak = check_bench_gemm_peak(g, (enum snap_dtype)k), v = m ? m->tflops : 0;

                snprintf(key, sizeof(key), "gemm_%s_tflops", t);
                json_object_set_new(o, key, gbps_or_null(v));
                snprintf(key, sizeof(key), "peak_%s_tflops", t);
                json_object_set_new(o, key, gbps_or_null(peak));
                snprintf(key, sizeof(key), "gemm_%s_fraction", t);
                json_object_set_new(o, key, fraction(v, peak));
                snprintf(key, sizeof(key), "gemm_%s_wrong_samples", t);
                json_object_set_new(o, key, json_integer(m ? m->wrong_samples : 0));
                snprintf(key, sizeof(key), "gemm_%s_error", t);
                json_object_set_new(o, key, str_or_null(m ? m->error : NULL));
        }
        gemm_ws = snap_bench_gemm_of(b, g->index, SNAP_BF16);
        json_object_set_new(o, "gemm_workspace_bytes",
                            json_integer(gemm_ws ? gemm_ws->workspace_bytes : 0));
        json_object_set_new(o, "gemm_workspace_note",
                            str_or_null(gemm_ws ? gemm_ws->workspace_note : NULL));
}

static json_t *json_link(const struct snap_bench_link *l)
{
        if (!l->width)
                return json_null();
        return json_pack("{s:o, s:I, s:o, s:I}", "speed_gts", real3(l->speed_gts), "width",
                         (json_int_t)l->width, "max_speed_gts", real3(l->max_speed_gts),
                         "max_width", (json_int_t)l->max_width);
}

static json_t *json_gpu(const struct snap_bench *b, const struct snap_bench_gpu *g)
{
        json_t *o = json_object();

        json_object_set_new(o, "index", json_integer(g->index));
        json_object_set_new(o, "name", json_string(g->name ? g->name : "?"));
        json_object_set_new(o, "pci_bus_id", json_string(g->pci_bus_id ? g->pci_bus_id : "?"));
        json_object_set_new(o, "h2d_gbps", real3(g->h2d_gbps));
        json_object_set_new(o, "d2h_gbps", real3(g->d2h_gbps));
        json_object_set_new(o, "d2d_gbps", real3(g->d2d_gbps));
        json_object_set_new(o, "wrong_words", json_integer(g->wrong_words));
        json_gpu_expect(g, o);
        json_gemm(b, g, o);
        json_object_set_new(o, "link_under_load", json_link(&g->link));
        return o;
}

static json_t *json_pair(const struct snap_bench_pair *p)
{
        return json_pack("{s:I, s:I, s:b, s:I, s:o, s:o, s:o, s:I}", "src", (json_int_t)p->src,
                         "dst", (json_int_t)p->dst, "p2p", p->p2p, "rank", (json_int_t)p->rank,
                         "uni_gbps", real3(p->uni_gbps), "bidi_gbps", real3(p->bidi_gbps),
                         "latency_us", real3(p->latency_us), "wrong_words",
                         (json_int_t)p->wrong_words);
}

static json_t *json_ar_size(const struct snap_bench_ar_size *a)
{
        return json_pack("{s:I, s:I, s:o, s:o, s:o, s:I}", "bytes", (json_int_t)a->bytes,
                         "iters", (json_int_t)a->iters, "time_us",
                         real3(a->iters ? a->ms * 1e3 / (double)a->iters : 0), "algbw_gbps",
                         real3(a->algbw_gbps), "busbw_gbps", real3(a->busbw_gbps),
                         "wrong_values", (json_int_t)a->wrong_values);
}

static json_t *skip_why(const struct snap_bench *b, const char *name)
{
        const struct snap_bench_skip *k = snap_bench_skip_of(b, name);

        return str_or_null(k ? k->why : NULL);
}

static json_t *json_skips(const struct snap_bench *b)
{
        json_t *a = json_array();

        for (size_t i = 0; i < b->nskips; i++)
                json_array_append_new(a, json_pack("{s:s, s:o, s:o}", "case", b->skips[i].name,
                                                   "why", str_or_null(b->skips[i].why),
                                                   "library", str_or_null(b->skips[i].library)));
        return a;
}

static json_t *json_allreduce(const struct snap_bench *b)
{
        const struct snap_bench_ar *ar = &b->allreduce;
        json_t *sizes = json_array(), *o;
        const char *basis = NULL;
        double frac, expected = check_bench_ar_expected(b, &frac, &basis);

        for (size_t i = 0; i < ar->nsizes; i++)
                json_array_append_new(sizes, json_ar_size(&ar->sizes[i]));
        o = json_pack("{s:I, s:I, s:o, s:o, s:o, s:o}", "nccl_version",
                      (json_int_t)ar->nccl_version, "ranks", (json_int_t)ar->ranks, "skipped",
                      skip_why(b, "allreduce"), "expected_busbw_gbps",
                      expected > 0 && ar->nsizes ? real3(expected) : json_null(),
                      "expected_basis", str_or_null(ar->nsizes ? basis : NULL), "sizes", sizes);
        json_object_set_new(o, "busbw_fraction",
                            ar->nsizes ? fraction(ar->sizes[ar->nsizes - 1].busbw_gbps, expected)
                                       : json_null());
        json_object_set_new(o, "hung", ar->hung_bytes
                            ? json_pack("{s:I, s:I}", "bytes", (json_int_t)ar->hung_bytes,
                                        "deadline_ms", (json_int_t)ar->deadline_ms)
                            : json_null());
        return o;
}

json_t *render_bench_json(const struct snap_bench *b, const struct findings *fs)
{
        json_t *gpus = json_array(), *pairs = json_array(), *j;

        for (size_t i = 0; i < b->ngpus; i++)
                json_array_append_new(gpus, json_gpu(b, &b->gpus[i]));
        for (size_t i = 0; i < b->npairs; i++)
                json_array_append_new(pairs, json_pair(&b->pairs[i]));
        j = json_pack("{s:I, s:I, s:o, s:o, s:{s:I, s:o}, s:o}", "driver_version",
                      (json_int_t)b->driver_version, "device_count", (json_int_t)b->device_count,
                      "gpus", gpus, "pairs", pairs, "gemm", "n",
                      (json_int_t)check_bench_gemm_n(b), "skipped", skip_why(b, "gemm"),
                      "allreduce", json_allreduce(b));
        json_object_set_new(j, "skipped", json_skips(b));
        json_object_set_new(j, "plan", snap_bench_plan_to_json(&b->plan));
        json_object_set_new(j, "findings", render_findings_json(fs));
        json_object_set_new(j, "status", json_string(severity_name(findings_worst(fs))));
        json_object_set_new(j, "schema_version", json_integer(DLRIG_SCHEMA_VERSION));
        return j;
}

int render_bench_json_dump(FILE *out, json_t *j)
{
        /* figures are rounded to 0.001: 10 digits print them exactly */
        if (json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) < 0 ||
            fputc('\n', out) == EOF)
                return -EIO;
        return 0;
}
