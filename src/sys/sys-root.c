/* sys-root.c - the root that every system path is resolved against. */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys-internal.h"
#include "util/xalloc.h"

struct sysroot {
        int dirfd;
        char *path;
        bool is_host;
};

int sysroot_open(const char *path, struct sysroot **ret)
{
        struct sysroot *root;
        struct stat st, host;
        int fd;

        if (!path || !*path)
                path = "/";
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        root = xcalloc(1, sizeof(*root));
        root->dirfd = fd;
        root->path = xstrdup(path);
        /* "/" and any other name of the same directory are this machine. */
        root->is_host = fstat(fd, &st) == 0 && stat("/", &host) == 0 &&
                        st.st_dev == host.st_dev && st.st_ino == host.st_ino;
        *ret = root;
        return 0;
}

struct sysroot *sysroot_free(struct sysroot *root)
{
        if (!root)
                return NULL;
        close(root->dirfd);
        free(root->path);
        free(root);
        return NULL;
}

bool sysroot_is_host(const struct sysroot *root)
{
        return root->is_host;
}

const char *sysroot_path(const struct sysroot *root)
{
        return root->path;
}

/* openat2 with RESOLVE_IN_ROOT keeps every symlink inside the root; kernels
 * before 5.6 (or seccomp filters in containers) lack it, and then a plain
 * openat relative to the root is the best we can do. */
int sysroot_openat(const struct sysroot *root, const char *path, int flags)
{
        struct open_how how = { .flags = (unsigned)flags | O_CLOEXEC,
                                .resolve = RESOLVE_IN_ROOT };
        const char *rel = path;
        int fd;

        while (*rel == '/')
                rel++;
        if (!*rel)
                rel = ".";
        if (root->is_host) {
                fd = open(path, flags | O_CLOEXEC);
                return fd < 0 ? -errno : fd;
        }
        fd = (int)syscall(SYS_openat2, root->dirfd, rel, &how, sizeof(how));
        if (fd >= 0)
                return fd;
        if (errno != ENOSYS && errno != EPERM)
                return -errno;
        fd = openat(root->dirfd, rel, flags | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

/* The kernel names what an O_PATH descriptor reached; below a root, that
 * name starts with the root folder's own, which is cut off. */
int sys_resolve(const struct sysroot *root, const char *path, struct strbuf *out)
{
        char link[64], host[4096], top[4096];
        int fd = sysroot_openat(root, path, O_PATH);
        ssize_t n, m = 0;

        if (fd < 0)
                return fd;
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        n = readlink(link, host, sizeof(host) - 1);
        if (n >= 0 && !root->is_host) {
                snprintf(link, sizeof(link), "/proc/self/fd/%d", root->dirfd);
                m = readlink(link, top, sizeof(top) - 1);
        }
        close(fd);
        if (n < 0 || m < 0)
                return -errno;
        host[n] = '\0';
        top[m] = '\0';
        if (m > 0 && !strcmp(top, "/"))
                m = 0; /* a root of "/" given by another name */
        if (m > 0 && (strncmp(host, top, (size_t)m) || (host[m] && host[m] != '/')))
                return -EXDEV; /* cannot happen with RESOLVE_IN_ROOT; refuse rather than guess */
        return strbuf_add(out, host[m] ? host + m : "/", strlen(host[m] ? host + m : "/"));
}
