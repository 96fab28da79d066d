/* test-bench.c - bench's pure parts: the --gpus list, the plan arguments
 * the worker receives, the PCIe rate formula and the judge's outliers on
 * hand-made results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"

static void test_parse_gpus(void **state)
{
        uint64_t m = 0;

        (void)state;
        assert_int_equal(bench_parse_gpus("0,2-3", &m), 0);
        assert_int_equal(m, 0xd);
        assert_int_equal(bench_parse_gpus("7", &m), 0);
        assert_int_equal(m, 0x80);
        assert_int_equal(bench_parse_gpus("63", &m), 0);
        assert_true(m == 1ull << 63);
        static const char *const bad[] = { "", ",", "1,", "a", "3-1", "64", "1-", "-2", "1,,2",
                                           "1 2", "999999999" };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_int_equal(bench_parse_gpus(bad[i], &m), -EINVAL);
}

static void test_plan_args(void **state)
{
        char *ok[] = { "4194304", "4", "100", "5" };
        char *bad[] = { "3", "4", "100", "5" };
        char *zero[] = { "4096", "0", "100", "5" };
        struct bench_plan p;

        (void)state;
        assert_int_equal(bench_plan_from_args(4, ok, &p), 0);
        assert_int_equal(p.copy_bytes, 4194304);
        assert_int_equal(p.copy_iters, 4);
        assert_int_equal(p.lat_iters, 100);
        assert_true(bench_plan_wants(&p, 0) && bench_plan_wants(&p, 2) && !bench_plan_wants(&p, 1));
        assert_int_equal(bench_plan_from_args(4, bad, &p), -EINVAL);
        assert_int_equal(bench_plan_from_args(4, zero, &p), -EINVAL);
        assert_int_equal(bench_plan_from_args(3, ok, &p), -EINVAL);
        bench_plan_init(&p, true);
        assert_int_equal(bench_plan_env(&p, "8192"), 0);
        assert_int_equal(p.copy_bytes, 8192);
        assert_int_equal(bench_plan_env(&p, "100"), -EINVAL);
}

static void test_plan_words(void **state)
{
        char *ok[] = { "4096", "4", "100", "0", "gemm=512:3", "ar=1048576:4:7",
                       "cublas=/x/libcublas.so.12", "nccl=/y/libnccl.so.2" };
        char *bad_gemm[] = { "4096", "4", "100", "0", "gemm=512" };
        char *bad_ar[] = { "4096", "4", "100", "0", "ar=1048576:1:7" };
        char *bad_word[] = { "4096", "4", "100", "0", "nccl=" };
        char *args[12] = { "x", NULL };
        struct bench_plan p, q;

        (void)state;
        assert_int_equal(bench_plan_from_args(8, ok, &p), 0);
        assert_int_equal(p.gemm_n, 512);
        assert_int_equal(p.gemm_iters, 3);
        assert_int_equal(p.ar_max_bytes, 1048576);
        assert_int_equal(p.ar_step, 4);
        assert_int_equal(p.ar_iters, 7);
        assert_string_equal(p.cublas_lib, "/x/libcublas.so.12");
        assert_string_equal(p.nccl_lib, "/y/libnccl.so.2");
        assert_int_equal(bench_plan_from_args(5, bad_gemm, &p), -EINVAL);
        assert_int_equal(bench_plan_from_args(5, bad_ar, &p), -EINVAL);
        assert_int_equal(bench_plan_from_args(5, bad_word, &p), -EINVAL);
        /* the parent's words read back as the same plan */
        bench_plan_init(&p, true);
        p.nccl_lib = "/n/libnccl.so.2";
        bench_plan_args(&p, args);
        char *argv[12] = { "4096", "4", "100", "0" };
        int argc = 4;
        for (int i = 1; args[i]; i++)
                argv[argc++] = args[i];
        assert_int_equal(bench_plan_from_args(argc, argv, &q), 0);
        assert_int_equal(q.gemm_n, p.gemm_n);
        assert_int_equal(q.ar_max_bytes, p.ar_max_bytes);
        assert_int_equal(q.ar_step, p.ar_step);
        assert_null(q.cublas_lib);
        assert_string_equal(q.nccl_lib, "/n/libnccl.so.2");
        for (int i = 1; args[i]; i++)
                free(args[i]);
        assert_int_equal(bench_plan_env_more(&p, "100000", NULL), -EINVAL);
        assert_int_equal(bench_plan_env_more(&p, "256", "4194304"), 0);
        assert_int_equal(p.gemm_n, 256);
}

static void test_ar_sizes(void **state)
{
        struct bench_plan p;
        size_t n = 0, last = 0;

        (void)state;
        bench_plan_init(&p, false); /* 8 B .. 256 MiB doubling: 26 sizes */
        while (bench_ar_size(&p, n))
                last = bench_ar_size(&p, n++);
        assert_int_equal(n, 26);
        assert_int_equal(last, 256u << 20);
        bench_plan_init(&p, true);  /* x8 up to 128 MiB: 9 sizes */
        for (n = 0; bench_ar_size(&p, n); n++)
                ;
        assert_int_equal(n, 9);
        p.ar_max_bytes = 4 << 20;   /* off the ladder: 4 MiB still comes last */
        for (n = 0; bench_ar_size(&p, n); n++)
                last = bench_ar_size(&p, n);
        assert_int_equal(n, 8);
        assert_int_equal(last, 4u << 20);
        p.ar_max_bytes = 0;
        assert_int_equal(bench_ar_size(&p, 0), 0);
}

