/* check.h - checks: pure functions from a snapshot to findings.
 *
 * A check reads only the snapshot and the knowledge base; it never touches
 * the machine, so every check can be tested on a hand-made snapshot. A
 * check stays silent about a layer whose lower layer is already broken
 * (no "CUDA failed" when the kernel module is missing): the root cause is
 * reported once, not drowned in its consequences. */
#pragma once

#include "check/finding.h"
#include "snap/snap.h"

typedef void (*check_fn)(const struct snapshot *s, struct findings *fs);

struct check {
        const char *name;
        check_fn run;
};

/* Runs every registered check, then sorts the findings. */
void check_all(const struct snapshot *s, struct findings *fs);

extern const struct check check_registry[];
extern const size_t check_registry_size;

/* One check per layer (check-*.c). */
void check_pci(const struct snapshot *s, struct findings *fs);
void check_kmod(const struct snapshot *s, struct findings *fs);
void check_driver(const struct snapshot *s, struct findings *fs);
void check_fabric(const struct snapshot *s, struct findings *fs);
void check_cuda(const struct snapshot *s, struct findings *fs);
void check_gpus(const struct snapshot *s, struct findings *fs);
void check_health(const struct snapshot *s, struct findings *fs);
void check_branch(const struct snapshot *s, struct findings *fs);
void check_toolkit(const struct snapshot *s, struct findings *fs);
void check_python(const struct snapshot *s, struct findings *fs);
void check_torch(const struct snapshot *s, struct findings *fs);
void check_host(const struct snapshot *s, struct findings *fs);
void check_upkeep(const struct snapshot *s, struct findings *fs);
void check_ext(const struct snapshot *s, struct findings *fs);
void check_topo(const struct snapshot *s, struct findings *fs);
/* PCI-tree checks that need no driver, run by check_topo (check-acs.c). */
void check_acs(const struct snapshot *s, struct findings *fs);
void check_iommu(const struct snapshot *s, struct findings *fs); /* check-iommu.c */
void check_numa(const struct snapshot *s, struct findings *fs);  /* check-numa.c */
