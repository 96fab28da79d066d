/* fuzz-import.h - the body both report importers' fuzz targets share: a
 * report read into a snapshot, judged by every check, serialised, freed. */
#pragma once

#include <jansson.h>
#include <stdlib.h>

#include "check/check.h"
#include "fuzz.h"
#include "probe/import.h"
#include "snap/snap-json.h"

typedef int (*fuzz_importer)(const char *buf, size_t len, struct snapshot *s, char **reterr);

static inline int fuzz_import(const uint8_t *data, size_t size, fuzz_importer import)
{
        struct findings fs = FINDINGS_INIT;
        struct snapshot s;
        char *err = NULL;
        json_t *j;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        snap_init(&s);
        (void)import_detect((const char *)data, size);
        if (import((const char *)data, size, &s, &err) == 0) {
                check_all(&s, &fs);
                findings_release(&fs);
        }
        free(err);
        j = snap_to_json(&s);
        free(json_dumps(j, 0));
        json_decref(j);
        snap_release(&s);
        return 0;
}
