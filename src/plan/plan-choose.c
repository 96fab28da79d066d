/* plan-choose.c - the target stack, chosen from the snapshot and the
 * knowledge base, each choice with its reason in one line.
 *
 * What works is kept: a driver that drives every GPU, a PyTorch environment
 * whose wheels run on them. What is missing is chosen in dependency order:
 * the PyTorch release (newest whose wheels carry code for every GPU), its
 * CUDA variant, then the driver branch that runs that CUDA and every GPU,
 * then Python and the toolkit. */
#include "plan-internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/parse.h"
#include "util/versions.h"
#include "util/xalloc.h"

int plan_fail(char **reterr, const char *fmt, ...)
{
        struct strbuf sb = STRBUF_INIT;
        va_list ap;

        va_start(ap, fmt);
        strbuf_vaddf(&sb, fmt, ap);
        va_end(ap);
        *reterr = strbuf_detach(&sb);
        return -EINVAL;
}

char *plan_variant_cuda(const char *variant)
{
        size_t n;

        if (!variant || strncmp(variant, "cu", 2))
                return NULL;
        n = strlen(variant + 2);
        if (n < 3 || strspn(variant + 2, "0123456789") != n)
                return NULL;
        return xasprintf("%.2s.%s", variant + 2, variant + 4);
}

bool plan_driver_runs(const char *driver, const char *cuda)
{
        const struct kb_cuda *c = kb_cuda_find(cuda);

        if (!c || !driver)
                return false;
        if (version_cmp(driver, c->min_driver) >= 0)
                return true;
        return c->minor_compat_driver && version_cmp(driver, c->minor_compat_driver) >= 0;
}

const char *plan_driver_installed(const struct snapshot *s)
{
        if (!s->kmod.nvidia)
                return NULL;
        if (s->nvml.driver_version.st == FACT_OK)
                return s->nvml.driver_version.v;
        return s->kmod.loaded_version.st == FACT_OK ? s->kmod.loaded_version.v : NULL;
}

/* The installed driver, when it drives every GPU with the right flavour. */
static const char *choose_kept_driver(const struct snapshot *s, const struct plan_gpus *g)
{
        const char *v = plan_driver_installed(s);
        bool open = s->kmod.flavour.st == FACT_OK && !strcmp(s->kmod.flavour.v, "open");

        if (!v || !plan_gpus_branch_ok(g, v))
                return NULL;
        if (g->open_required && !open)
                return NULL;
        if (s->nvml.device_count.st == FACT_OK && (size_t)s->nvml.device_count.v < g->n)
                return NULL;
        return v;
}

/* Whether a variant suits: code for every GPU, CUDA as asked, and a CUDA
 * the (kept or possible) driver runs. */
static bool choose_variant_ok(const struct plan_gpus *g, const struct kb_torch_variant *v,
                              const char *want_cuda, const char *driver)
{
        _cleanup_free_ char *cuda = plan_variant_cuda(v->variant);
        const struct kb_branch *cap = g->cap ? kb_branch_find(g->cap) : NULL;

        if (!cuda || !plan_gpus_run(g, v))
                return false;
        if (want_cuda && strcmp(cuda, want_cuda))
                return false;
        if (driver)
                return plan_driver_runs(driver, cuda);
        return !cap || version_cmp(cuda, cap->max_cuda) <= 0;
}

/* Preference among suitable variants: CUDA versions that older drivers also
 * run (minor-version compatibility) first, then the newest CUDA. */
static bool choose_variant_better(const struct kb_torch_variant *v, const struct kb_torch_variant *than)
{
        _cleanup_free_ char *a = plan_variant_cuda(v->variant), *b = plan_variant_cuda(than->variant);
        const struct kb_cuda *ka = kb_cuda_find(a), *kb = kb_cuda_find(b);
        bool ca = ka && ka->minor_compat_driver, cb = kb && kb->minor_compat_driver;

        if (ca != cb)
                return ca;
        return version_cmp(a, b) > 0;
}

static const struct kb_torch_variant *choose_variant(const struct plan_gpus *g, const char *torch,
                                                     const char *want_cuda, const char *driver)
{
        const struct kb_torch_variant *best = NULL, *v;

        for (size_t i = 0; (v = kb_torch_variant_nth(torch, i)); i++)
                if (choose_variant_ok(g, v, want_cuda, driver) && (!best || choose_variant_better(v, best)))
                        best = v;
        return best;
}

