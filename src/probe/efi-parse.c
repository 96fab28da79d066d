/* efi-parse.c - UEFI signature lists and X.509 subjects (see efi-parse.h). */
#include "efi-parse.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "util/xalloc.h"

#define DER_SEQUENCE 0x30
#define DER_SET 0x31
#define DER_OID 0x06
#define DER_VERSION 0xa0 /* [0] EXPLICIT, before the serial number */
#define EFI_LIST_HEADER 28 /* GUID, ListSize, HeaderSize, SignatureSize */
#define EFI_GUID_SIZE 16
#define CN_MAX 256

/* EFI_CERT_X509_GUID a5c059a1-94e4-4aa7-87b5-ab155c2bf072, as stored
 * (the first three fields little-endian). */
static const uint8_t efi_cert_x509[EFI_GUID_SIZE] = {
        0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
        0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72,
};

/* id-at-commonName, 2.5.4.3, as DER content bytes. */
static const uint8_t oid_cn[] = { 0x55, 0x04, 0x03 };

struct der {
        const uint8_t *p, *end;
};

/* Reads one element of d: its tag and content; advances d past it.
 * Definite lengths of up to four bytes only (DER allows nothing else
 * in certificates of this size). */
static bool der_next(struct der *d, uint8_t *ret_tag, struct der *ret_content)
{
        size_t avail = (size_t)(d->end - d->p), n, hdr = 2;
        uint8_t tag, len0;

        if (avail < 2)
                return false;
        tag = d->p[0], len0 = d->p[1];
        if (len0 < 0x80) {
                n = len0;
        } else {
                size_t k = len0 & 0x7f;

                if (k == 0 || k > 4 || avail < 2 + k)
                        return false;
                n = 0;
                for (size_t i = 0; i < k; i++)
                        n = n << 8 | d->p[2 + i];
                hdr += k;
        }
        if (n > avail - hdr)
                return false;
        *ret_tag = tag;
        ret_content->p = d->p + hdr;
        ret_content->end = d->p + hdr + n;
        d->p += hdr + n;
        return true;
}

/* Enters the element of d that must have tag. */
static bool der_enter(struct der *d, uint8_t tag, struct der *ret)
{
        uint8_t t;

        return der_next(d, &t, ret) && t == tag;
}

static char *der_text(const struct der *v)
{
        size_t n = (size_t)(v->end - v->p);
        char *s;

        if (n > CN_MAX)
                n = CN_MAX;
        s = xmalloc(n + 1);
        for (size_t i = 0; i < n; i++)
                s[i] = v->p[i] >= 0x20 && v->p[i] < 0x7f ? (char)v->p[i] : '?';
        s[n] = '\0';
        return s;
}

/* The commonName of a Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
static char *der_name_cn(struct der name)
{
        struct der rdn, atv, oid, value;
        uint8_t tag;

        while (der_enter(&name, DER_SET, &rdn))
                while (der_enter(&rdn, DER_SEQUENCE, &atv))
                        if (der_enter(&atv, DER_OID, &oid) &&
                            (size_t)(oid.end - oid.p) == sizeof(oid_cn) &&
                            !memcmp(oid.p, oid_cn, sizeof(oid_cn)) && der_next(&atv, &tag, &value))
                                return der_text(&value);
        return NULL;
}

char *efi_x509_subject_cn(const uint8_t *der, size_t len)
{
        struct der d = { der, der + len }, cert, tbs, skip, subject;
        uint8_t tag;

        if (!der_enter(&d, DER_SEQUENCE, &cert) || !der_enter(&cert, DER_SEQUENCE, &tbs))
                return NULL;
        if (tbs.p < tbs.end && tbs.p[0] == DER_VERSION && !der_next(&tbs, &tag, &skip))
                return NULL;
        /* serialNumber, signature, issuer, validity, then subject */
        for (int i = 0; i < 4; i++)
                if (!der_next(&tbs, &tag, &skip))
                        return NULL;
        if (!der_enter(&tbs, DER_SEQUENCE, &subject))
                return NULL;
        return der_name_cn(subject);
}

static uint32_t le32(const uint8_t *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The X.509 entries of one list (its header already checked). */
static int efi_list_certs(const uint8_t *list, size_t size, struct strv *ret)
{
        size_t header = le32(list + 20), sig = le32(list + 24), off = EFI_LIST_HEADER + header;
        int n = 0;

        if (memcmp(list, efi_cert_x509, EFI_GUID_SIZE) || sig <= EFI_GUID_SIZE || off > size)
                return 0;
        for (; size - off >= sig; off += sig) {
                char *cn = efi_x509_subject_cn(list + off + EFI_GUID_SIZE, sig - EFI_GUID_SIZE);

                strv_push(ret, cn ? cn : xstrdup("(a certificate without a common name)"));
                n++;
        }
        return n;
}

int efi_siglist_subjects(const uint8_t *buf, size_t len, struct strv *ret)
{
        size_t off = 0;
        int n = 0;

        while (len - off >= EFI_LIST_HEADER) {
                size_t size = le32(buf + off + 16);

                if (size < EFI_LIST_HEADER || size > len - off)
                        return -EBADMSG;
                n += efi_list_certs(buf + off, size, ret);
                off += size;
        }
        return n;
}
