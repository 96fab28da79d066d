/* sys-internal.h - helpers shared by the files of src/sys only. */
#pragma once

#include "sys.h"

/* Opens path below the root; returns an fd or a negative errno. */
int sysroot_openat(const struct sysroot *root, const char *path, int flags);
