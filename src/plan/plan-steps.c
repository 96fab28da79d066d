/* plan-steps.c - the system steps in order, each marked done or to do from
 * the snapshot, with the distribution's own way of doing it: Ubuntu's
 * nvidia-driver-XXX(-open) packages, NVIDIA's network repository (keyring
 * package or .repo file) elsewhere and for the toolkit, dnf module streams
 * on RHEL 8/9. The user steps follow in plan-steps-user.c. */
#include "plan-internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

#define KEYRING_DEB "cuda-keyring_1.1-1_all.deb"
#define REPO_BASE "https://developer.download.nvidia.com/compute/cuda/repos"

static bool is_ubuntu(const struct plan *p)
{
        return startswith(p->repo, "ubuntu");
}

static const char *repo_arch(const struct snapshot *s)
{
        return s->os.arch.st == FACT_OK && !strcmp(s->os.arch.v, "aarch64") ? "sbsa" : "x86_64";
}

static void step_state(struct plan_step *st, bool done, char *why)
{
        st->state = done ? STEP_DONE : STEP_TODO;
        st->why = why;
}

static void steps_repo(const struct snapshot *s, struct plan *p)
{
        struct plan_step *st = plan_step_add(p, "repo", true,
                xasprintf("add NVIDIA's CUDA repository (%s)", p->repo));
        struct plan_act *a;

        if (p->pm == PLAN_PM_APT) {
                char *deb = xstrdup("/var/cache/apt/archives/" KEYRING_DEB);
                char *url = xasprintf(REPO_BASE "/%s/%s/" KEYRING_DEB, p->repo, repo_arch(s));
                a = plan_act_add(st, ACT_RUN, false);
                plan_act_argv(a, "curl", "-fsSL", "-o", deb, url, NULL);
                a = plan_act_add(st, ACT_RUN, false);
                plan_act_argv(a, "dpkg", "-i", deb, NULL);
                a = plan_act_add(st, ACT_RUN, false);
                plan_act_argv(a, "apt-get", "update", NULL);
                st->done_path = xstrdup("/usr/share/keyrings/cuda-archive-keyring.gpg");
                free(deb), free(url);
        } else {
                char *url = xasprintf(REPO_BASE "/%s/%s/cuda-%s.repo", p->repo, repo_arch(s), p->repo);
                a = plan_act_add(st, ACT_RUN, false);
                plan_act_argv(a, "dnf", "config-manager", "--add-repo", url, NULL);
                st->done_path = xasprintf("/etc/yum.repos.d/cuda-%s.repo", p->repo);
                free(url);
        }
        step_state(st, false, xstrdup("the toolkit (and driver packages) come from it"));
}

static void steps_driver_pkgs(struct plan *p, struct plan_step *st)
{
        char *headers = xasprintf(p->pm == PLAN_PM_APT ? "linux-headers-%s" : "kernel-devel-%s", p->kernel);
        char *pin = xasprintf("nvidia-driver-pinning-%s", p->branch);
        char *ub = xasprintf("nvidia-driver-%s%s", p->branch, p->open_modules ? "-open" : "");
        char *stream = xasprintf("nvidia-driver:%s-%s", p->branch, p->open_modules ? "open" : "dkms");
        const char *meta = p->open_modules ? "nvidia-open" : "cuda-drivers";
        struct plan_act *a;

        if (is_ubuntu(p)) {
                plan_act_argv(plan_act_add(st, ACT_PKG, false), ub, headers, NULL);
        } else if (p->pm == PLAN_PM_APT) {
                plan_act_argv(plan_act_add(st, ACT_PKG, false), pin, NULL);
                plan_act_argv(plan_act_add(st, ACT_PKG, false), meta, headers, NULL);
        } else {
                if (!strcmp(p->repo, "rhel8") || !strcmp(p->repo, "rhel9")) {
                        a = plan_act_add(st, ACT_RUN, false);
                        plan_act_argv(a, "dnf", "module", "enable", "-y", stream, NULL);
                }
                plan_act_argv(plan_act_add(st, ACT_PKG, false), meta, headers, NULL);
        }
        free(headers), free(pin), free(ub), free(stream);
}

static void steps_driver(const struct snapshot *s, struct plan *p)
{
        struct plan_step *st = plan_step_add(p, "driver", true,
                xasprintf("install the NVIDIA %s driver (%s kernel modules)", p->branch,
                          p->open_modules ? "open" : "proprietary"));
        const char *have = plan_driver_installed(s);

        if (p->driver_kept) {
                free(st->title);
                st->title = xasprintf("NVIDIA driver %s", have);
                step_state(st, true, xasprintf("nvidia %s is loaded and drives every GPU", have));
                return;
        }
        steps_driver_pkgs(p, st);
        step_state(st, false, have ? xasprintf("the loaded %s driver cannot drive every GPU here", have) :
                                     xstrdup("no NVIDIA kernel module loaded"));
}

static void steps_nouveau(const struct snapshot *s, struct plan *p)
{
        struct plan_step *st;
        struct plan_act *a;

        if (!s->kmod.nouveau)
                return;
        st = plan_step_add(p, "nouveau", true, xstrdup("blacklist nouveau and rebuild the initramfs"));
        a = plan_act_add(st, ACT_FILE, false);
        a->path = xstrdup("/etc/modprobe.d/blacklist-nouveau.conf");
        a->text = xstrdup("blacklist nouveau\noptions nouveau modeset=0\n");
        a = plan_act_add(st, ACT_RUN, false);
        if (p->pm == PLAN_PM_APT)
                plan_act_argv(a, "update-initramfs", "-u", NULL);
        else
                plan_act_argv(a, "dracut", "--force", NULL);
        step_state(st, s->kmod.nouveau_blacklisted.st == FACT_OK,
                   s->kmod.nouveau_blacklisted.st == FACT_OK ?
                   xasprintf("blacklisted in %s; still loaded until the reboot", s->kmod.nouveau_blacklisted.v) :
                   xstrdup("nouveau is loaded and holds the GPUs"));
}

