/* check-torch-libs.c - a cuDNN, NCCL or cuBLAS older than the wheel's own,
 * found first through LD_LIBRARY_PATH (failures.md F23). The loader
 * searches LD_LIBRARY_PATH before the RUNPATH that points torch at its
 * nvidia-* wheels, so a library of the same soname there wins: cuDNN
 * refuses to run older than torch was built with ("cuDNN version
 * incompatibility: PyTorch was compiled against (8, 9, 2) but found
 * runtime version (8, 6, 0)", pytorch#80637), an older NCCL lacks
 * symbols (`undefined symbol: ncclCommRegister`, pytorch#119072). A newer
 * minor of the same major loads and works, so it is not reported. */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "check-util.h"
#include "util/parse.h"

struct torch_lib {
        const char *stem;   /* the file name before the version */
        const char *wheel;  /* the wheel names that bring it start so */
        const char *name;
};

static const struct torch_lib torch_libs[] = {
        { "libcudnn.so.", "nvidia-cudnn-cu", "cuDNN" },
        { "libnccl.so.", "nvidia-nccl-cu", "NCCL" },
        { "libcublas.so.", "nvidia-cublas", "cuBLAS" },
};

/* The version of the wheel that brings lib into e ("nvidia-cudnn-cu12 8.9.2.26"). */
static const char *lib_wheel(const struct snap_pyenv *e, const struct torch_lib *lib, const char **name)
{
        for (size_t i = 0; i < e->nvidia_wheels.n; i++) {
                const char *w = e->nvidia_wheels.v[i], *sp = strchr(w, ' ');
                if (sp && startswith(w, lib->wheel)) {
                        *name = w;
                        return sp + 1;
                }
        }
        return NULL;
}

/* The first file of lib's soname (the wheel's major) on LD_LIBRARY_PATH. */
static const char *lib_first(const struct snapshot *s, const struct torch_lib *lib, long major)
{
        for (size_t i = 0; i < s->toolkits.ld_path_libs.n; i++) {
                const char *p = s->toolkits.ld_path_libs.v[i], *base = strrchr(p, '/');
                long ma, mi;
                base = base ? base + 1 : p;
                if (startswith(base, lib->stem) && version_parse_mm(base + strlen(lib->stem), &ma, &mi) &&
                    ma == major)
                        return p;
        }
        return NULL;
}

/* Which LD_LIBRARY_PATH names dir, and the rc lines that put it there. */
static void shadow_evidence(struct finding *f, const struct snapshot *s, const char *dir, size_t n)
{
        const struct fact_str *envs[] = { &s->procenv.ld_library_path, &s->shell.ld_library_path };
        const char *names[] = { "process", "login shell" };

        for (size_t i = 0; i < 2; i++)
                if (envs[i]->st == FACT_OK && memmem(envs[i]->v, strlen(envs[i]->v), dir, n))
                        finding_evidence(f, "LD_LIBRARY_PATH (%s): %s", names[i], envs[i]->v);
        for (size_t i = 0; i < s->shell.cuda_lines.n; i++)
                if (memmem(s->shell.cuda_lines.v[i], strlen(s->shell.cuda_lines.v[i]), dir, n))
                        finding_evidence(f, "%s", s->shell.cuda_lines.v[i]);
}

void check_torch_libs(const struct snapshot *s, const struct snap_pyenv *e, struct findings *fs)
{
        for (size_t k = 0; k < sizeof(torch_libs) / sizeof(torch_libs[0]); k++) {
                const struct torch_lib *lib = &torch_libs[k];
                const char *wname = NULL, *wv = lib_wheel(e, lib, &wname), *file, *base;
                long wma, wmi, ma, mi;
                struct finding *f;

                if (!wv || !version_parse_mm(wv, &wma, &wmi) || !(file = lib_first(s, lib, wma)))
                        continue;
                base = strrchr(file, '/') + 1;
                if (!version_parse_mm(base + strlen(lib->stem), &ma, &mi) || mi >= wmi)
                        continue;
                f = finding_add(fs, "torch.libs-shadowed", "%s: LD_LIBRARY_PATH puts an older %s (%s) before "
                                "the wheel's %s: torch loads the older one", e->path, lib->name, file, wname);
                shadow_evidence(f, s, file, (size_t)(base - file - 1));
                finding_fix(f, "# take %.*s out of LD_LIBRARY_PATH (the file or line above); torch brings "
                            "its own %s", (int)(base - file - 1), file, lib->name);
                finding_fix(f, "export LD_LIBRARY_PATH=$(printf '%%s' \"$LD_LIBRARY_PATH\" | tr ':' '\\n' | "
                            "grep -vxF '%.*s' | paste -sd: -)", (int)(base - file - 1), file);
                finding_fix(f, "# or, if nothing else needs it there, remove the older %s: %s*", lib->name, file);
        }
}
