/* check-torch.c - the guide's last steps: a Python environment with a
 * PyTorch that this driver runs and that is compiled for every GPU here.
 *
 * Judged from files (dist-info, torch/version.py) and the knowledge base;
 * with doctor --live, also from what torch itself says. Each environment
 * with torch is judged on its own. */
#include "check.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"
#include "kb/kb.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/versions.h"
#include "util/xalloc.h"

#define TORCH_NAME_MAX 160

static const char *check_torch_fact(const struct fact_str *f)
{
        return f->st == FACT_OK ? f->v : NULL;
}

/* "2.3.1+cu121" -> "2.3.1" into buf. */
static const char *check_torch_base(const char *v, char buf[TORCH_NAME_MAX])
{
        snprintf(buf, TORCH_NAME_MAX, "%.*s", (int)strcspn(v, "+"), v);
        return buf;
}

/* The wheel variant: the local version ("cu121"), else from torch_cuda.
 * NULL for a build that is no wheel of download.pytorch.org (NGC's local
 * "872d972e41.nv24.10"): its compiled architectures are not the wheel's. */
static const char *check_torch_variant(const struct snap_pyenv *e, char buf[TORCH_NAME_MAX])
{
        const char *plus = strchr(e->torch_version.v, '+');
        const char *cuda = check_torch_fact(&e->torch_cuda);
        long major, minor;

        if (plus && (!strncmp(plus + 1, "cu", 2) || !strcmp(plus + 1, "cpu")))
                return snprintf(buf, TORCH_NAME_MAX, "%s", plus + 1), buf;
        if (plus)
                return NULL;
        if (!cuda)
                return "cpu";
        if (!version_parse_mm(cuda, &major, &minor))
                return NULL;
        snprintf(buf, TORCH_NAME_MAX, "cu%ld%ld", major, minor);
        return buf;
}

static const char *check_torch_python(const struct snap_pyenv *e)
{
        return e->path ? e->path : "python";
}

/* The pip command plan's torch step runs (kb/kb-distro.c) as a fix line;
 * e NULL: plain pip, whichever environment is active. */
static void check_torch_fix_pip(struct finding *f, const char *prefix, bool reinstall, const struct kb_torch *t,
                                const struct kb_torch_variant *v)
{
        _cleanup_free_ char *python = prefix ? xasprintf("%s/bin/python", prefix) : NULL;
        struct kb_pip_torch pt = { .reinstall = reinstall, .torch = t->version, .torchvision = t->torchvision,
                                   .torchaudio = t->torchaudio, .index_url = v->index_url };
        struct strv argv = STRV_INIT;
        struct strbuf sb = STRBUF_INIT;

        pt.python = python;
        kb_cmd_pip_torch(&pt, &argv);
        for (size_t i = 0; i < argv.n; i++)
                strbuf_addf(&sb, "%s%s", i ? " " : "", argv.v[i]);
        finding_fix(f, "%s", sb.buf);
        strbuf_release(&sb);
        strv_release(&argv);
}

/* The pip line that installs a matching torch set into this environment. */
static void check_torch_fix_install(struct finding *f, const struct snap_pyenv *e, const struct kb_torch *t,
                                    const struct kb_torch_variant *v)
{
        if (!t || !v) {
                finding_fix(f, "%s/bin/python -m pip install --upgrade torch torchvision torchaudio",
                            check_torch_python(e));
                return;
        }
        check_torch_fix_pip(f, check_torch_python(e), true, t, v);
}

/* Does the variant run here: the driver runs its CUDA (with minor-version
 * compatibility: the wheel carries its runtime) and it covers every GPU? */
static bool check_torch_variant_fits(const struct snapshot *s, const struct kb_torch_variant *v, const char *drv)
{
        const struct kb_cuda *k;
        char ver[16];

        if (!strcmp(v->variant, "cpu") || strncmp(v->variant, "cu", 2) || strlen(v->variant) < 5)
                return false;
        snprintf(ver, sizeof(ver), "%.2s.%s", v->variant + 2, v->variant + 4);
        k = kb_cuda_find(ver);
        if (!k || (drv && version_cmp(drv, k->minor_compat_driver ? k->minor_compat_driver : k->min_driver) < 0))
                return false;
        for (size_t i = 0; i < s->ngpus; i++)
                if (s->gpus[i].compute_capability.st == FACT_OK &&
                    !kb_torch_variant_runs_on(v, s->gpus[i].compute_capability.v))
                        return false;
        return true;
}

