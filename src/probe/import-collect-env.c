/* import-collect-env.c - PyTorch's collect_env text as a partial snapshot.
 *
 * torch.utils.collect_env prints "Key: value" lines whose set grew over the
 * years (1.0: PyTorch version, Is debug build, CUDA used to build PyTorch,
 * OS, GCC/CMake version, Python version, Is CUDA available, CUDA runtime
 * version, GPU models and configuration, Nvidia driver version, cuDNN
 * version, Versions of relevant libraries; 1.8 added ROCM/HIP/MIOpen, Libc
 * and Python platform; 2.0 CUDA_MODULE_LOADING, XNNPACK and a CPU: block).
 * Booleans read "Yes"/"No" before 1.7 and "True"/"False" after; a missing
 * value reads "Could not collect", "N/A", "None" or "No CUDA". The GPUs come
 * as "GPU 0: NVIDIA A100-SXM4-80GB" lines after the key, or on its line when
 * there is one. The libraries are "[pip3] torch==2.3.1" (or "[pip]") and
 * "[conda] pytorch  2.3.1  py3.11_cuda12.1_cudnn8.9.2_0  pytorch" lines.
 * Lines it does not know (the CPU: block, cuDNN's file list) are skipped. */
#include "import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/parse.h"
#include "util/versions.h"
#include "util/xalloc.h"

/* The keys read; the values are kept raw until the end. */
enum ce_key {
        CE_TORCH, CE_CUDA_BUILT, CE_ROCM_BUILT, CE_OS, CE_PYTHON, CE_CUDA_AVAIL,
        CE_DRIVER, CE_GPUS, CE_KEY_MAX,
};

static const char *const ce_keys[CE_KEY_MAX] = {
        [CE_TORCH] = "PyTorch version",
        [CE_CUDA_BUILT] = "CUDA used to build PyTorch",
        [CE_ROCM_BUILT] = "ROCM used to build PyTorch",
        [CE_OS] = "OS",
        [CE_PYTHON] = "Python version",
        [CE_CUDA_AVAIL] = "Is CUDA available",
        [CE_DRIVER] = "Nvidia driver version",
        [CE_GPUS] = "GPU models and configuration",
};

/* A package of "Versions of relevant libraries". */
struct ce_pkgs {
        char *torch, *torchvision, *torchaudio, *cudatoolkit;
        bool conda_torch;
        struct strv wheels; /* "nvidia-cudnn-cu12 8.9.2.26" */
};

struct ce {
        char *v[CE_KEY_MAX];
        bool seen[CE_KEY_MAX];
        bool in_gpus;
        struct strv gpus;
        struct ce_pkgs pkgs;
};

/* What collect_env prints for a value it did not get. */
static bool ce_missing(const char *v)
{
        static const char *const none[] = { "", "Could not collect", "N/A", "None", "No CUDA" };

        if (!v)
                return true;
        for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
                if (!strcmp(v, none[i]))
                        return true;
        return false;
}

static void ce_set(char **slot, char *v)
{
        free(*slot);
        *slot = v;
}

/* "GPU 0: NVIDIA H200" (with an optional " (UUID: ...)") -> the name. */
static bool ce_gpu_line(struct ce *c, const char *line)
{
        const char *p = line + 4, *colon;
        size_t n;

        if (strncmp(line, "GPU ", 4) || !(colon = strstr(p, ": ")) || colon == p)
                return false;
        for (const char *q = p; q < colon; q++)
                if (*q < '0' || *q > '9')
                        return false;
        p = colon + 2;
        n = strcspn(p, "(");
        while (n && p[n - 1] == ' ')
                n--;
        if (n)
                strv_push(&c->gpus, xstrndup(p, n));
        return true;
}

static void ce_pkg_set(struct ce_pkgs *p, const char *name, const char *ver, bool conda)
{
        if (!strcmp(name, "torch") || !strcmp(name, "pytorch")) {
                if (!p->torch || conda)
                        ce_set(&p->torch, xstrdup(ver));
                p->conda_torch |= conda;
        } else if (!strcmp(name, "torchvision")) {
                ce_set(&p->torchvision, xstrdup(ver));
        } else if (!strcmp(name, "torchaudio")) {
                ce_set(&p->torchaudio, xstrdup(ver));
        } else if (conda && !strcmp(name, "cudatoolkit")) {
                ce_set(&p->cudatoolkit, xstrdup(ver));
        } else if (!conda && !strncmp(name, "nvidia-", 7)) {
                strv_pushf(&p->wheels, "%s %s", name, ver);
        }
}

