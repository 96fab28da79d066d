/* test-check-software.c - doctor part 2: driver branch and module flavour,
 * toolkit on PATH, Python environments and torch, on hand-made snapshots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"
#include "util/xalloc.h"

#define TK "/usr/local/cuda-12.1"
#define ENV "/home/ubuntu/miniconda3/envs/dl"

/* The guide's machine completed: CUDA 12.1 on PATH via ~/.bashrc, conda
 * initialised, torch 2.3.1+cu121 on Python 3.11 in env "dl". */
static void guide(struct snapshot *s, size_t ngpus)
{
        struct snap_toolkit *t;
        struct snap_pyenv *e;

        snapb_healthy(s, ngpus);
        probe_set(&s->toolkits.probe, FACT_OK, NULL);
        t = snap_add_toolkit(&s->toolkits);
        t->path = xstrdup(TK), t->origin = xstrdup("system");
        fact_set_str(&t->version, "12.1.105");
        fact_set_str(&s->toolkits.cuda_link, TK);
        fact_set_str(&s->toolkits.nvcc_path, TK "/bin/nvcc");
        fact_set_str(&s->toolkits.nvcc_version, "12.1.105");
        strv_push(&s->toolkits.libcudart, xstrdup(TK "/lib64/libcudart.so.12"));
        strv_push(&s->toolkits.libcuda, xstrdup("/usr/lib/x86_64-linux-gnu/libcuda.so.1"));
        fact_fail_str(&s->toolkits.stub_libcuda, FACT_ABSENT, NULL);
        probe_set(&s->shell.probe, FACT_OK, NULL);
        fact_set_str(&s->shell.login_shell, "/bin/bash");
        fact_set_str(&s->shell.path, TK "/bin:/usr/local/bin:/usr/bin:/bin");
        fact_set_str(&s->shell.conda_init, "/home/ubuntu/.bashrc");
        strv_push(&s->shell.rc_files, xstrdup("/home/ubuntu/.bashrc"));
        probe_set(&s->python.probe, FACT_OK, NULL);
        strv_push(&s->python.conda_installs, xstrdup("/home/ubuntu/miniconda3"));
        e = snap_add_pyenv(&s->python);
        e->kind = xstrdup("conda"), e->path = xstrdup(ENV), e->name = xstrdup("dl");
        fact_set_str(&e->python_version, "3.11.9");
        fact_set_str(&e->torch_version, "2.3.1+cu121");
        fact_set_str(&e->torch_cuda, "12.1");
        fact_set_str(&e->torchvision_version, "0.18.1+cu121");
        fact_set_str(&e->torchaudio_version, "2.3.1+cu121");
        strv_push(&e->nvidia_wheels, xstrdup("nvidia-cublas-cu12 12.1.3.1"));
        strv_push(&e->nvidia_wheels, xstrdup("nvidia-cudnn-cu12 8.9.2.26"));
}

static struct snap_pyenv *env0(struct snapshot *s)
{
        return &s->python.envs[0];
}

static void test_guide_healthy(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 8);
        snapb_expect_bad(&s, "");
        snapb_expect_summary(&s, "torch.ok", ENV ": torch 2.3.1+cu121 (Python 3.11.9) runs on this driver and all 8 GPUs");
        snapb_expect_summary(&s, "toolkit.ok", "CUDA 12.1.105");
        snap_release(&s);
}

static void test_nvcc_not_on_path(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 8);
        fact_fail_str(&s.toolkits.nvcc_path, FACT_ABSENT, "not on PATH");
        strv_release(&s.toolkits.libcudart);
        snapb_expect_bad(&s, "toolkit.nvcc-not-on-path");
        snapb_expect_line(&s, "toolkit.nvcc-not-on-path", "export PATH=" TK "/bin${PATH:+:${PATH}}");
        snapb_expect_line(&s, "toolkit.nvcc-not-on-path", "dlrig env --cuda 12.1.105");
        snap_release(&s);
}