static void steps_hold(struct plan *p, bool asked)
{
        struct plan_step *st = plan_step_add(p, "hold-kernel", true,
                xstrdup("hold the kernel packages so an upgrade cannot leave the driver behind"));
        struct plan_act *a = plan_act_add(st, ACT_RUN, false);

        if (is_ubuntu(p))
                plan_act_argv(a, "apt-mark", "hold", "linux-generic", "linux-image-generic",
                              "linux-headers-generic", NULL);
        else if (p->pm == PLAN_PM_APT)
                plan_act_argv(a, "apt-mark", "hold", "linux-image-amd64", "linux-headers-amd64", NULL);
        else {
                strv_release(&a->argv);
                a->kind = ACT_PKG;
                plan_act_argv(a, "python3-dnf-plugin-versionlock", NULL);
                plan_act_argv(plan_act_add(st, ACT_RUN, false), "dnf", "versionlock", "add", "kernel",
                              "kernel-core", "kernel-modules", "kernel-devel", NULL);
        }
        st->state = asked ? STEP_TODO : STEP_OFFERED;
        st->why = xstrdup(asked ? "asked for (--hold-kernel)" : "offered: add --hold-kernel to include it");
}

static void steps_fabric(const struct snapshot *s, struct plan *p)
{
        const struct snap_fabric *fm = &s->fabric;
        struct plan_step *st;
        char *pkg;

        if (!snap_pci_count(s, "nvswitch"))
                return;
        st = plan_step_add(p, "fabric", true, xasprintf("install and start the NVSwitch fabric manager (%s)",
                                                         p->branch));
        pkg = p->pm == PLAN_PM_APT ? xasprintf("nvidia-fabricmanager-%s", p->branch) : xstrdup("nvidia-fabricmanager");
        plan_act_argv(plan_act_add(st, ACT_PKG, false), pkg, NULL);
        plan_act_argv(plan_act_add(st, ACT_RUN, false), "systemctl", "enable", "--now", "nvidia-fabricmanager", NULL);
        free(pkg);
        step_state(st, fm->version.st == FACT_OK && fm->running.st == FACT_OK && fm->running.v == 1 &&
                   p->driver_kept,
                   fm->version.st == FACT_OK ? xasprintf("fabric manager %s %s", fm->version.v,
                           fm->running.st == FACT_OK && fm->running.v == 1 ? "running" : "not running") :
                   xstrdup("NVSwitches present, no fabric manager installed"));
}

static void steps_toolkit(const struct snapshot *s, struct plan *p)
{
        char *pkg = xasprintf("cuda-toolkit-%s", p->cuda);
        struct plan_step *st;
        const char *found = NULL;
        char *dot = strchr(pkg + strlen("cuda-toolkit-"), '.');

        if (dot) /* "12.8" -> cuda-toolkit-12-8; a bare major stays as it is */
                *dot = '-';
        st = plan_step_add(p, "toolkit", true, xasprintf("install the CUDA %s toolkit (%s)", p->cuda, pkg));
        plan_act_argv(plan_act_add(st, ACT_PKG, false), pkg, NULL);
        st->done_path = xasprintf("/usr/local/cuda-%s/bin/nvcc", p->cuda);
        for (size_t i = 0; i < s->toolkits.n; i++) {
                const struct snap_toolkit *t = &s->toolkits.v[i];
                size_t n = strlen(p->cuda);
                if (t->version.st == FACT_OK && !strncmp(t->version.v, p->cuda, n) &&
                    (t->version.v[n] == '.' || !t->version.v[n]))
                        found = t->path;
        }
        step_state(st, found, found ? xasprintf("installed in %s", found) : xasprintf("no CUDA %s toolkit", p->cuda));
        if (!found && p->env_kept) { /* torch works without it: only extension builds need nvcc */
                st->state = STEP_OFFERED;
                free(st->why);
                st->why = xasprintf("offered: only building CUDA extensions needs a CUDA %s nvcc", p->cuda);
        }
        free(pkg);
}

void plan_steps(const struct snapshot *s, const struct plan_opts *o, struct plan *p)
{
        size_t first;
        bool need_repo;

        steps_repo(s, p);
        first = p->nsteps;
        steps_driver(s, p);
        steps_nouveau(s, p);
        steps_hold(p, o->hold_kernel);
        steps_fabric(s, p);
        steps_toolkit(s, p);
        /* The repository is needed for the toolkit anywhere, and for the
         * driver and fabric manager outside Ubuntu's own archive. */
        need_repo = false;
        for (size_t i = first; i < p->nsteps; i++) {
                const struct plan_step *st = &p->steps[i];
                if (st->state == STEP_TODO && (!strcmp(st->id, "toolkit") || !is_ubuntu(p)) &&
                    strcmp(st->id, "nouveau") && strcmp(st->id, "hold-kernel"))
                        need_repo = true;
        }
        if (!need_repo) {
                free(p->steps[0].why);
                p->steps[0].why = xstrdup("nothing left to install from it");
                p->steps[0].state = STEP_DONE;
        }
        plan_steps_user(s, o, p);
}