/* The newest-CUDA variant of release t that fits this machine, or NULL. */
static const struct kb_torch_variant *check_torch_best_variant(const struct snapshot *s, const struct kb_torch *t)
{
        char vbuf[CHECK_NAME_MAX];
        const char *drv = check_util_driver_version(s, vbuf);
        const struct kb_torch_variant *best = NULL, *v;

        for (size_t i = 0; t && (v = kb_torch_variant_nth(t->version, i)); i++)
                if (check_torch_variant_fits(s, v, drv) && (!best || strcmp(v->variant, best->variant) > 0))
                        best = v;
        return best;
}

/* The newest release with a variant that fits, for when t has none. */
static const struct kb_torch *check_torch_best_release(const struct snapshot *s)
{
        const struct kb_torch *best = NULL;

        for (size_t i = 0; i < kb_torch_count(); i++) {
                const struct kb_torch *t = kb_torch_at(i);
                if (check_torch_best_variant(s, t) && (!best || version_cmp(t->version, best->version) > 0))
                        best = t;
        }
        return best;
}

/* torch from the distribution's package (apt's python3-torch, Lambda
 * Stack's python3-torch-cuda): built for the distribution's own Python,
 * and a pip install over it fights apt (and PEP 668). */
static bool check_torch_distro(const struct snap_pyenv *e)
{
        const char *site = check_torch_fact(&e->torch_site);

        return site && !strcmp(site, "/usr/lib/python3/dist-packages");
}

static void check_torch_fix_best(struct finding *f, const struct snapshot *s, const struct snap_pyenv *e,
                                 const struct kb_torch *t)
{
        const struct kb_torch_variant *v = check_torch_best_variant(s, t);

        if (!v || check_torch_distro(e)) {
                t = check_torch_best_release(s);
                v = t ? check_torch_best_variant(s, t) : NULL;
        }
        if (check_torch_distro(e) && t && v) {
                finding_fix(f, "# %s's torch is the distribution's package; put a CUDA build in a venv:", e->path);
                finding_fix(f, "sudo apt install python3-venv   # Debian and Ubuntu ship venv apart");
                finding_fix(f, "python3 -m venv ~/venvs/torch");
                check_torch_fix_pip(f, "~/venvs/torch", false, t, v);
                return;
        }
        check_torch_fix_install(f, e, t, v);
}

static bool check_torch_cpu_only(const struct snapshot *s, const struct snap_pyenv *e, const struct kb_torch *t,
                                 struct findings *fs)
{
        struct finding *f;

        if (e->torch_cuda.st != FACT_ABSENT)
                return false;
        f = finding_add(fs, "torch.cpu-only", "%s: torch %s is a CPU-only build: it cannot use the %zu GPUs",
                        e->path, e->torch_version.v, check_util_pci_gpus(s));
        finding_evidence(f, "%s: torch %s, torch.version.cuda = None", e->path, e->torch_version.v);
        check_torch_fix_best(f, s, e, t);
        return true;
}

static bool check_torch_driver(const struct snapshot *s, const struct snap_pyenv *e, const struct kb_torch *t,
                               struct findings *fs)
{
        char vbuf[CHECK_NAME_MAX];
        const char *drv = check_util_driver_version(s, vbuf);
        const char *cuda = check_torch_fact(&e->torch_cuda);
        const struct kb_cuda *k = cuda ? kb_cuda_find(cuda) : NULL;
        const char *floor = k ? (k->minor_compat_driver ? k->minor_compat_driver : k->min_driver) : NULL;
        struct finding *f;

        if (!drv || !floor || version_cmp(drv, floor) >= 0)
                return false;
        f = finding_add(fs, "torch.cuda-newer-than-driver", "%s: torch %s is built for CUDA %s, which needs driver %s "
                        "or newer; this one is %s", e->path, e->torch_version.v, cuda, floor, drv);
        finding_evidence(f, "knowledge base: CUDA %s: driver %s, %s with minor-version compatibility (%s)", k->version,
                         k->min_driver, k->minor_compat_driver ? k->minor_compat_driver : "none", k->source);
        check_torch_fix_best(f, s, e, t);
        finding_fix(f, "# or upgrade the driver to %s or newer", floor);
        return true;
}

