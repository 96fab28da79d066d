/* efi-parse.h - the certificates of a UEFI signature list (the MOK list
 * shim keeps in MokListRT, the firmware's db) and the subject of an X.509
 * certificate in DER, enough to tell which key signs a module and whether
 * Secure Boot trusts it.
 *
 * Layouts: UEFI specification 2.10, 32.4.1 (EFI_SIGNATURE_LIST: type GUID,
 * list size, header size, signature size, then entries of an owner GUID
 * and the data); X.509 as RFC 5280 4.1 (Certificate > tbsCertificate >
 * subject Name, the commonName attribute 2.5.4.3). Nothing is verified:
 * dlrig only names the keys. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "util/strv.h"

/* The subject commonName of a DER certificate, owned, or NULL when der is
 * not a certificate or its subject has no commonName. Only printable
 * ASCII is kept (other bytes become '?'). */
char *efi_x509_subject_cn(const uint8_t *der, size_t len);

/* Pushes onto ret the subject commonName of every X.509 entry of the
 * signature lists in buf (the variable's data, without efivarfs' four
 * attribute bytes); hash entries are skipped. Returns the number pushed,
 * or -EBADMSG when a list overruns buf (those before it are kept). */
int efi_siglist_subjects(const uint8_t *buf, size_t len, struct strv *ret);
