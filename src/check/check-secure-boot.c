/* check-secure-boot.c - Secure Boot keeping the nvidia module out: an
 * unsigned module (it needs signing with a key, and that key enrolled), or
 * a module signed by a key that is not enrolled (it needs only the
 * enrolment: mokutil --import, then MokManager at the next boot). Called
 * by check-kmod.c when the module is installed but not loaded. */
#include "check.h"

#include <stdio.h>
#include <string.h>

#include "check-util.h"

/* The kernel log lines that show the kernel refused the module's key. */
static const char *const check_kmod_key_signs[] = {
        "Key was rejected", "unavailable key", "unsigned module", "module verification failed",
        "Required key not available",
};

/* The kernel log line that says the kernel refused the module's key
 * (signs[]: "unavailable key" is a key that is not enrolled), or NULL. */
static const char *check_kmod_key_rejected(const struct snapshot *s)
{
        for (size_t i = 0; i < sizeof(check_kmod_key_signs) / sizeof(check_kmod_key_signs[0]); i++) {
                const char *line = check_util_klog_find(s, check_kmod_key_signs[i], NULL);
                if (line)
                        return line;
        }
        return NULL;
}

/* The key file made on this machine whose certificate names signer (a
 * DKMS or akmods key, "path: CN" in signing_keys), into buf, or NULL. */
static const char *check_kmod_local_key(const struct snapshot *s, const char *signer, char buf[CHECK_NAME_MAX])
{
        const struct strv *keys = &s->os.signing_keys;

        for (size_t i = 0; signer && i < keys->n; i++) {
                const char *cn = strstr(keys->v[i], ": ");

                if (cn && !strcmp(cn + 2, signer)) {
                        snprintf(buf, CHECK_NAME_MAX, "%.*s", (int)(cn - keys->v[i]), keys->v[i]);
                        return buf;
                }
        }
        return NULL;
}

/* The key to enrol: the local one that signed the module, else the one
 * module builders use on this distribution. */
static const char *check_kmod_key_file(const struct snapshot *s, const char *signer, char buf[CHECK_NAME_MAX])
{
        const char *local = check_kmod_local_key(s, signer, buf);

        if (local)
                return local;
        if (check_util_distro(s) == CHECK_DISTRO_RHEL)
                return "/etc/pki/akmods/certs/public_key.der";   /* akmods (kmodgenca) */
        return "/var/lib/dkms/mok.pub";                          /* DKMS 3's own key */
}

static void check_kmod_fix_mok(struct finding *f, const struct snapshot *s)
{
        const char *dv = check_kmod_dkms_version(s);

        if (check_util_is_ubuntu(s)) {
                finding_fix(f, "sudo update-secureboot-policy --new-key");
                finding_fix(f, "sudo update-secureboot-policy --enroll-key");
        } else {
                finding_fix(f, "sudo mokutil --import /var/lib/dkms/mok.pub");
        }
        if (dv)
                finding_fix(f, "sudo dkms install --force nvidia/%s -k $(uname -r)", dv);
        else
                finding_fix(f, "# rebuild the module so that DKMS signs it with that key: sudo dkms autoinstall -k $(uname -r)");
        finding_fix(f, "sudo reboot");
        finding_fix(f, "# at the console during boot: MOK Manager > Enroll MOK > Continue > the password you chose");
        finding_fix(f, "# or switch Secure Boot off in the firmware setup");
}

/* The module is signed, but by a key Secure Boot does not trust: the
 * kernel said so, or the key is one made on this machine (DKMS, akmods)
 * and the MOK list and db do not hold it. A key in neither list is not
 * enough alone: distribution-signed modules (Ubuntu's prebuilt
 * linux-modules-nvidia) are trusted through keys built into the kernel. */
static bool check_kmod_key_unknown(const struct snapshot *s, const char *rejected)
{
        const struct snap_os *o = &s->os;
        const char *signer = s->kmod.module_signer.v;
        char buf[CHECK_NAME_MAX];
        bool read = fact_ok(&o->enrolled_read);

        if (s->kmod.module_signer.st != FACT_OK || (read && strv_find(&o->enrolled_keys, signer) >= 0))
                return false;
        return rejected || (read && check_kmod_local_key(s, signer, buf));
}

/* Signed by a key that is not enrolled: the fix is enrolling that key
 * (mokutil --import, then MokManager at the next boot), not modprobe,
 * not a rebuild. */
static void check_kmod_not_enrolled(const struct snapshot *s, const char *rejected, struct findings *fs)
{
        const struct snap_kmod *k = &s->kmod;
        const char *signer = k->module_signer.v;
        char buf[CHECK_NAME_MAX];
        const char *file = check_kmod_key_file(s, signer, buf);
        struct finding *f;

        f = finding_add(fs, "os.secure-boot-key-not-enrolled",
                        "Secure Boot is on and %s is signed by \"%s\", a key that is not enrolled: the kernel refuses to load it",
                        k->module_path.v, signer);
        finding_evidence(f, "EFI SecureBoot variable: enabled");
        finding_evidence(f, "modinfo -F signer %s: %s", k->module_path.v, signer);
        if (fact_ok(&s->os.enrolled_read))
                finding_evidence(f, "enrolled keys (MokListRT, db): %zu, none named \"%s\"", s->os.enrolled_keys.n, signer);
        for (size_t i = 0; i < s->os.signing_keys.n; i++)
                finding_evidence(f, "key file %s", s->os.signing_keys.v[i]);
        if (rejected)
                finding_evidence(f, "kernel log: %s", rejected);
        if (fact_ok(&s->os.mok_pending) && s->os.mok_pending.v) {
                finding_evidence(f, "MokNew: an enrolment waits for the next boot");
                finding_fix(f, "sudo reboot   # an import is already pending: finish it at the console");
        } else {
                finding_fix(f, "sudo mokutil --import %s   # asks for a one-time password", file);
                finding_fix(f, "sudo reboot");
        }
        finding_fix(f, "# at the console during boot: MOK Manager > Enroll MOK > Continue > Yes > that password; the module then loads at boot");
        finding_fix(f, "mokutil --test-key %s   # after the reboot: 'is already enrolled'", file);
        finding_fix(f, "# or switch Secure Boot off in the firmware setup");
}

bool check_kmod_secure_boot(const struct snapshot *s, struct findings *fs)
{
        const struct snap_kmod *k = &s->kmod;
        bool unsigned_ko = k->module_signer.st == FACT_ABSENT;
        const char *rejected = check_kmod_key_rejected(s);
        struct finding *f;

        if (s->os.secure_boot.st != FACT_OK || s->os.secure_boot.v != 1)
                return false;
        if (!unsigned_ko) {
                if (!check_kmod_key_unknown(s, rejected))
                        return false;
                check_kmod_not_enrolled(s, rejected, fs);
                return true;
        }
        f = finding_add(fs, "os.secure-boot-unsigned",
                        "Secure Boot is on and %s is not signed: the kernel refuses to load it",
                        k->module_path.v);
        finding_evidence(f, "EFI SecureBoot variable: enabled");
        finding_evidence(f, "modinfo -F signer %s: (none)", k->module_path.v);
        if (rejected)
                finding_evidence(f, "kernel log: %s", rejected);
        check_kmod_fix_mok(f, s);
        return true;
}
