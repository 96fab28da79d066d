/* fuzz.h - the libFuzzer entry point every fuzz-<parser>.c defines; the
 * same file links either with libFuzzer (-Dfuzz=true, clang) or with
 * fuzz-replay.c, which feeds it a corpus folder in ordinary meson test. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Inputs above this are skipped: parsers see size-capped files anyway. */
#define FUZZ_INPUT_MAX (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