static bool check_torch_arch(const struct snapshot *s, const struct snap_pyenv *e, const struct kb_torch *t,
                             struct findings *fs)
{
        char vbuf[TORCH_NAME_MAX], base[TORCH_NAME_MAX], name[CHECK_NAME_MAX];
        const char *variant = check_torch_variant(e, vbuf);
        const struct kb_torch_variant *v = variant && t ? kb_torch_variant_find(t->version, variant) : NULL;
        struct finding *f = NULL;

        for (size_t i = 0; v && i < s->ngpus; i++) {
                const struct snap_gpu *g = &s->gpus[i];
                if (g->compute_capability.st != FACT_OK || kb_torch_variant_runs_on(v, g->compute_capability.v))
                        continue;
                if (!f)
                        f = finding_add(fs, "torch.arch-unsupported", "%s: torch %s (%s) has no code for %s, "
                                        "compute capability %s", e->path, check_torch_base(e->torch_version.v, base),
                                        v->variant, check_util_gpu_name(g, name), g->compute_capability.v);
                finding_evidence(f, "%s: compute capability %s", check_util_gpu_name(g, name),
                                 g->compute_capability.v);
        }
        if (!f)
                return false;
        finding_evidence(f, "knowledge base: torch %s %s is compiled for %s (%s)", v->torch, v->variant, v->archs,
                         v->source);
        check_torch_fix_best(f, s, e, t);
        return true;
}

/* Python "3.11.9" within [min, max] compares by major.minor. */
static void check_torch_python_range(const struct snap_pyenv *e, const struct kb_torch *t, struct findings *fs)
{
        const char *py = check_torch_fact(&e->python_version);
        struct version_part mm = version_major_minor(py); /* "3.11.9" -> "3.11" */
        struct finding *f;

        if (!py || !t || check_torch_distro(e)) /* the distribution built it for its Python */
                return;
        if (version_cmp(mm.s, t->python_min) >= 0 && version_cmp(mm.s, t->python_max) <= 0)
                return;
        f = finding_add(fs, "torch.python-unsupported", "%s: Python %s is outside torch %s's range %s to %s",
                        e->path, py, t->version, t->python_min, t->python_max);
        finding_evidence(f, "knowledge base: torch %s supports Python %s-%s (%s)", t->version, t->python_min,
                         t->python_max, t->source);
        finding_fix(f, "# make an environment with a supported Python, e.g.: conda create -n dl python=%s",
                    t->python_max);
}

static void check_torch_companions(const struct snap_pyenv *e, const struct kb_torch *t, struct findings *fs)
{
        char a[TORCH_NAME_MAX], b[TORCH_NAME_MAX];
        const char *tv = check_torch_fact(&e->torchvision_version);
        const char *ta = check_torch_fact(&e->torchaudio_version);
        bool vis_bad = tv && strcmp(check_torch_base(tv, a), t->torchvision);
        bool aud_bad = ta && strcmp(check_torch_base(ta, b), t->torchaudio);
        struct finding *f;

        if (!vis_bad && !aud_bad)
                return;
        f = finding_add(fs, "torch.companions-mismatch", "%s: torch %s wants torchvision %s and torchaudio %s",
                        e->path, t->version, t->torchvision, t->torchaudio);
        if (vis_bad)
                finding_evidence(f, "torchvision %s installed", tv);
        if (aud_bad)
                finding_evidence(f, "torchaudio %s installed", ta);
        check_torch_fix_install(f, e, t, kb_torch_variant_find(t->version, NULL));
}

