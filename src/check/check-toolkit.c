/* check-toolkit.c - the guide's "install the CUDA toolkit and put it on
 * PATH and LD_LIBRARY_PATH" step, judged as the user's login shell sees it.
 *
 * The toolkit matters for compiling (nvcc for exllamav2's kernels); PyTorch
 * wheels bring their own runtime. So a toolkit problem is a warning, except
 * a stub libcuda on the loader path, which breaks every CUDA program. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"
#include "kb/kb.h"
#include "util/parse.h"
#include "util/versions.h"
#include "util/xalloc.h"

static const struct snap_toolkit *check_toolkit_holding(const struct snapshot *s, const char *path)
{
        return snap_toolkit_holding(&s->toolkits, path);
}

static const char *check_toolkit_fact(const struct fact_str *f)
{
        return f->st == FACT_OK ? f->v : NULL;
}

/* The toolkit a user would get: nvcc's, else /usr/local/cuda's, else the
 * newest system one. */
static const struct snap_toolkit *check_toolkit_in_use(const struct snapshot *s)
{
        const struct snap_toolkit *t = check_toolkit_holding(s, check_toolkit_fact(&s->toolkits.nvcc_path));
        const struct snap_toolkit *best = NULL;

        if (!t)
                t = check_toolkit_holding(s, check_toolkit_fact(&s->toolkits.cuda_link));
        if (t)
                return t;
        for (size_t i = 0; i < s->toolkits.n; i++) {
                const struct snap_toolkit *c = &s->toolkits.v[i];
                if (c->version.st == FACT_OK && c->origin && !strcmp(c->origin, "system") &&
                    (!best || version_cmp(c->version.v, best->version.v) > 0))
                        best = c;
        }
        return best;
}

static bool check_toolkit_stub(const struct snapshot *s, struct findings *fs)
{
        const char *stub = check_toolkit_fact(&s->toolkits.stub_libcuda);
        struct finding *f;

        if (!stub || findings_has(fs, "cuda.stub-library"))
                return false;
        /* Only when it comes first: a stub behind the real library is harmless. */
        if (s->toolkits.libcuda.n && strcmp(s->toolkits.libcuda.v[0], stub))
                return false;
        f = finding_add(fs, "toolkit.stub-libcuda", "the login shell's library path finds the stub %s first: "
                        "CUDA programs started from it fail with CUDA_ERROR_STUB_LIBRARY", stub);
        finding_evidence(f, "LD_LIBRARY_PATH: %s", check_toolkit_fact(&s->shell.ld_library_path) ?: "(unset)");
        for (size_t i = 0; i < s->shell.cuda_lines.n; i++)
                if (strstr(s->shell.cuda_lines.v[i], "stubs"))
                        finding_evidence(f, "%s", s->shell.cuda_lines.v[i]);
        finding_fix(f, "# take the .../stubs folder out of LD_LIBRARY_PATH in the file above: stubs are for linking only");
        finding_fix(f, "export LD_LIBRARY_PATH=$(printf '%%s' \"$LD_LIBRARY_PATH\" | tr ':' '\\n' | grep -v '/stubs' | paste -sd: -)");
        return true;
}

static void check_toolkit_path_fix(struct finding *f, const struct snap_toolkit *t)
{
        finding_fix(f, "echo 'export PATH=%s/bin${PATH:+:${PATH}}' >> ~/.bashrc", t->path);
        finding_fix(f, "echo 'export LD_LIBRARY_PATH=%s/lib64${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}' >> ~/.bashrc",
                    t->path);
        finding_fix(f, "# or, for this shell only: eval \"$(dlrig env --cuda %s)\"",
                    t->version.st == FACT_OK ? t->version.v : "X.Y");
}

static void check_toolkit_not_on_path(const struct snapshot *s, const struct snap_toolkit *t,
                                      struct findings *fs)
{
        struct finding *f;

        if (check_toolkit_fact(&s->toolkits.nvcc_path))
                return;
        f = finding_add(fs, "toolkit.nvcc-not-on-path", "CUDA %s is installed in %s but nvcc is not on PATH",
                        t->version.st == FACT_OK ? t->version.v : "?", t->path);
        if (check_toolkit_fact(&s->procenv.path))
                finding_evidence(f, "PATH (process): %s", s->procenv.path.v);
        finding_evidence(f, "PATH (login shell): %s", check_toolkit_fact(&s->shell.path) ?: "unknown");
        for (size_t i = 0; i < s->shell.rc_files.n; i++)
                finding_evidence(f, "read: %s", s->shell.rc_files.v[i]);
        check_toolkit_path_fix(f, t);
}

