/* kb-distro.h - Linux distributions (distro.tsv) and the commands that
 * install NVIDIA's software on them.
 *
 * One home for what doctor and plan both need: the family (package manager,
 * initramfs tool), NVIDIA's repository (codename, URL, arch folder) and the
 * command lists that add the repository and install a driver, a toolkit or
 * torch. plan turns the lists into its steps' actions; doctor prints the
 * same lists as fix lines, so the two cannot disagree. Pure: every input is
 * a plain string, nothing is read from the machine. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strv.h"

enum kb_family {
        KB_FAMILY_DEBIAN,   /* apt-get, update-initramfs */
        KB_FAMILY_RHEL,     /* dnf, dracut */
        KB_FAMILY_MAX,
        KB_FAMILY_INVALID = -1,
};

enum kb_pm {
        KB_PM_APT,
        KB_PM_DNF,
        KB_PM_MAX,
        KB_PM_INVALID = -1,
};

struct kb_distro {
        const char *id;             /* os-release ID: "ubuntu", "ol" */
        enum kb_family family;
        enum kb_pm pm;
        const char *repo;           /* NVIDIA's codename: "ubuntu{ver}", "rhel{major}" */
        bool own_driver;            /* the distribution's archive ships the driver (Ubuntu) */
        const char *driver_streams; /* majors whose driver comes as dnf module streams: "8 9"; NULL: none */
        const char *repo_url;       /* ".../compute/cuda/repos" */
        const char *arch_x86_64;    /* the repository's folder for x86_64 */
        const char *arch_aarch64;   /* ... for aarch64 ("sbsa"); NULL: none */
        const char *initramfs;      /* "update-initramfs -u" */
        const char *source;
};

/* The row of an os-release ID, or NULL for a distribution dlrig does not
 * know (then doctor says the step as a comment and plan refuses). */
const struct kb_distro *kb_distro_find(const char *id);
/* NVIDIA's repository codename for version_id ("22.04" -> "ubuntu2204",
 * "9.4" -> "rhel9"). Owned. */
char *kb_distro_repo(const struct kb_distro *d, const char *version_id);
/* The repository's folder for a machine ("aarch64" -> "sbsa"); anything
 * but aarch64 (and an unknown machine, NULL) is x86_64's. */
const char *kb_distro_arch(const struct kb_distro *d, const char *machine);

/* ---- commands ---- */

enum kb_cmd_kind {
        KB_CMD_RUN,   /* argv: one command, run as root */
        KB_CMD_PKG,   /* argv: packages to install with the package manager */
};

struct kb_cmd {
        enum kb_cmd_kind kind;
        struct strv argv;
};

#define KB_CMDS_MAX 8
struct kb_cmds {
        size_t n;
        struct kb_cmd v[KB_CMDS_MAX];
        char *done_path;  /* a file whose presence means done; NULL: none (owned) */
};

void kb_cmds_release(struct kb_cmds *c);

/* Add NVIDIA's repository: the cuda-keyring package with apt, a .repo file
 * with dnf. done_path is the keyring or .repo file. */
void kb_cmds_repo(const struct kb_distro *d, const char *version_id, const char *machine,
                  struct kb_cmds *ret);
/* Install the driver of branch ("580"; NULL: the newest the archive offers)
 * with open or proprietary kernel modules, and the headers of kernel (NULL:
 * no headers, they are there already). NVIDIA's repository must be added
 * first unless d->own_driver. */
void kb_cmds_driver(const struct kb_distro *d, const char *version_id, const char *branch, bool open,
                    const char *kernel, struct kb_cmds *ret);
/* Install the CUDA toolkit cuda ("12.8" -> cuda-toolkit-12-8) from
 * NVIDIA's repository. */
void kb_cmds_toolkit(const struct kb_distro *d, const char *cuda, struct kb_cmds *ret);

/* Which torch set to install, and how. */
struct kb_pip_torch {
        const char *python;      /* the environment's interpreter; NULL: plain "pip" */
        const char *uv;          /* uv's path: "uv pip install --python PYTHON"; NULL: pip */
        bool reinstall;          /* --force-reinstall */
        const char *torch, *torchvision, *torchaudio, *index_url;
};
/* Appends to ret the command that installs the set: "PYTHON -m pip install
 * [--force-reinstall] torch==T torchvision==V torchaudio==A --index-url URL". */
void kb_cmd_pip_torch(const struct kb_pip_torch *t, struct strv *ret);
