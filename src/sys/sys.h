/* sys.h - the only layer that touches the machine.
 *
 * Every path is absolute in the inspected machine's namespace ("/proc/...")
 * and is resolved below the root given by --root: symlinks (absolute ones
 * included) resolve inside the root and ".." cannot climb out of it, so a
 * fixture folder or a mounted image behaves like a live machine.
 *
 * Functions return 0 (or a count) on success and a negative errno on failure:
 * -ENOENT absent, -EACCES denied, -E2BIG over the size cap. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "util/strbuf.h"
#include "util/strv.h"

struct sysroot;

/* Opens the root folder; "/" or NULL means this machine. */
int sysroot_open(const char *path, struct sysroot **ret);
struct sysroot *sysroot_free(struct sysroot *root);
/* True when the root is this running machine, so that live-only facts
 * (uname, the process environment, driver libraries) belong to it. */
bool sysroot_is_host(const struct sysroot *root);
const char *sysroot_path(const struct sysroot *root);

/* Opens path read-only (O_CLOEXEC|O_NONBLOCK|O_NOCTTY); returns an fd. */
int sys_open(const struct sysroot *root, const char *path, int flags);
/* Reads a whole file of at most max bytes into out (appending). */
int sys_read_file(const struct sysroot *root, const char *path, size_t max,
                  struct strbuf *out);
/* Like sys_read_file but strips trailing whitespace; for one-value files. */
int sys_read_value(const struct sysroot *root, const char *path,
                   struct strbuf *out);
int sys_readlink(const struct sysroot *root, const char *path,
                 struct strbuf *out);
/* path with every symbolic link resolved, as the inspected machine names
 * it ("/usr/local/cuda" -> "/usr/local/cuda-13.0" through /etc/alternatives).
 * -ENOENT when a link dangles. */
int sys_resolve(const struct sysroot *root, const char *path, struct strbuf *out);
int sys_stat(const struct sysroot *root, const char *path, struct stat *ret);
bool sys_exists(const struct sysroot *root, const char *path);
/* Sorted entry names of a directory, without "." and "..". */
int sys_list_dir(const struct sysroot *root, const char *path,
                 struct strv *ret);
/* Writes data to a host path atomically (temp file + rename). */
int sys_write_file_atomic(const char *host_path, const char *data, size_t len);

/* A new private folder (mode 0700) of this machine, under $TMPDIR or
 * /tmp, named PREFIX-XXXXXX; *ret owned. */
int sys_tmpdir_make(const char *prefix, char **ret);
/* Removes a folder of this machine and everything below it (links are
 * removed, never followed). */
int sys_remove_tree(const char *host_path);

/* ---- writing below the root (dlrig setup) ---- */
int sys_mkdir_p(const struct sysroot *root, const char *path);
/* Replaces path with data atomically (temporary file + rename in the same
 * folder). An existing file keeps its mode and owner; one that is not
 * writable is refused with -EACCES. A new one gets mode. On failure the old
 * file is untouched and no temporary file is left. */
int sys_write_atomic(const struct sysroot *root, const char *path, const char *data, size_t len,
                     mode_t mode);
int sys_append(const struct sysroot *root, const char *path, const char *data, size_t len);
int sys_rename(const struct sysroot *root, const char *from, const char *to);
int sys_unlink(const struct sysroot *root, const char *path);
/* path as this machine names it (the root's folder prepended), for a
 * tool of this machine that writes there (curl -o). Owned. */
char *sys_host_path(const struct sysroot *root, const char *path);
