/* probe-mok.c - what Secure Boot trusts for kernel modules: the keys of
 * shim's MOK list and of the firmware's db, an enrolment waiting for the
 * next boot, and the module signing keys DKMS and akmods made on this
 * machine. check-kmod.c compares them with the key that signed nvidia.ko.
 *
 * The lists are EFI variables (efivarfs: four attribute bytes, then the
 * data). Shim splits a long MOK list into MokListRT, MokListRT1, ...; since
 * Linux 5.18 the kernel also exposes it, without the attribute bytes, in
 * /sys/firmware/efi/mok-variables (used when efivars has none). */
#include "probe-internal.h"

#include <errno.h>
#include <string.h>

#include "efi-parse.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define EFIVARS "/sys/firmware/efi/efivars"
#define SHIM_GUID "605dab50-e046-4300-abb6-3dd810dd8b23"
#define DB_GUID "d719b2cb-3d3a-4596-a3bc-dad00e67656f" /* EFI_IMAGE_SECURITY_DATABASE_GUID */
#define MOK_VAR_MAX (1u << 20)
#define MOK_SPLIT_MAX 8

/* The key files module builders sign with, whichever exist: DKMS 3
 * (Debian, Ubuntu 24.04, Fedora), Ubuntu's and Debian's shim-signed
 * (update-secureboot-policy), Fedora's and RHEL's akmods (kmodgenca). */
static const char *const mok_key_files[] = {
        "/var/lib/dkms/mok.pub",
        "/var/lib/shim-signed/mok/MOK.der",
        "/etc/pki/akmods/certs/public_key.der",
};

/* Adds the subjects of one variable; returns 1 when it was read. */
static int mok_read_var(const struct probe_ctx *ctx, const char *path, size_t skip,
                        struct strv *keys)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_(strv_release) struct strv found = STRV_INIT;
        int r = sys_read_file(ctx->root, path, MOK_VAR_MAX, &sb);

        if (r < 0)
                return r;
        if (sb.len < skip)
                return -EBADMSG;
        (void)efi_siglist_subjects((const uint8_t *)sb.buf + skip, sb.len - skip, &found);
        for (size_t i = 0; i < found.n; i++)
                if (strv_find(keys, found.v[i]) < 0)
                        strv_push(keys, xstrdup(found.v[i]));
        return 1;
}

/* MokListRT, MokListRT1, ... from efivars, else from mok-variables. */
static int mok_read_moklist(const struct probe_ctx *ctx, struct strv *keys)
{
        int r = 0, got = 0;

        for (int i = 0; i <= MOK_SPLIT_MAX && r >= 0; i++) {
                _cleanup_free_ char *p = i ? xasprintf(EFIVARS "/MokListRT%d-" SHIM_GUID, i)
                                           : xstrdup(EFIVARS "/MokListRT-" SHIM_GUID);

                r = mok_read_var(ctx, p, 4, keys);
                got += r > 0;
        }
        if (got)
                return got;
        return mok_read_var(ctx, "/sys/firmware/efi/mok-variables/MokListRT", 0, keys);
}

static void mok_enrolled(const struct probe_ctx *ctx, struct snap_os *os)
{
        int mok = mok_read_moklist(ctx, &os->enrolled_keys);
        int db = mok_read_var(ctx, EFIVARS "/db-" DB_GUID, 4, &os->enrolled_keys);

        if (mok > 0 || db > 0)
                fact_set_num(&os->enrolled_read, (mok > 0) + (db > 0));
        else
                probe_fail_num(&os->enrolled_read, mok == -ENOENT ? db : mok);
        fact_set_num(&os->mok_pending, sys_exists(ctx->root, EFIVARS "/MokNew-" SHIM_GUID));
}

/* "path: subject" of each signing key file present. */
static void mok_signing_keys(const struct probe_ctx *ctx, struct snap_os *os)
{
        for (size_t i = 0; i < sizeof(mok_key_files) / sizeof(mok_key_files[0]); i++) {
                _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
                _cleanup_free_ char *cn = NULL;

                if (sys_read_file(ctx->root, mok_key_files[i], 64 * 1024, &sb) < 0)
                        continue;
                cn = efi_x509_subject_cn((const uint8_t *)sb.buf, sb.len);
                strv_pushf(&os->signing_keys, "%s: %s", mok_key_files[i],
                           cn ? cn : "(not a DER certificate)");
        }
}

void probe_mok(const struct probe_ctx *ctx, struct snap_os *os)
{
        mok_signing_keys(ctx, os);
        if (!sys_exists(ctx->root, "/sys/firmware/efi")) {
                fact_fail_num(&os->enrolled_read, FACT_ABSENT, "legacy BIOS boot (no EFI)");
                fact_fail_num(&os->mok_pending, FACT_ABSENT, "legacy BIOS boot (no EFI)");
                return;
        }
        mok_enrolled(ctx, os);
}