static void check_torch_mixed_wheels(const struct snap_pyenv *e, struct findings *fs)
{
        static const char *const majors[] = { "-cu11 ", "-cu12 ", "-cu13 " };
        struct finding *f = NULL;
        size_t kinds = 0;

        for (size_t m = 0; m < ARRAY_SIZE(majors); m++)
                for (size_t i = 0; i < e->nvidia_wheels.n; i++)
                        if (strstr(e->nvidia_wheels.v[i], majors[m])) {
                                kinds++;
                                break;
                        }
        if (kinds < 2)
                return;
        f = finding_add(fs, "torch.mixed-cuda-wheels", "%s: NVIDIA runtime wheels for more than one CUDA major: "
                        "the loader may pick the wrong cuBLAS or cuDNN", e->path);
        for (size_t i = 0; i < e->nvidia_wheels.n; i++)
                finding_evidence(f, "%s", e->nvidia_wheels.v[i]);
        finding_fix(f, "%s/bin/python -m pip list 2>/dev/null | grep -i '^nvidia-'", check_torch_python(e));
        finding_fix(f, "# uninstall the set torch does not use (pip uninstall nvidia-...-cu11), then reinstall torch");
}

static void check_torch_env(const struct snapshot *s, const struct snap_pyenv *e, struct findings *fs);

void check_torch(const struct snapshot *s, struct findings *fs)
{
        size_t with_torch = 0;

        if (s->python.probe.st != FACT_OK)
                return;
        for (size_t i = 0; i < s->python.n; i++)
                if (s->python.envs[i].torch_version.st == FACT_OK) {
                        with_torch++;
                        check_torch_env(s, &s->python.envs[i], fs);
                }
        if (!with_torch && check_util_pci_gpus(s)) {
                struct finding *f = finding_add(fs, "python.no-torch", "none of the %zu Python environments found "
                                                "has PyTorch", s->python.n);
                const struct kb_torch *t = check_torch_best_release(s);
                const struct kb_torch_variant *v = t ? check_torch_best_variant(s, t) : NULL;
                if (t && v)
                        check_torch_fix_pip(f, NULL, false, t, v);
                else
                        finding_fix(f, "pip install torch torchvision torchaudio");
        }
}

/* " (a nightly, judged as the 2.6 series)" for a pre-release, else "". */
static const char *check_torch_series(const struct snap_pyenv *e, const struct kb_torch *t,
                                      char buf[TORCH_NAME_MAX])
{
        const char *kind = kb_torch_prerelease(e->torch_version.v);
        const char *dot = t ? strchr(t->version, '.') : NULL;

        if (!kind || !dot)
                return "";
        /* the series is the release's major.minor: "2.6" of "2.6.0" */
        snprintf(buf, TORCH_NAME_MAX, " (%s, judged as the %.*s series)", kind,
                 (int)(dot - t->version + 1 + (ptrdiff_t)strcspn(dot + 1, ".")), t->version);
        return buf;
}

static void check_torch_env(const struct snapshot *s, const struct snap_pyenv *e, struct findings *fs)
{
        char base[TORCH_NAME_MAX], series[TORCH_NAME_MAX];
        const struct kb_torch *t = kb_torch_find(check_torch_base(e->torch_version.v, base));
        size_t start = fs->n;

        if (!t)
                finding_add(fs, "torch.unknown-release", "%s: torch %s is not in dlrig's knowledge base: its CUDA "
                            "and architecture support cannot be judged", e->path, e->torch_version.v);
        if (check_util_pci_gpus(s) && !check_torch_cpu_only(s, e, t, fs)) {
                check_torch_driver(s, e, t, fs);
                check_torch_arch(s, e, t, fs);
        }
        check_torch_python_range(e, t, fs);
        /* a pre-release's companions are pre-releases too, not the release's */
        if (t && !kb_torch_prerelease(e->torch_version.v))
                check_torch_companions(e, t, fs);
        check_torch_mixed_wheels(e, fs);
        check_torch_libs(s, e, fs);
        check_python_live(s, e, fs);
        if (check_util_worst_since(fs, start) <= SEV_INFO && check_util_pci_gpus(s) && check_util_nvml_ok(s) &&
            e->base_python.st != FACT_ABSENT) /* a venv without its interpreter: python.venv-broken */
                finding_add(fs, "torch.ok", "%s: torch %s%s (Python %s) runs on this driver and all %zu GPUs%s",
                            e->path, e->torch_version.v, check_torch_series(e, t, series),
                            check_torch_fact(&e->python_version) ?: "?", check_util_pci_gpus(s),
                            e->live_device_count.st == FACT_OK ? " (checked live)" : "");
}
