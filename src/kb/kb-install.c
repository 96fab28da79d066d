/* kb-install.c - driver branches and installers (branches.tsv,
 * installers.tsv): what dlrig plan chooses from. */
#include <string.h>

#include "kb/kb-tables.h"

size_t kb_branch_count(void)
{
        return kb_branch_table_size;
}

const struct kb_branch *kb_branch_at(size_t i)
{
        return i < kb_branch_table_size ? &kb_branch_table[i] : NULL;
}

const struct kb_branch *kb_branch_find(const char *branch)
{
        for (size_t i = 0; branch && i < kb_branch_table_size; i++)
                if (!strcmp(kb_branch_table[i].branch, branch))
                        return &kb_branch_table[i];
        return NULL;
}

const struct kb_installer *kb_installer_find(const char *name)
{
        for (size_t i = 0; name && i < kb_installer_table_size; i++)
                if (!strcmp(kb_installer_table[i].name, name))
                        return &kb_installer_table[i];
        return NULL;
}
