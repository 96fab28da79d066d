/* probe-internal.h - helpers shared by the probes of src/probe (not a
 * public interface: nothing outside this folder includes it). */
#pragma once

#include <errno.h>
#include <string.h>

#include "probe.h"

/* The status that a failed read's -errno means: a missing file is absent,
 * a refused one denied, anything else an error. */
static inline enum fact_st probe_st_from_errno(int r)
{
        return r == -ENOENT || r == -ENOTDIR ? FACT_ABSENT
             : r == -EACCES || r == -EPERM   ? FACT_DENIED
                                             : FACT_ERROR;
}

/* Records a failed read on a string fact, with strerror as the reason. */
static inline void probe_fail_str(struct fact_str *f, int r)
{
        fact_fail_str(f, probe_st_from_errno(r), strerror(-r));
}

static inline void probe_fail_num(struct fact_num *f, int r)
{
        fact_fail_num(f, probe_st_from_errno(r), strerror(-r));
}

/* probe-kmod.c is split in three: the loaded module and its versions
 * (probe-kmod.c), the module file for the running kernel read with libkmod
 * (probe-modfile.c) and the DKMS trees (probe-dkms.c). */
void probe_modfile(const struct probe_ctx *ctx, struct snapshot *s);
void probe_dkms(const struct probe_ctx *ctx, struct snapshot *s);

/* Each device's way up the PCI tree and the ACS state of the bridges on
 * it (probe-pcitree.c); run by probe_pci once the devices are known. */
void probe_pci_tree(const struct probe_ctx *ctx, struct snap_pci *pci);

/* Secure Boot's module keys: the MOK list and db, a pending enrolment,
 * the DKMS/akmods signing keys (probe-mok.c). */
void probe_mok(const struct probe_ctx *ctx, struct snap_os *os);

/* doctor --live: asks the environment's own Python what torch sees
 * (probe-python-live.c). */
void probe_python_live(const struct probe_ctx *ctx, struct snap_pyenv *e);
/* One entry of a site-packages folder that is no dist-info: an egg-info
 * (name, PKG-INFO's version), a NAME.egg-link (the checkout's egg-info;
 * for torch *ret_torch_root, the checkout) or pip install -e's torch files
 * (only *ret_torch_root; name NULL). 0, or -1 for anything else. */
int probe_python_egg(const struct probe_ctx *ctx, const char *site, const char *entry, char **ret_name,
                     char **ret_version, char **ret_torch_root);

/* The host's upkeep and workload facts (probe-upkeep.c), called by
 * probe_host with the shared dpkg database and process list. */
void probe_upkeep(const struct probe_ctx *ctx, const struct probe_cache *c, struct snapshot *s);

/* A CUDA toolkit folder's version and the evidence it came from
 * (toolkit-version.c): version.json, the package database, nvcc, the
 * runtime library's name; FACT_ABSENT when none says. */
void probe_toolkit_version(const struct probe_ctx *ctx, const struct dpkg_db *db, const char *dir,
                           struct snap_toolkit *k);

/* Reads the Python environment at prefix into the snapshot (once: a prefix
 * already listed is returned as it is); NULL past the cap (probe-python.c).
 * kind says what made it: "conda", "venv", "uv", "poetry", "pyenv", "asdf",
 * "user" (pip --user), "system". */
struct snap_pyenv *probe_python_add(const struct probe_ctx *ctx, struct snapshot *s, const char *kind,
                                    const char *prefix, const char *name);
