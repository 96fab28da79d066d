/* test-bench.c - bench's pure parts: the --gpus list, the plan arguments
 * the worker receives, and the worker's records read back strictly (the
 * judges are tested in test-check-bench.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "bench/bench-cuda.h"
#include "drv/drv-worker.h"
#include "snap/snap-json.h"

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

/* A worker's records read back: a record missing a key is a failure that
 * names it, never a 0. */
static void test_take_records(void **state)
{
        struct worker_record recs[] = {
                { "bench", json_pack("{s:i, s:i}", "driver_version", 12020, "device_count", 1) },
                { "gpu", NULL },
                { "pair", json_pack("{s:i, s:i}", "src", 0, "dst", 1) },
        };
        struct worker_result wr = { .recs = recs, .n = 3 };
        struct snap_bench_gpu g = { .index = 0, .name = "A10G", .pci_bus_id = "0000:00:1e.0",
                                    .h2d_gbps = 25 };
        struct snap_bench b = { 0 };

        (void)state;
        recs[1].json = snap_bench_gpu_to_json(&g);
        bench_take(&wr, &b);
        assert_true(b.started);
        assert_int_equal(b.ngpus, 1);
        assert_true(b.gpus[0].h2d_gbps == 25);
        assert_int_equal(b.npairs, 0);
        assert_non_null(b.failure);
        assert_non_null(strstr(b.failure, "malformed 'pair' record"));
        assert_non_null(strstr(b.failure, "p2p: missing"));
        assert_int_equal(b.probe.st, FACT_ERROR);
        snap_bench_release(&b);
        for (size_t i = 0; i < 3; i++)
                json_decref(recs[i].json);
}

/* PyTorch's cuBLAS workspace (parseChosenWorkspaceSize): 32 MiB on Hopper
 * and Blackwell, cuBLAS's ":4096:2:16:8" elsewhere. */
static void test_gemm_workspace(void **state)
{
        (void)state;
        assert_int_equal(bench_gemm_workspace_bytes(9), 32 << 20);   /* H100, H200 */
        assert_int_equal(bench_gemm_workspace_bytes(10), 32 << 20);  /* B200 */
        assert_int_equal(bench_gemm_workspace_bytes(12), 32 << 20);  /* RTX 50 */
        assert_int_equal(bench_gemm_workspace_bytes(8), 8519680);    /* A100, A10G, L4 */
        assert_int_equal(bench_gemm_workspace_bytes(7), 8519680);
        assert_int_equal(bench_gemm_workspace_bytes(13), 8519680);   /* unknown: the default */
}

/* CUBLAS_WORKSPACE_CONFIG read as PyTorch's regex ":([0-9]+):([0-9]+)". */
static void test_workspace_config(void **state)
{
        static const struct {
                const char *val;
                int ret;
                size_t bytes;
        } cases[] = {
                { ":4096:8", 0, 32u << 20 },
                { ":4096:2:16:8", 0, 8519680 },      /* cuBLAS's default */
                { ":16:8", 0, 128u << 10 },
                { ":0:0", 0, 0 },                    /* none */
                { "x:1:2y", 0, 2048 },               /* a match anywhere */
                { "::1:2", 0, 2048 },
                { ":1:2:3", 0, 2048 },               /* ":3" alone is no match */
                { ":12a:3:4", 0, 12288 },
                { "", -EINVAL, 0 },
                { ":4096", -EINVAL, 0 },
                { "4096:8", -EINVAL, 0 },
                { ":a:b", -EINVAL, 0 },
                { ":-1:2", -EINVAL, 0 },
                { ":4194304:2", -ERANGE, 0 },        /* 8 GiB */
                { ":99999999999999999999:1", -EINVAL, 0 }, /* no number below 2^40 */
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                size_t bytes = 12345;

                assert_int_equal(bench_workspace_config(cases[i].val, &bytes), cases[i].ret);
                if (cases[i].ret == 0)
                        assert_int_equal(bytes, cases[i].bytes);
        }
        assert_int_equal(bench_workspace_config(NULL, &(size_t){ 0 }), -EINVAL);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_gpus), cmocka_unit_test(test_plan_args),
                cmocka_unit_test(test_take_records),
                cmocka_unit_test(test_plan_words), cmocka_unit_test(test_ar_sizes),
                cmocka_unit_test(test_gemm_workspace), cmocka_unit_test(test_workspace_config),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
