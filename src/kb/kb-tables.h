/* kb-tables.h - the tables scripts/kb-gen.py generates from the src/kb TSV files
 * (private to src/kb: the rest of dlrig uses the lookups of kb.h). */
#pragma once

#include <stddef.h>

#include "kb/kb.h"
#include "kb/kb-distro.h"

extern const struct kb_xid kb_xid_table[];     /* sorted by code */
extern const size_t kb_xid_table_size;

#define KB_TABLE(type, name)                                                   \
        extern const struct type name[];                                       \
        extern const size_t name##_size;

KB_TABLE(kb_cuda, kb_cuda_table)                  /* in file order: oldest first */
KB_TABLE(kb_torch, kb_torch_table)                /* oldest first */
KB_TABLE(kb_torch_variant, kb_torch_variant_table)
KB_TABLE(kb_arch, kb_arch_table)                  /* oldest first */
KB_TABLE(kb_gpu, kb_gpu_table)
KB_TABLE(kb_branch, kb_branch_table)              /* oldest first */
KB_TABLE(kb_installer, kb_installer_table)
KB_TABLE(kb_cc, kb_cc_table)                      /* oldest first */
KB_TABLE(kb_distro, kb_distro_table)
