/* fuzz-nvsmi.c - doctor --from's nvsmi import (probe/import-nvsmi.c) into
 * a snapshot that is then judged by every check, serialised and freed. */
#include <jansson.h>
#include <stdlib.h>

#include "check/check.h"
#include "fuzz.h"
#include "probe/import.h"
#include "snap/snap-json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct findings fs = FINDINGS_INIT;
        struct snapshot s;
        char *err = NULL;
        json_t *j;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        snap_init(&s);
        (void)import_detect((const char *)data, size);
        if (import_nvsmi((const char *)data, size, &s, &err) == 0) {
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
