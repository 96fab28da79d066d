/* kb-model.c - lookups in the model table generated from models.tsv. */
#include "kb/kb-model.h"

#include <strings.h>

const struct kb_model *kb_model_find(const char *query)
{
        if (!query)
                return NULL;
        for (size_t i = 0; i < kb_model_table_size; i++) {
                const struct kb_model *m = &kb_model_table[i];

                if (!strcasecmp(m->repo, query) || !strcasecmp(m->name, query))
                        return m;
        }
        return NULL;
}

size_t kb_model_count(void)
{
        return kb_model_table_size;
}

const struct kb_model *kb_model_at(size_t i)
{
        return i < kb_model_table_size ? &kb_model_table[i] : NULL;
}
