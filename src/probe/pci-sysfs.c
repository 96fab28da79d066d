/* pci-sysfs.c - parsing PCI device attributes from sysfs (see pci-sysfs.h). */
#include "pci-sysfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/strv.h"
#include "util/xalloc.h"

int pci_sysfs_num(const char *buf, size_t len, int64_t *ret)
{
        _cleanup_free_ char *s = NULL;
        bool hex;

        if (memchr(buf, '\0', len))
                return -EBADMSG; /* a NUL inside: not a sysfs number */
        s = strip_dup(buf, len);
        hex = startswith(s, "0x") || startswith(s, "0X");
        if (hex && !s[2])
                return -EBADMSG;
        return parse_i64(s, hex ? 16 : 10, ret) < 0 ? -EBADMSG : 0;
}

int pci_sysfs_link_gen(const char *buf, size_t len, int *ret_gen)
{
        _cleanup_free_ char *s = strip_dup(buf, len);
        size_t n = strcspn(s, " ");
        const char *rest = s + n;
        int gen;

        if (startswith(s, "Unknown"))
                return -EOPNOTSUPP;
        while (*rest == ' ')
                rest++;
        if (strcmp(rest, "GT/s") && strcmp(rest, "GT/s PCIe"))
                return -EBADMSG;
        gen = kb_pcie_gen_of_rate(s, n); /* both of Linux's spellings */
        if (!gen)
                return -EBADMSG;
        *ret_gen = gen;
        return 0;
}

/* Parses one "0x..." field and moves *p past it and the blanks after it. */
static int pci_sysfs_hex_field(const char **p, uint64_t *ret)
{
        _cleanup_free_ char *tok = NULL;
        size_t n;

        while (**p == ' ' || **p == '\t')
                (*p)++;
        n = strcspn(*p, " \t");
        if (n < 3 || (*p)[0] != '0' || ((*p)[1] != 'x' && (*p)[1] != 'X'))
                return -EBADMSG;
        tok = xstrndup(*p, n);
        *p += n;
        return parse_u64(tok + 2, 16, ret) < 0 ? -EBADMSG : 0;
}

int pci_sysfs_bar0_size(const char *buf, size_t len, uint64_t *ret)
{
        const char *nl = memchr(buf, '\n', len);
        _cleanup_free_ char *line = xstrndup(buf, nl ? (size_t)(nl - buf) : len);
        const char *p = line;
        uint64_t start, end, flags;

        if (pci_sysfs_hex_field(&p, &start) < 0 || pci_sysfs_hex_field(&p, &end) < 0 ||
            pci_sysfs_hex_field(&p, &flags) < 0)
                return -EBADMSG;
        if (start == 0 && end == 0) {
                *ret = 0;
                return 0;
        }
        if (end < start || (end == UINT64_MAX && start == 0))
                return -EBADMSG;
        *ret = end - start + 1;
        return 0;
}

int pci_sysfs_upstream(const char *link, struct strv *out)
{
        _cleanup_(strv_release) struct strv parts = STRV_INIT;
        const char *p = link;
        size_t top = SIZE_MAX;

        while (*p) {
                size_t n = strcspn(p, "/");

                if (n)
                        strv_push(&parts, xstrndup(p, n));
                p += n + (p[n] == '/');
        }
        for (size_t i = 0; i < parts.n && top == SIZE_MAX; i++)
                if (startswith(parts.v[i], "pci") && strchr(parts.v[i], ':'))
                        top = i;
        /* the device itself must come after its host bridge */
        if (top == SIZE_MAX || top + 1 >= parts.n)
                return -EBADMSG;
        for (size_t i = top; i < parts.n; i++)
                if (!strcmp(parts.v[i], "..") || !strcmp(parts.v[i], "."))
                        return -EBADMSG;
        for (size_t i = top; i + 1 < parts.n; i++)
                strv_push(out, xstrdup(parts.v[i]));
        return 0;
}
