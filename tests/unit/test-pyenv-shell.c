/* test-pyenv-shell.c - the rc-file evaluator and the Python environment
 * parsers, from small tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probe/environ-parse.h"
#include "probe/pyenv-parse.h"
#include "probe/shell-rc.h"
#include "probe/toolkit-parse.h"
#include "util/xalloc.h"

static void rc_eval(const char *text, const char *start_ld, char **ret_path, char **ret_ld,
                    struct strv *lines, bool *conda)
{
        struct shell_vars v = { .path = xstrdup("/usr/bin:/bin"), .home = "/home/u" };

        v.ld_library_path = start_ld ? xstrdup(start_ld) : NULL;
        *conda = shell_rc_apply(&v, "/home/u/.bashrc", text, strlen(text), lines);
        *ret_path = xstrdup(v.path);
        *ret_ld = v.ld_library_path ? xstrdup(v.ld_library_path) : NULL;
        shell_vars_release(&v);
}

static void test_rc_guide_lines(void **state)
{
        struct strv lines = STRV_INIT;
        char *path, *ld;
        bool conda;

        (void)state;
        rc_eval("export PATH=/usr/local/cuda-12.1/bin${PATH:+:${PATH}}\n"
                "export LD_LIBRARY_PATH=/usr/local/cuda-12.1/lib64${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}\n",
                NULL, &path, &ld, &lines, &conda);
        assert_string_equal(path, "/usr/local/cuda-12.1/bin:/usr/bin:/bin");
        assert_string_equal(ld, "/usr/local/cuda-12.1/lib64");
        assert_int_equal(lines.n, 2);
        assert_non_null(strstr(lines.v[0], "/home/u/.bashrc:1: export PATH="));
        assert_false(conda);
        free(path), free(ld), strv_release(&lines);
}

static void test_rc_vars_quotes_blocks(void **state)
{
        struct strv lines = STRV_INIT;
        char *path, *ld;
        bool conda;

        (void)state;
        rc_eval("CUDA_HOME=/usr/local/cuda-11.8\n"
                "export PATH=\"$CUDA_HOME/bin:$PATH\"   # comment\n"
                "export LD_LIBRARY_PATH='/opt/x':$LD_LIBRARY_PATH\n"
                "export PATH=\"$PYENV_ROOT/bin:$PATH\"\n"      /* unknown: skipped */
                "if [ -d ~/bin ]; then\n  PATH=~/bin:$PATH\nfi\n"  /* inside a block: skipped */
                "PATH=~/.local/bin:$PATH\n"
                "# >>> conda initialize >>>\n",
                "/old", &path, &ld, &lines, &conda);
        assert_string_equal(path, "/home/u/.local/bin:/usr/local/cuda-11.8/bin:/usr/bin:/bin");
        assert_string_equal(ld, "/opt/x:/old");
        assert_true(conda);
        free(path), free(ld), strv_release(&lines);
}

static void test_conda_meta_and_cfg(void **state)
{
        char *v;
        const char cfg[] = "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11.9\nuv = 0.4.20\n";

        (void)state;
        v = pyenv_conda_meta_version("python-3.11.9-h955ad1f_0.json");
        assert_string_equal(v, "3.11.9");
        free(v);
        assert_null(pyenv_conda_meta_version("python_abi-3.11-4_cp311.json"));
        v = pyenv_cfg_get(cfg, strlen(cfg), "version");
        assert_string_equal(v, "3.11.9");
        free(v);
        v = pyenv_cfg_get(cfg, strlen(cfg), "uv");
        assert_string_equal(v, "0.4.20");
        free(v);
        assert_null(pyenv_cfg_get(cfg, strlen(cfg), "prompt"));
}

