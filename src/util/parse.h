/* parse.h - checked parsers for numbers and text lines (versions: versions.h).
 *
 * Number parsers reject empty input, trailing junk (other than trailing
 * whitespace) and overflow, and write *ret only on success. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

int parse_u64(const char *s, int base, uint64_t *ret);
int parse_i64(const char *s, int base, int64_t *ret);
int parse_int(const char *s, int *ret);

/* Splits buf into lines: calls fn for each line (without '\n'), stopping
 * early when fn returns non-zero, which is then returned. */
int for_each_line(const char *buf, size_t len,
                  int (*fn)(const char *line, size_t len, void *data),
                  void *data);

/* Copies s with surrounding whitespace removed into an owned string. */
char *strip_dup(const char *s, size_t len);

bool startswith(const char *s, const char *prefix);

/* Normalises a PCI bus id to the kernel's form, "0000:3b:00.0": NVML's
 * "00000000:3B:00.0" and CUDA's "0000:3B:00.0" both map to it. Returns an
 * owned string, or NULL when s is not a bus id. */
char *pci_bus_id_normalize(const char *s);
