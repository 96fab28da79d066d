/* test-check-cuda.c - cuInit failures by code, the stub library, a
 * missing libcuda; and silence where a lower layer explains them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"
#include "util/xalloc.h"

static void set_lib(struct snapshot *s, const char *path)
{
        free(s->cuda.library);
        s->cuda.library = xstrdup(path);
}

static void test_ok(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_expect_summary(&s, "cuda.ok", "CUDA 12.2 driver API (libcuda " SNAPB_DRIVER ") sees 8 devices");
        snap_release(&s);
}

/* 34: the toolkit's stub libcuda came first on LD_LIBRARY_PATH. */
static void test_stub(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_cuda_fail(&s, 34);
        set_lib(&s, "/usr/local/cuda-12.2/lib64/stubs/libcuda.so.1");
        snapb_expect_bad(&s, "cuda.stub-library");
        snapb_expect_summary(&s, "cuda.stub-library", "/usr/local/cuda-12.2/lib64/stubs/libcuda.so.1");
        snapb_expect_line(&s, "cuda.stub-library", "grep -v '/stubs'");
        snap_release(&s);
}

/* 803 from a cuda-compat libcuda that does not fit the driver. */
static void test_system_driver_mismatch(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_cuda_fail(&s, 803);
        set_lib(&s, "/usr/local/cuda-12.4/compat/libcuda.so.550.54.15");
        snapb_expect_bad(&s, "cuda.init-failed");
        snapb_expect_summary(&s, "cuda.init-failed", "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH");
        snapb_expect_line(&s, "cuda.init-failed", "libcuda: 550.54.15");
        snapb_expect_line(&s, "cuda.init-failed", "grep -v compat");
        snap_release(&s);
}

static void test_codes(void **state)
{
        static const struct { int64_t code; const char *phrase; } cases[] = {
                { 802, "fabric manager" },  { 100, "CUDA sees no device" },
                { 35, "older than this libcuda" }, { 999, "nvidia_uvm" }, { 46, "compute mode" },
                { 2, "CUDA_ERROR_OUT_OF_MEMORY" }, /* named from kb/kb-codes.h like drv/ names it */
                { 4242, "error 4242" }, /* a code without a name here: named by number */
        };
        struct snapshot s;

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                snapb_healthy(&s, 4);
                snapb_cuda_fail(&s, cases[i].code);
                snapb_expect_bad(&s, "cuda.init-failed");
                snapb_expect_summary(&s, "cuda.init-failed", cases[i].phrase);
                snap_release(&s);
        }
}

static void test_library_missing(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_cuda_fail(&s, 0);
        fact_num_release(&s.cuda.init_result);
        probe_set(&s.cuda.probe, FACT_ABSENT, "libcuda.so.1: cannot open shared object file");
        free(s.cuda.library), s.cuda.library = NULL;
        snapb_expect_bad(&s, "cuda.library-missing");
        snapb_expect_line(&s, "cuda.library-missing", "sudo apt-get install -y libnvidia-compute-535");
        snap_release(&s);
}

static void test_hung(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_cuda_fail(&s, 0);
        fact_num_release(&s.cuda.init_result);
        probe_set(&s.cuda.probe, FACT_TIMEOUT, "cuInit(0) did not return within 5000 ms");
        snapb_expect_bad(&s, "driver.hung");
        snapb_expect_summary(&s, "driver.hung", "the driver hung in cuInit(0)");
        snap_release(&s);
}

/* Failures whose cause a lower or sibling check reports. */
static void test_explained(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 4);
        s.kmod.nvidia_uvm = false;
        snapb_cuda_fail(&s, 999);
        snapb_expect_bad(&s, "kmod.uvm-not-loaded");
        snap_release(&s);

        snapb_healthy(&s, 4);
        fact_set_str(&s.cuda.visible_devices, "");
        snapb_cuda_fail(&s, 100);
        snapb_expect_bad(&s, "gpu.cuda-visible-devices");
        snap_release(&s);

        snapb_healthy(&s, 4);
        snapb_nvml_fail(&s, 9);
        snapb_cuda_fail(&s, 100);
        snapb_expect_bad(&s, "driver.nvml-failed");
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ok),         cmocka_unit_test(test_stub),
                cmocka_unit_test(test_system_driver_mismatch), cmocka_unit_test(test_codes),
                cmocka_unit_test(test_library_missing), cmocka_unit_test(test_hung),
                cmocka_unit_test(test_explained),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