/* The toolkit folder of a libcudart path, by matching known toolkits. */
static const struct snap_toolkit *check_toolkit_of_lib(const struct snapshot *s)
{
        for (size_t i = 0; i < s->toolkits.libcudart.n; i++) {
                const struct snap_toolkit *t = check_toolkit_holding(s, s->toolkits.libcudart.v[i]);
                if (t)
                        return t;
        }
        return NULL;
}

static void check_toolkit_disagree(const struct snapshot *s, struct findings *fs)
{
        const struct snap_toolkit *bin = check_toolkit_holding(s, check_toolkit_fact(&s->toolkits.nvcc_path));
        const struct snap_toolkit *lib = check_toolkit_of_lib(s);
        const struct snap_toolkit *link = check_toolkit_holding(s, check_toolkit_fact(&s->toolkits.cuda_link));
        const struct snap_toolkit *ref = bin ? bin : link;
        struct finding *f;

        if (!ref || ((!lib || lib == ref) && (!link || link == ref)))
                return;
        f = finding_add(fs, "toolkit.paths-disagree", "nvcc, the CUDA runtime library and /usr/local/cuda "
                        "point at different toolkits: code compiles against one and runs with another");
        finding_evidence(f, "nvcc on PATH: %s", bin ? bin->path : "none");
        finding_evidence(f, "first libcudart on the library path: %s", lib ? lib->path : "none");
        finding_evidence(f, "/usr/local/cuda -> %s", link ? link->path : "none");
        for (size_t i = 0; i < s->shell.cuda_lines.n; i++)
                finding_evidence(f, "%s", s->shell.cuda_lines.v[i]);
        finding_fix(f, "# keep one toolkit in both variables; for %s:", ref->path);
        check_toolkit_path_fix(f, ref);
        finding_fix(f, "sudo ln -sfn %s /usr/local/cuda", ref->path);
}

/* /usr/local/cuda naming a folder that is gone: CUDA_HOME=/usr/local/cuda
 * and PATH's /usr/local/cuda/bin (every CUDA image's ENV) lead nowhere. */
static void check_toolkit_link_dangling(const struct snapshot *s, struct findings *fs)
{
        const struct fact_str *l = &s->toolkits.cuda_link;
        struct finding *f;

        if (l->st != FACT_ERROR)
                return;
        f = finding_add(fs, "toolkit.cuda-link-dangling", "%s: builds that use /usr/local/cuda (CUDA_HOME, "
                        "PATH's /usr/local/cuda/bin) find no toolkit", l->why ? l->why : "/usr/local/cuda dangles");
        if (check_toolkit_fact(&s->procenv.cuda_home))
                finding_evidence(f, "CUDA_HOME (process): %s", s->procenv.cuda_home.v);
        if (check_toolkit_fact(&s->procenv.path))
                finding_evidence(f, "PATH (process): %s", s->procenv.path.v);
        finding_fix(f, "ls -l /usr/local/cuda /etc/alternatives/cuda   # the link and where it points");
        finding_fix(f, "# reinstall that toolkit (dlrig plan lists it), or point the link at one that exists:");
        finding_fix(f, "sudo ln -sfn /usr/local/cuda-X.Y /usr/local/cuda");
}

/* dpkg lists a toolkit whose folder is gone: "no toolkit" would be half the
 * truth, and apt believes there is nothing to install. */
static bool check_toolkit_package_missing(const struct snapshot *s, struct findings *fs)
{
        const struct strv *m = &s->toolkits.packaged_missing;
        struct finding *f;

        if (!m->n)
                return false;
        f = finding_add(fs, "toolkit.package-without-files", "the package database lists a CUDA toolkit whose "
                        "folder is missing: apt sees nothing to install, builds find no nvcc");
        for (size_t i = 0; i < m->n; i++)
                finding_evidence(f, "dpkg: %s", m->v[i]);
        /* every package of the series put files there: reinstall them all */
        for (size_t i = 0; i < m->n; i++) {
                const char *dir = strrchr(m->v[i], ' '), *dot = dir ? strrchr(dir, '.') : NULL;
                const char *ver = dir ? dir + strlen(" /usr/local/cuda-") : NULL;
                if (!dot || !startswith(dir, " /usr/local/cuda-") ||
                    (i && !strcmp(strrchr(m->v[i - 1], ' '), dir)))
                        continue;
                finding_fix(f, "sudo apt-get install --reinstall $(dpkg-query -W -f='${Package} ' 'cuda-*-%.*s-%s')",
                            (int)(dot - ver), ver, dot + 1);
        }
        return true;
}

/* CUDA_HOME naming another toolkit than the nvcc PATH finds: extension
 * builds (torch.utils.cpp_extension, CMake) take CUDA_HOME, the shell
 * takes PATH. */
