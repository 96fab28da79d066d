/* test-drv-errors.c - the NVML and CUDA return-code tables (nvml-errors.c,
 * cuda-errors.c): names, fact statuses and the texts a report shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "drv/cuda-errors.h"
#include "drv/nvml-errors.h"

static void test_nvml_status(void **state)
{
        static const struct { nvmlReturn_t r; enum fact_st st; const char *why; } cases[] = {
                { NVML_ERROR_NOT_SUPPORTED, FACT_UNSUPPORTED, "NVML_ERROR_NOT_SUPPORTED" },
                { NVML_ERROR_FUNCTION_NOT_FOUND, FACT_UNSUPPORTED,
                  "NVML_ERROR_FUNCTION_NOT_FOUND" },
                { NVML_ERRORS_NO_SYMBOL, FACT_UNSUPPORTED, "not in this driver" },
                { NVML_ERROR_NO_PERMISSION, FACT_DENIED, "NVML_ERROR_NO_PERMISSION" },
                { NVML_ERROR_TIMEOUT, FACT_TIMEOUT, "NVML_ERROR_TIMEOUT" },
                { NVML_ERROR_GPU_IS_LOST, FACT_ERROR, "NVML_ERROR_GPU_IS_LOST" },
                { NVML_ERROR_UNKNOWN, FACT_ERROR, "NVML_ERROR_UNKNOWN" },
                { 4242, FACT_ERROR, "NVML error 4242" },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *why = nvml_errors_why(cases[i].r);

                assert_int_equal(nvml_errors_status(cases[i].r), cases[i].st);
                assert_string_equal(why, cases[i].why);
                free(why);
        }
        assert_int_equal(nvml_errors_status(NVML_SUCCESS), FACT_OK);
}

static void test_nvml_describe(void **state)
{
        static const struct { nvmlReturn_t r; const char *text; } cases[] = {
                { 18, "NVML_ERROR_LIB_RM_VERSION_MISMATCH (18): driver/library version mismatch" },
                { 9, "NVML_ERROR_DRIVER_NOT_LOADED (9): the NVIDIA kernel driver is not loaded" },
                { 4242, "NVML error 4242 (not a code this dlrig knows)" },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *text = nvml_errors_describe(cases[i].r);

                assert_string_equal(text, cases[i].text);
                free(text);
        }
        assert_string_equal(nvml_errors_name(15), "NVML_ERROR_GPU_IS_LOST");
        assert_null(nvml_errors_name(4242));
        assert_null(nvml_errors_meaning(4242));
}

static void test_cuda(void **state)
{
        static const struct {
                CUresult r;
                const char *lib;
                enum fact_st st;
                const char *text;
        } cases[] = {
                { 100, NULL, FACT_ERROR,
                  "CUDA_ERROR_NO_DEVICE (100): no CUDA-capable device is detected" },
                { 801, NULL, FACT_UNSUPPORTED,
                  "CUDA_ERROR_NOT_SUPPORTED (801): operation not supported" },
                { 800, NULL, FACT_DENIED,
                  "CUDA_ERROR_NOT_PERMITTED (800): operation not permitted" },
                { 909, NULL, FACT_TIMEOUT, "CUDA_ERROR_TIMEOUT (909): timed out" },
                { 917, "CUDA_ERROR_FUTURE", FACT_ERROR, "CUDA_ERROR_FUTURE (917)" },
                { 917, NULL, FACT_ERROR, "CUDA error 917 (not a code this dlrig knows)" },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *text = cuda_errors_describe(cases[i].r, cases[i].lib);

                assert_int_equal(cuda_errors_status(cases[i].r), cases[i].st);
                assert_string_equal(text, cases[i].text);
                free(text);
        }
}

static void test_cuda_why(void **state)
{
        char *why;
        (void)state;
        why = cuda_errors_why(34, "ignored for a known code");
        assert_string_equal(why, "CUDA_ERROR_STUB_LIBRARY");
        free(why);
        why = cuda_errors_why(917, "CUDA_ERROR_FUTURE");
        assert_string_equal(why, "CUDA_ERROR_FUTURE");
        free(why);
        why = cuda_errors_why(CUDA_ERRORS_NO_SYMBOL, NULL);
        assert_string_equal(why, "not in this driver");
        free(why);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_nvml_status), cmocka_unit_test(test_nvml_describe),
                cmocka_unit_test(test_cuda), cmocka_unit_test(test_cuda_why),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