static void test_pcie_rate(void **state)
{
        (void)state;
        assert_true(bench_pcie_gbps(16.0, 16) > 31.50 && bench_pcie_gbps(16.0, 16) < 31.51);
        assert_true(bench_pcie_gbps(32.0, 16) > 63.01 && bench_pcie_gbps(32.0, 16) < 63.02);
        assert_true(bench_pcie_gbps(5.0, 8) > 3.99 && bench_pcie_gbps(5.0, 8) < 4.01);
}

/* n GPUs of one model at 25/26/240 GB/s, every ordered pair through the
 * host at 24 GB/s. */
static void healthy(struct bench_result *r, int n)
{
        memset(r, 0, sizeof(*r));
        r->started = true;
        r->ngpus = (size_t)n;
        r->pairs = calloc((size_t)(n * (n - 1)), sizeof(*r->pairs));
        for (int i = 0; i < n; i++) {
                struct bench_gpu *g = &r->gpus[i];
                g->ordinal = i;
                strcpy(g->name, "NVIDIA A10G");
                g->h2d_gbps = 25, g->d2h_gbps = 26, g->d2d_gbps = 240;
                for (int j = 0; j < n; j++)
                        if (i != j)
                                r->pairs[r->npairs++] = (struct bench_pair){ i, j, false, 0, 24,
                                                                             48, 10, 0 };
        }
}

static void judge(struct bench_result *r, const char *want, size_t count)
{
        struct findings fs = FINDINGS_INIT;
        size_t n = 0;

        bench_judge(r, &fs);
        for (size_t i = 0; i < fs.n; i++)
                n += !strcmp(fs.v[i].cat->id, want);
        assert_int_equal(n, count);
        findings_release(&fs);
        bench_result_release(r);
}

static void test_judge(void **state)
{
        struct bench_result r;

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
        r.pairs[5].wrong = 7;
        judge(&r, "bench.copy-wrong", 1);
        healthy(&r, 4);
        r.gpus[1].link = (struct bench_link){ true, 16, 16, 8, 16 };
        judge(&r, "bench.link-degraded-under-load", 1);
        healthy(&r, 2); /* too few siblings to call anyone slow */
        r.gpus[1].h2d_gbps = 1;
        judge(&r, "bench.gpu-slow", 0);
        memset(&r, 0, sizeof(r));
        judge(&r, "bench.not-run", 1);
}

/* healthy() plus GEMM figures and 4 MiB all-reduces at busbw. */
static void healthy_compute(struct bench_result *r, int n, double busbw)
{
        healthy(r, n);
        r->gemm_n = 8192;
        for (int i = 0; i < n; i++) {
                r->gpus[i].pci_device_id = 0x2330; /* H100 SXM5: 989 / 67 TFLOP/s */
                r->gpus[i].gemm_tflops[BENCH_BF16] = 700;
                r->gpus[i].gemm_tflops[BENCH_FP32] = 50;
        }
        r->ar = calloc(1, sizeof(*r->ar));
        r->nar = 1;
        r->ar_ranks = n;
        r->ar[0] = (struct bench_ar){ 4u << 20, 20, 1, busbw / 2, busbw, 0 };
}

static void test_judge_compute(void **state)
{
        struct bench_result r;

        (void)state;
        healthy_compute(&r, 4, 9); /* through host: 9 of 24 GB/s is fine */
        judge(&r, "bench.ok", 1);
        healthy_compute(&r, 4, 5); /* below a quarter of the slowest pair */
        judge(&r, "bench.allreduce-slow", 1);
        healthy_compute(&r, 4, 5);
        r.ar[0].bytes = 4096;      /* small messages are latency */
        judge(&r, "bench.allreduce-slow", 0);
        healthy_compute(&r, 4, 9);
        r.ar[0].wrong = 3;
        judge(&r, "bench.allreduce-wrong", 1);
        healthy_compute(&r, 4, 9);
        r.ar_hung_bytes = 8;
        judge(&r, "bench.allreduce-hung", 1);
        healthy_compute(&r, 4, 9);
        r.gpus[3].gemm_tflops[BENCH_BF16] = 400; /* 57% of siblings */
        judge(&r, "bench.gemm-slow", 1);
        healthy_compute(&r, 2, 9);
        r.gpus[1].gemm_tflops[BENCH_FP32] = 20;  /* no siblings, 30% of the peak */
        judge(&r, "bench.gemm-slow", 1);
        healthy_compute(&r, 4, 9);
        snprintf(r.gpus[0].gemm_error[BENCH_BF16], sizeof(r.gpus[0].gemm_error[0]),
                 "cublasGemmEx returned 15: CUBLAS_STATUS_NOT_SUPPORTED (not supported)");
        r.gpus[0].gemm_tflops[BENCH_BF16] = 0;
        judge(&r, "bench.gemm-not-run", 1);
        healthy_compute(&r, 4, 9);
        r.gpus[1].gemm_wrong[BENCH_FP32] = 16;
        judge(&r, "bench.gemm-wrong", 1);
        healthy_compute(&r, 4, 9);
        r.ar_skipped = strdup("no NCCL");
        judge(&r, "bench.ok", 1);  /* info only */
        healthy_compute(&r, 4, 9);
        r.failure = strdup("cuEventQuery (all-reduce of 8 bytes over 4 GPUs) did not return");
        r.hung = true;
        judge(&r, "bench.allreduce-hung", 1);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_gpus), cmocka_unit_test(test_plan_args),
                cmocka_unit_test(test_pcie_rate), cmocka_unit_test(test_judge),
                cmocka_unit_test(test_plan_words), cmocka_unit_test(test_ar_sizes),
                cmocka_unit_test(test_judge_compute),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