static void check_toolkit_home_differs(const struct snapshot *s, struct findings *fs)
{
        const char *home = check_toolkit_fact(&s->procenv.cuda_home);
        const char *real = home;
        const struct snap_toolkit *bin = check_toolkit_holding(s, check_toolkit_fact(&s->toolkits.nvcc_path));
        const struct snap_toolkit *ht;
        struct finding *f;

        if (home && !strcmp(home, "/usr/local/cuda") && check_toolkit_fact(&s->toolkits.cuda_link))
                real = s->toolkits.cuda_link.v;
        ht = check_toolkit_holding(s, real);
        if (!bin || !ht || bin == ht)
                return;
        f = finding_add(fs, "toolkit.cuda-home-differs", "CUDA_HOME is CUDA %s (%s) but nvcc on PATH is CUDA %s (%s): "
                        "extensions build against the first, the command line runs the second",
                        ht->version.st == FACT_OK ? ht->version.v : "?", ht->path,
                        bin->version.st == FACT_OK ? bin->version.v : "?", bin->path);
        finding_evidence(f, "CUDA_HOME (process): %s", home);
        finding_evidence(f, "nvcc: %s, on the %s PATH", s->toolkits.nvcc_path.v,
                         check_toolkit_fact(&s->toolkits.nvcc_env) ?: "?");
        finding_fix(f, "export CUDA_HOME=%s   # or put %s/bin first on PATH; then drop the stale line from your "
                    "shell rc", bin->path, ht->path);
}

/* Reports a toolkit that needs a newer driver than the one here. */
static void check_toolkit_driver(const struct snapshot *s, const struct snap_toolkit *t,
                                 struct findings *fs)
{
        char vbuf[CHECK_NAME_MAX];
        const char *drv = check_util_driver_version(s, vbuf);
        const struct kb_cuda *k = t->version.st == FACT_OK ? kb_cuda_find(t->version.v) : NULL;
        const struct kb_cuda *max = drv ? kb_cuda_max_for_driver(drv) : NULL;
        struct finding *f;

        if (!drv || !k || version_cmp(drv, k->min_driver) >= 0)
                return;
        f = finding_add(fs, "toolkit.newer-than-driver", "CUDA %s needs driver %s or newer; this one is %s%s",
                        k->version, k->min_driver, drv,
                        k->minor_compat_driver && version_cmp(drv, k->minor_compat_driver) >= 0
                                ? " (programs built with it run through minor-version compatibility, "
                                  "but PTX JIT and the newest features fail)"
                                : ": programs built with it will not start");
        finding_evidence(f, "%s: CUDA %s", t->path, t->version.v);
        finding_evidence(f, "knowledge base: CUDA %s needs %s (%s)", k->version, k->min_driver, k->source);
        if (max)
                finding_fix(f, "# either install a CUDA %s toolkit (the newest this driver runs) or upgrade the driver",
                            max->version);
        /* or upgrade: plan's commands (kb/kb-distro.c) for the newest branch */
        check_util_fix_driver(f, s, NULL, s->kmod.flavour.st == FACT_OK && !strcmp(s->kmod.flavour.v, "open"),
                              NULL, " && sudo reboot");
}

static void check_toolkit_ok(const struct snapshot *s, const struct snap_toolkit *t, struct findings *fs)
{
        const char *env = check_toolkit_fact(&s->toolkits.nvcc_env);
        struct finding *f = finding_add(fs, "toolkit.ok", "CUDA %s (%s) is on PATH",
                                        t->version.st == FACT_OK ? t->version.v : "?", t->path);

        if (env && check_toolkit_fact(&s->toolkits.nvcc_path))
                finding_evidence(f, "nvcc: %s, on the %s PATH", s->toolkits.nvcc_path.v, env);
        if (t->evidence)
                finding_evidence(f, "version from %s", t->evidence);
}

void check_toolkit(const struct snapshot *s, struct findings *fs)
{
        const struct snap_toolkit *t;
        size_t start = fs->n;

        if (s->toolkits.probe.st != FACT_OK || !check_util_gpus_expected(s))
                return; /* a toolkit on a machine without GPUs is a build box: fine */
        check_toolkit_stub(s, fs);
        check_toolkit_link_dangling(s, fs);
        t = check_toolkit_in_use(s);
        if (!t) {
                if (!check_toolkit_package_missing(s, fs) && check_util_pci_gpus(s))
                        finding_fix(finding_add(fs, "toolkit.none", "no CUDA toolkit installed: PyTorch wheels "
                                                "bring their own runtime; nvcc is needed only to compile "
                                                "CUDA code (exllamav2's kernels, custom extensions)"),
                                    "# dlrig plan lists the toolkit that matches your PyTorch");
                return;
        }
        check_toolkit_not_on_path(s, t, fs);
        check_toolkit_disagree(s, fs);
        check_toolkit_home_differs(s, fs);
        check_toolkit_driver(s, t, fs);
        if (check_util_worst_since(fs, start) > SEV_INFO)
                return;
        check_toolkit_ok(s, t, fs);
}
