/* kb-arch.c - GPU architecture lookups (arch.tsv). */
#include <strings.h>
#include <string.h>

#include "kb/kb-tables.h"

/* True when cc ("8.6") is one of the space-separated list's words. */
static bool kb_arch_has_cc(const char *list, const char *cc)
{
        size_t n = strlen(cc);

        for (const char *p = list; (p = strstr(p, cc)); p += n)
                if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
                        return true;
        return false;
}

const struct kb_arch *kb_arch_for_cc(const char *cc)
{
        for (size_t i = 0; cc && i < kb_arch_table_size; i++)
                if (kb_arch_has_cc(kb_arch_table[i].ccs, cc))
                        return &kb_arch_table[i];
        return NULL;
}

const struct kb_arch *kb_arch_find(const char *name)
{
        for (size_t i = 0; name && i < kb_arch_table_size; i++)
                if (!strcasecmp(kb_arch_table[i].name, name))
                        return &kb_arch_table[i];
        return kb_arch_for_cc(name);
}

size_t kb_arch_count(void)
{
        return kb_arch_table_size;
}

const struct kb_arch *kb_arch_at(size_t i)
{
        return i < kb_arch_table_size ? &kb_arch_table[i] : NULL;
}
