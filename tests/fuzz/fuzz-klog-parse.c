/* fuzz-klog-parse.c - kernel log parsing, as kmsg records and as a text
 * log, into a snapshot that is then serialised and freed. */
#include <jansson.h>
#include <stdlib.h>

#include "fuzz.h"
#include "probe/klog-parse.h"
#include "snap/snap-json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct snapshot s;
        json_t *j;

        if (size > FUZZ_INPUT_MAX)
                return 0;
        snap_init(&s);
        klog_parse((const char *)data, size, KLOG_KMSG, &s.klog);
        klog_parse((const char *)data, size, KLOG_TEXT, &s.klog);
        if (s.klog.nxid > 2 * KLOG_XID_MAX || s.klog.nvrm.n > 2 * KLOG_NVRM_MAX)
                __builtin_trap();
        j = snap_to_json(&s);
        free(json_dumps(j, 0));
        json_decref(j);
        snap_release(&s);
        return 0;
}
