/* kb-tables.h - the tables scripts/kb-gen.py generates from the src/kb TSV files
 * (private to src/kb: the rest of dlrig uses the lookups of kb.h). */
#pragma once

#include <stddef.h>

#include "kb/kb.h"

extern const struct kb_xid kb_xid_table[];     /* sorted by code */
extern const size_t kb_xid_table_size;
