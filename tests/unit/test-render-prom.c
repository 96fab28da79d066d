/* test-render-prom.c - doctor's Prometheus metrics (render-prom.c): label
 * values are escaped as the exposition format asks; a finding about one GPU
 * carries its index, others an empty gpu label; a finding made several
 * times about no single GPU is one series counting its instances; a GPU
 * fact that is not known is left out, not written as 0. A saved bench
 * (doctor --bench): its GPUs labelled with the NVML index of the GPU of the
 * same bus id, else "cuda<N>"; figures of 0 (not measured) left out; the
 * wrong results counted per case that ran. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "render/render.h"

static char *label(const char *s)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        assert_non_null(f);
        render_prom_label(f, s);
        assert_int_equal(fclose(f), 0);
        return buf;
}

static void test_label(void **state)
{
        static const struct { const char *in, *out; } cases[] = {
                { "535.161.08", "535.161.08" },
                { "a\"b", "a\\\"b" },
                { "C:\\x", "C:\\\\x" },
                { "two\nlines", "two\\nlines" },
                { "{x=\"1\"}", "{x=\\\"1\\\"}" },
                { "", "" },
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *got = label(cases[i].in);
                assert_string_equal(got, cases[i].out);
                free(got);
        }
}

static void test_doctor(void **state)
{
        struct findings fs = FINDINGS_INIT;
        struct snap_gpu gpus[2];
        struct snapshot s;
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);

        (void)state;
        snap_init(&s);
        memset(gpus, 0, sizeof(gpus));
        gpus[0].index = 0, gpus[1].index = 1;
        fact_set_num(&gpus[0].temperature_c, 41);
        gpus[1].temperature_c.st = FACT_UNSUPPORTED;
        fact_set_num(&gpus[1].remap_failed, 1);
        s.gpus = gpus, s.ngpus = 2;
        finding_add(&fs, "health.remap-failed", "GPU 1 failed")->gpu = 1;
        finding_add(&fs, "health.xid-warning", "GPU 0: Xid 1");
        finding_add(&fs, "health.xid-warning", "GPU 1: Xid 1");
        findings_sort(&fs);
        assert_non_null(out);
        render_doctor_prom(out, &s, &fs, 1700000000, 2);
        assert_int_equal(fclose(out), 0);
        assert_non_null(strstr(buf, "\ndlrig_check_timestamp_seconds 1700000000\n"));
        assert_non_null(strstr(buf, "\ndlrig_check_status 2\n"));
        assert_non_null(strstr(buf, "\ndlrig_finding{id=\"health.remap-failed\",severity=\"fail\",gpu=\"1\"} 1\n"));
        assert_non_null(strstr(buf, "\ndlrig_finding{id=\"health.xid-warning\",severity=\"warn\",gpu=\"\"} 2\n"));
        assert_non_null(strstr(buf, "\ndlrig_findings{severity=\"fail\"} 1\n"));
        assert_non_null(strstr(buf, "\ndlrig_gpu_temperature_celsius{gpu=\"0\"} 41\n"));
        assert_null(strstr(buf, "dlrig_gpu_temperature_celsius{gpu=\"1\"}"));
        assert_non_null(strstr(buf, "\ndlrig_gpu_remapped_rows_failed{gpu=\"1\"} 1\n"));
        assert_null(strstr(buf, "dlrig_gpu_remapped_rows_failed{gpu=\"0\"}"));
        assert_non_null(strstr(buf, "\ndlrig_stack_info{driver=\"\",cuda=\"\",torch=\"\",torch_cuda=\"\"} 1\n"));
        free(buf);
        findings_release(&fs);
        s.gpus = NULL, s.ngpus = 0; /* on the stack, holding nothing owned */
        snap_release(&s);
}

/* The metrics render_bench_prom writes for s and b (owned). */
static char *bench_metrics(const struct snapshot *s, const struct snap_bench *b, const struct findings *fs)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);

        assert_non_null(out);
        render_bench_prom(out, s, b, fs, 1700000000, 2);
        assert_int_equal(fclose(out), 0);
        return buf;
}

