/* shell-rc.h - applying a shell rc file's PATH and LD_LIBRARY_PATH
 * assignments to a set of variables, without running the file. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strv.h"

struct shell_vars {
        char *path;              /* owned */
        char *ld_library_path;   /* owned; NULL while unset */
        const char *home;        /* borrowed */
        struct strv names;       /* other variables the files set (CUDA_HOME, ...) */
        struct strv values;
};

void shell_vars_release(struct shell_vars *v);

/* Applies the top-level assignments of buf (the file named file) to vars;
 * pushes "file:line: text" for each assignment mentioning cuda. Returns
 * true when the file holds conda's init block. */
bool shell_rc_apply(struct shell_vars *vars, const char *file, const char *buf, size_t len,
                    struct strv *cuda_lines);
