/* fake-nvml.h - what the two halves of the fake libnvidia-ml share:
 * fake-nvml.c (helpers, system calls, device identity) and fake-nvml-dev.c
 * (per-device state and health). Built with hidden visibility: only the
 * NVML entry points below are exported. */
#pragma once

#include "drv/nvml-types.h"
#include "drv/nvml-syms.h"
#include "fake-desc.h"

#define FAKE_EXPORT __attribute__((visibility("default")))

/* Our prototypes, from the same list dlrig resolves: a definition that
 * differs, or a name left undefined, fails the build of the fake. */
#define FAKE_NVML_DECL_(ret, args, name) FAKE_EXPORT ret name args;
#define FAKE_NVML_ROW_(field, req, ret, args, ...)                             \
        DRV_EACH_NAME(FAKE_NVML_DECL_, ret, args, __VA_ARGS__)
NVML_SYMS(FAKE_NVML_ROW_)

extern const struct fake_lib fake_nvml;

/* The device index behind a handle, or -1 for a handle we never gave out. */
int fake_nvml_index(nvmlDevice_t d);
/* Calls answered with one number. */
nvmlReturn_t fake_nvml_uint(nvmlDevice_t d, const char *key, unsigned int *out);
nvmlReturn_t fake_nvml_ull(nvmlDevice_t d, const char *key, unsigned long long *out);
/* Calls answered with two: [a, b] or {"<na>": a, "<nb>": b}. */
nvmlReturn_t fake_nvml_pair(nvmlDevice_t d, const char *key, const char *na, unsigned int *a,
                            const char *nb, unsigned int *b);
/* Text into a caller's buffer, refused (as NVML does) when it won't fit. */
nvmlReturn_t fake_nvml_text(int dev, const char *key, char *buf, unsigned int len);
