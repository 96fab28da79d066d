/* import.c - which report a --from file is, and what the imports share. */
#include "import.h"

#include <string.h>

#include "kb/kb.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static bool has(const char *buf, size_t len, const char *needle)
{
        return memmem(buf, len, needle, strlen(needle)) != NULL;
}

enum import_kind import_detect(const char *buf, size_t len)
{
        size_t i = 0;

        while (i < len && strchr(" \t\r\n", buf[i]) && buf[i])
                i++;
        if (i < len && buf[i] == '{')
                return IMPORT_SNAPSHOT;
        if (has(buf, len, "<nvidia_smi_log"))
                return IMPORT_NVSMI;
        if (has(buf, len, "PyTorch version:") || has(buf, len, "Is CUDA available:"))
                return IMPORT_COLLECT_ENV;
        return IMPORT_UNKNOWN;
}

const char *import_kind_name(enum import_kind k)
{
        switch (k) {
        case IMPORT_SNAPSHOT: return "a dlrig snapshot";
        case IMPORT_COLLECT_ENV: return "a PyTorch collect_env report";
        case IMPORT_NVSMI: return "an nvidia-smi -q -x report";
        default: return "an unknown report";
        }
}

/* Every model the words match must agree; "NVIDIA A100-SXM4-80GB" is
 * tried again as "NVIDIA A100" when its full name matches none. */
static const char *cc_of(const char *name)
{
        const char *cc = NULL;
        const struct kb_gpu *g;

        for (size_t i = 0; (g = kb_gpu_match(name, i)) != NULL; i++) {
                if (cc && strcmp(cc, g->cc))
                        return NULL;
                cc = g->cc;
        }
        return cc;
}

const char *import_cc_of_name(const char *name)
{
        const char *cc = cc_of(name);
        const char *dash = strchr(name, '-');
        _cleanup_free_ char *head = NULL;

        if (cc || !dash)
                return cc;
        head = xstrndup(name, (size_t)(dash - name));
        return cc_of(head);
}
