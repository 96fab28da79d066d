/* test-check-kmod.c - the kernel layer: why the nvidia module is not
 * loaded (no driver, nouveau, a kernel update, Secure Boot), nvidia_uvm,
 * device nodes and DKMS; one root cause each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap-builder.h"
#include "util/xalloc.h"

#define NEW_KERNEL "5.15.0-100-generic"

static void set_distro(struct snapshot *s, const char *id, const char *version)
{
        fact_set_str(&s->os.distro_id, id);
        fact_set_str(&s->os.version_id, version);
}

/* The module is installed for the running kernel but not loaded; the
 * libraries answer "driver not loaded". */
static void unload(struct snapshot *s)
{
        s->kmod.nvidia = s->kmod.nvidia_uvm = s->kmod.nvidia_drm = s->kmod.nvidia_modeset = false;
        fact_fail_str(&s->kmod.loaded_version, FACT_ABSENT, "nvidia module not loaded");
        for (size_t i = 0; i < s->pci.n; i++)
                fact_fail_str(&s->pci.devs[i].driver, FACT_ABSENT, "no driver bound");
        snapb_nvml_fail(s, 9);
        snapb_cuda_fail(s, 100);
        s->devnodes.nvidiactl = s->devnodes.nvidia_uvm = false;
        strv_release(&s->devnodes.gpus);
}

static void add_dkms(struct snapshot *s, const char *kernel, const char *state)
{
        struct snap_dkms *d = snap_add_dkms(&s->kmod);

        d->module = xstrdup("nvidia");
        d->version = xstrdup(SNAPB_DRIVER);
        d->kernel = xstrdup(kernel);
        d->state = xstrdup(state);
}

/* (c) GPUs on the bus and nothing else. */
static void test_not_installed(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_no_driver(&s);
        snapb_expect_bad(&s, "kmod.not-loaded");
        snapb_expect_summary(&s, "kmod.not-loaded", "8 GPUs on the bus, but no NVIDIA driver is installed");
        snapb_expect_line(&s, "kmod.not-loaded", "sudo ubuntu-drivers install --gpgpu");
        snapb_expect_line(&s, "kmod.not-loaded", "linux-headers-$(uname -r)");
        set_distro(&s, "rocky", "9.3");
        snapb_expect_line(&s, "kmod.not-loaded", "repos/rhel9/x86_64/cuda-rhel9.repo");
        snapb_expect_line(&s, "kmod.not-loaded", "sudo dnf install -y nvidia-open");
        /* Oracle Linux: real commands, the ones plan runs (kb/distro.tsv) */
        set_distro(&s, "ol", "9.4");
        snapb_expect_line(&s, "kmod.not-loaded", "sudo dnf config-manager --add-repo https://developer.download.nvidia.com/compute/cuda/repos/rhel9/x86_64/cuda-rhel9.repo");
        snapb_expect_line(&s, "kmod.not-loaded", "sudo dnf module enable -y nvidia-driver:open-dkms");
        snapb_expect_line(&s, "kmod.not-loaded", "sudo dnf install -y nvidia-open kernel-devel-$(uname -r)");
        snapb_expect_no_line(&s, "kmod.not-loaded", "# install the NVIDIA driver");
        /* Debian: NVIDIA's repository, no longer a comment */
        set_distro(&s, "debian", "12");
        snapb_expect_line(&s, "kmod.not-loaded", "sudo dpkg -i /var/cache/apt/archives/cuda-keyring_1.1-1_all.deb");
        snapb_expect_line(&s, "kmod.not-loaded", "sudo apt-get install -y nvidia-open linux-headers-$(uname -r)");
        set_distro(&s, "arch", "rolling");
        snapb_expect_line(&s, "kmod.not-loaded", "# install the NVIDIA driver");
        snapb_expect_no_line(&s, "kmod.not-loaded", "apt-get");
        snap_release(&s);
}

