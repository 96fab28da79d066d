/* snap-json-internal.h - the field-descriptor tables that describe the
 * snapshot's JSON form, and the one engine that writes and reads them.
 * snap-json.c expands the tables from the lists in snap.h. */
#pragma once

#include <jansson.h>
#include <stddef.h>

/* The kinds of snap.h's lists (ENV is read as a STR). */
enum jtype { JT_NUM, JT_STR, JT_TEXT, JT_INT, JT_REAL, JT_BOOL, JT_STRV, JT_PROBE, JT_OBJ, JT_ARRAY };

struct jfield;

struct jtable {
        const struct jfield *fields;
        size_t n;
        size_t size;       /* of the struct: the stride of an array of them */
};

struct jfield {
        const char *key;
        enum jtype type;
        size_t off;
        const struct jtable *sub; /* JT_OBJ and JT_ARRAY */
        size_t count_off;         /* JT_ARRAY: offset of its size_t count */
};

/* Writes the object at base as described by t; returns a new reference. */
json_t *jtable_write(const struct jtable *t, const char *base);
/* Reads j into base (zeroed by the caller); -EBADMSG with an owned message
 * naming the field ("gpus[3].uuid: expected a string") on bad input. */
int jtable_read(const struct jtable *t, json_t *j, void *base, char **reterr);
/* The same, for a record of a worker: every key of t must be there (a
 * section's status and "unavailable" map aside). */
int jtable_read_strict(const struct jtable *t, json_t *j, void *base, char **reterr);
