/* bench-libs.c - where else cuBLAS and NCCL may be: PyTorch's pip wheels
 * bring their own (nvidia-cublas-cu12 as site-packages/nvidia/cublas/lib/
 * libcublas.so.12, nvidia-nccl-cu12 as nvidia/nccl/lib/libnccl.so.2; the
 * CUDA 13 wheels put cuBLAS under nvidia/cu13/lib), which the loader's
 * search never finds. The environments come from the Python probe
 * (snap_python); the first one that holds the file wins. */
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const cublas_rel[] = {
        "nvidia/cu13/lib/libcublas.so.13", "nvidia/cublas/lib/libcublas.so.12",
        "nvidia/cublas/lib/libcublas.so.11", NULL,
};
static const char *const nccl_rel[] = { "nvidia/nccl/lib/libnccl.so.2", NULL };

/* The site-packages folders of e, as the probe reads them: "3.11.9" gives
 * lib/python3.11; the system Python's pip writes /usr/local/lib/...
 * /dist-packages, Debian's packages /usr/lib/python3/dist-packages. */
static size_t env_sites(const struct snap_pyenv *e, char **sites)
{
        const char *v = e->python_version.st == FACT_OK ? e->python_version.v : NULL;
        const char *dot = v ? strchr(v, '.') : NULL;
        int minor_len = dot ? (int)strspn(dot + 1, "0123456789") : 0;
        size_t n = 0;

        if (!dot || !minor_len)
                return 0;
        if (!strcmp(e->kind, "system")) {
                sites[n++] = xasprintf("/usr/local/lib/python%.*s/dist-packages",
                                       (int)(dot - v) + 1 + minor_len, v);
                sites[n++] = xstrdup("/usr/lib/python3/dist-packages");
        } else {
                sites[n++] = xasprintf("%s/lib/python%.*s/site-packages", e->path,
                                       (int)(dot - v) + 1 + minor_len, v);
        }
        return n;
}

static char *find_in_envs(const struct sysroot *root, const struct snap_python *py,
                          const char *const *rel)
{
        for (size_t i = 0; i < py->n; i++) {
                char *sites[2];
                size_t n = env_sites(&py->envs[i], sites);
                char *found = NULL;

                for (size_t k = 0; k < n; k++) {
                        for (size_t r = 0; !found && rel[r]; r++) {
                                char *p = xasprintf("%s/%s", sites[k], rel[r]);

                                if (sys_exists(root, p))
                                        found = p;
                                else
                                        free(p);
                        }
                        free(sites[k]);
                }
                if (found)
                        return found;
        }
        return NULL;
}

void bench_wheel_libs(const struct sysroot *root, const struct snap_python *py, char **cublas,
                      char **nccl)
{
        *cublas = find_in_envs(root, py, cublas_rel);
        *nccl = find_in_envs(root, py, nccl_rel);
}
