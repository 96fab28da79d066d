/* check-ext.c - building and loading CUDA extensions (exllamav2,
 * flash-attn and friends) in each Python environment: nvcc's CUDA against
 * the one torch was built with, prebuilt extension wheels made for another
 * torch, and a conda environment whose C++ runtime is older than the
 * system libraries it will load. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"
#include "util/parse.h"
#include "util/versions.h"

/* The toolkit an extension build in this environment would use: the env's
 * own (conda's cuda-nvcc) first, else the nvcc on the login PATH. */
static const char *ext_toolkit(const struct snapshot *s, const struct snap_pyenv *e)
{
        if (fact_ok(&e->cuda_toolkit))
                return e->cuda_toolkit.v;
        return fact_ok(&s->toolkits.nvcc_version) ? s->toolkits.nvcc_version.v : NULL;
}

/* torch.utils.cpp_extension refuses to build when the majors differ
 * ("The detected CUDA version (11.8) mismatches the version that was used to
 * compile PyTorch (12.1)"); a minor difference is only a warning there. */
static void check_ext_nvcc(const struct snapshot *s, const struct snap_pyenv *e, struct findings *fs)
{
        const char *tk = ext_toolkit(s, e);
        struct finding *f;

        if (!tk || !fact_ok(&e->torch_cuda) || !strcmp(version_major(tk).s, version_major(e->torch_cuda.v).s))
                return;
        f = finding_add(fs, "toolkit.torch-cuda-mismatch",
                        "environment '%s': nvcc is CUDA %s but torch was built with CUDA %s: "
                        "building CUDA extensions (exllamav2, flash-attn) fails", e->name, tk, e->torch_cuda.v);
        finding_evidence(f, "%s: torch %s (torch.version.cuda %s)", e->path, e->torch_version.v, e->torch_cuda.v);
        finding_evidence(f, "nvcc: %s%s", tk, fact_ok(&e->cuda_toolkit) ? " (in the environment)" : " (login PATH)");
        finding_fix(f, "# install the toolkit of torch's CUDA and build with it:");
        finding_fix(f, "eval \"$(dlrig env --cuda %.8s)\"", e->torch_cuda.v);
}

/* "0.1.8+cu121.torch2.3.1" -> torch "2.3" (major.minor) in buf; NULL if none. */
static const char *ext_tag_torch(const char *version, char buf[CHECK_NAME_MAX])
{
        const char *t = strstr(version, "torch");
        long major, minor;

        if (!t || !version_parse_mm(t + 5, &major, &minor))
                return NULL;
        snprintf(buf, CHECK_NAME_MAX, "%ld.%ld", major, minor);
        return buf;
}

static void check_ext_wheels(const struct snap_pyenv *e, struct findings *fs)
{
        char tag[CHECK_NAME_MAX], have[CHECK_NAME_MAX];
        long major, minor;

        if (!fact_ok(&e->torch_version) || !version_parse_mm(e->torch_version.v, &major, &minor))
                return;
        snprintf(have, sizeof(have), "%ld.%ld", major, minor);
        for (size_t i = 0; i < e->extensions.n; i++) {
                const char *sp = strchr(e->extensions.v[i], ' ');
                struct finding *f;

                if (!sp || !ext_tag_torch(sp + 1, tag) || !strcmp(tag, have))
                        continue;
                f = finding_add(fs, "torch.extension-mismatch",
                                "environment '%s': %.*s was built for torch %s but torch %s is installed: "
                                "importing it fails with 'undefined symbol'", e->name,
                                (int)(sp - e->extensions.v[i]), e->extensions.v[i], tag, e->torch_version.v);
                finding_evidence(f, "%s: %s", e->path, e->extensions.v[i]);
                finding_evidence(f, "torch %s", e->torch_version.v);
                finding_fix(f, "# install the build of %.*s made for torch %s (or build it from source against it):",
                            (int)(sp - e->extensions.v[i]), e->extensions.v[i], have);
                finding_fix(f, "%s/bin/pip install --force-reinstall --no-deps --no-binary :all: %.*s",
                            e->path, (int)(sp - e->extensions.v[i]), e->extensions.v[i]);
        }
}

static void check_ext_libstdcxx(const struct snapshot *s, const struct snap_pyenv *e, struct findings *fs)
{
        const struct fact_str *sys = &s->host.libstdcxx;
        const char *minor = fact_ok(sys) ? strrchr(sys->v, '.') : NULL;
        struct finding *f;

        if (!minor || !fact_ok(&e->libstdcxx) || version_cmp(e->libstdcxx.v, sys->v) >= 0)
                return;
        f = finding_add(fs, "python.libstdcxx-old",
                        "conda environment '%s' ships libstdc++ %s, older than the system's %s: "
                        "system libraries loaded into its Python fail with 'GLIBCXX_3.4.%s not found'",
                        e->name, e->libstdcxx.v, sys->v, minor + 1);
        finding_evidence(f, "%s/lib/libstdc++.so.6 -> libstdc++.so.%s", e->path, e->libstdcxx.v);
        finding_evidence(f, "system libstdc++.so.6 -> libstdc++.so.%s", sys->v);
        finding_fix(f, "conda install -p %s -c conda-forge 'libstdcxx-ng>=13'   # a C++ runtime at least as new as the system's", e->path);
}

void check_ext(const struct snapshot *s, struct findings *fs)
{
        if (s->python.probe.st != FACT_OK)
                return;
        for (size_t i = 0; i < s->python.n; i++) {
                const struct snap_pyenv *e = &s->python.envs[i];

                if (fact_ok(&e->torch_version))
                        check_ext_nvcc(s, e, fs);
                check_ext_wheels(e, fs);
                check_ext_libstdcxx(s, e, fs);
        }
}
