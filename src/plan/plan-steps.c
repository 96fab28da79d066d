/* plan-steps.c - the system steps in order, each marked done or to do from
 * the snapshot, with the distribution's own way of doing it. The commands
 * that add NVIDIA's repository and install the driver and the toolkit come
 * from kb/kb-distro.c, which doctor's fix lines use too. The user steps
 * follow in plan-steps-user.c. */
#include "plan-internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

static bool is_ubuntu(const struct plan *p)
{
        return !strcmp(p->os->id, "ubuntu");
}

/* The step's actions from a kb command list; takes its done_path. */
static void step_cmds(struct plan_step *st, struct kb_cmds *c)
{
        for (size_t i = 0; i < c->n; i++) {
                struct plan_act *a = plan_act_add(st, c->v[i].kind == KB_CMD_PKG ? ACT_PKG : ACT_RUN, false);
                for (size_t k = 0; k < c->v[i].argv.n; k++)
                        strv_push(&a->argv, xstrdup(c->v[i].argv.v[k]));
        }
        if (c->done_path) {
                free(st->done_path);
                st->done_path = c->done_path;
                c->done_path = NULL;
        }
        kb_cmds_release(c);
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
        struct kb_cmds c = { 0 };

        kb_cmds_repo(p->os, s->os.version_id.st == FACT_OK ? s->os.version_id.v : "",
                     s->os.arch.st == FACT_OK ? s->os.arch.v : NULL, &c);
        step_cmds(st, &c);
        step_state(st, false, xstrdup("the toolkit (and driver packages) come from it"));
}

static void steps_driver_pkgs(const struct snapshot *s, struct plan *p, struct plan_step *st)
{
        struct kb_cmds c = { 0 };

        kb_cmds_driver(p->os, s->os.version_id.st == FACT_OK ? s->os.version_id.v : "", p->branch,
                       p->open_modules, p->kernel, &c);
        step_cmds(st, &c);
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
        steps_driver_pkgs(s, p, st);
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
        for (const char *w = p->os->initramfs; *w; w += strspn(w, " ")) { /* "update-initramfs -u" */
                strv_push(&a->argv, xstrndup(w, strcspn(w, " ")));
                w += strcspn(w, " ");
        }
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
        struct kb_cmds c = { 0 };
        struct plan_step *st;
        const char *found = NULL;

        kb_cmds_toolkit(p->os, p->cuda, &c);
        st = plan_step_add(p, "toolkit", true, xasprintf("install the CUDA %s toolkit (%s)", p->cuda,
                                                         c.v[0].argv.v[0]));
        step_cmds(st, &c);
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
                if (st->state == STEP_TODO && (!strcmp(st->id, "toolkit") || !p->os->own_driver) &&
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
