/* bench-json.c - the figures as JSON, each beside what the knowledge base
 * says the GPU model and its link should reach (docs/bench.md):
 *  - host<->GPU: the PCIe link's per-direction rate, from the link's
 *    maximum generation and width as sysfs reports them (else the model's
 *    generation at x16): 8b/10b coding for gen 1-2, 128b/130b for gen 3-5;
 *  - on-GPU copy: half the memory bandwidth (each byte is read and written);
 *  - pairs: judged against each other (bench-judge.c), the link kind comes
 *    from the CUDA P2P attributes. */
#include "bench.h"

#include "kb/kb.h"

double bench_pcie_gbps(double speed_gts, int width)
{
        double coding = speed_gts < 8 ? 8.0 / 10.0 : 128.0 / 130.0;

        return speed_gts * coding / 8.0 * width;
}

/* Rounded to 0.001, so reports compare as text. */
static json_t *real3(double v)
{
        return json_real((double)(long long)(v * 1000.0 + (v < 0 ? -0.5 : 0.5)) / 1000.0);
}

static json_t *fraction(double v, double peak)
{
        return peak > 0 && v > 0 ? real3(v / peak) : json_null();
}

static void gpu_expect(const struct bench_gpu *g, json_t *o)
{
        const struct kb_gpu *kb = kb_gpu_by_pci(g->pci_device_id);
        double pcie = 0, copy = 0;

        if (g->link.known && g->link.max_width)
                pcie = bench_pcie_gbps(g->link.max_speed_gts, g->link.max_width);
        else if (kb && kb_pcie_gts(kb->pcie_gen) > 0)
                pcie = bench_pcie_gbps(kb_pcie_gts(kb->pcie_gen), 16);
        if (kb)
                copy = kb->mem_bw_gbps / 2.0;
        json_object_set_new(o, "model", kb ? json_string(kb->name) : json_null());
        json_object_set_new(o, "expected_pcie_gbps", pcie > 0 ? real3(pcie) : json_null());
        json_object_set_new(o, "expected_copy_gbps", copy > 0 ? real3(copy) : json_null());
        json_object_set_new(o, "h2d_fraction", fraction(g->h2d_gbps, pcie));
        json_object_set_new(o, "d2h_fraction", fraction(g->d2h_gbps, pcie));
        json_object_set_new(o, "d2d_fraction", fraction(g->d2d_gbps, copy));
}

double bench_gemm_peak(const struct bench_gpu *g, int kind)
{
        const struct kb_gpu *kb = kb_gpu_by_pci(g->pci_device_id);

        if (!kb)
                return 0;
        return kind == BENCH_BF16 ? kb->bf16_tflops : kb->fp32_tflops;
}

static json_t *str_or_null(const char *s)
{
        return s && *s ? json_string(s) : json_null();
}

static void gemm_expect(const struct bench_gpu *g, json_t *o)
{
        static const char *const kinds[] = { "bf16", "fp32" };
        char key[40];

        for (int k = BENCH_BF16; k <= BENCH_FP32; k++) {
                double peak = bench_gemm_peak(g, k);

                snprintf(key, sizeof(key), "gemm_%s_tflops", kinds[k]);
                json_object_set_new(o, key, g->gemm_tflops[k] > 0 ? real3(g->gemm_tflops[k])
                                                                   : json_null());
                snprintf(key, sizeof(key), "peak_%s_tflops", kinds[k]);
                json_object_set_new(o, key, peak > 0 ? real3(peak) : json_null());
                snprintf(key, sizeof(key), "gemm_%s_fraction", kinds[k]);
                json_object_set_new(o, key, fraction(g->gemm_tflops[k], peak));
                snprintf(key, sizeof(key), "gemm_%s_wrong_samples", kinds[k]);
                json_object_set_new(o, key, json_integer(g->gemm_wrong[k]));
                snprintf(key, sizeof(key), "gemm_%s_error", kinds[k]);
                json_object_set_new(o, key, str_or_null(g->gemm_error[k]));
        }
}

static json_t *gpu_json(const struct bench_gpu *g)
{
        json_t *o = json_object();

        json_object_set_new(o, "index", json_integer(g->ordinal));
        json_object_set_new(o, "name", json_string(g->name));
        json_object_set_new(o, "pci_bus_id", json_string(g->bus));
        json_object_set_new(o, "h2d_gbps", real3(g->h2d_gbps));
        json_object_set_new(o, "d2h_gbps", real3(g->d2h_gbps));
        json_object_set_new(o, "d2d_gbps", real3(g->d2d_gbps));
        json_object_set_new(o, "wrong_words", json_integer(g->wrong));
        gpu_expect(g, o);
        gemm_expect(g, o);
        if (g->link.known)
                json_object_set_new(o, "link_under_load",
                                    json_pack("{s:o, s:i, s:o, s:i}", "speed_gts",
                                              real3(g->link.speed_gts), "width", g->link.width,
                                              "max_speed_gts", real3(g->link.max_speed_gts),
                                              "max_width", g->link.max_width));
        else
                json_object_set_new(o, "link_under_load", json_null());
        return o;
}

