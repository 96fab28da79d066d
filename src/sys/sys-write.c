/* sys-write.c - changing files below the root, for dlrig setup: folders,
 * atomic replacement that keeps the file's owner and mode, appends (logs),
 * renames and removals. Paths resolve inside the root as reads do. */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sys-internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* Opens the folder holding path; *ret_base points into the owned copy. */
static int sys_open_parent(const struct sysroot *root, const char *path, char **ret_copy,
                           const char **ret_base)
{
        char *dir = xstrdup(path), *base = xstrdup(path);
        int fd = sysroot_openat(root, dirname(dir), O_PATH | O_DIRECTORY);
        char *b = xstrdup(basename(base));

        free(dir), free(base);
        if (fd < 0) {
                free(b);
                return fd;
        }
        *ret_copy = b;
        *ret_base = b;
        return fd;
}

int sys_mkdir_p(const struct sysroot *root, const char *path)
{
        _cleanup_free_ char *p = xstrdup(path);

        for (char *s = p + 1;; s++) {
                if (*s != '/' && *s)
                        continue;
                char c = *s;
                *s = '\0';
                _cleanup_free_ char *copy = NULL;
                const char *base;
                _cleanup_close_ int dfd = sys_open_parent(root, p, &copy, &base);
                if (dfd < 0)
                        return dfd;
                if (mkdirat(dfd, base, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *s = c;
                if (!c)
                        return 0;
        }
}

static int sys_write_all(int fd, const char *data, size_t len)
{
        size_t off = 0;

        while (off < len) {
                ssize_t n = write(fd, data + off, len - off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                off += (size_t)n;
        }
        return 0;
}

/* Writes and syncs the temporary file; an existing target's owner is
 * carried over when we may (root). */
static int sys_write_tmp(int dfd, const char *tmp, const char *data, size_t len, mode_t mode,
                         const struct stat *old)
{
        int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
        int r;

        if (fd < 0)
                return -errno;
        r = sys_write_all(fd, data, len);
        if (r == 0 && old && geteuid() == 0 && fchown(fd, old->st_uid, old->st_gid) < 0)
                r = -errno;
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        return r;
}

/* Writes the temporary file beside the target and renames it over it; an
 * existing file keeps its mode and (when we may) its owner. */
int sys_write_atomic(const struct sysroot *root, const char *path, const char *data, size_t len,
                     mode_t mode)
{
        _cleanup_free_ char *copy = NULL, *tmp = NULL;
        const char *base;
        _cleanup_close_ int dfd = sys_open_parent(root, path, &copy, &base);
        struct stat st;
        bool exists;
        int r;

        if (dfd < 0)
                return dfd;
        exists = fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0;
        /* A read-only file is someone's decision, also for root. */
        if (exists && (!S_ISREG(st.st_mode) || !(st.st_mode & 0222) || faccessat(dfd, base, W_OK, AT_EACCESS) < 0))
                return -EACCES;
        tmp = xasprintf(".%s.dlrig-tmp", base);
        r = sys_write_tmp(dfd, tmp, data, len, exists ? st.st_mode & 07777 : mode, exists ? &st : NULL);
        if (r == 0 && renameat(dfd, tmp, dfd, base) < 0)
                r = -errno;
        if (r < 0)
                unlinkat(dfd, tmp, 0);
        return r;
}

int sys_append(const struct sysroot *root, const char *path, const char *data, size_t len)
{
        _cleanup_free_ char *copy = NULL;
        const char *base;
        _cleanup_close_ int dfd = sys_open_parent(root, path, &copy, &base);
        _cleanup_close_ int fd = -1;

        if (dfd < 0)
                return dfd;
        fd = openat(dfd, base, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0)
                return -errno;
        return sys_write_all(fd, data, len);
}

/* The second half of sys_rename: the target's folder, then the rename. */
static int sys_rename_into(const struct sysroot *root, int from_dfd, const char *from_base,
                           const char *to)
{
        _cleanup_free_ char *copy = NULL;
        const char *base = NULL;
        _cleanup_close_ int dfd = sys_open_parent(root, to, &copy, &base);

        if (dfd < 0)
                return dfd;
        return renameat(from_dfd, from_base, dfd, base) < 0 ? -errno : 0;
}

int sys_rename(const struct sysroot *root, const char *from, const char *to)
{
        _cleanup_free_ char *copy = NULL;
        const char *base = NULL;
        _cleanup_close_ int dfd = sys_open_parent(root, from, &copy, &base);

        if (dfd < 0)
                return dfd;
        return sys_rename_into(root, dfd, base, to);
}

int sys_unlink(const struct sysroot *root, const char *path)
{
        _cleanup_free_ char *copy = NULL;
        const char *base;
        _cleanup_close_ int dfd = sys_open_parent(root, path, &copy, &base);

        if (dfd < 0)
                return dfd;
        return unlinkat(dfd, base, 0) < 0 ? -errno : 0;
}

char *sys_host_path(const struct sysroot *root, const char *path)
{
        if (sysroot_is_host(root))
                return xstrdup(path);
        return xasprintf("%s%s", sysroot_path(root), path);
}
