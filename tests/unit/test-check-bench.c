/* test-check-bench.c - bench's judges (check/check-bench.c) on hand-made
 * snapshots, and the knowledge base's PCIe rate. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check-bench.h"
#include "kb/kb.h"

static void test_pcie_rate(void **state)
{
        (void)state;
        assert_true(kb_pcie_gbps(16.0, 16) > 31.50 && kb_pcie_gbps(16.0, 16) < 31.51);
        assert_true(kb_pcie_gbps(32.0, 16) > 63.01 && kb_pcie_gbps(32.0, 16) < 63.02);
        assert_true(kb_pcie_gbps(5.0, 8) > 3.99 && kb_pcie_gbps(5.0, 8) < 4.01);
}

/* n GPUs of one model at 25/26/240 GB/s, every ordered pair through the
 * host at 24 GB/s. */
static void healthy(struct snap_bench *r, int n)
{
        memset(r, 0, sizeof(*r));
        r->started = true;
        for (int i = 0; i < n; i++) {
                struct snap_bench_gpu *g = snap_add_bench_gpu(r);
                g->index = i;
                g->name = strdup("NVIDIA A10G");
                g->h2d_gbps = 25, g->d2h_gbps = 26, g->d2d_gbps = 240;
                for (int j = 0; j < n; j++)
                        if (i != j)
                                *snap_add_bench_pair(r) = (struct snap_bench_pair){
                                        i, j, false, 0, 24, 48, 10, 0 };
        }
}

static void judge(struct snap_bench *r, const char *want, size_t count)
{
        struct findings fs = FINDINGS_INIT;
        size_t n = 0;

        check_bench(r, &fs);
        for (size_t i = 0; i < fs.n; i++)
                n += !strcmp(fs.v[i].cat->id, want);
        assert_int_equal(n, count);
        findings_release(&fs);
        snap_bench_release(r);
}

static void test_judge(void **state)
{
        struct snap_bench r;

        (void)state;
        healthy(&r, 4);
        judge(&r, "bench.ok", 1);
        healthy(&r, 4);
        r.pairs[3].uni_gbps = 10; /* 1 -> 0 */
        judge(&r, "bench.pair-slow", 1);
        healthy(&r, 4);
        r.gpus[2].h2d_gbps = 6; /* a slow GPU explains its pairs */
        for (size_t i = 0; i < r.npairs; i++)
                if (r.pairs[i].dst == 2)
                        r.pairs[i].uni_gbps = 6;
        judge(&r, "bench.pair-slow", 0);
        healthy(&r, 4);
        r.gpus[2].h2d_gbps = 6;
        judge(&r, "bench.gpu-slow", 1);
        healthy(&r, 4);
        for (size_t i = 0; i < r.npairs; i++)
                r.pairs[i].p2p = true, r.pairs[i].uni_gbps = 12; /* all P2P, all below host */
        judge(&r, "bench.p2p-slower-than-host", 12);
        healthy(&r, 4);
        r.pairs[5].wrong_words = 7;
        judge(&r, "bench.copy-wrong", 1);
        healthy(&r, 4);
        r.gpus[1].link = (struct snap_bench_link){ 16, 8, 16, 16 };
        judge(&r, "bench.link-degraded-under-load", 1);
        healthy(&r, 2); /* too few siblings to call anyone slow */
        r.gpus[1].h2d_gbps = 1;
        judge(&r, "bench.gpu-slow", 0);
        memset(&r, 0, sizeof(r));
        judge(&r, "bench.not-run", 1);
}

/* healthy() plus GEMM figures and 4 MiB all-reduces at busbw. */
static void add_skip(struct snap_bench *r, const char *name, const char *why, const char *lib)
{
        struct snap_bench_skip *k = snap_add_bench_skip(r);

        k->name = strdup(name);
        k->why = strdup(why);
        k->library = lib ? strdup(lib) : NULL;
}

static void healthy_compute(struct snap_bench *r, int n, double busbw)
{
        healthy(r, n);
        for (int i = 0; i < n; i++) {
                r->gpus[i].pci_device_id = 0x2330; /* H100 SXM5: 989 / 67 TFLOP/s */
                for (int k = 0; k < SNAP_DTYPE_MAX; k++) {
                        struct snap_bench_gemm *m = snap_add_bench_gemm(r);

                        m->index = i, m->n = 8192, m->samples = 16, m->tolerance = 1e-3;
                        m->dtype = strdup(snap_dtype_key((enum snap_dtype)k));
                        m->tflops = k == SNAP_BF16 ? 700 : 50;
                }
        }
        r->allreduce.ranks = n;
        *snap_add_bench_ar_size(&r->allreduce) =
                (struct snap_bench_ar_size){ 4u << 20, 20, 1, busbw / 2, busbw, 0 };
}

