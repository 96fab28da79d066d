/* snap-json-internal.h - the field-descriptor tables that describe the
 * snapshot's JSON form, and the one engine that writes and reads them. */
#pragma once

#include <jansson.h>
#include <stddef.h>

enum jtype { JT_FSTR, JT_FNUM, JT_STR, JT_INT, JT_BOOL, JT_STRV, JT_PROBE, JT_OBJ, JT_ARRAY };

struct jfield;

struct jtable {
        const struct jfield *fields;
        size_t n;
        size_t elem_size;  /* arrays only */
        size_t count_off;  /* arrays only: offset of the size_t count */
};

struct jfield {
        const char *key;
        enum jtype type;
        size_t off;
        const struct jtable *sub; /* JT_OBJ and JT_ARRAY */
};

#define TABLE(t) { t, sizeof(t) / sizeof(t[0]), 0, 0 }
#define F(T, S, m) { #m, T, offsetof(S, m), NULL }

/* Writes the object at base as described by t; returns a new reference. */
json_t *jtable_write(const struct jtable *t, const char *base);
/* Reads j into base (zeroed by the caller); -EBADMSG with an owned message
 * naming the field ("gpus[3].uuid: expected a string") on bad input. */
int jtable_read(const struct jtable *t, json_t *j, void *base, char **reterr);
