/* fleet.h - dlrig fleet's model: many nodes' reports side by side.
 *
 * Pure: each node is a snapshot (plus its findings), reduced to the columns
 * an admin compares (docs/fleet.md); fleet_finish() finds each column's
 * majority, marks the nodes that differ from it (drift), and groups the
 * nodes that share a failing or warning finding. Reading the files is
 * cmd/cmd-fleet.c's; render/render-fleet.c prints the model. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "check/finding.h"
#include "snap/snap.h"
#include "util/strv.h"

/* The columns compared for drift, in table order. */
enum fleet_col {
        FLEET_DRIVER, /* NVIDIA driver version */
        FLEET_CUDA,   /* the CUDA version the driver supports */
        FLEET_NVCC,   /* the toolkit PATH finds */
        FLEET_TORCH,  /* the PATH-selected environment's torch */
        FLEET_NCCL,   /* that environment's NCCL wheel, else LD_LIBRARY_PATH's libnccl */
        FLEET_GPUS,   /* GPU count */
        FLEET_MODEL,  /* GPU model ("mixed" when they differ) */
        FLEET_NCOLS,
};

/* The value of a column that is not known. */
#define FLEET_UNKNOWN "-"

struct fleet_node {
        char *host;              /* os.hostname, else the file's name */
        bool host_from_file;     /* the report had no hostname */
        char *file;
        int64_t mtime;           /* the file's modification time (newer wins) */
        size_t order;            /* position on the command line */
        enum severity status;    /* the worst finding */
        char *col[FLEET_NCOLS];  /* owned; FLEET_UNKNOWN when not known */
        bool drift[FLEET_NCOLS]; /* differs from the column's majority */
        struct strv failing;     /* finding ids, report order */
        struct strv warnings;
};

/* Nodes sharing one finding. */
struct fleet_group {
        char *id;
        enum severity sev;
        struct strv hosts;
};

struct fleet {
        struct fleet_node *nodes;
        size_t n, alloc;
        size_t seen;                       /* reports added, for "the later one wins" */
        const char *majority[FLEET_NCOLS]; /* borrowed from a node; NULL: no majority */
        size_t majority_n[FLEET_NCOLS];    /* nodes holding it */
        struct fleet_group *groups;        /* fail first, then by node count */
        size_t ngroups;
        struct strv skipped;               /* "FILE: reason" of files not read */
        struct strv notes;                 /* duplicate hosts: which report was kept */
};

void fleet_init(struct fleet *f);
void fleet_release(struct fleet *f);
const char *fleet_col_name(enum fleet_col c); /* "driver", "cuda", ... */

/* Adds the node of one report; its findings follow with fleet_add_finding.
 * A host already present keeps the newer report (mtime, then the later
 * argument): the older node is dropped, and a note says which was kept.
 * Returns the node to add findings to, or NULL when this report is the
 * older one (its findings are then ignored). */
struct fleet_node *fleet_add(struct fleet *f, const char *file, int64_t mtime,
                             const struct snapshot *s);
void fleet_add_finding(struct fleet_node *n, const char *id, enum severity sev);
/* Records a file that could not be read (named on stderr by the caller). */
void fleet_skip(struct fleet *f, const char *file, const char *why);
/* Sorts the nodes by host, finds majorities, drift and groups. */
void fleet_finish(struct fleet *f);
/* The worst node's status; SEV_INVALID when there is no node. */
enum severity fleet_worst(const struct fleet *f);
