/* test-render-prom.c - doctor's Prometheus metrics (render-prom.c): label
 * values are escaped as the exposition format asks; a finding about one GPU
 * carries its index, others an empty gpu label; a finding made several
 * times about no single GPU is one series counting its instances; a GPU
 * fact that is not known is left out, not written as 0. */
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

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_label),
                cmocka_unit_test(test_doctor),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