static const struct kb_torch *choose_release(const struct plan_gpus *g, const struct plan_opts *o,
                                             const char *driver, const struct kb_torch_variant **ret_v)
{
        const struct kb_torch *best = NULL;
        const struct kb_torch_variant *bv = NULL;

        for (size_t i = 0; i < kb_torch_count(); i++) {
                const struct kb_torch *t = kb_torch_at(i);
                const struct kb_torch_variant *v;

                if (o->torch && version_cmp(t->version, o->torch))
                        continue;
                if (o->python && (version_cmp(o->python, t->python_min) < 0 ||
                                  version_cmp(o->python, t->python_max) > 0))
                        continue;
                v = choose_variant(g, t->version, o->cuda, driver);
                if (v && (!best || version_cmp(t->version, best->version) > 0))
                        best = t, bv = v;
        }
        *ret_v = bv;
        return best;
}

/* The oldest supported long-term branch that runs cuda and every GPU; then
 * production, then feature branches; past the GPUs' last branch, that one. */
static const struct kb_branch *choose_branch(const struct plan_gpus *g, const char *cuda)
{
        static const enum kb_branch_kind order[] = { KB_BRANCH_LTSB, KB_BRANCH_PB, KB_BRANCH_NFB };

        for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
                for (size_t i = 0; i < kb_branch_count(); i++) {
                        const struct kb_branch *b = kb_branch_at(i);
                        if (b->kind != order[k] || !b->supported || !plan_gpus_branch_ok(g, b->branch))
                                continue;
                        if (version_cmp(cuda, b->max_cuda) > 0)
                                continue;
                        if (!g->open && version_cmp(b->branch, "620") >= 0)
                                continue; /* R620 ships open modules only */
                        return b;
                }
        return g->cap ? kb_branch_find(g->cap) : NULL;
}

/* Why the asked-for release does not suit. */
static int choose_refusal_torch(const struct plan_gpus *g, const struct plan_opts *o, const struct kb_torch *t,
                                const char *cc, char **reterr)
{
        if (o->python && (version_cmp(o->python, t->python_min) < 0 || version_cmp(o->python, t->python_max) > 0))
                return plan_fail(reterr, "torch %s supports Python %s-%s, not %s", t->version, t->python_min,
                                 t->python_max, o->python);
        if (o->cuda && choose_variant(g, t->version, NULL, NULL))
                return plan_fail(reterr, "torch %s has no CUDA %s wheels for compute capability %s (dlrig kb torch %s "
                                 "lists its variants)", t->version, o->cuda, cc, t->version);
        return plan_fail(reterr, "torch %s has no wheels for compute capability %s (dlrig kb torch %s lists "
                         "its variants)", t->version, cc, t->version);
}

/* Why no release suits: the asks that cannot work together, in words. */
static int choose_refusal(const struct plan_gpus *g, const struct plan_opts *o, char **reterr)
{
        const struct kb_torch *t = o->torch ? kb_torch_find(o->torch) : NULL;
        char cc[64] = "";

        for (size_t i = 0; i < g->nccs; i++)
                snprintf(cc + strlen(cc), sizeof(cc) - strlen(cc), "%s%s", i ? ", " : "", g->ccs[i]);
        if (t)
                return choose_refusal_torch(g, o, t, cc, reterr);
        if (o->cuda)
                return plan_fail(reterr, "no PyTorch release has CUDA %s wheels for compute capability %s%s%s",
                                 o->cuda, cc, o->python ? " and Python " : "", o->python ? o->python : "");
        return plan_fail(reterr, "no PyTorch release in the knowledge base has wheels for compute capability "
                         "%s%s%s", cc, o->python ? " and Python " : "", o->python ? o->python : "");
}

/* A kept environment: one with torch whose wheels run here and whose CUDA
 * the driver runs, matching what was asked. */
static bool choose_env_works(const struct snap_pyenv *e, const struct plan_gpus *g, const struct plan_opts *o,
                             const char *driver);

/* A kept environment: one with torch whose wheels run here and whose CUDA
 * the driver runs, matching what was asked; the one PATH selects first. */
static const struct snap_pyenv *choose_kept_env(const struct snapshot *s, const struct plan_gpus *g,
                                                const struct plan_opts *o, const char *driver)
{
        const struct snap_pyenv *sel = s->python.selected.st == FACT_OK ? plan_env_find(s, s->python.selected.v) : NULL;

        if (o->new_env)
                return NULL;
        if (sel && choose_env_works(sel, g, o, driver))
                return sel;
        for (size_t i = 0; i < s->python.n; i++)
                if (choose_env_works(&s->python.envs[i], g, o, driver))
                        return &s->python.envs[i];
        return NULL;
}

