/* fuzz-pyenv-shell.c - the rc-file evaluator and the Python environment
 * parsers (pyvenv.cfg, torch/version.py, dist-info and conda-meta names)
 * and the process environment block. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "probe/environ-parse.h"
#include "probe/pyenv-parse.h"
#include "probe/shell-rc.h"
#include "probe/toolkit-parse.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct shell_vars v = { .path = xstrdup("/usr/bin:/bin"), .home = "/home/u" };
        struct strv lines = STRV_INIT;
        char *text, *a = NULL, *b = NULL;

        if (size > FUZZ_INPUT_MAX) {
                shell_vars_release(&v);
                return 0;
        }
        text = xstrndup((const char *)data, size); /* names are C strings */
        shell_rc_apply(&v, "/rc", (const char *)data, size, &lines);
        shell_vars_release(&v);
        strv_release(&lines);
        free(pyenv_cfg_get((const char *)data, size, "version"));
        free(environ_get((const char *)data, size, "PATH"));
        if (pyenv_torch_cuda((const char *)data, size, &a) == 0)
                free(a);
        free(pyenv_conda_meta_version(text));
        free(toolkit_nvcc_release(text));
        free(toolkit_rpm_version(text, strlen(text), "cuda-nvcc-12-4"));
        free(toolkit_name_version(text, "libcudart.so."));
        if (pyenv_dist_info(text, &a, &b) == 0)
                free(a), free(b);
        if (pyenv_egg_info(text, &a, &b) == 0)
                free(a), free(b);
        free(pyenv_pkg_info_version((const char *)data, size));
        free(pyenv_first_path((const char *)data, size));
        free(pyenv_finder_mapping((const char *)data, size, "torch"));
        free(text);
        return 0;
}
