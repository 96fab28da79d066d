/* fake-desc.h - the machine description that the fake NVIDIA libraries
 * (fake-nvml.c, fake-cuda.c, later NCCL and cuBLAS) answer from. The format
 * is documented in README.md next to this file.
 *
 * Each fake library describes itself with a struct fake_lib and asks one
 * question per call: "what does KEY return on device DEV?". The answer is
 * the entry's code and value, after its delay; an entry that hangs never
 * answers. An entry the description lacks is reported on stderr, as
 *
 *     fake-nvml: no entry for DeviceGetName (device 1) in gpus.json
 *
 * and answered with the library's distinctive "unknown" code, so a
 * fixture that forgot a fact fails loudly instead of passing by default.
 * The same goes for a value of the wrong shape.
 *
 * The description is read once, from the file named by DLRIG_FAKE_MACHINE,
 * and kept for the life of the process. Not thread-safe: the driver worker
 * that loads the fakes is single-threaded. Values are borrowed from it. */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

struct fake_code {
        const char *name; /* "NVML_ERROR_GPU_IS_LOST", usable as "ret" */
        int code;
};

struct fake_lib {
        const char *tag;               /* "fake-nvml", starts each stderr line */
        const char *section;           /* "nvml": the description's top-level key */
        const struct fake_code *codes; /* names a fixture may use for "ret" */
        size_t ncodes;
        int unknown;                   /* the code of an undescribed call (999) */
};

#define FAKE_SYSTEM (-1) /* dev for a system-level (not per-device) call */

/* The number of entries in the section's "devices" array. */
int fake_desc_ndevices(const struct fake_lib *lib);

/* Looks the entry up, waits its delay_ms (forever for a hang) and returns
 * its code. On a code of 0 *ret_value gets the value (borrowed; NULL when
 * the entry has none). With no entry: when required, reports it and returns
 * lib->unknown; otherwise returns -1 without a word, so that bookkeeping
 * calls (handles, counts) can fall back to the description's shape. */
int fake_desc_call(const struct fake_lib *lib, int dev, const char *key, int required,
                   json_t **ret_value);

/* The same, for calls that return a number: accepts a JSON integer, a
 * boolean or a string such as "0x223710DE". */
int fake_desc_u64(const struct fake_lib *lib, int dev, const char *key, uint64_t *ret);
/* An already looked-up value as a number; a value of another shape is
 * reported and gives lib->unknown. */
int fake_desc_as_u64(const struct fake_lib *lib, int dev, const char *key, json_t *value,
                     uint64_t *ret);
/* For calls that return text; *ret is borrowed from the description. */
int fake_desc_str(const struct fake_lib *lib, int dev, const char *key, const char **ret);

/* One output of a call with several: the value is either an array in the
 * order of the call's parameters (index i) or an object keyed by NVIDIA's
 * parameter names (name). A part that is absent or not a number is
 * reported and gives lib->unknown; returns 0 on success. */
int fake_desc_part_u64(const struct fake_lib *lib, int dev, const char *key, json_t *value,
                       size_t i, const char *name, uint64_t *ret);

/* Reports a value of the wrong shape for key and returns lib->unknown. */
int fake_desc_bad(const struct fake_lib *lib, int dev, const char *key, const char *what);
