/* snap-builder.h - hand-made snapshots for the check tests.
 *
 * snapb_healthy() builds the guide's machine: N × NVIDIA A10G on Ubuntu
 * 22.04, kernel 5.15.0-91-generic, driver 535.161.08 (CUDA 12.2), every
 * fact present and fine, persistence on. A test then breaks the one fact
 * its scenario is about and asserts the findings. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "check/check.h"
#include "snap/snap.h"

#define SNAPB_DRIVER "535.161.08"
#define SNAPB_KERNEL "5.15.0-91-generic"

/* The kernel's spelling of GPU i's bus id: "0000:1i:00.0" (borrowed). */
const char *snapb_bus(size_t i);

void snapb_healthy(struct snapshot *s, size_t ngpus);
/* Adds n NVSwitches and a fabric manager running at the driver version. */
void snapb_nvswitch(struct snapshot *s, size_t n);
void snapb_xid(struct snapshot *s, size_t gpu, int64_t code, const char *detail);
/* Makes GPU i answer NVML_ERROR_GPU_IS_LOST for every fact but its bus id. */
void snapb_lose_gpu(struct snapshot *s, size_t i);
/* Takes the NVIDIA driver away: no module, no libraries, no nodes. */
void snapb_no_driver(struct snapshot *s);
/* CUDA answers with the devices of the listed GPUs only (-1 ends). */
void snapb_cuda_devs(struct snapshot *s, const int *gpus);
/* cuInit returned code (the probe then records an error). */
void snapb_cuda_fail(struct snapshot *s, int64_t code);
/* nvmlInit returned code. */
void snapb_nvml_fail(struct snapshot *s, int64_t code);

/* Runs check_all; returns the ids of the findings of severity >= min,
 * sorted and space-separated (owned). */
char *snapb_ids(const struct snapshot *s, enum severity min);
/* The summary of the first finding of id (owned), or NULL. */
char *snapb_summary(const struct snapshot *s, const char *id);
/* The first evidence or fix line of a finding of id that contains needle
 * (owned), or NULL. */
char *snapb_line(const struct snapshot *s, const char *id, const char *needle);
/* Every fix line of every finding, one a line (owned). */
char *snapb_fixes(const struct snapshot *s);

/* Asserts the warn-and-fail ids of s (sorted) equal want. */
#define snapb_expect_bad(s, want)                                              \
        do {                                                                   \
                char *got_ = snapb_ids((s), SEV_WARN);                         \
                assert_string_equal(got_, (want));                             \
                free(got_);                                                    \
        } while (0)

/* Asserts the ids of every severity (sorted) equal want. */
#define snapb_expect_all(s, want)                                              \
        do {                                                                   \
                char *got_ = snapb_ids((s), SEV_OK);                           \
                assert_string_equal(got_, (want));                             \
                free(got_);                                                    \
        } while (0)

/* Asserts the first finding of id exists and its summary has phrase. */
#define snapb_expect_summary(s, id, phrase)                                    \
        do {                                                                   \
                char *sum_ = snapb_summary((s), (id));                         \
                if (!sum_)                                                     \
                        fail_msg("no finding %s", (id));                       \
                else if (!strstr(sum_, (phrase)))                              \
                        fail_msg("%s: \"%s\" lacks \"%s\"", (id), sum_, (phrase)); \
                free(sum_);                                                    \
        } while (0)

/* Asserts a finding of id has an evidence or fix line containing needle. */
#define snapb_expect_line(s, id, needle)                                       \
        do {                                                                   \
                char *line_ = snapb_line((s), (id), (needle));                 \
                if (!line_)                                                    \
                        fail_msg("%s: no line with \"%s\"", (id), (needle));  \
                free(line_);                                                   \
        } while (0)

/* Asserts no finding of id has a line containing needle. */
#define snapb_expect_no_line(s, id, needle)                                    \
        do {                                                                   \
                char *line_ = snapb_line((s), (id), (needle));                 \
                if (line_)                                                     \
                        fail_msg("%s: unexpected line \"%s\"", (id), line_);  \
                free(line_);                                                   \
        } while (0)
