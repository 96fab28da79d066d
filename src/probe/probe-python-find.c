/* probe-python-find.c - where Python environments are looked for, from
 * how machines are set up rather than a walk of the disk (docs/
 * architecture.md lists the folders and why):
 *
 * - conda installations under the home folder and in /opt (the
 *   pytorch/pytorch and cloud images' /opt/conda), with their envs;
 * - venvs (any folder name: pyvenv.cfg marks one) up to two levels below
 *   the home folder, three below /opt (/opt/torch/.venv in NVIDIA-based
 *   images) and the usual container work folders (/workspace, /app);
 * - uv's tool environments and poetry's managed venvs;
 * - Pythons built by pyenv or asdf (PYENV_ROOT and ASDF_DATA_DIR honoured);
 * - VIRTUAL_ENV and CONDA_PREFIX of the process, and the environment of
 *   every python on the process's and the login shell's PATH;
 * - pip --user's ~/.local, and the system Python with its dist-packages. */
#include "probe.h"

#include <stdlib.h>
#include <string.h>

#include "probe-internal.h"
#include "pyenv-parse.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define PYF_FILE_MAX (64u * 1024)
#define PYF_MAX_NAMES 4096

static const char *const pyf_conda_dirs[] = {
        "miniconda3", "miniforge3", "anaconda3", "mambaforge", "micromamba", NULL,
};
static const char *const pyf_conda_abs[] = { "/opt/conda", "/opt/miniconda3", "/opt/miniforge3", NULL };
/* Where images put a project's venv ("WORKDIR /workspace", "/app"). */
static const char *const pyf_work_dirs[] = { "/workspace", "/app", "/code", NULL };

static const char *pyf_fact(const struct fact_str *f)
{
        return f->st == FACT_OK ? f->v : NULL;
}

static bool pyf_has(const struct probe_ctx *ctx, const char *prefix, const char *file)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", prefix, file);

        return sys_exists(ctx->root, p);
}

/* A file or a link, dangling or not: a venv's bin/python3 points at an
 * interpreter a partial recording may not hold. */
static bool pyf_present(const struct probe_ctx *ctx, const char *path)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;

        return sys_exists(ctx->root, path) || sys_readlink(ctx->root, path, &sb) >= 0;
}

static const char *pyf_base(const char *path)
{
        const char *slash = strrchr(path, '/');

        return slash && slash[1] ? slash + 1 : path;
}

static void pyf_conda(const struct probe_ctx *ctx, struct snapshot *s, const char *prefix)
{
        _cleanup_(strv_release) struct strv envs = STRV_INIT;
        _cleanup_free_ char *dir = xasprintf("%s/envs", prefix);

        if (!pyf_has(ctx, prefix, "conda-meta") || strv_find(&s->python.conda_installs, prefix) >= 0)
                return;
        strv_push(&s->python.conda_installs, xstrdup(prefix));
        probe_python_add(ctx, s, "conda", prefix, "base");
        if (sys_list_dir(ctx->root, dir, &envs) >= 0)
                for (size_t i = 0; i < envs.n; i++) {
                        _cleanup_free_ char *p = xasprintf("%s/%s", dir, envs.v[i]);
                        if (pyf_has(ctx, p, "conda-meta"))
                                probe_python_add(ctx, s, "conda", p, envs.v[i]);
                }
}

/* A venv's kind from its pyvenv.cfg: uv writes a "uv" key. */
static void pyf_add_venv(const struct probe_ctx *ctx, struct snapshot *s, const char *prefix, const char *kind)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        _cleanup_free_ char *cfg = xasprintf("%s/pyvenv.cfg", prefix), *uv = NULL;

        if (sys_read_file(ctx->root, cfg, PYF_FILE_MAX, &buf) < 0 || !buf.buf)
                return;
        uv = pyenv_cfg_get(buf.buf, buf.len, "uv");
        probe_python_add(ctx, s, kind ? kind : uv ? "uv" : "venv", prefix, pyf_base(prefix));
}

/* Folders a search never enters: caches, VCS data and package trees. */
static bool pyf_skip(const char *name)
{
        static const char *const skip[] = { "node_modules", "site-packages", "dist-packages", "__pycache__",
                                            "proc", "sys", NULL };

        if (name[0] == '.')
                return !startswith(name, ".venv") && strcmp(name, ".env"); /* .venv39 is a venv */
        for (size_t i = 0; skip[i]; i++)
                if (!strcmp(name, skip[i]))
                        return true;
        return false;
}

/* venvs: a pyvenv.cfg at most depth levels below dir. */
static void pyf_venvs(const struct probe_ctx *ctx, struct snapshot *s, const char *dir, int depth)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;

        if (depth <= 0 || sys_list_dir(ctx->root, dir, &names) < 0 || names.n > PYF_MAX_NAMES)
                return;
        for (size_t i = 0; i < names.n; i++) {
                _cleanup_free_ char *p = xasprintf("%s/%s", !strcmp(dir, "/") ? "" : dir, names.v[i]);

                if (pyf_skip(names.v[i]))
                        continue;
                if (pyf_has(ctx, p, "pyvenv.cfg"))
                        pyf_add_venv(ctx, s, p, NULL);
                else if (pyf_has(ctx, p, "conda-meta"))
                        pyf_conda(ctx, s, p);
                else
                        pyf_venvs(ctx, s, p, depth - 1);
        }
}

