/* versions.h - the one home for dotted versions: comparing them, finding one
 * in text, and taking parts of one ("580.159.04" -> branch "580",
 * "12.1.105" -> major.minor "12.1", "3.11.9" -> major 3, minor 11).
 *
 * Versions are plain strings everywhere (facts, kb rows); these helpers never
 * allocate except version_find. Parts come back by value in a small struct so
 * that a caller can write version_branch(v).s inline. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Compares dotted numeric versions ("535.161.08" < "550.54.15"); missing
 * components count as 0, a non-numeric component compares as text.
 * Returns -1, 0 or 1. */
int version_cmp(const char *a, const char *b);

/* The first token shaped like N.N[.N...] in s, copied into an owned string,
 * or NULL when there is none. */
char *version_find(const char *s);

/* A part of a version, NUL-terminated; longer parts are cut at 31 bytes. */
#define VERSION_PART_MAX 32
struct version_part {
        char s[VERSION_PART_MAX];
};

/* Everything before the first dot: the major "12" of "12.8". "" for NULL. */
struct version_part version_major(const char *v);
/* The driver branch: the major of a driver version ("580" of "580.159.04"). */
struct version_part version_branch(const char *v);
/* The first two components: "12.1" of "12.1.105", "3.11" of "3.11.9";
 * a bare "12" stays "12". "" for NULL. */
struct version_part version_major_minor(const char *v);

/* Reads "MAJOR.MINOR[...]" as numbers ("8.9.2.26" -> 8, 9); false (and
 * nothing written) when v does not start with two numbers and a dot. */
bool version_parse_mm(const char *v, long *major, long *minor);

/* Two versions are the same release, ignoring a package revision:
 * "535.161.08" and "535.161.08-1ubuntu1". False when either has none. */
bool version_same_release(const char *a, const char *b);
