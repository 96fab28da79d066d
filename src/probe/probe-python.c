/* probe-python.c - what one Python environment holds: the Python version,
 * torch and its CUDA build, torchvision, torchaudio, the nvidia-* runtime
 * wheels, exllamav2 and torchtune, and for a venv the interpreter it runs
 * on. Everything comes from files (conda-meta, pyvenv.cfg, dist-info folder
 * names, egg-info (probe-python-egg.c), torch/version.py); only doctor --live starts an interpreter, and
 * only in environments that have torch. Where environments are looked for
 * is probe-python-find.c's job. */
#include "probe.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "probe-internal.h"
#include "pyenv-parse.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define PY_MAX_ENVS 64
#define PY_FILE_MAX (256u * 1024)

/* The first lib/python3.* folder of a prefix (owned), or NULL. */
static char *py_lib_dir(const struct probe_ctx *ctx, const char *prefix)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;
        _cleanup_free_ char *lib = xasprintf("%s/lib", prefix);

        if (sys_list_dir(ctx->root, lib, &names) < 0)
                return NULL;
        for (size_t i = names.n; i-- > 0;) /* newest last in sorted order */
                if (startswith(names.v[i], "python3"))
                        return xasprintf("%s/%s", lib, names.v[i]);
        return NULL;
}

/* A CUDA toolkit installed into a conda environment: the cuda-nvcc (CUDA
 * 12+, nvidia channel) or cudatoolkit (CUDA 11) package. */
static void py_conda_toolkit(struct snap_pyenv *e, const char *metafile)
{
        static const char *const pkgs[] = { "cuda-nvcc-", "cudatoolkit-" };

        for (size_t i = 0; i < 2 && e->cuda_toolkit.st != FACT_OK; i++) {
                size_t n = strlen(pkgs[i]);
                if (!strncmp(metafile, pkgs[i], n) && isdigit((unsigned char)metafile[n]))
                        fact_take_str(&e->cuda_toolkit, xstrndup(metafile + n, strcspn(metafile + n, "-")));
        }
}

static void py_version(const struct probe_ctx *ctx, struct snap_pyenv *e, const char *libdir)
{
        _cleanup_(strv_release) struct strv meta = STRV_INIT;
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        _cleanup_free_ char *dir = xasprintf("%s/conda-meta", e->path), *cfg = xasprintf("%s/pyvenv.cfg", e->path);
        char *v = NULL;

        if (sys_list_dir(ctx->root, dir, &meta) >= 0)
                for (size_t i = 0; i < meta.n; i++) {
                        if (!v && startswith(meta.v[i], "python-") && isdigit((unsigned char)meta.v[i][7]))
                                v = pyenv_conda_meta_version(meta.v[i]);
                        py_conda_toolkit(e, meta.v[i]);
                }
        if (e->cuda_toolkit.st != FACT_OK)
                fact_fail_str(&e->cuda_toolkit, FACT_ABSENT, "no cuda-nvcc or cudatoolkit package");
        if (!v && sys_read_file(ctx->root, cfg, PY_FILE_MAX, &buf) >= 0)
                v = pyenv_cfg_get(buf.buf, buf.len, "version_info") ?: pyenv_cfg_get(buf.buf, buf.len, "version");
        /* pyenv and asdf name each install's folder after its full version */
        if (!v && (!strcmp(e->kind, "pyenv") || !strcmp(e->kind, "asdf")) && isdigit((unsigned char)e->name[0]))
                v = xstrdup(e->name);
        if (!v && libdir && strrchr(libdir, '/'))
                v = xstrdup(strrchr(libdir, '/') + 7); /* "python3.11" -> "3.11" */
        if (v)
                fact_take_str(&e->python_version, v);
        else
                fact_fail_str(&e->python_version, FACT_ABSENT, "no conda-meta, pyvenv.cfg or lib/python3.*");
}

/* torch/version.py's __version__ carries the local tag the dist-info name
 * may lack (uv and pip name the CUDA 13 default wheel "torch-2.11.0"). */