/* Interpreters a version manager built from source, one folder per version
 * under ROOT/SUB (pyenv: versions, asdf: installs/python); pyenv-virtualenv
 * keeps its environments in versions/X.Y.Z/envs/NAME (pyvenv.cfg). */
static void pyf_manager(const struct probe_ctx *ctx, struct snapshot *s, const char *kind, const char *root,
                        const char *sub)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;
        _cleanup_free_ char *dir = xasprintf("%s/%s", root, sub);

        if (sys_list_dir(ctx->root, dir, &names) < 0)
                return;
        for (size_t i = 0; i < names.n && i < 64; i++) {
                _cleanup_(strv_release) struct strv envs = STRV_INIT;
                _cleanup_(strbuf_releasep) struct strbuf target = STRBUF_INIT;
                _cleanup_free_ char *p = xasprintf("%s/%s", dir, names.v[i]);
                _cleanup_free_ char *envdir = xasprintf("%s/envs", p), *lib = xasprintf("%s/lib", p);

                /* pyenv-virtualenv links versions/NAME to X.Y.Z/envs/NAME, and
                 * people link 3.11 to 3.11.9: each is listed once, at its folder */
                if (names.v[i][0] == '.' || !sys_exists(ctx->root, lib) || sys_readlink(ctx->root, p, &target) >= 0)
                        continue; /* a link, or not a finished install (a failed build) */
                probe_python_add(ctx, s, kind, p, names.v[i]);
                if (sys_list_dir(ctx->root, envdir, &envs) >= 0)
                        for (size_t j = 0; j < envs.n; j++) {
                                _cleanup_free_ char *ep = xasprintf("%s/%s", envdir, envs.v[j]);
                                probe_python_add(ctx, s, kind, ep, envs.v[j]);
                        }
        }
}

/* pyenv's and asdf's roots: the variables, the defaults under home, and
 * /opt, where images that share one install among users put it. */
static void pyf_managers(const struct probe_ctx *ctx, struct snapshot *s, const char *home)
{
        const char *vars[] = { pyf_fact(&s->procenv.pyenv_root), pyf_fact(&s->procenv.asdf_data_dir) };
        static const char *const roots[][3] = {
                { "pyenv", ".pyenv", "versions" }, { "asdf", ".asdf", "installs/python" },
        };

        for (size_t i = 0; i < 2; i++) {
                _cleanup_free_ char *opt = xasprintf("/opt/%s", roots[i][1] + 1);
                _cleanup_free_ char *h = home ? xasprintf("%s/%s", home, roots[i][1]) : NULL;
                if (vars[i])
                        pyf_manager(ctx, s, roots[i][0], vars[i], roots[i][2]);
                if (h)
                        pyf_manager(ctx, s, roots[i][0], h, roots[i][2]);
                pyf_manager(ctx, s, roots[i][0], opt, roots[i][2]);
        }
}

/* The environment a prefix is, if any: a venv, a conda env, a pyenv or
 * asdf build, a system or local install. Returns it, or NULL. */
static const struct snap_pyenv *pyf_prefix(const struct probe_ctx *ctx, struct snapshot *s, const char *prefix)
{
        for (size_t i = 0; i < s->python.n; i++)
                if (!strcmp(s->python.envs[i].path, prefix))
                        return &s->python.envs[i];
        if (pyf_has(ctx, prefix, "pyvenv.cfg")) {
                pyf_add_venv(ctx, s, prefix, NULL);
        } else if (pyf_has(ctx, prefix, "conda-meta")) {
                probe_python_add(ctx, s, "conda", prefix, pyf_base(prefix));
        } else if (!strcmp(prefix, "/usr") || !strcmp(prefix, "/usr/local")) {
                _cleanup_free_ char *lib = xasprintf("%s/lib", prefix);
                _cleanup_(strv_release) struct strv names = STRV_INIT;
                bool py = false;
                if (sys_list_dir(ctx->root, lib, &names) >= 0)
                        for (size_t i = 0; i < names.n; i++)
                                py |= startswith(names.v[i], "python3");
                if (py)
                        probe_python_add(ctx, s, "system", prefix, !strcmp(prefix, "/usr") ? "system" : "local");
        } else {
                return NULL;
        }
        for (size_t i = 0; i < s->python.n; i++)
                if (!strcmp(s->python.envs[i].path, prefix))
                        return &s->python.envs[i];
        return NULL;
}

/* The environment of every python on a PATH; the first one is the
 * environment that PATH selects. */
