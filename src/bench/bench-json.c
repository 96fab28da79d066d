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
        static const double gen_gts[] = { 0, 2.5, 5, 8, 16, 32, 64 };
        const struct kb_gpu *kb = kb_gpu_by_pci(g->pci_device_id);
        double pcie = 0, copy = 0;

        if (g->link.known && g->link.max_width)
                pcie = bench_pcie_gbps(g->link.max_speed_gts, g->link.max_width);
        else if (kb && kb->pcie_gen >= 1 && kb->pcie_gen <= 6)
                pcie = bench_pcie_gbps(gen_gts[kb->pcie_gen], 16);
        if (kb)
                copy = kb->mem_bw_gbps / 2.0;
        json_object_set_new(o, "model", kb ? json_string(kb->name) : json_null());
        json_object_set_new(o, "expected_pcie_gbps", pcie > 0 ? real3(pcie) : json_null());
        json_object_set_new(o, "expected_copy_gbps", copy > 0 ? real3(copy) : json_null());
        json_object_set_new(o, "h2d_fraction", fraction(g->h2d_gbps, pcie));
        json_object_set_new(o, "d2h_fraction", fraction(g->d2h_gbps, pcie));
        json_object_set_new(o, "d2d_fraction", fraction(g->d2d_gbps, copy));
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

json_t *bench_result_json(const struct bench_result *res)
{
        json_t *gpus = json_array(), *pairs = json_array();

        for (size_t i = 0; i < res->ngpus; i++)
                json_array_append_new(gpus, gpu_json(&res->gpus[i]));
        for (size_t i = 0; i < res->npairs; i++)
                json_array_append_new(pairs, pair_json(&res->pairs[i]));
        return json_pack("{s:i, s:i, s:o, s:o}", "driver_version", res->driver_version,
                         "device_count", res->device_count, "gpus", gpus, "pairs", pairs);
}