static void test_stub_first(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 2);
        strv_release(&s.toolkits.libcuda);
        strv_push(&s.toolkits.libcuda, xstrdup(TK "/lib64/stubs/libcuda.so"));
        strv_push(&s.toolkits.libcuda, xstrdup("/usr/lib/x86_64-linux-gnu/libcuda.so.1"));
        fact_set_str(&s.toolkits.stub_libcuda, TK "/lib64/stubs/libcuda.so");
        snapb_expect_bad(&s, "toolkit.stub-libcuda");
        snap_release(&s);
}

static void test_paths_disagree(void **state)
{
        struct snapshot s;
        struct snap_toolkit *t;

        (void)state;
        guide(&s, 2);
        t = snap_add_toolkit(&s.toolkits);
        t->path = xstrdup("/usr/local/cuda-11.8"), t->origin = xstrdup("system");
        fact_set_str(&t->version, "11.8.89");
        strv_release(&s.toolkits.libcudart);
        strv_push(&s.toolkits.libcudart, xstrdup("/usr/local/cuda-11.8/lib64/libcudart.so.11.0"));
        snapb_expect_bad(&s, "toolkit.paths-disagree");
        snapb_expect_line(&s, "toolkit.paths-disagree", "/usr/local/cuda-11.8");
        snap_release(&s);
}

static void test_toolkit_newer_than_driver(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 2);
        fact_set_str(&s.toolkits.v[0].version, "12.4.131");
        snapb_expect_bad(&s, "toolkit.newer-than-driver");
        snapb_expect_summary(&s, "toolkit.newer-than-driver", "CUDA 12.4 needs driver 550.54.14 or newer");
        snap_release(&s);
}

static void test_cpu_only(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 8);
        fact_set_str(&env0(&s)->torch_version, "2.3.1+cpu");
        fact_fail_str(&env0(&s)->torch_cuda, FACT_ABSENT, "cpu build");
        fact_set_str(&env0(&s)->torchvision_version, "0.18.1+cpu");
        fact_set_str(&env0(&s)->torchaudio_version, "2.3.1+cpu");
        snapb_expect_bad(&s, "torch.cpu-only");
        snapb_expect_line(&s, "torch.cpu-only", "--index-url https://download.pytorch.org/whl/cu121");
        snap_release(&s);
}

/* Debian's python3-torch (an egg-info in /usr/lib/python3/dist-packages):
 * CPU-only, and built by the distribution for its own Python 3.11, which
 * PyPI's 1.13 wheels do not cover; the fix is a venv, not pip into /usr. */
static void test_cpu_only_distro(void **state)
{
        struct snapshot s;
        struct snap_pyenv *e;

        (void)state;
        guide(&s, 8);
        e = env0(&s);
        free(e->kind), free(e->path);
        e->kind = xstrdup("system"), e->path = xstrdup("/usr");
        fact_set_str(&e->python_version, "3.11.2");
        fact_set_str(&e->torch_version, "1.13.0a0+gitunknown");
        fact_fail_str(&e->torch_cuda, FACT_ABSENT, "cpu build");
        fact_fail_str(&e->torchvision_version, FACT_ABSENT, NULL);
        fact_fail_str(&e->torchaudio_version, FACT_ABSENT, NULL);
        fact_set_str(&e->torch_site, "/usr/lib/python3/dist-packages");
        snapb_expect_bad(&s, "torch.cpu-only");
        snapb_expect_line(&s, "torch.cpu-only", "the distribution's package");
        snapb_expect_line(&s, "torch.cpu-only", "~/venvs/torch/bin/python -m pip install torch==");
        /* pip's torch in /usr/local is judged as a wheel */
        fact_set_str(&e->torch_site, "/usr/local/lib/python3.11/dist-packages");
        snapb_expect_bad(&s, "torch.cpu-only torch.python-unsupported");
        snap_release(&s);
}

static void test_torch_newer_than_driver(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 2);
        fact_set_str(&s.nvml.driver_version, "470.223.02");
        fact_set_str(&s.kmod.loaded_version, "470.223.02");
        strv_release(&s.toolkits.libcudart);
        fact_fail_str(&s.toolkits.nvcc_path, FACT_ABSENT, NULL);
        s.toolkits.n = 0; /* the toolkit is another finding */
        snapb_expect_bad(&s, "torch.cuda-newer-than-driver");
        s.toolkits.n = 1;
        snap_release(&s);
}

