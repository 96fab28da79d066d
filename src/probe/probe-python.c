/* probe-python.c - conda installations and their environments, venvs and
 * uv environments under the user's home, Pythons built by pyenv or asdf
 * (and pyenv-virtualenv's environments), and the system Python: for each,
 * the Python version, torch and its CUDA build, torchvision, torchaudio,
 * the nvidia-* runtime wheels, exllamav2 and torchtune. Everything comes
 * from files (conda-meta, pyvenv.cfg, dist-info folder names,
 * torch/version.py); only doctor --live starts an interpreter. */
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

static const char *const py_conda_dirs[] = {
        "miniconda3", "miniforge3", "anaconda3", "mambaforge", "micromamba", NULL,
};
static const char *const py_conda_abs[] = { "/opt/conda", "/opt/miniconda3", "/opt/miniforge3", NULL };

static bool py_is_conda(const struct probe_ctx *ctx, const char *prefix)
{
        _cleanup_free_ char *meta = xasprintf("%s/conda-meta", prefix);

        return sys_exists(ctx->root, meta);
}

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

static void py_torch_cuda(const struct probe_ctx *ctx, struct snap_pyenv *e, const char *site)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        _cleanup_free_ char *p = xasprintf("%s/torch/version.py", site);
        char *cuda = NULL;

        if (sys_read_file(ctx->root, p, PY_FILE_MAX, &buf) < 0) {
                fact_fail_str(&e->torch_cuda, FACT_ERROR, "no torch/version.py");
                return;
        }
        if (pyenv_torch_cuda(buf.buf, buf.len, &cuda) < 0)
                fact_fail_str(&e->torch_cuda, FACT_ERROR, "torch/version.py has no cuda line");
        else if (cuda)
                fact_take_str(&e->torch_cuda, cuda);
        else
                fact_fail_str(&e->torch_cuda, FACT_ABSENT, "a CPU build (torch.version.cuda is None)");
}

/* Reads the wheels of a site-packages folder from its dist-info names. */
static void py_packages(const struct probe_ctx *ctx, struct snap_pyenv *e, const char *site)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;

        if (sys_list_dir(ctx->root, site, &names) < 0)
                return;
        for (size_t i = 0; i < names.n; i++) {
                char *name = NULL, *version = NULL;
                if (pyenv_dist_info(names.v[i], &name, &version) < 0)
                        continue;
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
                free(name), free(version);
        }
        strv_sort(&e->nvidia_wheels);
        strv_sort(&e->extensions);
        if (e->torch_version.st == FACT_OK)
                py_torch_cuda(ctx, e, site);
        else
                fact_fail_str(&e->torch_version, FACT_ABSENT, "torch not installed");
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

static void py_add_env(const struct probe_ctx *ctx, struct snapshot *s, const char *kind, const char *prefix,
                       const char *name)
{
        struct snap_pyenv *e;
        _cleanup_free_ char *lib = NULL, *site = NULL;

        for (size_t i = 0; i < s->python.n; i++)
                if (!strcmp(s->python.envs[i].path, prefix))
                        return;
        if (s->python.n >= PY_MAX_ENVS)
                return;
        e = snap_add_pyenv(&s->python);
        e->kind = xstrdup(kind), e->path = xstrdup(prefix), e->name = xstrdup(name);
        lib = py_lib_dir(ctx, prefix);
        py_version(ctx, e, lib);
        if (!strcmp(kind, "system") && lib) {
                /* Debian's layout: pip as root writes /usr/local/lib/pythonX.Y/
                 * dist-packages; the distribution's packages /usr/lib/python3/. */
                site = xasprintf("/usr/local/lib/%s/dist-packages", strrchr(lib, '/') + 1);
                py_packages(ctx, e, site);
                if (e->torch_version.st != FACT_OK) {
                        fact_str_release(&e->torch_version);
                        py_packages(ctx, e, "/usr/lib/python3/dist-packages");
                }
        } else if (lib) {
                site = xasprintf("%s/site-packages", lib);
                py_packages(ctx, e, site);
        } else {
                fact_fail_str(&e->torch_version, FACT_ABSENT, "no site-packages");
        }
        if (!strcmp(kind, "conda"))
                py_libstdcxx(ctx, e, prefix);
        if (ctx->live)
                probe_python_live(ctx, e);
}

static void py_conda(const struct probe_ctx *ctx, struct snapshot *s, const char *prefix)
{
        _cleanup_(strv_release) struct strv envs = STRV_INIT;
        _cleanup_free_ char *dir = xasprintf("%s/envs", prefix);

        if (!py_is_conda(ctx, prefix))
                return;
        strv_push(&s->python.conda_installs, xstrdup(prefix));
        py_add_env(ctx, s, "conda", prefix, "base");
        if (sys_list_dir(ctx->root, dir, &envs) >= 0)
                for (size_t i = 0; i < envs.n; i++) {
                        char *p = xasprintf("%s/%s", dir, envs.v[i]);
                        if (py_is_conda(ctx, p))
                                py_add_env(ctx, s, "conda", p, envs.v[i]);
                        free(p);
                }
}