static void py_torch_full_version(struct snap_pyenv *e, const struct strbuf *buf)
{
        char *v = NULL;
        size_t n = strlen(e->torch_version.v);

        if (pyenv_py_assign(buf->buf, buf->len, "__version__", &v) == 0 && v && !strncmp(v, e->torch_version.v, n) &&
            v[n] == '+')
                fact_take_str(&e->torch_version, v);
        else
                free(v);
}

static void py_torch_cuda(const struct probe_ctx *ctx, struct snap_pyenv *e, const char *site)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        _cleanup_free_ char *p = xasprintf("%s/torch/version.py", site);
        char *cuda = NULL;

        if (sys_read_file(ctx->root, p, PY_FILE_MAX, &buf) < 0 || !buf.buf) {
                fact_fail_str(&e->torch_cuda, FACT_ERROR, "no torch/version.py");
                return;
        }
        py_torch_full_version(e, &buf);
        if (pyenv_torch_cuda(buf.buf, buf.len, &cuda) < 0)
                fact_fail_str(&e->torch_cuda, FACT_ERROR, "torch/version.py has no cuda line");
        else if (cuda)
                fact_take_str(&e->torch_cuda, cuda);
        else
                fact_fail_str(&e->torch_cuda, FACT_ABSENT, "a CPU build (torch.version.cuda is None)");
}

static void py_package(struct snap_pyenv *e, const char *name, const char *version)
{
        if (!strcmp(name, "torch"))
                fact_set_str(&e->torch_version, version);
        else if (!strcmp(name, "torchvision"))
                fact_set_str(&e->torchvision_version, version);
        else if (!strcmp(name, "torchaudio"))
                fact_set_str(&e->torchaudio_version, version);
        else if (!strcmp(name, "exllamav2"))
                e->exllamav2 = true;
        else if (!strcmp(name, "torchtune"))
                e->torchtune = true;
        else if (startswith(name, "nvidia-"))
                strv_pushf(&e->nvidia_wheels, "%s %s", name, version);
        /* A local version tag naming a torch release ("+cu121.torch2.3.1",
         * "+cu122torch2.3"): a binary built against that torch's ABI. */
        if (strchr(version, '+') && strstr(strchr(version, '+'), "torch"))
                strv_pushf(&e->extensions, "%s %s", name, version);
}

/* Reads the packages of a site-packages folder from its dist-info and
 * egg-info names; torch's version.py is in the site, or in the source
 * checkout an editable install points at. */
static void py_packages(const struct probe_ctx *ctx, struct snap_pyenv *e, const char *site)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;
        _cleanup_free_ char *torch_root = NULL;

        if (sys_list_dir(ctx->root, site, &names) < 0)
                return;
        for (size_t i = 0; i < names.n; i++) {
                char *name = NULL, *version = NULL, *root = NULL;
                if (pyenv_dist_info(names.v[i], &name, &version) < 0 &&
                    probe_python_egg(ctx, site, names.v[i], &name, &version, &root) < 0)
                        continue;
                if (name)
                        py_package(e, name, version);
                if (name && !strcmp(name, "torch"))
                        fact_set_str(&e->torch_site, site);
                if (root)
                        free(torch_root), torch_root = root;
                free(name), free(version);
        }
        strv_sort(&e->nvidia_wheels);
        strv_sort(&e->extensions);
        if (e->torch_version.st == FACT_OK)
                py_torch_cuda(ctx, e, torch_root ? torch_root : site);
        else
                fact_fail_str(&e->torch_version, FACT_ABSENT, "torch not installed");
        if (e->torch_site.st != FACT_OK)
                fact_fail_str(&e->torch_site, FACT_ABSENT, "torch not installed");
}

/* The version of the env's own libstdc++ (conda ships one, which its
 * Python loads before the system's): the link target's suffix. */
static void py_libstdcxx(const struct probe_ctx *ctx, struct snap_pyenv *e, const char *prefix)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_free_ char *p = xasprintf("%s/lib/libstdc++.so.6", prefix);
        const char *v;

        if (sys_readlink(ctx->root, p, &sb) >= 0 && (v = strstr(sb.buf, ".so.")))
                fact_set_str(&e->libstdcxx, v + 4);
        else
                fact_fail_str(&e->libstdcxx, FACT_ABSENT, "no libstdc++ in the environment");
}

