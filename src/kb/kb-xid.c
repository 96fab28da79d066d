/* kb-xid.c - Xid meanings, from src/kb/xid.tsv. */
#include "kb/kb.h"

#include <stdlib.h>

#include "kb/kb-tables.h"

static int kb_xid_cmp(const void *key, const void *elem)
{
        int code = *(const int *)key;
        const struct kb_xid *x = elem;

        return (code > x->code) - (code < x->code);
}

const struct kb_xid *kb_xid_find(int code)
{
        /* kb-gen.py sorted the table by code and refused duplicates. */
        return bsearch(&code, kb_xid_table, kb_xid_table_size, sizeof(*kb_xid_table),
                       kb_xid_cmp);
}