/* venvs and uv environments: a pyvenv.cfg one or two folders below home. */
static void py_venvs(const struct probe_ctx *ctx, struct snapshot *s, const char *dir, int depth)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;

        if (depth > 2 || sys_list_dir(ctx->root, dir, &names) < 0)
                return;
        for (size_t i = 0; i < names.n && names.n < 4096; i++) {
                _cleanup_free_ char *p = xasprintf("%s/%s", dir, names.v[i]);
                _cleanup_free_ char *cfg = xasprintf("%s/pyvenv.cfg", p);
                _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;

                if (names.v[i][0] == '.' && strcmp(names.v[i], ".venv"))
                        continue; /* caches and config, not environments */
                if (sys_read_file(ctx->root, cfg, PY_FILE_MAX, &buf) >= 0) {
                        _cleanup_free_ char *uv = pyenv_cfg_get(buf.buf, buf.len, "uv");
                        py_add_env(ctx, s, uv ? "uv" : "venv", p, names.v[i]);
                } else if (depth < 2) {
                        py_venvs(ctx, s, p, depth + 1);
                }
        }
}

/* Interpreters a version manager built from source, one folder per version
 * under ROOT/SUB (pyenv: versions, asdf: installs/python); pyenv-virtualenv
 * keeps its environments in versions/X.Y.Z/envs/NAME (pyvenv.cfg). */
static void py_manager(const struct probe_ctx *ctx, struct snapshot *s, const char *kind, const char *root,
                       const char *sub)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;
        _cleanup_free_ char *dir = xasprintf("%s/%s", root, sub);

        if (sys_list_dir(ctx->root, dir, &names) < 0)
                return;
        for (size_t i = 0; i < names.n && i < PY_MAX_ENVS; i++) {
                _cleanup_(strv_release) struct strv envs = STRV_INIT;
                _cleanup_free_ char *p = xasprintf("%s/%s", dir, names.v[i]);
                _cleanup_free_ char *envdir = xasprintf("%s/envs", p), *lib = py_lib_dir(ctx, p);

                _cleanup_(strbuf_releasep) struct strbuf target = STRBUF_INIT;

                /* pyenv-virtualenv links versions/NAME to X.Y.Z/envs/NAME, and
                 * people link 3.11 to 3.11.9: each is listed once, at its folder */
                if (names.v[i][0] == '.' || !lib || sys_readlink(ctx->root, p, &target) >= 0)
                        continue; /* a link, or not a finished install (a failed build) */
                py_add_env(ctx, s, kind, p, names.v[i]);
                if (sys_list_dir(ctx->root, envdir, &envs) >= 0)
                        for (size_t j = 0; j < envs.n; j++) {
                                char *ep = xasprintf("%s/%s", envdir, envs.v[j]);
                                py_add_env(ctx, s, kind, ep, envs.v[j]);
                                free(ep);
                        }
        }
}

/* pyenv's and asdf's default roots, and /opt, where images that share one
 * install among users put it (ASDF_DATA_DIR=/opt/asdf, PYENV_ROOT=/opt/pyenv). */
static void py_managers(const struct probe_ctx *ctx, struct snapshot *s, const char *home)
{
        static const char *const roots[][3] = {
                { "pyenv", ".pyenv", "versions" }, { "asdf", ".asdf", "installs/python" },
        };

        for (size_t i = 0; i < 2; i++) {
                _cleanup_free_ char *opt = xasprintf("/opt/%s", roots[i][1] + 1);
                if (home) {
                        _cleanup_free_ char *h = xasprintf("%s/%s", home, roots[i][1]);
                        py_manager(ctx, s, roots[i][0], h, roots[i][2]);
                }
                py_manager(ctx, s, roots[i][0], opt, roots[i][2]);
        }
}

void probe_python(const struct probe_ctx *ctx, struct snapshot *s)
{
        const char *home = s->shell.home.st == FACT_OK ? s->shell.home.v : NULL;

        for (size_t i = 0; home && py_conda_dirs[i]; i++) {
                char *p = xasprintf("%s/%s", home, py_conda_dirs[i]);
                py_conda(ctx, s, p);
                free(p);
        }
        for (size_t i = 0; py_conda_abs[i]; i++)
                py_conda(ctx, s, py_conda_abs[i]);
        if (home)
                py_venvs(ctx, s, home, 1);
        py_managers(ctx, s, home);
        if (sys_exists(ctx->root, "/usr/bin/python3"))
                py_add_env(ctx, s, "system", "/usr", "system");
        s->python.live = ctx->live;
        probe_set(&s->python.probe, FACT_OK, NULL);
}
