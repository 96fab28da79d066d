/* probe-dkms.c - the nvidia module in DKMS's tree.
 *
 * DKMS keeps /var/lib/dkms/<module>/<version>/: a "source" link once the
 * version is added, and <kernel>/<arch>/ once it is built for a kernel.
 * A built module counts as installed when the kernel's module tree holds
 * it: updates/dkms/ (Debian, Ubuntu) or extra/ (Fedora, RHEL). */
#include "probe.h"

#include <string.h>

#include "kmod-parse.h"
#include "probe-internal.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define DKMS_MODULE "nvidia"
#define DKMS_TREE "/var/lib/dkms/" DKMS_MODULE

static bool dkms_installed(const struct sysroot *root, const char *kernel)
{
        static const char *const dirs[] = { "updates/dkms", "extra" };

        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
                _cleanup_(strv_release) struct strv files = STRV_INIT;
                _cleanup_free_ char *p = xasprintf("/lib/modules/%s/%s", kernel, dirs[i]);

                if (sys_list_dir(root, p, &files) < 0)
                        continue;
                for (size_t j = 0; j < files.n; j++)
                        if (kmod_parse_is_module_file(files.v[j], DKMS_MODULE))
                                return true;
        }
        return false;
}

static void dkms_add(struct snap_kmod *k, const char *version, const char *kernel,
                     const char *arch, const char *state)
{
        struct snap_dkms *d = snap_add_dkms(k);

        d->module = xstrdup(DKMS_MODULE);
        d->version = xstrdup(version);
        d->kernel = xstrdup(kernel);
        d->arch = xstrdup_or_null(arch);
        d->state = xstrdup(state);
}

/* Adds one entry per <arch> folder of a kernel; returns how many. */
static size_t dkms_kernel(const struct sysroot *root, struct snap_kmod *k,
                          const char *version, const char *kernel)
{
        _cleanup_(strv_release) struct strv arches = STRV_INIT;
        _cleanup_free_ char *p = xasprintf(DKMS_TREE "/%s/%s", version, kernel);
        bool installed;

        if (sys_list_dir(root, p, &arches) <= 0)
                return 0; /* not a folder: a log file or a stray link */
        installed = dkms_installed(root, kernel);
        for (size_t i = 0; i < arches.n; i++)
                dkms_add(k, version, kernel, arches.v[i], installed ? "installed" : "built");
        return arches.n;
}

/* A version whose source DKMS has but that it did not build for an
 * installed kernel: the running one (no driver now), or one that will boot
 * next without an nvidia module from anywhere else (no driver after the
 * reboot: the guide's kernel-update trap, caught before it springs). */
static void dkms_missing_builds(struct snapshot *s, const char *version,
                                const struct strv *built)
{
        const char *running = fact_ok(&s->os.kernel) ? s->os.kernel.v : NULL;
        const char *arch = fact_ok(&s->os.arch) ? s->os.arch.v : NULL;
        const struct strv *installed = &s->kmod.kernels_installed;

        if (running && strv_find(built, running) < 0)
                dkms_add(&s->kmod, version, running, arch, "added");
        for (size_t i = 0; i < installed->n; i++) {
                const char *k = installed->v[i];
                if ((running && !strcmp(k, running)) || strv_find(built, k) >= 0 ||
                    strv_find(&s->kmod.kernels_with_module, k) >= 0)
                        continue;
                dkms_add(&s->kmod, version, k, arch, "added");
        }
}

static void dkms_version(const struct probe_ctx *ctx, struct snapshot *s, const char *version)
{
        _cleanup_(strv_release) struct strv entries = STRV_INIT;
        _cleanup_(strv_release) struct strv built = STRV_INIT;
        _cleanup_free_ char *p = xasprintf(DKMS_TREE "/%s", version);
        bool source = false;

        if (sys_list_dir(ctx->root, p, &entries) < 0)
                return;
        for (size_t i = 0; i < entries.n; i++) {
                const char *e = entries.v[i];

                if (!strcmp(e, "source")) {
                        source = true;
                        continue;
                }
                if (!strcmp(e, "build"))
                        continue; /* DKMS's work folder, not a kernel */
                if (dkms_kernel(ctx->root, &s->kmod, version, e))
                        strv_push(&built, xstrdup(e));
        }
        if (source)
                dkms_missing_builds(s, version, &built);
}

void probe_dkms(const struct probe_ctx *ctx, struct snapshot *s)
{
        _cleanup_(strv_release) struct strv versions = STRV_INIT;
        int r = sys_list_dir(ctx->root, DKMS_TREE, &versions);

        if (r < 0) {
                if (r != -ENOENT && ctx->diag)
                        strv_pushf(ctx->diag, "cannot list '" DKMS_TREE "': %s, ignoring",
                                   strerror(-r));
                return;
        }
        for (size_t i = 0; i < versions.n; i++) {
                /* kernel-<k>-<arch> links mark installs; original_module
                 * keeps the distribution's module that DKMS replaced. */
                if (startswith(versions.v[i], "kernel-") ||
                    !strcmp(versions.v[i], "original_module"))
                        continue;
                dkms_version(ctx, s, versions.v[i]);
        }
}
