/* fake-cuda.h - what fake-cuda.c shares with fake-cuda-mem.c. */
#pragma once

#include "fake-desc.h"

extern const struct fake_lib fake_cuda;
/* Whether cuInit has succeeded. */
int fake_cuda_ready(void);
