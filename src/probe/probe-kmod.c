/* probe-kmod.c - the NVIDIA kernel modules: which are loaded, the loaded
 * version and flavour, the kernels that have an nvidia.ko, and whether
 * nouveau is blacklisted. The module file for the running kernel and the
 * DKMS trees have their own files (probe-modfile.c, probe-dkms.c). */
#include "probe.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "kmod-parse.h"
#include "probe-internal.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

/* modules.dep of a distribution kernel is about 1 MiB. */
#define PROBE_KMOD_DEP_MAX (16u << 20)
#define PROBE_KMOD_CONF_MAX (1u << 20)

static const struct {
        const char *name;
        size_t off;
} probe_kmod_watched[] = {
        { "nvidia", offsetof(struct snap_kmod, nvidia) },
        { "nvidia_uvm", offsetof(struct snap_kmod, nvidia_uvm) },
        { "nvidia_drm", offsetof(struct snap_kmod, nvidia_drm) },
        { "nvidia_modeset", offsetof(struct snap_kmod, nvidia_modeset) },
        { "nouveau", offsetof(struct snap_kmod, nouveau) },
        { "nova_core", offsetof(struct snap_kmod, nova_core) },
};

static bool *probe_kmod_flag(struct snap_kmod *k, size_t i)
{
        return (bool *)((char *)k + probe_kmod_watched[i].off);
}

/* /proc/modules, or when it cannot be read the /sys/module/<name>/initstate
 * files that only loaded (not built-in) modules have. */
static void probe_kmod_loaded(const struct probe_ctx *ctx, struct snap_kmod *k)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_(strv_release) struct strv names = STRV_INIT;
        _cleanup_free_ char *why = NULL;
        int r = sys_read_file(ctx->root, "/proc/modules", PROBE_KMOD_CONF_MAX, &sb);

        if (r >= 0) {
                kmod_parse_proc_modules(sb.buf, sb.len, &names);
                for (size_t i = 0; i < ARRAY_SIZE(probe_kmod_watched); i++)
                        *probe_kmod_flag(k, i) = strv_find(&names, probe_kmod_watched[i].name) >= 0;
                probe_set(&k->probe, FACT_OK, NULL);
                return;
        }
        if (!sys_exists(ctx->root, "/sys/module")) {
                why = xasprintf("cannot read '/proc/modules': %s", strerror(-r));
                probe_set(&k->probe, probe_st_from_errno(r), why);
                return;
        }
        for (size_t i = 0; i < ARRAY_SIZE(probe_kmod_watched); i++) {
                _cleanup_free_ char *p = xasprintf("/sys/module/%s/initstate",
                                                   probe_kmod_watched[i].name);
                *probe_kmod_flag(k, i) = sys_exists(ctx->root, p);
        }
        probe_set(&k->probe, FACT_OK, NULL);
}

/* "open" or "proprietary" from the taint flags when the NVRM line is
 * missing: the proprietary module taints the kernel with P. */
static void probe_kmod_flavour_from_taint(const struct probe_ctx *ctx, struct snap_kmod *k)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        int r = sys_read_value(ctx->root, "/sys/module/nvidia/taint", &sb);

        if (r == -ENOENT)
                fact_fail_str(&k->flavour, FACT_ABSENT, "nvidia module not loaded");
        else if (r < 0)
                probe_fail_str(&k->flavour, r);
        else
                fact_set_str(&k->flavour, strchr(sb.buf, 'P') ? "proprietary" : "open");
}