/* "[pip3] torch==2.3.1", "[pip] numpy==1.21.0", "[conda] pytorch 2.3.1 build channel". */
static void ce_pkg_line(struct ce *c, const char *line)
{
        bool conda = startswith(line, "[conda]");
        const char *p = strchr(line, ']') + 1;
        char name[128], ver[128];

        p += strspn(p, " \t");
        if (conda) {
                if (sscanf(p, "%127s %127s", name, ver) != 2)
                        return;
        } else {
                const char *eq = strstr(p, "==");
                size_t n = eq ? (size_t)(eq - p) : 0;
                if (!n || n >= sizeof(name) || sscanf(eq + 2, "%127s", ver) != 1)
                        return;
                memcpy(name, p, n);
                name[n] = 0;
        }
        for (char *q = name; *q; q++)
                if (*q == '_')
                        *q = '-';
        ce_pkg_set(&c->pkgs, name, ver, conda);
}

static int ce_line(const char *raw, size_t len, void *data)
{
        struct ce *c = data;
        _cleanup_free_ char *line = xstrndup(raw, len);
        const char *colon;

        line[strcspn(line, "\r")] = 0;
        if (c->in_gpus && ce_gpu_line(c, line))
                return 0;
        c->in_gpus = false;
        if (startswith(line, "[pip") || startswith(line, "[conda]")) {
                if (strchr(line, ']'))
                        ce_pkg_line(c, line);
                return 0;
        }
        if (!(colon = strchr(line, ':')))
                return 0;
        for (int k = 0; k < CE_KEY_MAX; k++) {
                if (strlen(ce_keys[k]) != (size_t)(colon - line) || strncmp(line, ce_keys[k], colon - line))
                        continue;
                c->seen[k] = true;
                ce_set(&c->v[k], strip_dup(colon + 1, strlen(colon + 1)));
                if (k == CE_GPUS) {
                        c->in_gpus = true;
                        if (!ce_gpu_line(c, c->v[k]) && !ce_missing(c->v[k]))
                                strv_push(&c->gpus, xstrdup(c->v[k]));
                }
                break;
        }
        return 0;
}

static void ce_release(struct ce *c)
{
        for (int k = 0; k < CE_KEY_MAX; k++)
                free(c->v[k]);
        strv_release(&c->gpus);
        free(c->pkgs.torch);
        free(c->pkgs.torchvision);
        free(c->pkgs.torchaudio);
        free(c->pkgs.cudatoolkit);
        strv_release(&c->pkgs.wheels);
}

/* "Ubuntu 24.04.3 LTS (x86_64)": the name, the machine in parentheses. */
static void ce_fill_os(const struct ce *c, struct snapshot *s)
{
        const char *os = c->v[CE_OS];
        const char *paren = os ? strrchr(os, '(') : NULL;
        size_t n = os ? strlen(os) : 0;
        long major, minor;

        if (ce_missing(os))
                return;
        probe_set(&s->os.probe, FACT_OK, NULL);
        if (paren && paren > os && os[n - 1] == ')') {
                fact_take_str(&s->os.arch, xstrndup(paren + 1, (size_t)(os + n - 1 - (paren + 1))));
                n = (size_t)(paren - os);
                while (n && os[n - 1] == ' ')
                        n--;
        }
        fact_take_str(&s->os.pretty_name, xstrndup(os, n));
        if (startswith(os, "Ubuntu ") && version_parse_mm(os + 7, &major, &minor)) {
                fact_set_str(&s->os.distro_id, "ubuntu");
                fact_take_str(&s->os.version_id, xasprintf("%ld.%02ld", major, minor));
        }
}

/* torch.version.cuda: a version, None for a CPU build (spelt "Could not
 * collect" before 1.8, where only a "+cpu" wheel tells), unknown else. */