static void test_arch_unsupported(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 2);
        fact_set_str(&s.gpus[1].compute_capability, "12.0");
        fact_set_str(&env0(&s)->torch_version, "2.5.1+cu124");
        fact_set_str(&env0(&s)->torch_cuda, "12.4");
        fact_set_str(&env0(&s)->torchvision_version, "0.20.1");
        fact_set_str(&env0(&s)->torchaudio_version, "2.5.1");
        fact_set_str(&s.nvml.driver_version, "570.86.15");
        fact_set_str(&s.kmod.loaded_version, "570.86.15");
        fact_set_str(&s.kmod.flavour, "open");
        snapb_expect_bad(&s, "torch.arch-unsupported");
        snapb_expect_summary(&s, "torch.arch-unsupported", "compute capability 12.0");
        snap_release(&s);
}

static void test_python_unsupported(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 2);
        fact_set_str(&env0(&s)->python_version, "3.13.1");
        snapb_expect_bad(&s, "torch.python-unsupported");
        snap_release(&s);
}

static void test_companions(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 2);
        fact_set_str(&env0(&s)->torchvision_version, "0.17.2+cu121");
        snapb_expect_bad(&s, "torch.companions-mismatch");
        snapb_expect_line(&s, "torch.companions-mismatch", "torchvision 0.17.2+cu121 installed");
        snap_release(&s);
}

static void test_mixed_wheels(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 2);
        strv_push(&env0(&s)->nvidia_wheels, xstrdup("nvidia-cudnn-cu11 8.7.0.84"));
        snapb_expect_bad(&s, "torch.mixed-cuda-wheels");
        snap_release(&s);
}

static void test_conda_not_initialised(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 2);
        fact_fail_str(&s.shell.conda_init, FACT_ABSENT, NULL);
        snapb_expect_bad(&s, "python.conda-not-initialised");
        snapb_expect_line(&s, "python.conda-not-initialised", "/home/ubuntu/miniconda3/bin/conda init bash");
        snap_release(&s);
}

/* A uv venv whose interpreter went away (the Python it was made with was
 * removed): a broken environment, never torch.ok. */
static void test_venv_broken(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 2);
        free(env0(&s)->kind);
        env0(&s)->kind = xstrdup("uv");
        fact_fail_str(&env0(&s)->base_python, FACT_ABSENT, "bin/python -> /usr/bin/python3.12, which does not exist");
        snapb_expect_bad(&s, "python.venv-broken");
        snapb_expect_line(&s, "python.venv-broken", "uv venv --python 3.11 " ENV " && uv sync   # in the project folder");
        snap_release(&s);
        /* an interpreter the root does not show (a partial recording) is no evidence */
        guide(&s, 2);
        fact_fail_str(&env0(&s)->base_python, FACT_UNSET, "the root has no /usr/bin (a partial recording)");
        snapb_expect_bad(&s, "");
        snap_release(&s);
}

/* An older cuDNN of the wheel's major first on LD_LIBRARY_PATH shadows the
 * wheel's; a newer minor, or another major (another soname), does not. */
static void test_libs_shadowed(void **state)
{
        static const char *const files[] = { TK "/lib64/libcudnn.so.8.6.0", TK "/lib64/libcudnn.so.8.9.7",
                                             TK "/lib64/libcudnn.so.9.1.0" };
        static const char *const want[] = { "torch.libs-shadowed", "", "" };
        struct snapshot s;

        (void)state;
        for (size_t i = 0; i < 3; i++) {
                guide(&s, 2);
                fact_set_str(&s.shell.ld_library_path, TK "/lib64");
                strv_push(&s.toolkits.ld_path_libs, xstrdup(files[i]));
                snapb_expect_bad(&s, want[i]);
                snap_release(&s);
        }
        guide(&s, 2);
        fact_set_str(&s.shell.ld_library_path, TK "/lib64");
        strv_push(&s.toolkits.ld_path_libs, xstrdup(files[0]));
        snapb_expect_line(&s, "torch.libs-shadowed", "LD_LIBRARY_PATH (login shell): " TK "/lib64");
        snap_release(&s);
}

