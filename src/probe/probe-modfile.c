/* probe-modfile.c - the nvidia.ko that modprobe would load into the running
 * kernel: its path, version and signer, read with libkmod.
 *
 * libkmod opens the module tree itself, so this probe hands it the host
 * path of the inspected machine's /lib/modules/<kernel> (below --root): like
 * libpci's pci.ids, a library reading its own files is an accepted exception
 * to the sys layer. Everything else (modules.dep as text) goes through it. */
#include "probe.h"

#include <stdlib.h>
#include <string.h>

#include "kmod-parse.h"
#include "probe-internal.h"
#include "probe-libs.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define MODFILE_DEP_MAX (16u << 20)

struct modfile_dirs {
        char *own;   /* "/lib/modules/<kernel>" in the inspected machine */
        char *host;  /* the same folder as this process can open it */
};

static void modfile_dirs_release(struct modfile_dirs *d)
{
        free(d->own);
        free(d->host);
}

__attribute__((format(printf, 6, 0)))
static void modfile_log(void *data, int priority, const char *file, int line,
                        const char *fn, const char *format, va_list args)
{
        /* libkmod logs to stderr by default; lower layers never print. */
        (void)data, (void)priority, (void)file, (void)line, (void)fn, (void)format, (void)args;
}

/* On a merged-/usr machine /lib is a link (often absolute) to usr/lib:
 * the sys layer resolves it inside the root, the host would not, so the
 * host path must name usr/lib itself. */
static int modfile_dirs_find(const struct sysroot *root, const char *kernel,
                             struct modfile_dirs *ret)
{
        _cleanup_(strbuf_releasep) struct strbuf link = STRBUF_INIT;
        const char *top = sysroot_path(root);
        size_t n = strlen(top);
        bool merged = !sysroot_is_host(root) && sys_readlink(root, "/lib", &link) >= 0;
        char *own = xasprintf("%s/modules/%s", merged ? "/usr/lib" : "/lib", kernel);

        if (strchr(kernel, '/') || !sys_exists(root, own)) {
                free(own);
                return -ENOENT;
        }
        while (n && top[n - 1] == '/')
                n--;
        ret->own = own;
        ret->host = sysroot_is_host(root) ? xstrdup(own) : xasprintf("%.*s%s", (int)n, top, own);
        return 0;
}

/* The module's path relative to the modules folder as libkmod's lookup
 * finds it (needs modules.dep.bin), or NULL. */
static char *modfile_lookup(const struct kmod_api *K, struct kmod_ctx *kc,
                            const struct modfile_dirs *d)
{
        struct kmod_list *list = NULL, *l;
        size_t n = strlen(d->host);
        char *rel = NULL;

        if (K->new_from_lookup(kc, "nvidia", &list) < 0)
                return NULL;
        for (l = list; l; l = K->list_next(list, l)) {
                struct kmod_module *mod = K->get_module(l);
                const char *path = K->get_path(mod);

                /* A path outside the root (an absolute modules.dep entry)
                 * would be a host file: ignore it. */
                if (!rel && path && !strncmp(path, d->host, n) && path[n] == '/')
                        rel = xstrdup(path + n + 1);
                K->module_unref(mod);
        }
        K->unref_list(list);
        return rel;
}

/* The same from modules.dep as text, for trees without the binary index
 * (fixture machines, images whose depmod never ran). */
static char *modfile_moddep(const struct sysroot *root, const struct modfile_dirs *d)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_free_ char *dep = xasprintf("%s/modules.dep", d->own);
        char *rel;
        size_t n = strlen(d->own);

        if (sys_read_file(root, dep, MODFILE_DEP_MAX, &sb) < 0)
                return NULL;
        rel = kmod_parse_moddep(sb.buf, sb.len, "nvidia");
        if (rel && rel[0] == '/') {
                char *abs = rel;

                /* Old depmod wrote absolute paths: keep those inside the tree. */
                rel = !strncmp(abs, d->own, n) && abs[n] == '/' ? xstrdup(abs + n + 1) : NULL;
                free(abs);
        }
        return rel;
}