static void test_bench(void **state)
{
        struct snap_bench_gpu bg[2] = { { .index = 0, .pci_bus_id = (char *)"00000000:3B:00.0", .h2d_gbps = 24.5,
                                          .wrong_words = 3 },
                                        { .index = 1, .pci_bus_id = (char *)"0000:99:00.0", .d2h_gbps = 12.25 } };
        struct snap_bench_pair pairs[2] = { { .src = 0, .dst = 1, .uni_gbps = 20, .bidi_gbps = 38, .latency_us = 1.5 },
                                            { .src = 1, .dst = 0, .uni_gbps = 21, .bidi_gbps = 38 } };
        struct snap_bench_gemm gemm = { .index = 0, .dtype = (char *)"bf16", .tflops = 70.125 };
        struct snap_bench b = { .gpus = bg, .ngpus = 2, .pairs = pairs, .npairs = 2, .gemms = &gemm, .ngemms = 1 };
        static const char *const want[] = {
                "\ndlrig_bench_timestamp_seconds 1700000000\n",
                "\ndlrig_bench_status 2\n",
                "\ndlrig_bench_finding{id=\"bench.copy-wrong\",severity=\"fail\",gpu=\"\"} 1\n",
                "\ndlrig_bench_copy_gbps{gpu=\"1\",direction=\"h2d\"} 24.5\n",
                "\ndlrig_bench_copy_gbps{gpu=\"cuda1\",direction=\"d2h\"} 12.25\n",
                "\ndlrig_bench_gemm_tflops{gpu=\"1\",dtype=\"bf16\"} 70.125\n",
                "\ndlrig_bench_p2p_gbps{src=\"1\",dst=\"cuda1\",direction=\"uni\"} 20\n",
                "\ndlrig_bench_p2p_gbps{src=\"1\",dst=\"cuda1\",direction=\"bidi\"} 38\n",
                "\ndlrig_bench_p2p_latency_seconds{src=\"1\",dst=\"cuda1\"} 1.5e-06\n",
                "\ndlrig_bench_wrong_results{case=\"copies\"} 3\n",
                "\ndlrig_bench_wrong_results{case=\"gemm\"} 0\n",
        };
        /* not measured (0), a duplicate bidi, cases that did not run */
        static const char *const unwanted[] = {
                "dlrig_bench_copy_gbps{gpu=\"1\",direction=\"d2h\"}",
                "dlrig_bench_p2p_gbps{src=\"cuda1\",dst=\"1\",direction=\"bidi\"}",
                "case=\"allreduce\"",
                "dlrig_bench_allreduce_busbw_gbps",
        };
        struct findings fs = FINDINGS_INIT;
        struct snap_gpu gpus[2] = { { .index = 0 }, { .index = 1 } };
        struct snapshot s;
        char *buf;

        (void)state;
        /* NVML's order is not CUDA's: CUDA 0 is NVML 1 (bus 0000:3b:00.0);
         * CUDA 1's bus is not among doctor's GPUs. */
        snap_init(&s);
        fact_set_str(&gpus[0].pci_bus_id, "0000:1a:00.0");
        fact_set_str(&gpus[1].pci_bus_id, "0000:3b:00.0");
        s.gpus = gpus, s.ngpus = 2;
        finding_add(&fs, "bench.copy-wrong", "GPU 0 copied wrong words");
        buf = bench_metrics(&s, &b, &fs);
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
                if (!strstr(buf, want[i]))
                        fail_msg("missing: %s", want[i]);
        for (size_t i = 0; i < sizeof(unwanted) / sizeof(unwanted[0]); i++)
                if (strstr(buf, unwanted[i]))
                        fail_msg("there: %s", unwanted[i]);
        free(buf);
        findings_release(&fs);
        fact_str_release(&gpus[0].pci_bus_id);
        fact_str_release(&gpus[1].pci_bus_id);
        s.gpus = NULL, s.ngpus = 0; /* on the stack */
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_label),
                cmocka_unit_test(test_doctor),
                cmocka_unit_test(test_bench),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
