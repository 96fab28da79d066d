/* plan-steps-user.c - the steps that run as the target user: PATH and
 * LD_LIBRARY_PATH in a marked block of the shell rc files, the Python
 * environment manager and its shell init, the environment, torch from the
 * right index; then the reboot (where the driver changed) and doctor. */
#include "plan-internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static void step_set(struct plan_step *st, bool done, char *why)
{
        st->state = done ? STEP_DONE : STEP_TODO;
        st->why = why;
}

static bool user_zsh(const struct snapshot *s)
{
        const char *sh = s->shell.login_shell.st == FACT_OK ? s->shell.login_shell.v : "";
        size_t n = strlen(sh);

        return n >= 3 && !strcmp(sh + n - 3, "zsh");
}

/* Done when the login shell's PATH has the toolkit, or when the nvcc that
 * PATH finds (the process's: a container's ENV) is that CUDA's. */
static void user_cuda_env_state(const struct snapshot *s, const struct plan *p, struct plan_step *st,
                                const char *bin, const char *login_path)
{
        const struct fact_str *nv = &s->toolkits.nvcc_version;
        size_t n = strlen(p->cuda);

        if (strstr(login_path, bin)) {
                step_set(st, true, xasprintf("%s is on the login shell's PATH", bin));
        } else if (nv->st == FACT_OK && !strncmp(nv->v, p->cuda, n) && (nv->v[n] == '.' || !nv->v[n]) &&
                   s->toolkits.nvcc_env.st == FACT_OK) {
                step_set(st, true, xasprintf("nvcc on the %s PATH is CUDA %s's (%s)", s->toolkits.nvcc_env.v,
                                             nv->v, s->toolkits.nvcc_path.v));
        } else {
                step_set(st, false, xasprintf("%s is not on the login shell's PATH", bin));
                if (p->env_kept) {
                        st->state = STEP_OFFERED;
                        free(st->why);
                        st->why = xasprintf("offered: %s is not on PATH; only building CUDA extensions needs it", bin);
                }
        }
}

static void user_cuda_env(const struct snapshot *s, const struct plan_opts *o, struct plan *p)
{
        char *bin = xasprintf("/usr/local/cuda-%s/bin", p->cuda);
        struct plan_step *st = plan_step_add(p, "cuda-env", false,
                xasprintf("put CUDA %s on PATH and LD_LIBRARY_PATH (a marked block in %s)", p->cuda,
                          o->profile_d ? "/etc/profile.d/dlrig-cuda.sh" : "the shell rc"));
        const char *path = s->shell.path.st == FACT_OK ? s->shell.path.v : "";
        char *text = xasprintf(
                "case \":${PATH:-}:\" in *\":%s:\"*) ;; *) export PATH=\"%s${PATH:+:${PATH}}\" ;; esac\n"
                "case \":${LD_LIBRARY_PATH:-}:\" in *\":/usr/local/cuda-%s/lib64:\"*) ;; "
                "*) export LD_LIBRARY_PATH=\"/usr/local/cuda-%s/lib64${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}\" ;; esac\n",
                bin, bin, p->cuda, p->cuda);
        const char *rcs[] = { ".bashrc", user_zsh(s) ? ".zshrc" : NULL };

        if (o->profile_d) { /* every user's login shells read it */
                struct plan_act *a = plan_act_add(st, ACT_BLOCK, false);
                st->system = true;
                a->path = xstrdup("/etc/profile.d/dlrig-cuda.sh");
                a->text = xstrdup(text);
                rcs[0] = NULL;
        }
        for (size_t i = 0; i < 2 && rcs[i]; i++) {
                struct plan_act *a = plan_act_add(st, ACT_BLOCK, true);
                a->path = xasprintf("%s/%s", p->home, rcs[i]);
                a->text = xstrdup(text);
        }
        user_cuda_env_state(s, p, st, bin, path);
        free(bin), free(text);
}

