/* fuzz-snap-json.c - the snapshot JSON (doctor --from): parse, load into a
 * snapshot, write it back out, free. */
#include <jansson.h>
#include <stdlib.h>

#include "fuzz.h"
#include "snap/snap-json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct snapshot s;
        char *err = NULL;
        json_t *j, *out;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        j = json_loadb((const char *)data, size, 0, NULL);
        if (!j)
                return 0;
        snap_init(&s);
        if (snap_from_json(j, &s, &err) == 0) {
                out = snap_to_json(&s);
                free(json_dumps(out, JSON_SORT_KEYS));
                json_decref(out);
        }
        free(err);
        snap_release(&s);
        json_decref(j);
        return 0;
}