static void test_torch_version_py(void **state)
{
        const char gpu[] = "__version__ = '2.3.1+cu121'\ndebug = False\ncuda: Optional[str] = '12.1'\nhip = None\n";
        const char old[] = "__version__ = '1.13.1'\ncuda = '11.7'\n";
        const char cpu[] = "__version__ = '2.3.1+cpu'\ncuda: Optional[str] = None\n";
        char *v = NULL;

        (void)state;
        assert_int_equal(pyenv_torch_cuda(gpu, strlen(gpu), &v), 0);
        assert_string_equal(v, "12.1");
        free(v);
        assert_int_equal(pyenv_torch_cuda(old, strlen(old), &v), 0);
        assert_string_equal(v, "11.7");
        free(v);
        assert_int_equal(pyenv_torch_cuda(cpu, strlen(cpu), &v), 0);
        assert_null(v);
        assert_int_not_equal(pyenv_torch_cuda("x = 1\n", 6, &v), 0);
}

static void test_dist_info(void **state)
{
        char *n = NULL, *v = NULL;

        (void)state;
        assert_int_equal(pyenv_dist_info("torch-2.3.1+cu121.dist-info", &n, &v), 0);
        assert_string_equal(n, "torch");
        assert_string_equal(v, "2.3.1+cu121");
        free(n), free(v);
        assert_int_equal(pyenv_dist_info("nvidia_cudnn_cu12-8.9.2.26.dist-info", &n, &v), 0);
        assert_string_equal(n, "nvidia-cudnn-cu12");
        assert_string_equal(v, "8.9.2.26");
        free(n), free(v);
        assert_int_not_equal(pyenv_dist_info("torch", &n, &v), 0);
        assert_int_not_equal(pyenv_dist_info("-1.0.dist-info", &n, &v), 0);
        assert_int_not_equal(pyenv_dist_info("torch-.dist-info", &n, &v), 0);
}

static void expect_str(char *got, const char *want)
{
        if (want)
                assert_string_equal(got, want);
        else
                assert_null(got);
        free(got);
}

/* Debian's packages and setup.py installs: egg-info names (a "-pyX.Y" tag
 * is no part of the version; some have no version), PKG-INFO's Version
 * header (not a "Version:" line of the description), and the files
 * development installs leave. */
static void test_egg_info(void **state)
{
        static const char pkg[] = "Metadata-Version: 2.1\nName: torch\nVersion: 1.13.0a0+gitunknown\n"
                                  "Summary: x\n\nVersion: 9 (description)\n";
        static const char desc_only[] = "Metadata-Version: 2.1\nName: t\n\nVersion: 9\n";
        static const char finder[] = "MAPPING: dict[str, str] = {'functorch': '/src/pt/functorch', "
                                     "'torch': '/src/pt/torch'}\n";
        char *n = NULL, *v = NULL;

        (void)state;
        assert_int_equal(pyenv_egg_info("torch-1.13.0a0+gitunknown.egg-info", &n, &v), 0);
        expect_str(n, "torch");
        expect_str(v, "1.13.0a0+gitunknown");
        assert_int_equal(pyenv_egg_info("gpg-1.18.0-py3.11.egg-info", &n, &v), 0);
        expect_str(n, "gpg");
        expect_str(v, "1.18.0");
        assert_int_equal(pyenv_egg_info("lazr.uri-1.0.6.egg-info", &n, &v), 0);
        expect_str(n, "lazr-uri");
        expect_str(v, "1.0.6");
        assert_int_equal(pyenv_egg_info("Cryptography.egg-info", &n, &v), 0);
        expect_str(n, "cryptography");
        expect_str(v, NULL);
        assert_int_not_equal(pyenv_egg_info("torch-2.3.1.dist-info", &n, &v), 0);
        assert_int_not_equal(pyenv_egg_info(".egg-info", &n, &v), 0);
        assert_int_not_equal(pyenv_egg_info("-1.0.egg-info", &n, &v), 0);
        assert_int_not_equal(pyenv_egg_info("torch-.egg-info", &n, &v), 0);
        expect_str(pyenv_pkg_info_version(pkg, strlen(pkg)), "1.13.0a0+gitunknown");
        expect_str(pyenv_pkg_info_version(desc_only, strlen(desc_only)), NULL);
        expect_str(pyenv_pkg_info_version("Version:   \n", 12), NULL);
        expect_str(pyenv_first_path("/home/u/pytorch\n.", 17), "/home/u/pytorch");
        expect_str(pyenv_first_path("import x; x.install()", 21), NULL);
        expect_str(pyenv_finder_mapping(finder, strlen(finder), "torch"), "/src/pt/torch");
        expect_str(pyenv_finder_mapping(finder, strlen(finder), "torchgen"), NULL);
        expect_str(pyenv_finder_mapping("{'torch': 'rel'}", 16, "torch"), NULL);
}