/* The interpreter a venv runs on: its bin/python link resolved. When the
 * link dangles the environment is broken, unless the root lacks /usr/bin
 * altogether (a partial recording that kept only the venv). */
static void py_base_python(const struct probe_ctx *ctx, struct snap_pyenv *e)
{
        _cleanup_(strbuf_releasep) struct strbuf real = STRBUF_INIT, link = STRBUF_INIT;
        _cleanup_free_ char *bin = xasprintf("%s/bin/python", e->path);
        _cleanup_free_ char *bin3 = xasprintf("%s/bin/python3", e->path);

        if (sys_resolve(ctx->root, bin, &real) >= 0 || sys_resolve(ctx->root, bin3, &real) >= 0) {
                fact_set_str(&e->base_python, real.buf);
        } else if (!sys_exists(ctx->root, "/usr/bin")) {
                fact_fail_str(&e->base_python, FACT_UNSET, "the root has no /usr/bin (a partial recording)");
        } else if (sys_readlink(ctx->root, bin, &link) >= 0 || sys_readlink(ctx->root, bin3, &link) >= 0) {
                _cleanup_free_ char *why = xasprintf("bin/python -> %s, which does not exist", link.buf);
                fact_fail_str(&e->base_python, FACT_ABSENT, why);
        } else {
                fact_fail_str(&e->base_python, FACT_ABSENT, "no bin/python");
        }
}

struct snap_pyenv *probe_python_add(const struct probe_ctx *ctx, struct snapshot *s, const char *kind,
                                    const char *prefix, const char *name)
{
        struct snap_pyenv *e;
        _cleanup_free_ char *lib = NULL, *site = NULL;

        for (size_t i = 0; i < s->python.n; i++)
                if (!strcmp(s->python.envs[i].path, prefix))
                        return &s->python.envs[i];
        if (s->python.n >= PY_MAX_ENVS)
                return NULL;
        e = snap_add_pyenv(&s->python);
        e->kind = xstrdup(kind), e->path = xstrdup(prefix), e->name = xstrdup(name);
        lib = py_lib_dir(ctx, prefix);
        py_version(ctx, e, lib);
        if (!strcmp(kind, "system") && lib) {
                /* Debian's layout: pip as root (NGC images too) writes
                 * /usr/local/lib/pythonX.Y/dist-packages, the distribution's
                 * packages (Lambda Stack's torch) /usr/lib/python3/; Python
                 * built from source (the python:3.X images) site-packages. */
                const char *ver = strrchr(lib, '/') + 1;
                char *sites[] = { xasprintf("/usr/local/lib/%s/dist-packages", ver),
                                  xasprintf("/usr/local/lib/%s/site-packages", ver),
                                  xstrdup("/usr/lib/python3/dist-packages") };
                for (size_t i = 0; i < 3; i++) {
                        if (e->torch_version.st != FACT_OK) {
                                fact_str_release(&e->torch_version);
                                py_packages(ctx, e, sites[i]);
                        }
                        free(sites[i]);
                }
                if (e->torch_version.st != FACT_OK)
                        fact_fail_str(&e->torch_version, FACT_ABSENT, "torch not installed");
        } else if (lib) {
                site = xasprintf("%s/site-packages", lib);
                py_packages(ctx, e, site);
        } else {
                fact_fail_str(&e->torch_version, FACT_ABSENT, "no site-packages");
                fact_fail_str(&e->torch_site, FACT_ABSENT, "no site-packages");
        }
        if (!strcmp(kind, "conda"))
                py_libstdcxx(ctx, e, prefix);
        if (!strcmp(kind, "venv") || !strcmp(kind, "uv") || !strcmp(kind, "poetry"))
                py_base_python(ctx, e);
        if (ctx->live && e->torch_version.st == FACT_OK)
                probe_python_live(ctx, e);
        return e;
}

