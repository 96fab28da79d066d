/* kb-torch.c - PyTorch release and wheel-variant lookups (torch.tsv,
 * torch-variants.tsv). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb-tables.h"
#include "util/parse.h"

/* Compares a release with a version that may carry a local part ("+cu121"). */
static bool kb_torch_same(const char *release, const char *v)
{
        size_t n = strcspn(v, "+");

        return strlen(release) == n && !strncmp(release, v, n);
}

/* The length of version's release number: "2.6.0" of "2.6.0.dev20241112+cu124". */
static size_t kb_torch_release_len(const char *v)
{
        size_t n = strspn(v, "0123456789.");

        while (n && v[n - 1] == '.')
                n--;
        return n;
}

const char *kb_torch_prerelease(const char *version)
{
        const char *rest = version ? version + kb_torch_release_len(version) : "";

        if (!*rest || *rest == '+')
                return NULL;
        if (!strncmp(rest, ".dev", 4))
                return "a nightly";
        if (strstr(rest, ".nv"))
                return "an NVIDIA NGC build";
        return "a pre-release";
}

/* The first release of the series ("2.6") that version's number begins. */
static const struct kb_torch *kb_torch_series(const char *version, size_t n)
{
        const char *dot = memchr(version, '.', n);
        size_t series = dot ? (size_t)(dot - version) + 1 + strcspn(dot + 1, ".") : n;

        series = series < n ? series : n;
        for (size_t i = 0; i < kb_torch_table_size; i++) {
                const char *r = kb_torch_table[i].version;

                if (!strncmp(r, version, series) && r[series] == '.')
                        return &kb_torch_table[i];
        }
        return NULL;
}

const struct kb_torch *kb_torch_find(const char *version)
{
        size_t n;

        for (size_t i = 0; version && i < kb_torch_table_size; i++)
                if (kb_torch_same(kb_torch_table[i].version, version))
                        return &kb_torch_table[i];
        if (!kb_torch_prerelease(version))
                return NULL;
        n = kb_torch_release_len(version);
        for (size_t i = 0; i < kb_torch_table_size; i++)
                if (strlen(kb_torch_table[i].version) == n && !strncmp(kb_torch_table[i].version, version, n))
                        return &kb_torch_table[i];
        return kb_torch_series(version, n);
}

const struct kb_torch_variant *kb_torch_variant_nth(const char *torch, size_t n)
{
        for (size_t i = 0; torch && i < kb_torch_variant_table_size; i++)
                if (kb_torch_same(kb_torch_variant_table[i].torch, torch) && !n--)
                        return &kb_torch_variant_table[i];
        return NULL;
}

const struct kb_torch_variant *kb_torch_variant_find(const char *torch, const char *variant)
{
        const struct kb_torch *t = kb_torch_find(torch);
        const struct kb_torch_variant *v;

        if (!variant)
                variant = t ? t->default_variant : NULL;
        for (size_t i = 0; variant && (v = kb_torch_variant_nth(torch, i)); i++)
                if (!strcmp(v->variant, variant))
                        return v;
        return NULL;
}

size_t kb_torch_count(void)
{
        return kb_torch_table_size;
}

const struct kb_torch *kb_torch_at(size_t i)
{
        return i < kb_torch_table_size ? &kb_torch_table[i] : NULL;
}

/* "8.6" -> 86; "12.0" -> 120; -1 when malformed. */
int kb_cc_num(const char *cc)
{
        int major, minor;

        if (!cc || sscanf(cc, "%d.%d", &major, &minor) != 2 || major < 0 || minor < 0 || minor > 9)
                return -1;
        return major * 10 + minor;
}

/* Does one arch-list entry run on compute capability cc? A cubin (sm_XY)
 * runs on the same major with an equal or higher minor; PTX (compute_XY)
 * is compiled by the driver for any equal or newer GPU. */
static bool kb_torch_entry_runs(const char *entry, size_t len, int cc)
{
        char buf[32];
        int code;
        bool ptx = !strncmp(entry, "compute_", 8);

        if (len >= sizeof(buf))
                return false;
        memcpy(buf, entry, len);
        buf[len] = '\0';
        if (sscanf(buf + (ptx ? 8 : 3), "%d", &code) != 1 || (!ptx && strncmp(buf, "sm_", 3)))
                return false;
        if (ptx)
                return cc >= code;
        return cc / 10 == code / 10 && cc % 10 >= code % 10;
}

bool kb_torch_variant_runs_on(const struct kb_torch_variant *v, const char *cc)
{
        int want = kb_cc_num(cc);
        const char *p = v && v->archs ? v->archs : "";

        while (want >= 0 && *p) {
                size_t n = strcspn(p, " ");
                if (n && kb_torch_entry_runs(p, n, want))
                        return true;
                p += n + (p[n] == ' ');
        }
        return false;
}