/* (d) nouveau holds the GPUs: blacklist and rebuild the initramfs. */
static void test_nouveau(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        unload(&s);
        s.kmod.nouveau = true;
        for (size_t i = 0; i < s.pci.n; i++)
                fact_set_str(&s.pci.devs[i].driver, "nouveau");
        fact_fail_str(&s.kmod.nouveau_blacklisted, FACT_ABSENT, "no 'blacklist nouveau' line");
        snapb_expect_bad(&s, "kmod.nouveau-loaded");
        snapb_expect_line(&s, "kmod.nouveau-loaded", "sudo tee /etc/modprobe.d/blacklist-nouveau.conf");
        snapb_expect_line(&s, "kmod.nouveau-loaded", "sudo update-initramfs -u");
        set_distro(&s, "rhel", "9.4");
        snapb_expect_line(&s, "kmod.nouveau-loaded", "sudo dracut --force");
        snap_release(&s);
}

/* Already blacklisted but still loaded: the initramfs is stale. */
static void test_nouveau_blacklisted(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        unload(&s);
        s.kmod.nouveau = true;
        fact_set_str(&s.kmod.nouveau_blacklisted, "/etc/modprobe.d/blacklist-nouveau.conf");
        snapb_expect_bad(&s, "kmod.nouveau-loaded");
        snapb_expect_summary(&s, "kmod.nouveau-loaded", "the initramfs still loads it");
        snapb_expect_no_line(&s, "kmod.nouveau-loaded", "tee");
        snapb_expect_line(&s, "kmod.nouveau-loaded", "sudo update-initramfs -u");
        snap_release(&s);
}

/* (f) the kernel was updated and DKMS did not build the module for it. */
static void test_kernel_updated(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        unload(&s);
        fact_set_str(&s.os.kernel, NEW_KERNEL);
        fact_fail_str(&s.kmod.module_path, FACT_ABSENT, "no nvidia module for " NEW_KERNEL);
        add_dkms(&s, NEW_KERNEL, "added");
        snapb_expect_bad(&s, "kmod.missing-for-kernel");
        snapb_expect_summary(&s, "kmod.missing-for-kernel", "kernel " NEW_KERNEL " has no nvidia module; it was built for " SNAPB_KERNEL " only");
        snapb_expect_line(&s, "kmod.missing-for-kernel", "sudo dkms autoinstall -k $(uname -r)");
        snapb_expect_line(&s, "kmod.missing-for-kernel", "sudo apt-get install -y linux-modules-nvidia-535-$(uname -r)");
        snapb_expect_line(&s, "kmod.missing-for-kernel", "dkms: nvidia/" SNAPB_DRIVER " for " NEW_KERNEL ": added");
        set_distro(&s, "almalinux", "9.4");
        snapb_expect_line(&s, "kmod.missing-for-kernel", "sudo dnf install -y kernel-devel-$(uname -r) kernel-headers");
        snapb_expect_no_line(&s, "kmod.missing-for-kernel", "linux-modules-nvidia");
        snap_release(&s);
}

/* (g) Secure Boot refuses the unsigned module: enrol a MOK. */
static void test_secure_boot_unsigned(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        unload(&s);
        fact_set_num(&s.os.secure_boot, 1);
        fact_fail_str(&s.kmod.module_signer, FACT_ABSENT, "unsigned");
        snapb_expect_bad(&s, "os.secure-boot-unsigned");
        snapb_expect_line(&s, "os.secure-boot-unsigned", "sudo update-secureboot-policy --enroll-key");
        snapb_expect_line(&s, "os.secure-boot-unsigned", "sudo dkms install --force nvidia/" SNAPB_DRIVER);
        set_distro(&s, "debian", "12");
        snapb_expect_line(&s, "os.secure-boot-unsigned", "sudo mokutil --import /var/lib/dkms/mok.pub");
        /* the same machine with Secure Boot off: the module just is not loaded */
        fact_set_num(&s.os.secure_boot, 0);
        snapb_expect_bad(&s, "kmod.not-loaded");
        snapb_expect_line(&s, "kmod.not-loaded", "sudo modprobe nvidia");
        snap_release(&s);
}