/* dpkg lists a toolkit whose folder is gone: a warning, not "no toolkit". */
static void test_package_without_files(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 2);
        free(s.toolkits.v[0].path), free(s.toolkits.v[0].origin);
        fact_str_release(&s.toolkits.v[0].version);
        s.toolkits.n = 0;
        fact_str_release(&s.toolkits.nvcc_path), fact_str_release(&s.toolkits.cuda_link);
        strv_push(&s.toolkits.packaged_missing, xstrdup("cuda-nvcc-12-8 12.8.93-1 /usr/local/cuda-12.8"));
        snapb_expect_bad(&s, "toolkit.package-without-files");
        snapb_expect_line(&s, "toolkit.package-without-files", "dpkg-query -W -f='${Package} ' 'cuda-*-12-8'");
        snapb_expect_no_line(&s, "toolkit.none", "");
        snap_release(&s);
}

static void test_live_count(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 8);
        fact_set_num(&env0(&s)->live_cuda_available, 1);
        fact_set_num(&env0(&s)->live_device_count, 2);
        fact_set_str(&s.cuda.visible_devices, "0,1");
        snapb_expect_summary(&s, "torch.live-device-count", "device_count() is 2, the machine has 8 GPUs");
        snapb_expect_line(&s, "torch.live-device-count", "CUDA_VISIBLE_DEVICES=\"0,1\"");
        snap_release(&s);
}

static void test_live_failed(void **state)
{
        struct snapshot s;

        (void)state;
        guide(&s, 2);
        fact_set_str(&env0(&s)->live_error, "RuntimeError: CUDA driver initialization failed");
        snapb_expect_bad(&s, "torch.live-failed");
        snap_release(&s);
}

/* torch in env 0 at version (CUDA cuda), with its companions; no toolkit
 * (how it compares with torch's CUDA is another finding). */
static void torch_at(struct snapshot *s, const char *python, const char *version, const char *cuda,
                     const char *vision, const char *audio)
{
        guide(s, 8);
        strv_release(&s->toolkits.libcudart);
        fact_fail_str(&s->toolkits.nvcc_path, FACT_ABSENT, NULL);
        fact_fail_str(&s->toolkits.nvcc_version, FACT_ABSENT, NULL);
        s->toolkits.n = 0;
        fact_set_str(&env0(s)->python_version, python);
        fact_set_str(&env0(s)->torch_version, version);
        fact_set_str(&env0(s)->torch_cuda, cuda);
        fact_set_str(&env0(s)->torchvision_version, vision);
        fact_set_str(&env0(s)->torchaudio_version, audio);
}

static void torch_release(struct snapshot *s)
{
        s->toolkits.n = 1; /* torch_at hid it: free it */
        snap_release(s);
}

/* A nightly and NGC's build are judged as their series, and said to be
 * what they are; neither is an unknown release, and their pre-release
 * companions are no mismatch. */
static void test_torch_prerelease(void **state)
{
        struct snapshot s;

        (void)state;
        torch_at(&s, "3.11.9", "2.6.0.dev20241112+cu124", "12.4", "0.21.0.dev20241112+cu124",
                 "2.5.0.dev20241112+cu124");
        snapb_expect_bad(&s, "");
        snapb_expect_summary(&s, "torch.ok", "torch 2.6.0.dev20241112+cu124 (a nightly, judged as the 2.6 "
                             "series) (Python 3.11.9) runs on this driver");
        assert_null(snapb_summary(&s, "torch.unknown-release"));
        torch_release(&s);
        torch_at(&s, "3.10.12", "2.5.0a0+872d972e41.nv24.10", "12.2", "0.20.0a0", "2.5.0a0");
        snapb_expect_bad(&s, "");
        snapb_expect_summary(&s, "torch.ok", "(an NVIDIA NGC build, judged as the 2.5 series)");
        assert_null(snapb_summary(&s, "torch.unknown-release"));
        torch_release(&s);
        /* CUDA from torch/version.py: NGC's build for CUDA 12.6 needs a newer driver */
        torch_at(&s, "3.10.12", "2.5.0a0+872d972e41.nv24.10", "12.6", "0.20.0a0", "2.5.0a0");
        fact_set_str(&s.nvml.driver_version, "470.223.02");
        fact_set_str(&s.kmod.loaded_version, "470.223.02");
        snapb_expect_bad(&s, "torch.cuda-newer-than-driver");
        torch_release(&s);
}

