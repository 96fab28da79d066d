/* kb-cc.c - the newest GCC each CUDA release's nvcc accepts as host
 * compiler on x86_64 Linux (cc.tsv): crt/host_config.h of that release
 * stops the build with "unsupported GNU version! gcc versions later than N
 * are not supported" beyond it. */
#include "kb-tables.h"

#include <string.h>

#include "util/cleanup.h"
#include "util/parse.h"
#include "util/versions.h"
#include "util/xalloc.h"

/* "12.1.105" -> "12.1": the table's rows name minor releases. */
static char *kb_cc_minor(const char *v)
{
        const char *dot = strchr(v, '.');
        const char *end = dot ? strchr(dot + 1, '.') : NULL;

        return xstrndup(v, end ? (size_t)(end - v) : strlen(v));
}

int kb_cuda_max_gcc(const char *cuda_version)
{
        _cleanup_free_ char *minor = NULL;

        if (!cuda_version)
                return 0;
        minor = kb_cc_minor(cuda_version);
        for (size_t i = 0; i < kb_cc_table_size; i++)
                if (version_cmp(minor, kb_cc_table[i].first_cuda) >= 0 &&
                    version_cmp(minor, kb_cc_table[i].last_cuda) <= 0)
                        return kb_cc_table[i].max_gcc;
        return 0; /* before, between or past the table's releases: no judgement */
}