static void ce_fill_torch_cuda(const struct ce *c, struct snap_pyenv *e)
{
        const char *built = c->v[CE_CUDA_BUILT];

        if (!ce_missing(built))
                fact_set_str(&e->torch_cuda, built);
        else if (!ce_missing(c->v[CE_ROCM_BUILT]))
                return; /* a ROCm build: not a CPU one */
        else if ((built && !strcmp(built, "None")) || strstr(e->torch_version.v, "+cpu"))
                fact_fail_str(&e->torch_cuda, FACT_ABSENT, "a CPU build (CUDA used to build PyTorch: None)");
}

static void ce_fill_python(const struct ce *c, struct snapshot *s)
{
        const char *torch = !ce_missing(c->v[CE_TORCH]) ? c->v[CE_TORCH] : c->pkgs.torch;
        const char *py = c->v[CE_PYTHON], *avail = c->v[CE_CUDA_AVAIL];
        struct snap_pyenv *e;

        if (!torch && ce_missing(py))
                return;
        probe_set(&s->python.probe, FACT_OK, NULL);
        e = snap_add_pyenv(&s->python);
        e->kind = xstrdup("report");
        e->path = xstrdup("the reported Python");
        e->name = xstrdup(c->pkgs.conda_torch ? "conda" : "pip");
        if (!ce_missing(py))
                fact_take_str(&e->python_version, xstrndup(py, strcspn(py, " ")));
        if (!torch) {
                fact_fail_str(&e->torch_version, FACT_ABSENT, "PyTorch version: N/A");
                return;
        }
        fact_set_str(&e->torch_version, torch);
        ce_fill_torch_cuda(c, e);
        if (c->pkgs.torchvision)
                fact_set_str(&e->torchvision_version, c->pkgs.torchvision);
        if (c->pkgs.torchaudio)
                fact_set_str(&e->torchaudio_version, c->pkgs.torchaudio);
        if (c->pkgs.cudatoolkit)
                fact_set_str(&e->cuda_toolkit, c->pkgs.cudatoolkit);
        for (size_t i = 0; i < c->pkgs.wheels.n; i++)
                strv_push(&e->nvidia_wheels, xstrdup(c->pkgs.wheels.v[i]));
        strv_sort(&e->nvidia_wheels);
        if (avail && (!strcmp(avail, "True") || !strcmp(avail, "Yes")))
                fact_set_num(&e->live_cuda_available, 1);
        else if (avail && (!strcmp(avail, "False") || !strcmp(avail, "No")))
                fact_set_num(&e->live_cuda_available, 0);
}

/* The driver and the GPUs nvidia-smi listed for collect_env; a ROCm
 * build's GPUs are AMD's and are left out. */
static void ce_fill_gpus(const struct ce *c, struct snapshot *s)
{
        const char *drv = c->v[CE_DRIVER];
        size_t ngpus = ce_missing(c->v[CE_ROCM_BUILT]) ? c->gpus.n : 0;

        if (ce_missing(drv) && !ngpus)
                return;
        probe_set(&s->nvml.probe, FACT_OK, NULL);
        fact_set_num(&s->nvml.init_result, 0);
        if (!ce_missing(drv))
                fact_set_str(&s->nvml.driver_version, drv);
        if (ngpus)
                fact_set_num(&s->nvml.device_count, (int64_t)ngpus);
        for (size_t i = 0; i < ngpus; i++) {
                struct snap_gpu *g = snap_add_gpu(s);
                const char *cc = import_cc_of_name(c->gpus.v[i]);
                g->index = (int64_t)i;
                fact_set_str(&g->name, c->gpus.v[i]);
                if (cc)
                        fact_set_str(&g->compute_capability, cc);
        }
}

static void ce_fill(const struct ce *c, struct snapshot *s)
{
        ce_fill_os(c, s);
        ce_fill_python(c, s);
        ce_fill_gpus(c, s);
}


int import_collect_env(const char *buf, size_t len, struct snapshot *s, char **err)
{
        struct ce c = { 0 };

        for_each_line(buf, len, ce_line, &c);
        if (!c.seen[CE_TORCH] && !(c.seen[CE_OS] && c.seen[CE_CUDA_AVAIL])) {
                if (err)
                        *err = xstrdup("no \"PyTorch version:\" line: not a collect_env report");
                ce_release(&c);
                return -EINVAL;
        }
        ce_fill(&c, s);
        ce_release(&c);
        return 0;
}