static void test_torch_full_version(void **state)
{
        const char py[] = "__all__ = ['__version__']\n__version__ = '2.11.0+cu130'\ncuda: Optional[str] = '13.0'\n";
        char *v = NULL;

        (void)state;
        assert_int_equal(pyenv_py_assign(py, strlen(py), "__version__", &v), 0);
        expect_str(v, "2.11.0+cu130");
        assert_int_not_equal(pyenv_py_assign(py, strlen(py), "git_version", &v), 0);
}

static void test_environ(void **state)
{
        const char nul[] = "PATH=/opt/torch/.venv/bin:/usr/bin\0CUDA_HOME=/usr/local/cuda\0X=a\nb\0PATH=/late";
        const char lines[] = "CUDA_HOME=/usr/local/cuda\r\nPATHX=no\nPATH=/usr/bin\n";

        (void)state;
        expect_str(environ_get(nul, sizeof(nul) - 1, "PATH"), "/late"); /* the last one wins */
        expect_str(environ_get(nul, sizeof(nul) - 1, "X"), "a\nb");  /* NUL-separated: newlines are data */
        expect_str(environ_get(nul, sizeof(nul) - 1, "CUDA"), NULL);
        expect_str(environ_get(lines, strlen(lines), "CUDA_HOME"), "/usr/local/cuda");
        expect_str(environ_get(lines, strlen(lines), "PATH"), "/usr/bin");
        expect_str(environ_get("", 0, "PATH"), NULL);
        expect_str(environ_get("PATH", 4, "PATH"), NULL);
}

static void test_toolkit_parse(void **state)
{
        const char nvcc[] = "nvcc: NVIDIA (R) Cuda compiler driver\nCuda compilation tools, release 13.0, V13.0.88\n"
                            "Build cuda_13.0.r13.0/compiler.36424714_0\n";
        const char rec[] = "cuda-nvcc-12-4-config 1.0-1 noarch\ncuda-nvcc-12-4 12.4.131-1 x86_64\n";
        const char qa[] = "cuda-cudart-12-4-12.4.127-1.x86_64\n";

        (void)state;
        expect_str(toolkit_nvcc_release(nvcc), "13.0.88");
        expect_str(toolkit_nvcc_release("Cuda compilation tools, release 10.1\n"), "10.1");
        expect_str(toolkit_nvcc_release("release \n, V1.2"), NULL);
        expect_str(toolkit_rpm_version(rec, strlen(rec), "cuda-nvcc-12-4"), "12.4.131");
        expect_str(toolkit_rpm_version(qa, strlen(qa), "cuda-cudart-12-4"), "12.4.127");
        expect_str(toolkit_rpm_version(qa, strlen(qa), "cuda-cudart-12"), NULL);
        expect_str(toolkit_name_version("libcudart.so.13.0.96", "libcudart.so."), "13.0.96");
        expect_str(toolkit_name_version("libcudart.so.13", "libcudart.so."), NULL);
        expect_str(toolkit_name_version("cuda-nvcc-12.4.131-0.json", "cuda-nvcc-"), "12.4.131");
        expect_str(toolkit_name_version("cuda-12.4.1-1", "cuda-"), "12.4.1");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rc_guide_lines), cmocka_unit_test(test_rc_vars_quotes_blocks),
                cmocka_unit_test(test_conda_meta_and_cfg), cmocka_unit_test(test_torch_version_py),
                cmocka_unit_test(test_dist_info), cmocka_unit_test(test_egg_info),
                cmocka_unit_test(test_torch_full_version),
                cmocka_unit_test(test_environ), cmocka_unit_test(test_toolkit_parse),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