/* torch 1.13.1: known, with its Python range and architectures. */
static void test_torch_1x(void **state)
{
        struct snapshot s;

        (void)state;
        torch_at(&s, "3.10.14", "1.13.1+cu117", "11.7", "0.14.1+cu117", "0.13.1+cu117");
        snapb_expect_bad(&s, "");
        snapb_expect_summary(&s, "torch.ok", "torch 1.13.1+cu117 (Python 3.10.14)");
        torch_release(&s);
        torch_at(&s, "3.11.9", "1.13.1+cu117", "11.7", "0.14.1+cu117", "0.13.1+cu117");
        snapb_expect_bad(&s, "torch.python-unsupported");
        torch_release(&s);
        torch_at(&s, "3.9.18", "1.10.1+cu102", "10.2", "0.11.2+cu102", "0.10.1+cu102");
        snapb_expect_bad(&s, "torch.arch-unsupported");  /* cu102 has no sm_86 */
        snapb_expect_line(&s, "torch.arch-unsupported", "sm_37 sm_50 sm_60 sm_70");
        torch_release(&s);
}

static void test_no_torch(void **state)
{
        struct snapshot s;
        char *ids;

        (void)state;
        guide(&s, 2);
        fact_fail_str(&env0(&s)->torch_version, FACT_ABSENT, NULL);
        snapb_expect_bad(&s, "");
        ids = snapb_ids(&s, SEV_INFO);
        assert_non_null(strstr(ids, "python.no-torch"));
        free(ids);
        snapb_expect_line(&s, "python.no-torch", "pip install torch==");
        snap_release(&s);
}

static void test_branch_dropped_arch(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        fact_set_str(&s.gpus[0].compute_capability, "6.0");
        fact_set_str(&s.nvml.driver_version, "590.44.01");
        fact_set_str(&s.kmod.loaded_version, "590.44.01");
        snapb_expect_summary(&s, "driver.branch-unsupported", "driver branch 590 no longer supports Pascal");
        snap_release(&s);
}

static void test_flavour_blackwell(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        fact_set_str(&s.gpus[0].compute_capability, "12.0");
        fact_set_str(&s.nvml.driver_version, "570.86.15");
        fact_set_str(&s.kmod.loaded_version, "570.86.15");
        fact_set_str(&s.kmod.flavour, "proprietary");
        snapb_expect_summary(&s, "kmod.flavour-wrong", "they need the open modules");
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_guide_healthy), cmocka_unit_test(test_nvcc_not_on_path),
                cmocka_unit_test(test_stub_first), cmocka_unit_test(test_paths_disagree),
                cmocka_unit_test(test_toolkit_newer_than_driver), cmocka_unit_test(test_cpu_only), cmocka_unit_test(test_cpu_only_distro),
                cmocka_unit_test(test_torch_newer_than_driver), cmocka_unit_test(test_arch_unsupported),
                cmocka_unit_test(test_python_unsupported), cmocka_unit_test(test_companions),
                cmocka_unit_test(test_mixed_wheels), cmocka_unit_test(test_conda_not_initialised),
                cmocka_unit_test(test_live_count), cmocka_unit_test(test_live_failed),
                cmocka_unit_test(test_no_torch), cmocka_unit_test(test_venv_broken),
                cmocka_unit_test(test_libs_shadowed), cmocka_unit_test(test_package_without_files), cmocka_unit_test(test_torch_prerelease),
                cmocka_unit_test(test_torch_1x), cmocka_unit_test(test_branch_dropped_arch),
                cmocka_unit_test(test_flavour_blackwell),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
