/* check-branch.c - does this driver (its branch and its kernel-module
 * flavour) support every GPU on the bus?
 *
 * A driver branch that dropped an architecture (Kepler after 470, Maxwell
 * to Volta after 580) or predates it loads fine and then ignores the GPU;
 * Blackwell needs the open kernel modules and pre-Turing GPUs cannot use
 * them. All of it is visible before anything is installed, from the PCI
 * ids and the knowledge base, so the check speaks even when NVML is mute. */
#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"
#include "kb/kb.h"
#include "util/parse.h"
#include "util/versions.h"

/* The compute capability of a PCI GPU: NVML's, else the knowledge base's. */
static const char *check_branch_cc(const struct snapshot *s, const struct snap_pci_dev *d)
{
        const struct snap_gpu *g = check_util_gpu_at(s, d->bus_id);
        const struct kb_gpu *k;

        if (g && g->compute_capability.st == FACT_OK)
                return g->compute_capability.v;
        k = kb_gpu_by_pci((unsigned)d->device_id);
        return k ? k->cc : NULL;
}

static const char *check_branch_gpu_label(const struct snap_pci_dev *d)
{
        const struct kb_gpu *k = kb_gpu_by_pci((unsigned)d->device_id);

        if (k)
                return k->name;
        return d->name.st == FACT_OK ? d->name.v : "NVIDIA GPU";
}

/* True when branch (e.g. "535") is outside the architecture's range. */
static bool check_branch_outside(const struct kb_arch *a, const char *branch, bool *ret_too_new)
{
        if (a->last_branch && version_cmp(branch, a->last_branch) > 0) {
                *ret_too_new = true;
                return true;
        }
        if (a->first_branch && version_cmp(branch, a->first_branch) < 0) {
                *ret_too_new = false;
                return true;
        }
        return false;
}

static void check_branch_fix(struct finding *f, const struct snapshot *s, const struct kb_arch *a,
                             bool too_new)
{
        bool open = a->open_modules == KB_OPEN_REQUIRED;

        /* the commands plan runs (kb/kb-distro.c); headers are there already */
        if (too_new) {
                finding_fix(f, "# the %s architecture's last driver branch is %s: install that branch", a->name,
                            a->last_branch);
                if (!check_util_fix_driver(f, s, a->last_branch, open, NULL, NULL))
                        finding_fix(f, "# e.g. from NVIDIA's repository: the cuda-drivers-%s package", a->last_branch);
                return;
        }
        finding_fix(f, "# %s GPUs need driver branch %s or newer", a->name, a->first_branch);
        if (!check_util_fix_driver(f, s, NULL, open, NULL, NULL))
                finding_fix(f, "# install a current driver branch from NVIDIA's repository (cuda-drivers)");
        finding_fix(f, "sudo reboot");
}

static void check_branch_support(const struct snapshot *s, const char *branch, struct findings *fs)
{
        for (size_t i = 0; i < s->pci.n; i++) {
                const struct snap_pci_dev *d = &s->pci.devs[i];
                const char *cc = d->kind && !strcmp(d->kind, "gpu") ? check_branch_cc(s, d) : NULL;
                const struct kb_arch *a = cc ? kb_arch_for_cc(cc) : NULL;
                struct finding *f;
                bool too_new;

                if (!a || !check_branch_outside(a, branch, &too_new))
                        continue;
                f = finding_add(fs, "driver.branch-unsupported",
                                "driver branch %s %s %s GPUs such as the %s at %s", branch,
                                too_new ? "no longer supports" : "predates", a->name,
                                check_branch_gpu_label(d), d->bus_id);
                finding_evidence(f, "%s: compute capability %s (%s)", d->bus_id, cc, a->name);
                if (too_new)
                        finding_evidence(f, "knowledge base: last branch for %s is %s (%s)", a->name,
                                         a->last_branch, a->source);
                else
                        finding_evidence(f, "knowledge base: first branch for %s is %s (%s)", a->name,
                                         a->first_branch, a->source);
                check_branch_fix(f, s, a, too_new);
                return; /* one GPU tells the story; the fix is the same */
        }
}

static void check_branch_flavour_fix(struct finding *f, const struct snapshot *s, bool want_open,
                                     const char *branch)
{
        if (!check_util_fix_driver(f, s, branch, want_open, NULL, NULL))
                finding_fix(f, want_open ? "# install the open kernel modules: the nvidia-open (or kmod-nvidia-open-dkms) package"
                                         : "# install the proprietary kernel modules: the cuda-drivers (nvidia-driver) package");
        finding_fix(f, "sudo reboot");
}

static void check_branch_flavour(const struct snapshot *s, const char *branch, struct findings *fs)
{
        const char *flavour = s->kmod.flavour.st == FACT_OK ? s->kmod.flavour.v : NULL;
        bool open;

        if (!flavour)
                return;
        open = !strcmp(flavour, "open");
        for (size_t i = 0; i < s->pci.n; i++) {
                const struct snap_pci_dev *d = &s->pci.devs[i];
                const char *cc = d->kind && !strcmp(d->kind, "gpu") ? check_branch_cc(s, d) : NULL;
                const struct kb_arch *a = cc ? kb_arch_for_cc(cc) : NULL;
                struct finding *f;

                if (!a || (open ? a->open_modules != KB_OPEN_UNAVAILABLE
                                : a->open_modules != KB_OPEN_REQUIRED))
                        continue;
                f = finding_add(fs, "kmod.flavour-wrong", "the %s nvidia modules cannot drive %s GPUs (%s at %s): %s",
                                flavour, a->name, check_branch_gpu_label(d), d->bus_id,
                                open ? "they need the proprietary modules" : "they need the open modules");
                finding_evidence(f, "/proc/driver/nvidia/version: %s",
                                 s->kmod.proc_version.st == FACT_OK ? s->kmod.proc_version.v : flavour);
                finding_evidence(f, "%s: compute capability %s (%s)", d->bus_id, cc, a->name);
                check_branch_flavour_fix(f, s, !open, branch);
                return;
        }
}

void check_branch(const struct snapshot *s, struct findings *fs)
{
        char vbuf[CHECK_NAME_MAX];
        const char *v = check_util_driver_version(s, vbuf);
        struct version_part branch = version_branch(v);

        if (!v)
                return; /* no driver: nothing installed to be wrong yet */
        check_branch_support(s, branch.s, fs);
        check_branch_flavour(s, branch.s, fs);
}
