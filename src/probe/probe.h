/* probe.h - probes gather facts into the snapshot; they never judge.
 *
 * Each probe reads the machine only through src/sys (and the driver worker)
 * and records what it could not see as a fact with a status, never failing
 * the run. Diagnostics meant for a person (a library's own complaints) go
 * into ctx->diag for the command layer to print. */
#pragma once

#include "drv/drv-worker.h"
#include "probe/dpkg-status.h"
#include "snap/snap.h"
#include "sys/sys.h"
#include "util/strv.h"

struct probe_ctx {
        const struct sysroot *root;
        const char *self_exe;       /* dlrig's own binary, for the driver worker */
        struct drv_limits limits;
        struct strv *diag;
        bool live;                  /* doctor --live: run each environment's Python */
};

void probe_all(const struct probe_ctx *ctx, struct snapshot *s);

/* What more than one probe reads, read once by probe_all: dpkg's database
 * (the fabric manager, the container toolkit, unattended-upgrades and the
 * driver's holds) and the running processes' names (the fabric manager
 * daemon, a display server). A busy host has thousands of both. */
struct probe_cache {
        struct dpkg_db dpkg;      /* empty when /var/lib/dpkg/status is unreadable */
        struct strv pids, comms;  /* parallel: each process with a readable comm */
        int procs_err;            /* -errno when /proc could not be listed, else 0 */
};

void probe_cache_load(const struct probe_ctx *ctx, struct probe_cache *c);
void probe_cache_release(struct probe_cache *c);

void probe_os(const struct probe_ctx *ctx, struct snap_os *os);
void probe_pci(const struct probe_ctx *ctx, struct snap_pci *pci);
/* Needs s->os.kernel to find the module built for the running kernel. */
void probe_kmod(const struct probe_ctx *ctx, struct snapshot *s);
void probe_devnodes(const struct probe_ctx *ctx, struct snap_devnodes *dn);
void probe_klog(const struct probe_ctx *ctx, struct snap_klog *klog);
void probe_fabric(const struct probe_ctx *ctx, const struct probe_cache *c,
                  struct snap_fabric *fm);

/* Software layers. probe_procenv and probe_shell run first: the others use
 * both views of PATH and LD_LIBRARY_PATH (the process's own and the login
 * shell's) and the user's home. */
void probe_procenv(const struct probe_ctx *ctx, struct snap_procenv *pe);
void probe_shell(const struct probe_ctx *ctx, const struct snap_procenv *pe, struct snap_shell *sh);
void probe_toolkits(const struct probe_ctx *ctx, const struct dpkg_db *db, struct snapshot *s);
void probe_python(const struct probe_ctx *ctx, struct snapshot *s);
/* Containers, upkeep, workload set-up; needs the shell's home folder. */
void probe_host(const struct probe_ctx *ctx, const struct probe_cache *c, struct snapshot *s);

/* Driver probes: the parent side of the worker, split in two so that the
 * NVML and CUDA workers run at the same time. */
void probe_nvml_take(const struct probe_ctx *ctx, struct worker_result *res,
                     int run_error, struct snapshot *s);
void probe_cuda_take(const struct probe_ctx *ctx, struct worker_result *res,
                     int run_error, struct snap_cuda *cuda);
/* The MIG instances of each GPU in MIG mode; needs NVML's minor numbers. */
void probe_mig_instances(const struct probe_ctx *ctx, struct snapshot *s);