static void probe_kmod_versions(const struct probe_ctx *ctx, struct snap_kmod *k)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        char *line;
        int r = sys_read_value(ctx->root, "/sys/module/nvidia/version", &sb);

        if (r >= 0 && sb.len)
                fact_set_str(&k->loaded_version, sb.buf);
        else if (r == -ENOENT || r >= 0)
                fact_fail_str(&k->loaded_version, FACT_ABSENT, "nvidia module not loaded");
        else
                probe_fail_str(&k->loaded_version, r);
        strbuf_reset(&sb);
        r = sys_read_file(ctx->root, "/proc/driver/nvidia/version", 64 * 1024, &sb);
        line = r >= 0 ? kmod_parse_nvrm_line(sb.buf, sb.len) : NULL;
        if (line) {
                fact_set_str(&k->flavour, kmod_parse_nvrm_is_open(line) ? "open" : "proprietary");
                fact_take_str(&k->proc_version, line);
                return;
        }
        if (r >= 0)
                fact_fail_str(&k->proc_version, FACT_ERROR, "no NVRM version line");
        else if (r == -ENOENT)
                fact_fail_str(&k->proc_version, FACT_ABSENT, "nvidia module not loaded");
        else
                probe_fail_str(&k->proc_version, r);
        probe_kmod_flavour_from_taint(ctx, k);
}

/* Every installed kernel (a /lib/modules folder with a modules.dep, not a
 * leftover of a removed one), and those whose modules.dep lists nvidia.ko. */
static void probe_kmod_kernels(const struct probe_ctx *ctx, struct snap_kmod *k)
{
        _cleanup_(strv_release) struct strv kernels = STRV_INIT;

        if (sys_list_dir(ctx->root, "/lib/modules", &kernels) < 0)
                return;
        for (size_t i = 0; i < kernels.n; i++) {
                _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
                _cleanup_free_ char *p = xasprintf("/lib/modules/%s/modules.dep", kernels.v[i]);
                _cleanup_free_ char *rel = NULL;

                if (sys_read_file(ctx->root, p, PROBE_KMOD_DEP_MAX, &sb) < 0)
                        continue;
                strv_push(&k->kernels_installed, xstrdup(kernels.v[i]));
                rel = kmod_parse_moddep(sb.buf, sb.len, "nvidia");
                if (rel)
                        strv_push(&k->kernels_with_module, xstrdup(kernels.v[i]));
        }
}

/* Returns the owned path of the first *.conf in dir that blacklists name. */
static char *probe_kmod_blacklist_in(const struct probe_ctx *ctx, const char *dir, const char *name)
{
        _cleanup_(strv_release) struct strv files = STRV_INIT;
        size_t n;

        if (sys_list_dir(ctx->root, dir, &files) < 0)
                return NULL;
        for (size_t i = 0; i < files.n; i++) {
                _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
                _cleanup_free_ char *p = xasprintf("%s/%s", dir, files.v[i]);

                n = strlen(files.v[i]);
                if (n < 5 || strcmp(files.v[i] + n - 5, ".conf"))
                        continue;
                if (sys_read_file(ctx->root, p, PROBE_KMOD_CONF_MAX, &sb) < 0)
                        continue;
                if (kmod_parse_blacklist(sb.buf, sb.len, name))
                        return TAKE_PTR(p);
        }
        return NULL;
}

static void probe_kmod_blacklist(const struct probe_ctx *ctx, struct snap_kmod *k)
{
        static const char *const dirs[] = { "/etc/modprobe.d", "/usr/lib/modprobe.d",
                                            "/lib/modprobe.d" };

        for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
                char *file = probe_kmod_blacklist_in(ctx, dirs[i], "nouveau");
                if (file) {
                        fact_take_str(&k->nouveau_blacklisted, file);
                        return;
                }
        }
        fact_fail_str(&k->nouveau_blacklisted, FACT_ABSENT, "no 'blacklist nouveau' line");
}

void probe_kmod(const struct probe_ctx *ctx, struct snapshot *s)
{
        struct snap_kmod *k = &s->kmod;

        probe_kmod_loaded(ctx, k);
        probe_kmod_versions(ctx, k);
        probe_modfile(ctx, s);
        probe_kmod_kernels(ctx, k);
        probe_dkms(ctx, s);
        probe_kmod_blacklist(ctx, k);
}
