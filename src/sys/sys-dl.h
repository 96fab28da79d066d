/* sys-dl.h - loading NVIDIA's shared libraries, the only place dlopen is used.
 *
 * On this machine a library is found the way any program finds it (the
 * dynamic loader's search by soname) unless the environment variable named
 * by env_override holds an explicit path, which is how the tests point dlrig
 * at the fake libraries. Under another --root nothing is loaded into dlrig
 * unless overridden: the soname is only looked for in the root's library
 * folders, so the report can say the library is installed there. */
#pragma once

#include "sys.h"

/* The library folders of a Linux root: the one list. First the folders the
 * dynamic loader searches with no configuration (its trusted directories
 * on x86_64 Debian/Ubuntu and RHEL; loader_default), in its order; then
 * the other places NVIDIA's libraries are installed (aarch64 Debian,
 * /usr/lib, the container toolkit's /usr/local/nvidia/lib64), which the
 * loader finds only through ld.so.conf or LD_LIBRARY_PATH. The toolkit
 * probe models the loader with the first group; a foreign root is searched
 * in all of them. Ends with { NULL }. */
struct sys_lib_dir {
        const char *path;
        bool loader_default;
};
extern const struct sys_lib_dir sys_lib_dirs[];

struct dl_lib {
        void *handle;
        char *path; /* the file actually mapped (owned) */
};

struct dl_sym_spec {
        const char *names[3]; /* versions to try, newest first */
        bool required;
        size_t offset;        /* where the pointer goes in the api struct */
};

/* Opens the first of sonames (NULL-terminated) that loads. On failure,
 * *reterr gets an owned message ("'libcuda.so.1' not found: ..."). */
int sys_dl_open(const struct sysroot *root, const char *env_override,
                const char *const *sonames, struct dl_lib *ret, char **reterr);
/* Opens the library file at path (inside the root), such as the copy of
 * NCCL in a PyTorch wheel. Like a soname, a file under a foreign root is
 * not loaded (-EOPNOTSUPP). */
int sys_dl_open_file(const struct sysroot *root, const char *path, struct dl_lib *ret,
                     char **reterr);
/* Resolves each spec into api + offset. A missing required symbol fails
 * with -ELIBBAD and names it in *reterr; a missing optional one is NULL. */
int sys_dl_resolve(const struct dl_lib *lib, const struct dl_sym_spec *specs,
                   size_t n, void *api, char **reterr);
/* Opens one of the libraries dlrig itself uses (libkmod, libpci) from this
 * host, whatever --root says: they are tools, not facts about the machine.
 * Loaded on first use rather than linked, so a process that never asks
 * (the driver workers, most commands) does not pay for mapping and
 * relocating them and their own dependencies (libcrypto, libzstd...). */
int sys_dl_open_own(const char *soname, struct dl_lib *ret, char **reterr);
/* Looks for a soname in the root's library folders; returns an owned path. */
char *sys_dl_find_in_root(const struct sysroot *root, const char *soname);
void sys_dl_close(struct dl_lib *lib);
