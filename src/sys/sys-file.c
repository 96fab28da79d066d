/* sys-file.c - reading files, links and metadata below the root. */
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

int sys_open(const struct sysroot *root, const char *path, int flags)
{
        return sysroot_openat(root, path, flags | O_NONBLOCK | O_NOCTTY);
}

/* Reads fd to EOF (or EAGAIN, for /dev/kmsg-like files) into out. */
static int read_all(int fd, size_t max, struct strbuf *out)
{
        size_t start = out->len;
        char chunk[8192];

        for (;;) {
                ssize_t n = read(fd, chunk, sizeof(chunk));

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN)
                        return 0;
                if (n < 0 && errno == EPIPE && out->len > start)
                        return 0; /* /dev/kmsg: record overwritten, keep what we have */
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return 0;
                if (out->len - start + (size_t)n > max)
                        return -E2BIG;
                if (strbuf_add(out, chunk, (size_t)n) < 0)
                        return -E2BIG;
        }
}

int sys_read_file(const struct sysroot *root, const char *path, size_t max,
                  struct strbuf *out)
{
        _cleanup_close_ int fd = sys_open(root, path, O_RDONLY);

        if (fd < 0)
                return fd;
        return read_all(fd, max, out);
}

int sys_read_value(const struct sysroot *root, const char *path,
                   struct strbuf *out)
{
        int r = sys_read_file(root, path, 64 * 1024, out);

        if (r >= 0)
                strbuf_rtrim(out);
        return r;
}

int sys_readlink(const struct sysroot *root, const char *path,
                 struct strbuf *out)
{
        _cleanup_free_ char *dir = xstrdup(path), *base = xstrdup(path);
        _cleanup_close_ int dfd = -1;
        char target[4096];
        ssize_t n;

        dfd = sysroot_openat(root, dirname(dir), O_PATH | O_DIRECTORY);
        if (dfd < 0)
                return dfd;
        n = readlinkat(dfd, basename(base), target, sizeof(target) - 1);
        if (n < 0)
                return -errno;
        return strbuf_add(out, target, (size_t)n);
}

int sys_stat(const struct sysroot *root, const char *path, struct stat *ret)
{
        _cleanup_close_ int fd = sysroot_openat(root, path, O_PATH);

        if (fd < 0)
                return fd;
        return fstat(fd, ret) < 0 ? -errno : 0;
}

bool sys_exists(const struct sysroot *root, const char *path)
{
        struct stat st;

        return sys_stat(root, path, &st) == 0;
}

int sys_write_file_atomic(const char *host_path, const char *data, size_t len)
{
        _cleanup_free_ char *tmp = xasprintf("%s.tmp.%d", host_path, (int)getpid());
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        size_t off = 0;
        int r = 0;

        if (fd < 0)
                return -errno;
        while (off < len && r == 0) {
                ssize_t n = write(fd, data + off, len - off);
                if (n < 0 && errno != EINTR)
                        r = -errno;
                else if (n > 0)
                        off += (size_t)n;
        }
        if (r == 0 && fsync(fd) < 0)
                r = -errno;
        if (close(fd) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(tmp, host_path) < 0)
                r = -errno;
        if (r < 0)
                unlink(tmp);
        return r;
}
