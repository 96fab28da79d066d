/* test-check-host.c - doctor part 3's checks: containers, upkeep, workload
 * set-up and CUDA extensions, each on the guide's healthy machine with one
 * fact changed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kb/kb.h"
#include "snap-builder.h"

static void healthy_host(struct snapshot *s)
{
        snapb_healthy(s, 8);
        probe_set(&s->host.probe, FACT_OK, NULL);
}

static void test_quiet_when_healthy(void **state)
{
        struct snapshot s;

        (void)state;
        healthy_host(&s);
        fact_set_num(&s.host.shm_bytes, 16LL << 30);
        fact_set_num(&s.host.port_busy, 0);
        fact_set_num(&s.host.auto_upgrades, 1);
        fact_set_num(&s.host.driver_guarded, 1);   /* guarded: no finding */
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

static void test_shm(void **state)
{
        struct snapshot s;

        (void)state;
        healthy_host(&s);
        fact_set_str(&s.host.container, "kubernetes");
        fact_set_num(&s.host.shm_bytes, 64LL << 20);
        snapb_expect_bad(&s, "container.shm-small");
        snapb_expect_summary(&s, "container.shm-small", "limited to 64 MiB");
        snapb_expect_line(&s, "container.shm-small", "emptyDir");
        fact_set_num(&s.host.shm_bytes, 1LL << 30);
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

static void test_revoked(void **state)
{
        struct snapshot s;

        (void)state;
        healthy_host(&s);
        fact_set_str(&s.host.container, "docker");
        snapb_nvml_fail(&s, 999);
        snapb_expect_summary(&s, "container.gpus-revoked", "lost its GPU access");
        snapb_nvml_fail(&s, 9);   /* driver not loaded: not this finding */
        assert_null(snapb_summary(&s, "container.gpus-revoked"));
        snap_release(&s);
}

static void test_container_toolkit(void **state)
{
        struct snapshot s;

        (void)state;
        healthy_host(&s);
        fact_set_str(&s.host.engines, "docker");
        fact_fail_str(&s.host.ctk_version, FACT_ABSENT, "not installed");
        snapb_expect_bad(&s, "container.toolkit-missing");
        snapb_expect_line(&s, "container.toolkit-missing", "nvidia-ctk runtime configure --runtime=docker");
        fact_set_str(&s.host.ctk_version, "1.16.2");
        fact_set_num(&s.host.ctk_configured, 0);
        snapb_expect_bad(&s, "container.toolkit-unconfigured");
        fact_set_num(&s.host.ctk_configured, 1);
        snapb_expect_bad(&s, "");
        fact_set_str(&s.host.container, "docker");   /* inside: the host's business */
        fact_fail_str(&s.host.ctk_version, FACT_ABSENT, "not installed");
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

static void test_upkeep(void **state)
{
        struct snapshot s;

        (void)state;
        healthy_host(&s);
        fact_set_num(&s.host.auto_upgrades, 1);
        fact_set_num(&s.host.driver_guarded, 0);
        fact_set_num(&s.host.port_busy, 1);
        fact_set_str(&s.host.accel_config, "/home/u/.cache/huggingface/accelerate/default_config.yaml");
        fact_set_num(&s.host.accel_processes, 2);
        snapb_expect_bad(&s, "upkeep.driver-auto-upgrade workload.accelerate-config workload.torchrun-port-busy");
        snapb_expect_summary(&s, "workload.accelerate-config", "starts 2 processes for 8 GPUs");
        snapb_expect_line(&s, "upkeep.driver-auto-upgrade", "51unattended-upgrades-local");
        snap_release(&s);
}

/* A service or a login profile that hides GPUs: warnings, since every job
 * started there runs on fewer GPUs; a value naming every GPU hides none. */
static void test_cvd_service_profile(void **state)
{
        struct snapshot s;

        (void)state;
        healthy_host(&s);
        fact_set_str(&s.host.service_cvd, "ollama.service: CUDA_VISIBLE_DEVICES=0,1");
        fact_set_str(&s.host.profile_cvd, "/etc/profile.d/gpus.sh: CUDA_VISIBLE_DEVICES=0");
        snapb_expect_bad(&s, "profile.cuda-visible-devices service.cuda-visible-devices");
        snapb_expect_summary(&s, "service.cuda-visible-devices", "its jobs see 2 of 8 GPUs (GPU 2, 3, 4, 5, 6, 7 hidden)");
        snapb_expect_summary(&s, "profile.cuda-visible-devices", "/etc/profile.d/gpus.sh sets CUDA_VISIBLE_DEVICES for every login");
        snapb_expect_line(&s, "profile.cuda-visible-devices", "sed -i '/CUDA_VISIBLE_DEVICES/d' /etc/profile.d/gpus.sh");
        fact_set_str(&s.host.service_cvd, "ollama.service: CUDA_VISIBLE_DEVICES=0,1,2,3,4,5,6,7");
        fact_set_str(&s.host.profile_cvd, "/etc/environment: CUDA_VISIBLE_DEVICES=GPU-");
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

/* A user's own rc file hiding GPUs: a warning naming the file; the file
 * the profile finding names is said once, there. */
static void test_cvd_shell(void **state)
{
        struct snapshot s;

        (void)state;
        healthy_host(&s);
        fact_set_str(&s.shell.user, "u");
        fact_set_str(&s.shell.cuda_visible_devices, "/home/u/.bashrc: CUDA_VISIBLE_DEVICES=2,3");
        snapb_expect_bad(&s, "shell.cuda-visible-devices");
        snapb_expect_summary(&s, "shell.cuda-visible-devices", "/home/u/.bashrc sets CUDA_VISIBLE_DEVICES for u's shells");
        snapb_expect_summary(&s, "shell.cuda-visible-devices", "see 2 of 8 GPUs (GPU 0, 1, 4, 5, 6, 7 hidden)");
        snapb_expect_line(&s, "shell.cuda-visible-devices", "sed -i '/CUDA_VISIBLE_DEVICES/d' /home/u/.bashrc");
        fact_set_str(&s.shell.cuda_visible_devices, "/etc/profile.d/gpus.sh: CUDA_VISIBLE_DEVICES=0");
        fact_set_str(&s.host.profile_cvd, "/etc/profile.d/gpus.sh: CUDA_VISIBLE_DEVICES=0");
        snapb_expect_bad(&s, "profile.cuda-visible-devices");
        fact_set_str(&s.shell.cuda_visible_devices, "/home/u/.zshrc: CUDA_VISIBLE_DEVICES=0,1,2,3,4,5,6,7");
        fact_set_str(&s.host.profile_cvd, "/etc/environment: CUDA_VISIBLE_DEVICES=GPU-");
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

static void test_gcc(void **state)
{
        struct snapshot s;

        (void)state;
        assert_int_equal(kb_cuda_max_gcc("12.1.105"), 12);
        assert_int_equal(kb_cuda_max_gcc("12.4"), 13);
        assert_int_equal(kb_cuda_max_gcc("11.8"), 11);
        assert_int_equal(kb_cuda_max_gcc("13.0.48"), 15);
        assert_int_equal(kb_cuda_max_gcc("14.0"), 0);   /* unknown: no judgement */
        assert_int_equal(kb_cuda_max_gcc("10.2"), 0);
        healthy_host(&s);
        fact_set_str(&s.toolkits.nvcc_path, "/usr/local/cuda-12.1/bin/nvcc");
        fact_set_str(&s.toolkits.nvcc_version, "12.1.105");
        fact_set_str(&s.host.cc_version, "12");
        snapb_expect_bad(&s, "");
        fact_set_str(&s.host.cc_version, "13");
        snapb_expect_bad(&s, "toolkit.gcc-too-new");
        snapb_expect_line(&s, "toolkit.gcc-too-new", "NVCC_CCBIN=/usr/bin/g++-12");
        snap_release(&s);
}

static void test_device_order(void **state)
{
        struct snapshot s;

        (void)state;
        healthy_host(&s);
        fact_set_str(&s.gpus[7].name, "NVIDIA GeForce RTX 4090");
        snapb_expect_bad(&s, "gpu.order-differs");
        fact_set_str(&s.cuda.device_order, "PCI_BUS_ID");
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

static struct snap_pyenv *torch_env(struct snapshot *s)
{
        struct snap_pyenv *e = snap_add_pyenv(&s->python);

        probe_set(&s->python.probe, FACT_OK, NULL);
        e->kind = strdup("conda"), e->path = strdup("/opt/conda/envs/dl"), e->name = strdup("dl");
        fact_set_str(&e->torch_version, "2.3.1+cu121");
        fact_set_str(&e->torch_cuda, "12.1");
        return e;
}

static void test_extensions(void **state)
{
        struct snapshot s;
        struct snap_pyenv *e;

        (void)state;
        healthy_host(&s);
        e = torch_env(&s);
        strv_push(&e->extensions, strdup("exllamav2 0.1.8+cu121.torch2.3.1"));
        strv_push(&e->extensions, strdup("flash_attn 2.5.9+cu122torch2.2cxx11abiFALSE"));
        fact_set_str(&s.toolkits.nvcc_version, "12.4.131");   /* minor difference: fine */
        fact_set_str(&e->libstdcxx, "6.0.32");
        fact_set_str(&s.host.libstdcxx, "6.0.30");             /* the env's is newer: fine */
        assert_null(snapb_summary(&s, "toolkit.torch-cuda-mismatch"));
        assert_null(snapb_summary(&s, "python.libstdcxx-old"));
        snapb_expect_summary(&s, "torch.extension-mismatch", "flash_attn was built for torch 2.2");
        fact_set_str(&s.toolkits.nvcc_version, "11.8.89");
        fact_set_str(&e->libstdcxx, "6.0.29");
        snapb_expect_summary(&s, "toolkit.torch-cuda-mismatch", "nvcc is CUDA 11.8.89");
        snapb_expect_summary(&s, "python.libstdcxx-old", "GLIBCXX_3.4.30 not found");
        fact_set_str(&e->cuda_toolkit, "12.1.105");   /* the env's own nvcc wins */
        assert_null(snapb_summary(&s, "toolkit.torch-cuda-mismatch"));
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_quiet_when_healthy), cmocka_unit_test(test_shm),
                cmocka_unit_test(test_revoked), cmocka_unit_test(test_container_toolkit),
                cmocka_unit_test(test_upkeep), cmocka_unit_test(test_gcc),
                cmocka_unit_test(test_cvd_service_profile), cmocka_unit_test(test_cvd_shell),
                cmocka_unit_test(test_device_order), cmocka_unit_test(test_extensions),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
