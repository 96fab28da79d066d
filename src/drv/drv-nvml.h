/* drv-nvml.h - what the two halves of the NVML gatherer share: drv-nvml.c
 * (library, system facts, the record stream) and drv-nvml-gpu.c (one GPU's
 * facts). Internal to src/drv. */
#pragma once

#include "nvml-errors.h"
#include "nvml-types.h"
#include "nvml-syms.h"
#include "snap/snap.h"

struct nvml_ctx {
        struct nvml_api api;
        const char *used[NVML_SYM_MAX]; /* name each symbol was found under; NULL: missing */
};

/* Records a call's outcome in a fact: the value when r is NVML_SUCCESS,
 * else the failure's status and name (see nvml-errors.h). */
void drv_nvml_num(struct fact_num *f, nvmlReturn_t r, int64_t v);
/* Same for text; buf need not be NUL-terminated within len. */
void drv_nvml_str(struct fact_str *f, nvmlReturn_t r, const char *buf, size_t len);

/* Asks for every fact of GPU i into g (worker side; writes breadcrumbs). A
 * GPU without a handle keeps only its name fact, failed with the reason. */
void drv_nvml_gpu_gather(const struct nvml_ctx *c, unsigned int i, struct snap_gpu *g);

/* Asks for the topology of the count GPUs into t (worker side). */
void drv_nvml_topo_gather(const struct nvml_ctx *c, unsigned int count, struct snap_topo *t);
