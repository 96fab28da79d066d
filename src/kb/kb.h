/* kb.h - the knowledge base: facts about the world, compiled from the
 * readable data files src/kb/<name>.tsv (one fact a row, each with its
 * source). Lookups return borrowed pointers into static tables, or NULL. */
#pragma once

#include <stddef.h>

enum kb_xid_class {
        KB_XID_APP,       /* usually an application fault: restart the job */
        KB_XID_WARNING,   /* watch it: recurring means trouble */
        KB_XID_CRITICAL,  /* hardware or driver fault: reset, drain or RMA */
};

struct kb_xid {
        int code;
        const char *name;     /* NVIDIA's mnemonic */
        const char *meaning;  /* one line, our words */
        enum kb_xid_class cls;
        const char *action;   /* what to do, one line */
        const char *source;
};

const struct kb_xid *kb_xid_find(int code);