/* The wheel variant an environment's torch is: its local tag ("+cu128"),
 * else the CUDA its torch/version.py names ("12.6" -> cu126), both looked
 * up under the release or series the knowledge base knows. NULL for a
 * build that is no PyTorch wheel (NGC's "+e000cf0ad9.nv24.10", a distro's
 * "+ds"): its architectures are its builder's, not a wheel's. */
static const struct kb_torch_variant *choose_env_variant(const struct snap_pyenv *e, const struct kb_torch *t)
{
        const char *plus = strchr(e->torch_version.v, '+');
        const struct kb_torch_variant *v = plus ? kb_torch_variant_find(t->version, plus + 1) : NULL;
        char tag[16] = "cu";
        size_t n = 2;

        if (v || e->torch_cuda.st != FACT_OK)
                return v;
        for (const char *c = e->torch_cuda.v; *c && n < sizeof(tag) - 1; c++)
                if (*c >= '0' && *c <= '9')
                        tag[n++] = *c;
        tag[n] = '\0';
        return kb_torch_variant_find(t->version, tag);
}

static bool choose_env_works(const struct snap_pyenv *e, const struct plan_gpus *g, const struct plan_opts *o,
                             const char *driver)
{
        const struct kb_torch *t;
        const struct kb_torch_variant *v;

        if (e->torch_version.st != FACT_OK || (o->env && strcmp(e->name, o->env)))
                return false;
        if (e->base_python.st == FACT_ABSENT || !(t = kb_torch_find(e->torch_version.v)))
                return false; /* its interpreter is gone, or a release dlrig cannot judge */
        if ((v = choose_env_variant(e, t)) && !choose_variant_ok(g, v, o->cuda, driver))
                return false;
        /* no wheel variant (NGC, a distro): the CUDA it was built with must run here */
        if (!v && (e->torch_cuda.st != FACT_OK || !driver || !plan_driver_runs(driver, e->torch_cuda.v) ||
                   (o->cuda && strcmp(o->cuda, e->torch_cuda.v))))
                return false;
        if (o->torch && version_cmp(e->torch_version.v, o->torch))
                return false;
        return !o->python || (e->python_version.st == FACT_OK &&
                              !strncmp(e->python_version.v, o->python, strlen(o->python)));
}

/* "3.13": the newest Python but one that the release supports, since the
 * newest often lacks other packages' wheels. */
static char *choose_python(const struct kb_torch *t, const struct plan_opts *o, char **why)
{
        long major = 3, minor = 0;
        char *py;

        if (o->python) {
                *why = xasprintf("asked for; torch %s supports %s-%s", t->version, t->python_min, t->python_max);
                return xstrdup(o->python);
        }
        version_parse_mm(t->python_max, &major, &minor);
        py = xasprintf("%ld.%ld", major, minor - 1);
        if (version_cmp(py, t->python_min) < 0) {
                free(py);
                py = xstrdup(t->python_max);
        }
        *why = xasprintf("newest but one that torch %s supports (%s-%s): the newest often lacks "
                         "other packages' wheels", t->version, t->python_min, t->python_max);
        return py;
}



/* A kept torch that no PyTorch index serves (NGC's build, a distro's
 * package): it stays as its builder made it. */
static int choose_kept_build(const struct snap_pyenv *e, const struct kb_torch *t, struct plan *p)
{
        p->variant = xasprintf("cu%.*s%s", (int)strcspn(e->torch_cuda.v, "."), e->torch_cuda.v,
                               strchr(e->torch_cuda.v, '.') ? strchr(e->torch_cuda.v, '.') + 1 : "");
        p->index_url = xstrdup("none: not a PyTorch wheel");
        p->cuda = xstrdup(e->torch_cuda.v);
        plan_choice_add(p, "wheel", xasprintf("CUDA %s build %s", p->cuda, e->torch_version.v),
                        xasprintf("installed in %s; not from a PyTorch index (series %s)", e->name, t->version));
        p->python = e->python_version.st == FACT_OK ? xstrdup(version_major_minor(e->python_version.v).s) : xstrdup("3");
        return 0;
}

