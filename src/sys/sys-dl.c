/* sys-dl.c - dlopen/dlsym behind the root layer (see sys-dl.h). */
#include "sys-dl.h"

#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

const struct sys_lib_dir sys_lib_dirs[] = {
        { "/lib/x86_64-linux-gnu", true }, { "/usr/lib/x86_64-linux-gnu", true },
        { "/lib64", true },                { "/usr/lib64", true },
        { "/usr/lib/aarch64-linux-gnu", false }, { "/usr/lib", false },
        { "/usr/local/nvidia/lib64", false },    { NULL, false },
};

char *sys_dl_find_in_root(const struct sysroot *root, const char *soname)
{
        for (const struct sys_lib_dir *d = sys_lib_dirs; d->path; d++) {
                char *p = xasprintf("%s/%s", d->path, soname);
                if (sys_exists(root, p))
                        return p;
                free(p);
        }
        return NULL;
}

static char *mapped_path(void *handle, const char *fallback)
{
        struct link_map *lm = NULL;

        if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) == 0 && lm && lm->l_name && *lm->l_name)
                return xstrdup(lm->l_name);
        return xstrdup(fallback);
}

static int open_foreign(const struct sysroot *root, const char *const *sonames,
                        char **reterr)
{
        for (const char *const *s = sonames; *s; s++) {
                char *p = sys_dl_find_in_root(root, *s);
                if (p) {
                        *reterr = xasprintf("'%s' is installed in the root but "
                                            "is not loaded for a foreign root", p);
                        free(p);
                        return -EOPNOTSUPP;
                }
        }
        *reterr = xasprintf("'%s' not found in the root's library folders", sonames[0]);
        return -ENOENT;
}

/* Loads one library named by path or soname; origin names the variable that
 * chose it, for the error. */
static int load_file(const char *file, const char *origin, struct dl_lib *ret, char **reterr)
{
        void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);

        if (!h) {
                *reterr = origin ? xasprintf("'%s' (from %s) failed to load: %s", file, origin,
                                             dlerror())
                                 : xasprintf("'%s' failed to load: %s", file, dlerror());
                return -ENOENT;
        }
        *ret = (struct dl_lib){ h, mapped_path(h, file) };
        return 0;
}

int sys_dl_open(const struct sysroot *root, const char *env_override,
                const char *const *sonames, struct dl_lib *ret, char **reterr)
{
        const char *override = env_override ? getenv(env_override) : NULL;
        const char *err = NULL;

        if (override && *override)
                return load_file(override, env_override, ret, reterr);
        if (!sysroot_is_host(root))
                return open_foreign(root, sonames, reterr);
        for (const char *const *s = sonames; *s; s++) {
                void *h = dlopen(*s, RTLD_NOW | RTLD_LOCAL);
                if (h) {
                        *ret = (struct dl_lib){ h, mapped_path(h, *s) };
                        return 0;
                }
                if (!err)
                        err = dlerror();
        }
        *reterr = xasprintf("'%s' could not be loaded: %s", sonames[0],
                            err ? err : "not found");
        return -ENOENT;
}

int sys_dl_open_own(const char *soname, struct dl_lib *ret, char **reterr)
{
        return load_file(soname, NULL, ret, reterr);
}

int sys_dl_open_file(const struct sysroot *root, const char *path, struct dl_lib *ret,
                     char **reterr)
{
        if (!sys_exists(root, path)) {
                *reterr = xasprintf("'%s' does not exist", path);
                return -ENOENT;
        }
        if (!sysroot_is_host(root)) {
                *reterr = xasprintf("'%s' is installed in the root but is not loaded for a "
                                    "foreign root", path);
                return -EOPNOTSUPP;
        }
        return load_file(path, NULL, ret, reterr);
}

int sys_dl_resolve(const struct dl_lib *lib, const struct dl_sym_spec *specs,
                   size_t n, void *api, char **reterr)
{
        for (size_t i = 0; i < n; i++) {
                void *fn = NULL;

                for (size_t k = 0; k < 3 && specs[i].names[k] && !fn; k++)
                        fn = dlsym(lib->handle, specs[i].names[k]);
                if (!fn && specs[i].required) {
                        *reterr = xasprintf("'%s' has no symbol %s (driver too old?)",
                                            lib->path, specs[i].names[0]);
                        return -ELIBBAD;
                }
                memcpy((char *)api + specs[i].offset, &fn, sizeof(fn));
        }
        return 0;
}

void sys_dl_close(struct dl_lib *lib)
{
        /* NVIDIA libraries are not unload-safe; the worker exits instead. */
        free(lib->path);
        lib->path = NULL;
        lib->handle = NULL;
}
