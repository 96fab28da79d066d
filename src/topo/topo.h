/* topo.h - the GPU topology as dlrig topo shows it, derived from the
 * snapshot's topology section: the link kind between every pair of GPUs
 * (the letters of nvidia-smi topo -m), the P2P capabilities, each GPU's
 * CPUs, NUMA node and NVLink links. Pure: reads the snapshot, owns only
 * its arrays (strings are borrowed from the snapshot). Its text, JSON and
 * DOT forms are render/render-topo.c's. */
#pragma once

#include "snap/snap.h"

/* Path kinds, nearest first, as nvidia-smi names them. */
enum topo_kind {
        TOPO_SELF,
        TOPO_NV,      /* NVLink: direct or through NVSwitch */
        TOPO_PIX,     /* at most one PCIe bridge (same switch port) */
        TOPO_PXB,     /* several PCIe bridges, no host bridge */
        TOPO_PHB,     /* through a PCIe host bridge (the CPU's root complex) */
        TOPO_NODE,    /* between host bridges of one NUMA node */
        TOPO_SYS,     /* across the inter-socket link (QPI/UPI, Infinity Fabric) */
        TOPO_UNKNOWN,
        TOPO_KIND_MAX,
};

enum topo_cap { TOPO_CAP_READ, TOPO_CAP_WRITE, TOPO_CAP_ATOMICS, TOPO_CAP_NVLINK, TOPO_CAP_PCI,
                TOPO_CAP_MAX };

struct topo_gpu {
        int64_t index;
        const char *bus_id, *name, *cpus; /* NULL when unknown */
        int64_t numa;                     /* -1 unknown */
        int64_t links, up;                /* NVLink; -1 unknown */
        int64_t switch_links;             /* active links to an NVSwitch */
};

struct topo_cell {
        enum topo_kind kind;
        int64_t nvlinks;                  /* links joining the pair (NV#) */
        int64_t p2p[TOPO_CAP_MAX];        /* nvmlGpuP2PStatus_t, -1 unknown */
};

struct topo_model {
        size_t n;
        struct topo_gpu *gpus;
        struct topo_cell *cells;          /* n * n, row-major */
        int nvswitch;                     /* some GPU links to an NVSwitch */
        int from_pci;                     /* built from the sysfs PCI tree: no NVLink, no P2P */
};

/* Fills m from s; returns -1 (m empty) when the snapshot has no topology. */
int topo_build(const struct snapshot *s, struct topo_model *m);
/* The fallback without the driver (topo-pci.c): the path kinds from the
 * PCI tree, GPUs in bus order; -1 (m empty) when no GPU is on the bus. */
int topo_build_pci(const struct snapshot *s, struct topo_model *m);
void topo_release(struct topo_model *m);
const struct topo_cell *topo_cell(const struct topo_model *m, size_t a, size_t b);

/* "NV18", "PIX", "X"; buf holds 16 bytes. */
const char *topo_cell_label(const struct topo_cell *c, char *buf);
const char *topo_kind_name(enum topo_kind k);
/* "ok", "chipset not supported", ... for an nvmlGpuP2PStatus_t. */
const char *topo_p2p_name(int64_t st);