/* The torch release, variant, and whether a kept environment has them. */
static int choose_torch(const struct snapshot *s, const struct plan_opts *o, const struct plan_gpus *g,
                        const char **driver, struct plan *p, char **reterr)
{
        const struct snap_pyenv *e = choose_kept_env(s, g, o, *driver);
        const struct kb_torch_variant *v = NULL;
        const struct kb_torch *t;

        if (e) {
                p->env_kept = true;
                p->env_kind = xstrdup(e->kind);
                t = kb_torch_find(e->torch_version.v);
                v = choose_env_variant(e, t);
                p->env_name = xstrdup(e->name);
                p->env_prefix = xstrdup(e->path);
                plan_choice_add(p, "torch", xasprintf("%s (installed in %s)", v ? t->version : e->torch_version.v,
                                                      e->name),
                                v ? xstrdup("its wheels carry code for every GPU here")
                                  : xasprintf("a build of the %s series for CUDA %s, which the driver runs "
                                              "(its GPU architectures are its builder's)", t->version,
                                              e->torch_cuda.v));
        } else {
                t = choose_release(g, o, *driver, &v);
                if (!t && *driver)
                        t = choose_release(g, o, *driver = NULL, &v);
                if (!t)
                        return choose_refusal(g, o, reterr);
                plan_choice_add(p, "torch", xstrdup(t->version),
                                o->torch ? xstrdup("asked for") :
                                xasprintf("newest release whose wheels carry code for every GPU here"));
        }
        p->torch = xstrdup(t->version);
        p->torchvision = xstrdup(t->torchvision);
        p->torchaudio = xstrdup(t->torchaudio);
        if (!v) /* a kept build that is no PyTorch wheel */
                return choose_kept_build(e, t, p);
        p->variant = xstrdup(v->variant);
        p->index_url = xstrdup(v->index_url);
        p->cuda = plan_variant_cuda(v->variant);
        plan_choice_add(p, "wheel", xasprintf("%s (%s)", v->variant, v->index_url),
                        e ? xasprintf("installed in %s", e->name) :
                        o->cuda ? xasprintf("CUDA %s asked for", o->cuda) :
                        xasprintf("newest CUDA among the variants for these GPUs that older drivers also run "
                                  "(minor-version compatibility)"));
        if (e && e->python_version.st == FACT_OK)
                p->python = xstrdup(version_major_minor(e->python_version.v).s);
        else {
                char *why;
                p->python = choose_python(t, o, &why);
                plan_choice_add(p, "python", xstrdup(p->python), why);
        }
        return 0;
}

static int choose_driver(const struct plan_gpus *g, const char *kept, struct plan *p, char **reterr)
{
        const struct kb_branch *b;

        if (kept && plan_driver_runs(kept, p->cuda)) {
                p->driver_kept = true;
                p->branch = xstrdup(version_branch(kept).s);
                plan_choice_add(p, "driver", xasprintf("%s (installed)", kept),
                                xasprintf("drives every GPU here and runs CUDA %s", p->cuda));
                return 0;
        }
        b = choose_branch(g, p->cuda);
        if (!b)
                return plan_fail(reterr, "no driver branch in the knowledge base runs CUDA %s on these GPUs",
                                 p->cuda);
        p->branch = xstrdup(b->branch);
        p->open_modules = g->open;
        plan_choice_add(p, "driver", xasprintf("branch %s, %s kernel modules", b->branch,
                                                g->open ? "open" : "proprietary"),
                        b->supported ? xasprintf("oldest supported %s branch that runs CUDA %s and every GPU "
                                                 "here%s", b->kind == KB_BRANCH_LTSB ? "long-term" : "production",
                                                 p->cuda, g->open_required ? " (Blackwell needs the open modules)" :
                                                 g->open ? "" : " (pre-Turing GPUs need the proprietary modules)") :
                                     xasprintf("the last branch that drives these GPUs (end of life)"));
        return 0;
}

/* With a kept environment the toolkit serves only to build CUDA extensions:
 * say which one is here and whether it matches the wheel's CUDA. */
