/* check-prove.h - prove's judges: pure functions of the snapshot (its
 * prove section, with the GPUs NVML sees, CUDA_VISIBLE_DEVICES, the PCIe
 * bridges' ACS and /dev/shm for context) and the knowledge base. Known
 * messages of PyTorch and NCCL map to their causes and fixes
 * (docs/findings.md, "Prove"). */
#pragma once

#include "check/finding.h"
#include "snap/snap.h"

/* Below this share of dlrig bench's NCCL bus bandwidth (prove --bench),
 * torch's all-reduce is slow: both move the same bytes with NCCL. */
#define CHECK_PROVE_SLOW_FRACTION 0.5

/* 'unhandled system error' with /dev/shm below this is NCCL's shared
 * memory not fitting (failures.md F33; 1 GiB, as container.shm-small). */
#define CHECK_PROVE_SHM_MIN (1LL << 30)

/* Every prove finding, then prove.ok when all steps passed; sorted. */
void check_prove(const struct snapshot *s, struct findings *fs);
