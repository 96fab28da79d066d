/* check-python.c - the Python layer around torch: conda set up for the
 * user's shell, and what torch itself says under doctor --live. */
#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check-util.h"

/* conda installed but never initialised: `conda activate` fails in a new
 * shell, the guide's "make an environment" step stalls there. */
static void check_python_conda_init(const struct snapshot *s, struct findings *fs)
{
        const char *conda = s->python.conda_installs.n ? s->python.conda_installs.v[0] : NULL;
        const char *shell = s->shell.login_shell.st == FACT_OK ? s->shell.login_shell.v : "/bin/bash";
        const char *name = strrchr(shell, '/') ? strrchr(shell, '/') + 1 : shell;
        struct finding *f;

        if (!conda || s->shell.probe.st != FACT_OK || s->shell.conda_init.st == FACT_OK)
                return;
        /* conda's own bin first on PATH (the pytorch/pytorch images' ENV
         * PATH=/opt/conda/bin:...): its Python is the one in use already */
        if (s->python.selected.st == FACT_OK && !strncmp(s->python.selected.v, conda, strlen(conda)))
                return;
        f = finding_add(fs, "python.conda-not-initialised", "conda at %s is not initialised for %s: "
                        "'conda activate' fails in a new shell", conda, name);
        for (size_t i = 0; i < s->shell.rc_files.n; i++)
                finding_evidence(f, "no '>>> conda initialize >>>' block in %s", s->shell.rc_files.v[i]);
        finding_fix(f, "%s/bin/conda init %s", conda, !strcmp(name, "zsh") ? "zsh" : "bash");
        finding_fix(f, "exec %s -l   # or open a new terminal", shell);
}

/* Why torch might see fewer devices than the machine has. */
static void check_python_count_reason(struct finding *f, const struct snapshot *s)
{
        if (s->cuda.visible_devices.st == FACT_OK)
                finding_evidence(f, "CUDA_VISIBLE_DEVICES=\"%s\" in dlrig's environment", s->cuda.visible_devices.v);
        for (size_t i = 0; i < s->ngpus; i++)
                if (s->gpus[i].mig_mode_current.st == FACT_OK && s->gpus[i].mig_mode_current.v == 1)
                        finding_evidence(f, "GPU %" PRId64 ": MIG mode on", s->gpus[i].index);
        if (s->cuda.init_result.st == FACT_OK && s->cuda.init_result.v != 0)
                finding_evidence(f, "cuInit here returned %" PRId64, s->cuda.init_result.v);
}

void check_python_live(const struct snapshot *s, const struct snap_pyenv *e, struct findings *fs)
{
        size_t want = s->ngpus ? s->ngpus : check_util_pci_gpus(s);
        struct finding *f;

        if (e->live_error.st == FACT_OK ||
            (e->live_cuda_available.st == FACT_OK && !e->live_cuda_available.v)) {
                f = finding_add(fs, "torch.live-failed", "%s: torch.cuda.is_available() is False%s%s", e->path,
                                e->live_error.st == FACT_OK ? ": " : "",
                                e->live_error.st == FACT_OK ? e->live_error.v : "");
                check_python_count_reason(f, s);
                finding_fix(f, "%s/bin/python -c 'import torch; print(torch.__version__, torch.version.cuda); "
                            "torch.cuda.init()'   # shows the CUDA error", e->path);
                return;
        }
        if (e->live_device_count.st == FACT_OK && want && (size_t)e->live_device_count.v < want) {
                f = finding_add(fs, "torch.live-device-count", "%s: torch.cuda.device_count() is %" PRId64
                                ", the machine has %zu GPUs", e->path, e->live_device_count.v, want);
                check_python_count_reason(f, s);
                finding_fix(f, "unset CUDA_VISIBLE_DEVICES   # if it is set; then run the check again");
                finding_fix(f, "dlrig doctor --live");
        }
}

/* A venv whose interpreter is gone (bin/python -> /usr/bin/python3.12
 * after a release upgrade removed 3.12): nothing starts in it. */
static void check_python_venv_broken(const struct snapshot *s, struct findings *fs)
{
        for (size_t i = 0; i < s->python.n; i++) {
                const struct snap_pyenv *e = &s->python.envs[i];
                const char *mm = e->python_version.st == FACT_OK ? e->python_version.v : "3";
                struct finding *f;
                if (e->base_python.st != FACT_ABSENT)
                        continue;
                f = finding_add(fs, "python.venv-broken", "%s: the venv's interpreter is gone (%s): no program "
                                "starts in it%s", e->path, e->base_python.why ? e->base_python.why : "no bin/python",
                                e->torch_version.st == FACT_OK ? ", its torch cannot be imported" : "");
                finding_evidence(f, "%s/pyvenv.cfg: a %s venv for Python %s", e->path, e->kind, mm);
                if (!strcmp(e->kind, "uv"))
                        finding_fix(f, "uv venv --python %.4s %s && uv sync   # in the project folder", mm, e->path);
                else
                        finding_fix(f, "python3 -m venv --clear %s   # then reinstall its packages", e->path);
        }
}

void check_python(const struct snapshot *s, struct findings *fs)
{
        if (s->python.probe.st != FACT_OK || !check_util_gpus_expected(s))
                return;
        check_python_conda_init(s, fs);
        check_python_venv_broken(s, fs);
}
