/* prove-env.c - which environment prove runs in: --env (a prefix or an
 * interpreter), else the one PATH selects when it has torch, else the best
 * torch found by the python probe (a CUDA build before a CPU one, then the
 * probe's order: the process's own environments come first), else the one
 * PATH selects all the same. */
#include "prove.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* The environment's interpreter: bin/python, else bin/python3. */
static char *env_python(const struct sysroot *host, const char *prefix)
{
        char *py = xasprintf("%s/bin/python", prefix);

        if (sys_exists(host, py))
                return py;
        free(py);
        return xasprintf("%s/bin/python3", prefix);
}

static void set_env(struct snap_prove *p, const char *prefix, char *python, const char *by)
{
        p->env = xstrdup(prefix);
        p->python = python;
        p->env_chosen_by = xstrdup(by);
}

/* --env: a folder is a prefix; a file is the interpreter itself. */
static int from_option(const struct sysroot *host, const char *env, struct snap_prove *p)
{
        struct stat st;
        char *prefix;

        if (sys_stat(host, env, &st) < 0) {
                p->not_run = xasprintf("--env %s: no such environment", env);
                return -ENOENT;
        }
        if (S_ISDIR(st.st_mode)) {
                set_env(p, env, env_python(host, env), "--env");
                return 0;
        }
        prefix = xstrdup(env);
        for (int up = 0; up < 2 && strrchr(prefix, '/') && strrchr(prefix, '/') != prefix; up++)
                *strrchr(prefix, '/') = 0;      /* PREFIX/bin/python -> PREFIX */
        set_env(p, prefix, xstrdup(env), "--env");
        free(prefix);
        return 0;
}

static bool has_torch(const struct snap_pyenv *e)
{
        return e->torch_version.st == FACT_OK && e->path;
}

int prove_choose_env(const struct sysroot *host, const struct snap_python *py,
                     const struct prove_opts *o, struct snap_prove *p)
{
        const struct snap_pyenv *best = NULL;

        if (o->env)
                return from_option(host, o->env, p);
        for (size_t i = 0; i < py->n; i++) {
                const struct snap_pyenv *e = &py->envs[i];
                if (has_torch(e) && py->selected.st == FACT_OK && !strcmp(e->path, py->selected.v)) {
                        set_env(p, e->path, env_python(host, e->path), "PATH");
                        return 0;
                }
        }
        for (size_t i = 0; i < py->n; i++) {
                const struct snap_pyenv *e = &py->envs[i];
                if (has_torch(e) && (!best || (e->torch_cuda.st == FACT_OK && best->torch_cuda.st != FACT_OK)))
                        best = e;
        }
        if (!best && py->selected.st == FACT_OK) {
                /* torch may be there without the files the probe reads (a
                 * distribution's package): the import step will tell */
                set_env(p, py->selected.v, env_python(host, py->selected.v), "PATH, no torch seen in its files");
                return 0;
        }
        if (!best) {
                p->not_run = xstrdup("no Python environment with torch was found (dlrig doctor lists "
                                     "the environments it found); name one with --env");
                return -ENOENT;
        }
        set_env(p, best->path, env_python(host, best->path), "best torch found");
        return 0;
}
