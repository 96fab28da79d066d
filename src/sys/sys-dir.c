/* sys-dir.c - listing directories below the root. */
#include "sys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sys-internal.h"
#include "util/xalloc.h"

/* Caps a directory listing; /proc on a busy host has tens of thousands. */
#define SYS_DIR_MAX_ENTRIES 200000

int sys_list_dir(const struct sysroot *root, const char *path,
                 struct strv *ret)
{
        int fd = sysroot_openat(root, path, O_RDONLY | O_DIRECTORY);
        struct strv names = STRV_INIT;
        struct dirent *de;
        DIR *d;

        if (fd < 0)
                return fd;
        d = fdopendir(fd);
        if (!d) {
                int r = -errno;
                close(fd);
                return r;
        }
        while ((de = readdir(d))) {
                if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                        continue;
                if (names.n >= SYS_DIR_MAX_ENTRIES)
                        break;
                strv_push(&names, xstrdup(de->d_name));
        }
        closedir(d);
        strv_sort(&names);
        *ret = names;
        return (int)names.n;
}