static void user_download(const struct plan *p, struct plan_step *st, const struct kb_installer *k,
                          char **ret_file)
{
        struct plan_act *a = plan_act_add(st, ACT_DOWNLOAD, true);
        const char *base = strrchr(k->url, '/') + 1;

        a->path = xasprintf("%s/.cache/dlrig/%s", p->home, base);
        a->text = xstrdup(k->url);
        a->sha_url = xstrdup_or_null(k->sha256_url);
        *ret_file = a->path;
}

static void user_manager(const struct snapshot *s, struct plan *p)
{
        const struct kb_installer *k = kb_installer_find(p->installer);
        bool uv = !strcmp(p->installer, "uv");
        struct plan_step *st = plan_step_add(p, "manager", false, xasprintf("install %s in %s", p->installer,
                                             uv ? p->manager_prefix : p->manager_prefix));
        char *file;

        user_download(p, st, k, &file);
        if (uv) {
                plan_act_argv(plan_act_add(st, ACT_RUN, true), "mkdir", "-p", p->manager_prefix, NULL);
                plan_act_argv(plan_act_add(st, ACT_RUN, true), "tar", "-xzf", file, "-C", p->manager_prefix,
                              "--strip-components=1", NULL);
                st->done_path = xasprintf("%s/uv", p->manager_prefix);
                step_set(st, false, xstrdup("uv is not installed"));
                return;
        }
        plan_act_argv(plan_act_add(st, ACT_RUN, true), "bash", file, "-b", "-p", p->manager_prefix, NULL);
        st->done_path = xasprintf("%s/bin/conda", p->manager_prefix);
        if (s->python.conda_installs.n) {
                free(st->title);
                st->title = xasprintf("conda in %s", p->manager_prefix);
        }
        step_set(st, s->python.conda_installs.n > 0,
                 s->python.conda_installs.n ? xasprintf("conda installed in %s", s->python.conda_installs.v[0]) :
                 xstrdup("no conda installation"));
}

/* The environment PATH selects lies in the conda installation. */
static bool user_conda_on_path(const struct snapshot *s, const struct plan *p)
{
        size_t n = strlen(p->manager_prefix);

        return s->python.selected.st == FACT_OK && s->python.selected_by.st == FACT_OK &&
               !strncmp(s->python.selected.v, p->manager_prefix, n) &&
               (s->python.selected.v[n] == '/' || !s->python.selected.v[n]);
}

static void user_shell_init(const struct snapshot *s, struct plan *p)
{
        char *conda = xasprintf("%s/bin/conda", p->manager_prefix);
        struct plan_step *st = plan_step_add(p, "shell-init", false, xstrdup("set up conda in the shell (conda init)"));

        plan_act_argv(plan_act_add(st, ACT_RUN, true), conda, "init", "bash", NULL);
        if (user_zsh(s))
                plan_act_argv(plan_act_add(st, ACT_RUN, true), conda, "init", "zsh", NULL);
        if (s->shell.conda_init.st == FACT_OK)
                step_set(st, true, xasprintf("conda's block is in %s", s->shell.conda_init.v));
        else if (user_conda_on_path(s, p))
                step_set(st, true, xasprintf("%s's python is first on the %s (a container's ENV): nothing to activate",
                                             p->manager_prefix, s->python.selected_by.v));
        else
                step_set(st, false, xstrdup("no conda init block in the shell rc files"));
        free(conda);
}