static void modfile_info(const struct kmod_api *K, struct kmod_module *mod, struct snap_kmod *k)
{
        struct kmod_list *info = NULL, *l;
        const char *version = NULL, *signer = NULL, *sig_id = NULL;
        int r = K->get_info(mod, &info);

        if (r < 0) {
                fact_fail_str(&k->module_version, FACT_ERROR, strerror(-r));
                fact_fail_str(&k->module_signer, FACT_ERROR, strerror(-r));
                return;
        }
        for (l = info; l; l = K->list_next(info, l)) {
                const char *key = K->info_key(l);
                const char *val = K->info_value(l);

                if (!strcmp(key, "version") && !version)
                        version = val;
                else if (!strcmp(key, "signer"))
                        signer = val;
                else if (!strcmp(key, "sig_id"))
                        sig_id = val;
        }
        if (version)
                fact_set_str(&k->module_version, version);
        else
                fact_fail_str(&k->module_version, FACT_ABSENT, "no version in modinfo");
        if (signer && *signer)
                fact_set_str(&k->module_signer, signer);
        else if (sig_id) /* signed, but libkmod could not name the key */
                fact_take_str(&k->module_signer, xasprintf("unknown (%s)", sig_id));
        else
                fact_fail_str(&k->module_signer, FACT_ABSENT, "unsigned");
        K->info_free_list(info);
}

static void modfile_fail(struct snap_kmod *k, enum fact_st st, const char *why)
{
        fact_fail_str(&k->module_path, st, why);
        fact_fail_str(&k->module_version, st, why);
        fact_fail_str(&k->module_signer, st, why);
}

static void modfile_read(const struct kmod_api *K, struct kmod_ctx *kc,
                         const struct sysroot *root, const struct modfile_dirs *d,
                         struct snap_kmod *k)
{
        _cleanup_free_ char *rel = modfile_lookup(K, kc, d);
        _cleanup_free_ char *host = NULL;
        struct kmod_module *mod = NULL;
        int r;

        if (!rel)
                rel = modfile_moddep(root, d);
        if (!rel) {
                modfile_fail(k, FACT_ABSENT, "no nvidia module for the running kernel");
                return;
        }
        fact_take_str(&k->module_path, xasprintf("%s/%s", d->own, rel));
        host = xasprintf("%s/%s", d->host, rel);
        r = K->new_from_path(kc, host, &mod);
        if (r < 0) {
                fact_fail_str(&k->module_version, probe_st_from_errno(r), strerror(-r));
                fact_fail_str(&k->module_signer, probe_st_from_errno(r), strerror(-r));
                return;
        }
        modfile_info(K, mod, k);
        K->module_unref(mod);
}

void probe_modfile(const struct probe_ctx *ctx, struct snapshot *s)
{
        static const char *const no_config[] = { NULL }; /* not the host's modprobe.d */
        struct modfile_dirs d = { NULL, NULL };
        const struct kmod_api *K;
        struct kmod_ctx *kc;
        const char *why;

        if (!fact_ok(&s->os.kernel)) {
                modfile_fail(&s->kmod, FACT_ERROR, "running kernel unknown");
                return;
        }
        if (modfile_dirs_find(ctx->root, s->os.kernel.v, &d) < 0) {
                modfile_fail(&s->kmod, FACT_ABSENT,
                             "no /lib/modules folder for the running kernel");
                return;
        }
        K = probe_libkmod(&why);
        kc = K ? K->new_ctx(d.host, no_config) : NULL;
        if (!kc) {
                modfile_fail(&s->kmod, FACT_ERROR, K ? "libkmod: kmod_new failed" : why);
                modfile_dirs_release(&d);
                return;
        }
        K->set_log_fn(kc, modfile_log, NULL);
        modfile_read(K, kc, ctx->root, &d, &s->kmod);
        K->unref(kc);
        modfile_dirs_release(&d);
}
