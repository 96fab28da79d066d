/* sys-tmp.c - a private folder of this machine for a run's files (prove's
 * harness and what torch writes while it runs), removed whole afterwards. */
#include "sys.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/xalloc.h"

int sys_tmpdir_make(const char *prefix, char **ret)
{
        const char *base = getenv("TMPDIR");
        char *path = xasprintf("%s/%s-XXXXXX", base && *base == '/' ? base : "/tmp", prefix);

        if (!mkdtemp(path)) {
                int r = -errno;
                free(path);
                return r;
        }
        *ret = path;
        return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st, (void)ftw;
        if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int sys_remove_tree(const char *host_path)
{
        int r = nftw(host_path, remove_one, 16, FTW_DEPTH | FTW_PHYS);

        return r < 0 ? -errno : r;
}