static void user_env(const struct snapshot *s, struct plan *p)
{
        struct plan_step *st = plan_step_add(p, "env", false, p->env_kept ?
                                             xasprintf("the environment %s (Python %s), kept", p->env_name, p->python) :
                                             xasprintf("create the environment %s with Python %s", p->env_name, p->python));
        const struct snap_pyenv *e = plan_env_find(s, p->env_prefix);
        char *tool = xasprintf(strcmp(p->installer, "uv") ? "%s/bin/conda" : "%s/uv", p->manager_prefix);
        char *py = xasprintf("python=%s", p->python);

        if (strcmp(p->installer, "uv"))
                plan_act_argv(plan_act_add(st, ACT_RUN, true), tool, "create", "-y", "-n", p->env_name, py, NULL);
        else
                plan_act_argv(plan_act_add(st, ACT_RUN, true), tool, "venv", "--python", p->python, p->env_prefix, NULL);
        st->done_path = xstrdup(p->env_python);
        step_set(st, e != NULL, e ? xasprintf("%s exists", p->env_prefix) : xasprintf("no environment in %s", p->env_prefix));
        free(tool), free(py);
}

static void user_torch(const struct snapshot *s, struct plan *p)
{
        struct plan_step *st = plan_step_add(p, "torch", false, xasprintf("install torch %s (%s) with torchvision %s "
                                             "and torchaudio %s", p->torch, p->variant, p->torchvision, p->torchaudio));
        const struct snap_pyenv *e = plan_env_find(s, p->env_prefix);
        char *uv = strcmp(p->installer, "uv") ? NULL : xasprintf("%s/uv", p->manager_prefix);
        struct kb_pip_torch pt = { .python = p->env_python, .uv = uv, .torch = p->torch,
                                   .torchvision = p->torchvision, .torchaudio = p->torchaudio,
                                   .index_url = p->index_url };
        bool have = e && e->torch_version.st == FACT_OK &&
                    ((p->env_kept && !strcmp(e->path, p->env_prefix)) || /* adopted as it is */
                     (!strncmp(e->torch_version.v, p->torch, strlen(p->torch)) && strstr(e->torch_version.v, p->variant)));

        kb_cmd_pip_torch(&pt, &plan_act_add(st, ACT_RUN, true)->argv); /* doctor's fix lines use it too */
        step_set(st, have, have ? xasprintf("torch %s in %s", e->torch_version.v, p->env_name) :
                                  xasprintf("no torch %s+%s in %s", p->torch, p->variant, p->env_name));
        free(uv);
}

static bool user_step_todo(const struct plan *p, const char *id)
{
        for (size_t i = 0; i < p->nsteps; i++)
                if (!strcmp(p->steps[i].id, id))
                        return p->steps[i].state == STEP_TODO;
        return false;
}

static void user_finish(struct plan *p)
{
        bool reboot = user_step_todo(p, "driver") || user_step_todo(p, "nouveau");
        size_t todo;
        struct plan_step *st = plan_step_add(p, "reboot", true, xstrdup("reboot to load the new kernel modules"));

        plan_act_add(st, ACT_REBOOT, false);
        step_set(st, !reboot, reboot ? xstrdup("the kernel modules change") : xstrdup("not needed: no kernel module changes"));
        todo = plan_todo_count(p);
        st = plan_step_add(p, "verify", false, xstrdup("verify: dlrig doctor (every GPU visible to torch)"));
        plan_act_add(st, ACT_VERIFY, true);
        step_set(st, todo == 0, todo ? xstrdup("after the steps above") :
                                       xstrdup("nothing above is left to do: the snapshot is the verification"));
}

void plan_steps_user(const struct snapshot *s, const struct plan_opts *o, struct plan *p)
{
        user_cuda_env(s, o, p);
        /* a kept venv needs no manager of dlrig's choosing; a kept conda
         * env still wants conda set up in the shell ('conda activate') */
        if (!p->env_kept || !strcmp(p->env_kind, "conda")) {
                user_manager(s, p);
                if (strcmp(p->installer, "uv"))
                        user_shell_init(s, p);
        }
        user_env(s, p);
        user_torch(s, p);
        user_finish(p);
}

const struct snap_pyenv *plan_env_find(const struct snapshot *s, const char *prefix)
{
        for (size_t i = 0; i < s->python.n; i++)
                if (!strcmp(s->python.envs[i].path, prefix))
                        return &s->python.envs[i];
        return NULL;
}