static struct snap_bench_gemm *gemm(struct snap_bench *r, int index, enum snap_dtype t)
{
        return (struct snap_bench_gemm *)snap_bench_gemm_of(r, index, t);
}

/* The finding's text quotes what the worker measured with. */
static void test_gemm_wrong_text(void **state)
{
        struct findings fs = FINDINGS_INIT;
        struct snap_bench r;
        const struct finding *f = NULL;

        (void)state;
        healthy_compute(&r, 4, 9);
        gemm(&r, 1, SNAP_FP32)->wrong_samples = 3;
        gemm(&r, 1, SNAP_FP32)->samples = 32;
        gemm(&r, 1, SNAP_FP32)->tolerance = 0.002;
        check_bench(&r, &fs);
        for (size_t i = 0; i < fs.n; i++)
                if (!strcmp(fs.v[i].cat->id, "bench.gemm-wrong"))
                        f = &fs.v[i];
        assert_non_null(f);
        assert_non_null(strstr(f->summary, "3 of 32 sampled elements of a FP32 GEMM"));
        assert_non_null(strstr(f->evidence.v[0], "within 0.2% of the sum"));
        findings_release(&fs);
        snap_bench_release(&r);
}

static void test_judge_compute(void **state)
{
        struct snap_bench r;

        (void)state;
        healthy_compute(&r, 4, 9); /* through host: 9 of 24 GB/s is fine */
        judge(&r, "bench.ok", 1);
        healthy_compute(&r, 4, 5); /* below a quarter of the slowest pair */
        judge(&r, "bench.allreduce-slow", 1);
        healthy_compute(&r, 4, 5);
        r.allreduce.sizes[0].bytes = 4096;      /* small messages are latency */
        judge(&r, "bench.allreduce-slow", 0);
        healthy_compute(&r, 4, 9);
        r.allreduce.sizes[0].wrong_values = 3;
        judge(&r, "bench.allreduce-wrong", 1);
        healthy_compute(&r, 4, 9);
        r.allreduce.hung_bytes = 8;
        judge(&r, "bench.allreduce-hung", 1);
        healthy_compute(&r, 4, 9);
        gemm(&r, 3, SNAP_BF16)->tflops = 400; /* 57% of siblings */
        judge(&r, "bench.gemm-slow", 1);
        healthy_compute(&r, 2, 9);
        gemm(&r, 1, SNAP_FP32)->tflops = 20;  /* no siblings, 30% of the peak */
        judge(&r, "bench.gemm-slow", 1);
        healthy_compute(&r, 4, 9);
        gemm(&r, 0, SNAP_BF16)->error =
                strdup("cublasGemmEx returned 15: CUBLAS_STATUS_NOT_SUPPORTED (not supported)");
        gemm(&r, 0, SNAP_BF16)->tflops = 0;
        judge(&r, "bench.gemm-not-run", 1);
        healthy_compute(&r, 4, 9);
        gemm(&r, 1, SNAP_FP32)->wrong_samples = 16;
        judge(&r, "bench.gemm-wrong", 1);
        healthy_compute(&r, 4, 9);
        add_skip(&r, "allreduce", "'libnccl.so.2' not found", "NCCL");
        judge(&r, "bench.ok", 1);  /* info only */
        healthy_compute(&r, 4, 9);
        add_skip(&r, "allreduce", "'libnccl.so.2' not found", "NCCL");
        judge(&r, "bench.allreduce-not-run", 1);
        healthy_compute(&r, 4, 9);
        add_skip(&r, "gemm", "'libcublas.so.13' not found", "cuBLAS");
        judge(&r, "bench.gemm-not-run", 1);
        /* a case that does not apply is a line of the report, not a finding */
        healthy_compute(&r, 4, 9);
        add_skip(&r, "allreduce", "one GPU selected: an all-reduce needs two", NULL);
        judge(&r, "bench.allreduce-not-run", 0);
        healthy_compute(&r, 4, 9);
        add_skip(&r, "gemm", "not in the plan (GEMM size 0)", NULL);
        judge(&r, "bench.gemm-not-run", 0);
        healthy_compute(&r, 4, 9);
        r.failure = strdup("cuEventQuery (all-reduce of 8 bytes over 4 GPUs) did not return");
        r.hung = true;
        judge(&r, "bench.allreduce-hung", 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pcie_rate), cmocka_unit_test(test_judge),
                cmocka_unit_test(test_judge_compute), cmocka_unit_test(test_gemm_wrong_text),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
