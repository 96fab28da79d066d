/* toolkit-parse.h - what a CUDA toolkit's version can be read from when it
 * has no version.json: package databases, nvcc's own words, library file
 * names. Each returns an owned version string, or NULL when the input does
 * not say. */
#pragma once

#include <stddef.h>

/* `nvcc --version`: "Cuda compilation tools, release 13.0, V13.0.88"
 * -> "13.0.88" (the release, "13.0", when there is no V field). */
char *toolkit_nvcc_release(const char *out);
/* One package's upstream version from an rpm listing, either dlrig's
 * recording format "NAME VERSION-RELEASE ARCH" per line or plain `rpm -qa`
 * ("NAME-VERSION-RELEASE.ARCH"): "cuda-nvcc-12-4 12.4.131-1 x86_64" ->
 * "12.4.131". */
char *toolkit_rpm_version(const char *buf, size_t len, const char *name);
/* The version in a file name after prefix: ("libcudart.so.13.0.96",
 * "libcudart.so.") -> "13.0.96"; ("cuda-nvcc-12.4.131-0.json", "cuda-nvcc-")
 * -> "12.4.131" (a conda-meta file); ("cuda-12.4.1-1", "cuda-") -> "12.4.1"
 * (a pacman database folder). At least major.minor, else NULL. */
char *toolkit_name_version(const char *filename, const char *prefix);