/* Signed, but with a key the firmware does not know, as the kernel log
 * says: enrol the key, do not modprobe or rebuild. */
static void test_secure_boot_key_rejected(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        unload(&s);
        fact_set_num(&s.os.secure_boot, 1);
        strv_push(&s.klog.nvrm, xstrdup("Loading of module with unavailable key is rejected"));
        snapb_expect_bad(&s, "os.secure-boot-key-not-enrolled");
        snapb_expect_summary(&s, "os.secure-boot-key-not-enrolled", "signed by \"DKMS module signing key\", a key that is not enrolled");
        snapb_expect_line(&s, "os.secure-boot-key-not-enrolled", "kernel log: Loading of module with unavailable key is rejected");
        snapb_expect_line(&s, "os.secure-boot-key-not-enrolled", "sudo mokutil --import /var/lib/dkms/mok.pub");
        snapb_expect_no_line(&s, "os.secure-boot-key-not-enrolled", "dkms install");
        snapb_expect_no_line(&s, "os.secure-boot-key-not-enrolled", "modprobe");
        snap_release(&s);
}

/* The MOK list read from efivars lacks the local DKMS key that signed the
 * module: found without any kernel log line; once enrolled, silent. */
static void test_secure_boot_mok_list(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        unload(&s);
        fact_set_num(&s.os.secure_boot, 1);
        fact_set_num(&s.os.enrolled_read, 2);
        fact_set_num(&s.os.mok_pending, 0);
        strv_push(&s.os.enrolled_keys, xstrdup("Canonical Ltd. Master Certificate Authority"));
        strv_push(&s.os.signing_keys, xstrdup("/var/lib/shim-signed/mok/MOK.der: gpu01 Secure Boot Module Signature key"));
        strv_push(&s.os.signing_keys, xstrdup("/var/lib/dkms/mok.pub: DKMS module signing key"));
        snapb_expect_bad(&s, "os.secure-boot-key-not-enrolled");
        snapb_expect_line(&s, "os.secure-boot-key-not-enrolled", "enrolled keys (MokListRT, db): 1, none named");
        snapb_expect_line(&s, "os.secure-boot-key-not-enrolled", "sudo mokutil --import /var/lib/dkms/mok.pub");
        snapb_expect_line(&s, "os.secure-boot-key-not-enrolled", "mokutil --test-key /var/lib/dkms/mok.pub");
        /* imported, not yet enrolled: only the reboot is left */
        fact_set_num(&s.os.mok_pending, 1);
        snapb_expect_line(&s, "os.secure-boot-key-not-enrolled", "an import is already pending");
        snapb_expect_no_line(&s, "os.secure-boot-key-not-enrolled", "--import");
        /* enrolled: Secure Boot is not why the module is out */
        strv_push(&s.os.enrolled_keys, xstrdup("DKMS module signing key"));
        snapb_expect_bad(&s, "kmod.not-loaded");
        snap_release(&s);
}

/* RHEL/Fedora: akmods signs with its own key; a module signed by a key
 * neither listed nor made here (a distribution's, trusted through the
 * kernel's built-in keys) is not blamed without the kernel's word. */
static void test_secure_boot_akmods(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        unload(&s);
        set_distro(&s, "rhel", "9.4");
        fact_set_num(&s.os.secure_boot, 1);
        fact_set_num(&s.os.enrolled_read, 1);
        fact_set_str(&s.kmod.module_signer, "gpu01-1718000000");
        strv_push(&s.os.enrolled_keys, xstrdup("Red Hat Secure Boot CA 5"));
        strv_push(&s.os.signing_keys, xstrdup("/etc/pki/akmods/certs/public_key.der: gpu01-1718000000"));
        snapb_expect_bad(&s, "os.secure-boot-key-not-enrolled");
        snapb_expect_line(&s, "os.secure-boot-key-not-enrolled", "sudo mokutil --import /etc/pki/akmods/certs/public_key.der");
        fact_set_str(&s.kmod.module_signer, "Canonical Ltd. Kernel Module Signing");
        snapb_expect_bad(&s, "kmod.not-loaded");
        snap_release(&s);
}