static json_t *pair_json(const struct bench_pair *p)
{
        return json_pack("{s:i, s:i, s:b, s:i, s:o, s:o, s:o, s:I}", "src", p->src, "dst",
                         p->dst, "p2p", p->p2p, "rank", p->rank, "uni_gbps", real3(p->uni_gbps),
                         "bidi_gbps", real3(p->bidi_gbps), "latency_us", real3(p->latency_us),
                         "wrong_words", (json_int_t)p->wrong);
}

/* ---- all-reduce ------------------------------------------------------------ */

/* The per-direction rate of the slowest link among the GPUs: NVLink (half
 * the kb's total, both directions) when every pair runs P2P faster than
 * PCIe could, else the smallest PCIe gen x width figure. */
static double link_gbps(const struct bench_result *res, double slowest_pair, bool all_p2p,
                        const char **basis)
{
        double pcie = 0, nvlink = 0;

        for (size_t i = 0; i < res->ngpus; i++) {
                const struct bench_gpu *g = &res->gpus[i];
                const struct kb_gpu *kb = kb_gpu_by_pci(g->pci_device_id);
                double v = 0;

                if (g->link.known && g->link.max_width)
                        v = bench_pcie_gbps(g->link.max_speed_gts, g->link.max_width);
                else if (kb && kb_pcie_gts(kb->pcie_gen) > 0)
                        v = bench_pcie_gbps(kb_pcie_gts(kb->pcie_gen), 16);
                if (v > 0 && (pcie == 0 || v < pcie))
                        pcie = v;
                if (kb && kb->nvlink_gbps > 0 && (nvlink == 0 || kb->nvlink_gbps / 2 < nvlink))
                        nvlink = kb->nvlink_gbps / 2;
        }
        if (all_p2p && nvlink > 0 && slowest_pair > pcie) {
                *basis = "NVLink";
                return nvlink;
        }
        *basis = all_p2p ? "PCIe P2P" : "PCIe through host memory";
        return pcie;
}

double bench_ar_expected(const struct bench_result *res, double *slow_fraction,
                         const char **basis)
{
        double slowest = 0, link;
        bool all_p2p = res->npairs > 0;

        for (size_t i = 0; i < res->npairs; i++) {
                const struct bench_pair *p = &res->pairs[i];

                all_p2p = all_p2p && p->p2p;
                if (p->uni_gbps > 0 && (slowest == 0 || p->uni_gbps < slowest))
                        slowest = p->uni_gbps;
        }
        link = link_gbps(res, slowest, all_p2p, basis);
        /* through host memory NCCL copies each byte through the CPU's memory
         * twice: 35-50% of the staged copy rate is normal there */
        *slow_fraction = all_p2p ? 0.5 : 0.25;
        if (slowest > 0 && (link == 0 || slowest < link))
                return slowest;
        return link;
}

static json_t *ar_json(const struct bench_result *res)
{
        json_t *sizes = json_array(), *o;
        const char *basis = NULL;
        double frac, expected = bench_ar_expected(res, &frac, &basis);

        for (size_t i = 0; i < res->nar; i++) {
                const struct bench_ar *a = &res->ar[i];

                json_array_append_new(sizes, json_pack("{s:I, s:i, s:o, s:o, s:o, s:I}", "bytes",
                                                       (json_int_t)a->bytes, "iters",
                                                       (int)a->iters, "time_us",
                                                       real3(a->iters ? a->ms * 1e3 / a->iters : 0),
                                                       "algbw_gbps", real3(a->algbw_gbps),
                                                       "busbw_gbps", real3(a->busbw_gbps),
                                                       "wrong_values", (json_int_t)a->wrong));
        }
        o = json_pack("{s:i, s:i, s:o, s:o, s:o, s:o}", "nccl_version", res->nccl_version,
                      "ranks", res->ar_ranks, "skipped", str_or_null(res->ar_skipped),
                      "expected_busbw_gbps", expected > 0 && res->nar ? real3(expected)
                                                                      : json_null(),
                      "expected_basis", str_or_null(res->nar ? basis : NULL), "sizes", sizes);
        json_object_set_new(o, "busbw_fraction",
                            res->nar ? fraction(res->ar[res->nar - 1].busbw_gbps, expected)
                                     : json_null());
        json_object_set_new(o, "hung", res->ar_hung_bytes
                            ? json_pack("{s:I, s:I}", "bytes", (json_int_t)res->ar_hung_bytes,
                                        "deadline_ms", (json_int_t)res->ar_deadline_ms)
                            : json_null());
        return o;
}

json_t *bench_result_json(const struct bench_result *res)
{
        json_t *gpus = json_array(), *pairs = json_array();

        for (size_t i = 0; i < res->ngpus; i++)
                json_array_append_new(gpus, gpu_json(&res->gpus[i]));
        for (size_t i = 0; i < res->npairs; i++)
                json_array_append_new(pairs, pair_json(&res->pairs[i]));
        return json_pack("{s:i, s:i, s:o, s:o, s:{s:i, s:o}, s:o}", "driver_version",
                         res->driver_version, "device_count", res->device_count, "gpus", gpus,
                         "pairs", pairs, "gemm", "n", (int)res->gemm_n, "skipped",
                         str_or_null(res->gemm_skipped), "allreduce", ar_json(res));
}
