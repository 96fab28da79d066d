/* test-check-fabric.c - NVSwitch systems and their fabric manager. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"

/* (l) the fabric manager is stopped: cuInit's 802 is its consequence. */
static void test_stopped(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_nvswitch(&s, 6);
        fact_set_num(&s.fabric.running, 0);
        fact_set_num(&s.fabric.enabled, 0);
        snapb_cuda_fail(&s, 802);
        snapb_expect_bad(&s, "fabric.manager-stopped");
        snapb_expect_summary(&s, "fabric.manager-stopped", "not running nor enabled at boot");
        snapb_expect_line(&s, "fabric.manager-stopped", "sudo systemctl enable --now nvidia-fabricmanager");
        snapb_expect_line(&s, "fabric.manager-stopped", "cuInit: CUDA_ERROR_SYSTEM_NOT_READY");
        snap_release(&s);
}

static void test_missing(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_nvswitch(&s, 6);
        fact_fail_str(&s.fabric.version, FACT_ABSENT, "not installed");
        fact_set_num(&s.fabric.running, 0);
        snapb_cuda_fail(&s, 802);
        snapb_expect_bad(&s, "fabric.manager-missing");
        snapb_expect_line(&s, "fabric.manager-missing", "nvidia-fabricmanager-535=$(apt-cache madison nvidia-fabricmanager-535");
        fact_set_str(&s.os.distro_id, "rocky");
        snapb_expect_line(&s, "fabric.manager-missing", "sudo dnf install -y nvidia-fabricmanager-535-" SNAPB_DRIVER);
        snap_release(&s);
}

static void test_version(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_nvswitch(&s, 6);
        fact_set_str(&s.fabric.version, "535.154.05-1");
        snapb_cuda_fail(&s, 802);
        snapb_expect_bad(&s, "fabric.manager-version");
        snapb_expect_summary(&s, "fabric.manager-version", "the fabric manager is 535.154.05-1 but the driver is " SNAPB_DRIVER);
        snap_release(&s);
}

static void test_ok_and_absent(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_expect_all(&s, "cuda.ok driver.ok gpu.counts-agree health.ok kmod.loaded pci.gpus-present");
        snapb_nvswitch(&s, 6);
        snapb_expect_bad(&s, "");
        snapb_expect_summary(&s, "fabric.manager-ok", "fabric manager " SNAPB_DRIVER "-1 is running for 6 NVSwitches");
        snap_release(&s);
}

/* A driver mismatch explains a fabric manager that does not start. */
static void test_driver_broken(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_nvswitch(&s, 6);
        fact_set_num(&s.fabric.running, 0);
        fact_set_str(&s.kmod.loaded_version, "535.104.05");
        snapb_nvml_fail(&s, 18);
        snapb_expect_bad(&s, "driver.version-mismatch");
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_stopped),       cmocka_unit_test(test_missing),
                cmocka_unit_test(test_version),       cmocka_unit_test(test_ok_and_absent),
                cmocka_unit_test(test_driver_broken),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