/* (o) the module is loaded but /dev nodes are missing. */
static void test_devnodes_missing(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        strv_release(&s.devnodes.gpus);
        for (size_t i = 0; i < 8; i++)
                if (i != 3)
                        strv_pushf(&s.devnodes.gpus, "nvidia%zu", i);
        snapb_cuda_fail(&s, 100);
        snapb_expect_bad(&s, "devnodes.missing");
        snapb_expect_summary(&s, "devnodes.missing", "/dev/nvidia3");
        snapb_expect_line(&s, "devnodes.missing", "sudo nvidia-modprobe -c 3");
        s.devnodes.nvidiactl = false;
        snapb_expect_bad(&s, "devnodes.missing");
        snap_release(&s);
}

static void test_uvm_not_loaded(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 4);
        s.kmod.nvidia_uvm = s.devnodes.nvidia_uvm = false;
        snapb_cuda_fail(&s, 999);
        /* the node is missing too: cuInit fails (999), a failure of its own */
        snapb_expect_bad(&s, "devnodes.missing kmod.uvm-not-loaded");
        snapb_expect_line(&s, "kmod.uvm-not-loaded", "sudo modprobe nvidia_uvm");
        snapb_expect_line(&s, "devnodes.missing", "sudo nvidia-modprobe -u -c 0");
        /* loaded later by hand, the node still missing */
        s.kmod.nvidia_uvm = true;
        snapb_expect_bad(&s, "devnodes.missing");
        snap_release(&s);
}

/* A GPU the loaded module did not take (and not for want of a BAR). */
static void test_no_driver_bound(void **state)
{
        struct snapshot s;
        const int seven[] = { 0, 1, 2, 3, 4, 5, 6, -1 };

        (void)state;
        snapb_healthy(&s, 8);
        fact_fail_str(&s.pci.devs[7].driver, FACT_ABSENT, "no driver bound");
        snap_gpu_release(&s.gpus[7]);
        s.ngpus = 7;
        snapb_cuda_devs(&s, seven);
        strv_release(&s.devnodes.gpus);
        for (size_t i = 0; i < 7; i++)
                strv_pushf(&s.devnodes.gpus, "nvidia%zu", i);
        snapb_expect_bad(&s, "kmod.no-driver-bound");
        snapb_expect_summary(&s, "kmod.no-driver-bound", "GPU at 0000:17:00.0 has no driver bound");
        snap_release(&s);
}

/* An installed kernel DKMS did not build for: the next boot has no driver. */
static void test_dkms_failed(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 2);
        add_dkms(&s, "5.15.0-102-generic", "built");
        snapb_expect_bad(&s, "kmod.dkms-failed");
        snapb_expect_line(&s, "kmod.dkms-failed", "sudo dkms autoinstall -k 5.15.0-102-generic");
        snap_release(&s);
}

static void test_loaded(void **state)
{
        struct snapshot s;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_expect_summary(&s, "kmod.loaded", "nvidia " SNAPB_DRIVER " (proprietary) loaded, with nvidia_uvm");
        snap_release(&s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_not_installed),     cmocka_unit_test(test_nouveau),
                cmocka_unit_test(test_nouveau_blacklisted), cmocka_unit_test(test_kernel_updated),
                cmocka_unit_test(test_secure_boot_unsigned),
                cmocka_unit_test(test_secure_boot_key_rejected),
                cmocka_unit_test(test_secure_boot_mok_list),
                cmocka_unit_test(test_secure_boot_akmods),
                cmocka_unit_test(test_devnodes_missing),  cmocka_unit_test(test_uvm_not_loaded),
                cmocka_unit_test(test_no_driver_bound),   cmocka_unit_test(test_dkms_failed),
                cmocka_unit_test(test_loaded),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