static void choose_toolkit_note(const struct snapshot *s, struct plan *p)
{
        const struct snap_toolkit *t = snap_toolkit_holding(&s->toolkits, s->toolkits.nvcc_path.st == FACT_OK ?
                                                                                s->toolkits.nvcc_path.v : NULL);
        size_t n = strlen(p->cuda);

        if (!t || t->version.st != FACT_OK) {
                plan_choice_add(p, "toolkit", xasprintf("CUDA %s, offered", p->cuda),
                                xstrdup("none on PATH: torch brings its own runtime; nvcc is needed only to build "
                                        "CUDA extensions (exllamav2, flash-attn)"));
                return;
        }
        if (!strncmp(t->version.v, p->cuda, n) && (t->version.v[n] == '.' || !t->version.v[n]))
                plan_choice_add(p, "toolkit", xasprintf("CUDA %s (installed, %s)", t->version.v, t->path),
                                xasprintf("matches the wheel's CUDA %s", p->cuda));
        else
                plan_choice_add(p, "toolkit", xasprintf("CUDA %s (installed, %s)", t->version.v, t->path),
                                xasprintf("the wheel's is CUDA %s: building CUDA extensions wants the two to match; "
                                          "the toolkit step offers CUDA %s", p->cuda, p->cuda));
}

static void choose_manager(const struct snapshot *s, const struct plan_opts *o, struct plan *p)
{
        const struct kb_installer *k;

        if (p->env_kept && strcmp(p->env_kind, "conda")) { /* made by whatever made it: nothing to install */
                p->installer = o->installer ? o->installer : !strcmp(p->env_kind, "uv") ? "uv" : "miniforge";
                p->manager_prefix = xstrdup(s->python.conda_installs.n ? s->python.conda_installs.v[0] : p->home);
                p->env_python = xasprintf("%s/bin/python", p->env_prefix);
                plan_choice_add(p, "env", xasprintf("%s (%s, %s)", p->env_name, p->env_prefix, p->env_kind),
                                xstrdup("kept: its torch runs on every GPU here (--new-env makes a fresh one)"));
                choose_toolkit_note(s, p);
                return;
        }
        p->installer = o->installer ? o->installer : "miniforge";
        k = kb_installer_find(p->installer);
        if (strcmp(p->installer, "uv") && s->python.conda_installs.n)
                p->manager_prefix = xstrdup(s->python.conda_installs.v[0]);
        else
                p->manager_prefix = xasprintf("%s/%s", p->home, k->dir);
        if (!p->env_name)
                p->env_name = xstrdup(o->env ? o->env : "dl");
        if (!p->env_prefix)
                p->env_prefix = !strcmp(p->installer, "uv") ? xasprintf("%s/.venvs/%s", p->home, p->env_name) :
                                xasprintf("%s/envs/%s", p->manager_prefix, p->env_name);
        p->env_python = xasprintf("%s/bin/python", p->env_prefix);
        plan_choice_add(p, "installer", xstrdup(s->python.conda_installs.n && strcmp(p->installer, "uv") ?
                                                "conda" : p->installer),
                        s->python.conda_installs.n && strcmp(p->installer, "uv") ? xasprintf("already installed in %s", p->manager_prefix) :
                        !strcmp(p->installer, "miniforge") ? xstrdup("conda-forge by default, no Anaconda terms of service") :
                        xstrdup("asked for"));
        plan_choice_add(p, "env", xasprintf("%s (%s)", p->env_name, p->env_prefix), NULL);
        plan_choice_add(p, "toolkit", xasprintf("CUDA %s", p->cuda),
                        xstrdup("matches the wheel's CUDA, for building extensions (exllamav2, flash-attn)"));
}


int plan_choose(const struct snapshot *s, const struct plan_opts *o, struct plan *p, char **reterr)
{
        struct plan_gpus g;
        const char *driver;
        int r;

        if ((r = plan_choose_check_asks(o, reterr)) < 0 || (r = plan_choose_distro(s, p, reterr)) < 0 ||
            (r = plan_choose_user(s, o, p, reterr)) < 0 || (r = plan_gpus_scan(s, &g, reterr)) < 0)
                return r;
        plan_choice_add(p, "GPUs", plan_gpus_describe(&g), NULL);
        driver = choose_kept_driver(s, &g);
        if ((r = choose_torch(s, o, &g, &driver, p, reterr)) < 0 ||
            (r = choose_driver(&g, driver, p, reterr)) < 0)
                return r;
        choose_manager(s, o, p);
        if (!p->driver_kept && s->os.secure_boot.st == FACT_OK && s->os.secure_boot.v == 1)
                plan_choice_add(p, "note", xstrdup("Secure Boot is on"),
                                xstrdup("the driver's DKMS modules load only when signed with an enrolled "
                                        "Machine Owner Key (mokutil --import, then reboot): dlrig does not do that"));
        return 0;
}