static void pyf_path(const struct probe_ctx *ctx, struct snapshot *s, const char *path, const char *whose)
{
        _cleanup_(strv_release) struct strv seen = STRV_INIT;

        for (const char *p = path; p && *p;) {
                size_t len = strcspn(p, ":");
                _cleanup_free_ char *dir = xstrndup(p, len);
                _cleanup_free_ char *py3 = xasprintf("%s/python3", dir), *py = xasprintf("%s/python", dir);
                const struct snap_pyenv *e = NULL;

                p += len + (p[len] == ':');
                if (!len || seen.n >= 64 || strv_find(&seen, dir) >= 0 ||
                    (!pyf_present(ctx, py3) && !pyf_present(ctx, py)))
                        continue;
                strv_push(&seen, xstrdup(dir));
                if (!strcmp(pyf_base(dir), "bin") && strrchr(dir, '/') > dir) {
                        _cleanup_free_ char *prefix = xstrndup(dir, (size_t)(strrchr(dir, '/') - dir));
                        e = pyf_prefix(ctx, s, prefix);
                } else if (!strcmp(dir, "/bin")) {
                        e = pyf_prefix(ctx, s, "/usr"); /* merged /usr: /bin is /usr/bin */
                }
                if (e && s->python.selected.st != FACT_OK) {
                        fact_set_str(&s->python.selected, e->path);
                        fact_set_str(&s->python.selected_by, whose);
                }
        }
}

/* pip --user: ~/.local/lib/pythonX.Y/site-packages. */
static void pyf_user(const struct probe_ctx *ctx, struct snapshot *s, const char *home)
{
        _cleanup_free_ char *local = xasprintf("%s/.local", home), *lib = xasprintf("%s/.local/lib", home);
        _cleanup_(strv_release) struct strv names = STRV_INIT;

        if (sys_list_dir(ctx->root, lib, &names) < 0)
                return;
        for (size_t i = 0; i < names.n; i++)
                if (startswith(names.v[i], "python3")) {
                        probe_python_add(ctx, s, "user", local, "pip --user");
                        return;
                }
}

/* The home folders to search: the login user's, and the process's HOME
 * (a container's /root, where no passwd entry may say so). */
static void pyf_homes(const struct snapshot *s, const char *homes[2])
{
        homes[0] = pyf_fact(&s->shell.home);
        homes[1] = pyf_fact(&s->procenv.home);
        if (homes[0] && homes[1] && !strcmp(homes[0], homes[1]))
                homes[1] = NULL;
}

static void pyf_home(const struct probe_ctx *ctx, struct snapshot *s, const char *home)
{
        _cleanup_free_ char *uv = xasprintf("%s/.local/share/uv/tools", home);
        _cleanup_free_ char *poetry = xasprintf("%s/.cache/pypoetry/virtualenvs", home);

        for (size_t i = 0; pyf_conda_dirs[i]; i++) {
                _cleanup_free_ char *p = xasprintf("%s/%s", home, pyf_conda_dirs[i]);
                pyf_conda(ctx, s, p);
        }
        pyf_venvs(ctx, s, home, 2);
        pyf_venvs(ctx, s, uv, 1);
        {
                _cleanup_(strv_release) struct strv names = STRV_INIT;
                if (sys_list_dir(ctx->root, poetry, &names) >= 0)
                        for (size_t i = 0; i < names.n && i < 64; i++) {
                                _cleanup_free_ char *p = xasprintf("%s/%s", poetry, names.v[i]);
                                pyf_add_venv(ctx, s, p, "poetry");
                        }
        }
}

void probe_python(const struct probe_ctx *ctx, struct snapshot *s)
{
        const char *homes[2];
        const char *vars[] = { pyf_fact(&s->procenv.virtual_env), pyf_fact(&s->procenv.conda_prefix) };

        pyf_homes(s, homes);
        for (size_t i = 0; i < 2; i++)
                if (homes[i])
                        pyf_home(ctx, s, homes[i]);
        for (size_t i = 0; pyf_conda_abs[i]; i++)
                pyf_conda(ctx, s, pyf_conda_abs[i]);
        pyf_venvs(ctx, s, "/opt", 3);
        for (size_t i = 0; pyf_work_dirs[i]; i++)
                pyf_venvs(ctx, s, pyf_work_dirs[i], 2);
        pyf_managers(ctx, s, homes[0] ? homes[0] : homes[1]);
        for (size_t i = 0; i < 2; i++)
                if (vars[i])
                        pyf_prefix(ctx, s, vars[i]);
        pyf_path(ctx, s, pyf_fact(&s->procenv.path), "process PATH");
        pyf_path(ctx, s, pyf_fact(&s->shell.path), "login shell PATH");
        for (size_t i = 0; i < 2; i++)
                if (homes[i])
                        pyf_user(ctx, s, homes[i]);
        if (sys_exists(ctx->root, "/usr/bin/python3"))
                probe_python_add(ctx, s, "system", "/usr", "system");
        if (s->python.selected.st != FACT_OK)
                fact_fail_str(&s->python.selected, FACT_ABSENT, "no python on PATH");
        s->python.live = ctx->live;
        probe_set(&s->python.probe, FACT_OK, NULL);
}
