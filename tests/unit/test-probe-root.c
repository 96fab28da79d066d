/* test-probe-root.c - the file probes read the inspected machine through
 * --root: a machine is built in a temporary folder (sysfs symlinks, /dev,
 * /proc, DKMS tree, a fake nvidia.ko made by scripts/make-fake-ko.sh,
 * whose path is argv[1]) and each probe is run against it. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "probe/probe.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

static char root_dir[] = "/tmp/dlrig-probe-XXXXXX";
static const char *fake_ko;
static struct sysroot *root;

/* Creates every missing folder above root_dir/rel. */
static void mkparents(const char *rel)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", root_dir, rel);

        for (char *s = p + strlen(root_dir) + 1; (s = strchr(s, '/')); s++) {
                *s = '\0';
                mkdir(p, 0755);
                *s = '/';
        }
}

static void put(const char *rel, const char *content)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", root_dir, rel);
        FILE *f;

        mkparents(rel);
        f = fopen(p, "w");
        assert_non_null(f);
        fputs(content, f);
        fclose(f);
}

static void link_to(const char *rel, const char *target)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", root_dir, rel);

        mkparents(rel);
        assert_int_equal(symlink(target, p), 0);
}

static void copy_file(const char *from, const char *rel)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", root_dir, rel);
        char buf[4096];
        size_t n;
        FILE *in = fopen(from, "rb"), *out;

        assert_non_null(in);
        mkparents(rel);
        out = fopen(p, "wb");
        assert_non_null(out);
        while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
                fwrite(buf, 1, n, out);
        fclose(in);
        fclose(out);
}

static void pci_attr(const char *dir, const char *name, const char *val)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
        _cleanup_free_ char *v = xasprintf("%s\n", val);

        put(p, v);
}

/* One PCI function under /sys/devices, linked from /sys/bus/pci/devices. */
static void pci_dev(const char *bus, const char *vendor, const char *cls, const char *numa,
                    const char *speed, const char *driver)
{
        _cleanup_free_ char *dir = xasprintf("sys/devices/pci0000:00/%s", bus);
        _cleanup_free_ char *link = xasprintf("sys/bus/pci/devices/%s", bus);
        _cleanup_free_ char *target = xasprintf("../../../devices/pci0000:00/%s", bus);

        pci_attr(dir, "vendor", vendor), pci_attr(dir, "class", cls);
        pci_attr(dir, "numa_node", numa), pci_attr(dir, "current_link_speed", speed);
        pci_attr(dir, "device", "0x2237"), pci_attr(dir, "max_link_speed", "16.0 GT/s PCIe");
        pci_attr(dir, "current_link_width", "8"), pci_attr(dir, "max_link_width", "16");
        pci_attr(dir, "subsystem_vendor", "0x10de"), pci_attr(dir, "subsystem_device", "0x152f");
        pci_attr(dir, "resource", "0x00000000fa000000 0x00000000faffffff 0x0000000000040200");
        link_to(link, target);
        if (driver) {
                _cleanup_free_ char *d = xasprintf("%s/driver", dir);
                _cleanup_free_ char *t = xasprintf("../../../bus/pci/drivers/%s", driver);
                link_to(d, t);
        }
}

static void build_machine(void)
{
        pci_dev("0000:3b:00.0", "0x10de", "0x030200", "1", "2.5 GT/s PCIe", "nvidia");
        pci_dev("0000:3b:00.1", "0x10de", "0x040300", "1", "Unknown", "snd_hda_intel");
        pci_dev("0000:1a:00.0", "0x10de", "0x030000", "-1", "Unknown", NULL);
        pci_dev("0000:c1:00.0", "0x10de", "0x068000", "0", "8 GT/s", NULL);
        pci_dev("0000:00:14.0", "0x8086", "0x0c0330", "0", "Unknown", "xhci_hcd");
        put("usr/share/misc/pci.ids", "10de  NVIDIA Corporation\n\t2237  GA102GL [A10G]\n");
        put("dev/nvidiactl", ""), put("dev/nvidia-uvm", ""), put("dev/nvidia10", "");
        put("dev/nvidia2", ""), put("dev/nvidia0", ""), put("dev/nvidia-modeset", "");
        put("dev/nvidia-caps/nvidia-cap1", "");
        put("dev/kmsg", "6,1,1,-;NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.161.08\n"
                        "4,2,2,-;NVRM: Xid (PCI:0000:3b:00): 79, pid=1, name=x, GPU has fallen off the bus.\n");
        put("var/log/kern.log", "kernel: NVRM: Xid (PCI:0000:3b:00): 13, ignored: kmsg wins\n");
        put("proc/modules", "nvidia_uvm 1 0 - Live 0x0\nnvidia 2 1 nvidia_uvm, Live 0x0\n");
        put("sys/module/nvidia/version", "535.161.08\n");
        put("proc/driver/nvidia/version",
            "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  535.161.08  Release Build\n");
        copy_file(fake_ko, "lib/modules/6.8.0-40-generic/updates/dkms/nvidia.ko");
        put("lib/modules/6.8.0-40-generic/modules.dep", "kernel/x.ko:\nupdates/dkms/nvidia.ko:\n");
        put("lib/modules/6.5.0-1-generic/modules.dep", "kernel/x.ko:\n");
        put("var/lib/dkms/nvidia/535.161.08/6.8.0-40-generic/x86_64/module/nvidia.ko", "");
        put("var/lib/dkms/nvidia/535.161.08/6.5.0-1-generic/x86_64/log/make.log", "");
        link_to("var/lib/dkms/nvidia/535.161.08/source", "/usr/src/nvidia-535.161.08");
        link_to("var/lib/dkms/nvidia/550.54.15/source", "/usr/src/nvidia-550.54.15");
        link_to("var/lib/dkms/nvidia/kernel-6.8.0-40-generic-x86_64", "535.161.08/6.8.0-40-generic/x86_64");
        put("etc/modprobe.d/alsa.conf", "options snd-hda-intel x=1\n");
        put("usr/lib/modprobe.d/nvidia-installer-disable-nouveau.conf", "blacklist nouveau\n");
        put("lib/modprobe.d/zz-nouveau.conf", "blacklist nouveau\n");
        put("var/lib/dpkg/status", "Package: nvidia-fabricmanager-535\nStatus: install ok installed\n"
                                   "Version: 535.161.08-1\n");
        put("proc/1/comm", "systemd\n"), put("proc/4242/comm", "nv-fabricmanager\n");
        put("proc/self/comm", "nv-fabricmanager\n"); /* not a pid: ignored */
        link_to("etc/systemd/system/multi-user.target.wants/nvidia-fabricmanager.service",
                "/lib/systemd/system/nvidia-fabricmanager.service");
}

static int setup(void **state)
{
        (void)state;
        if (!mkdtemp(root_dir))
                return -1;
        build_machine();
        return sysroot_open(root_dir, &root);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
        (void)st, (void)flag, (void)ftw;
        return remove(path);
}

static int teardown(void **state)
{
        (void)state;
        root = sysroot_free(root);
        return nftw(root_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_pci(void **state)
{
        struct probe_ctx ctx = { .root = root };
        struct snapshot s;
        const struct snap_pci_dev *d;
        (void)state;
        snap_init(&s);
        probe_pci(&ctx, &s.pci);
        assert_int_equal(s.pci.probe.st, FACT_OK);
        assert_int_equal(s.pci.n, 3); /* audio, USB and Intel skipped */
        assert_string_equal(s.pci.devs[0].bus_id, "0000:1a:00.0");
        assert_string_equal(s.pci.devs[1].bus_id, "0000:3b:00.0");
        assert_string_equal(s.pci.devs[2].kind, "nvswitch");
        d = &s.pci.devs[1];
        assert_string_equal(d->kind, "gpu");
        assert_int_equal(d->vendor_id, 0x10de), assert_int_equal(d->device_id, 0x2237);
        assert_int_equal(d->subsys_device_id, 0x152f), assert_int_equal(d->class_code, 0x030200);
        assert_string_equal(d->name.v, "GA102GL [A10G]");
        assert_int_equal(d->numa_node.v, 1);
        assert_string_equal(d->driver.v, "nvidia");
        assert_string_equal(d->link_speed_cur.v, "2.5 GT/s PCIe");
        assert_int_equal(d->link_gen_cur.v, 1), assert_int_equal(d->link_gen_max.v, 4);
        assert_int_equal(d->link_width_cur.v, 8), assert_int_equal(d->link_width_max.v, 16);
        assert_int_equal(d->bar0_bytes.v, 16 << 20);
        d = &s.pci.devs[0];
        assert_int_equal(d->numa_node.st, FACT_ABSENT);
        assert_int_equal(d->driver.st, FACT_ABSENT);
        assert_int_equal(d->link_gen_cur.st, FACT_UNSUPPORTED);
        assert_int_equal(s.pci.devs[2].link_gen_cur.v, 3);
        snap_release(&s);
}

/* A root without /sys: the probe says why instead of failing the run. */
static void test_pci_unreadable(void **state)
{
        _cleanup_free_ char *dev = xasprintf("%s/dev", root_dir);
        struct probe_cache cache;
        struct sysroot *bare;
        struct probe_ctx ctx;
        struct snapshot s;
        (void)state;
        assert_int_equal(sysroot_open(dev, &bare), 0);
        ctx = (struct probe_ctx){ .root = bare };
        snap_init(&s);
        probe_pci(&ctx, &s.pci);
        assert_int_equal(s.pci.probe.st, FACT_ERROR);
        assert_non_null(strstr(s.pci.probe.why, "/sys/bus/pci/devices"));
        probe_klog(&ctx, &s.klog);
        assert_int_equal(s.klog.probe.st, FACT_ABSENT);
        probe_cache_load(&ctx, &cache);
        assert_int_equal(cache.dpkg.n, 0);
        assert_int_equal(cache.procs_err, -ENOENT);
        probe_fabric(&ctx, &cache, &s.fabric);
        assert_int_equal(s.fabric.version.st, FACT_ABSENT);
        assert_int_equal(s.fabric.running.st, FACT_ABSENT);
        probe_cache_release(&cache);
        sysroot_free(bare);
        snap_release(&s);
}

/* A malformed pci.ids makes libpci call its error hook, which must not
 * end the process: the names become errors, the rest stays. */
static void test_pci_bad_ids(void **state)
{
        struct probe_ctx ctx = { .root = root };
        struct snapshot s;
        (void)state;
        put("usr/share/misc/pci.ids", "10de  NVIDIA Corporation\n\t2237  GA102GL [A10G]\nzz\n");
        snap_init(&s);
        probe_pci(&ctx, &s.pci);
        assert_int_equal(s.pci.n, 3);
        assert_int_equal(s.pci.devs[1].name.st, FACT_ERROR);
        assert_int_equal(s.pci.devs[1].link_gen_max.v, 4);
        snap_release(&s);
        put("usr/share/misc/pci.ids", "10de  NVIDIA Corporation\n");
        snap_init(&s);
        probe_pci(&ctx, &s.pci);
        assert_int_equal(s.pci.devs[1].name.st, FACT_ABSENT);
        snap_release(&s);
        put("usr/share/misc/pci.ids", "10de  NVIDIA Corporation\n\t2237  GA102GL [A10G]\n");
}

static void test_devnodes(void **state)
{
        struct probe_ctx ctx = { .root = root };
        struct snapshot s;
        (void)state;
        snap_init(&s);
        probe_devnodes(&ctx, &s.devnodes);
        assert_int_equal(s.devnodes.probe.st, FACT_OK);
        assert_true(s.devnodes.nvidiactl && s.devnodes.nvidia_uvm);
        assert_int_equal(s.devnodes.gpus.n, 3);
        assert_string_equal(s.devnodes.gpus.v[0], "nvidia0");
        assert_string_equal(s.devnodes.gpus.v[1], "nvidia2");
        assert_string_equal(s.devnodes.gpus.v[2], "nvidia10");
        snap_release(&s);
}

static void test_kmod(void **state)
{
        struct probe_ctx ctx = { .root = root };
        struct snapshot s;
        const struct snap_kmod *k = &s.kmod;
        (void)state;
        snap_init(&s);
        fact_set_str(&s.os.kernel, "6.8.0-40-generic");
        fact_set_str(&s.os.arch, "x86_64");
        probe_kmod(&ctx, &s);
        assert_int_equal(k->probe.st, FACT_OK);
        assert_true(k->nvidia && k->nvidia_uvm && !k->nvidia_drm && !k->nouveau);
        assert_string_equal(k->loaded_version.v, "535.161.08");
        assert_string_equal(k->flavour.v, "open");
        assert_non_null(strstr(k->proc_version.v, "535.161.08"));
        assert_string_equal(k->module_path.v, "/lib/modules/6.8.0-40-generic/updates/dkms/nvidia.ko");
        assert_string_equal(k->module_version.v, "535.161.08");
        assert_string_equal(k->module_signer.v, "dlrig test key");
        assert_int_equal(k->kernels_with_module.n, 1);
        assert_string_equal(k->kernels_with_module.v[0], "6.8.0-40-generic");
        assert_string_equal(k->nouveau_blacklisted.v,
                            "/usr/lib/modprobe.d/nvidia-installer-disable-nouveau.conf");
        assert_int_equal(k->kernels_installed.n, 2);
        assert_int_equal(k->ndkms, 4);
        assert_string_equal(k->dkms[0].kernel, "6.5.0-1-generic");
        assert_string_equal(k->dkms[0].state, "built");
        assert_string_equal(k->dkms[1].kernel, "6.8.0-40-generic");
        assert_string_equal(k->dkms[1].state, "installed");
        assert_string_equal(k->dkms[2].version, "550.54.15");
        assert_string_equal(k->dkms[2].kernel, "6.8.0-40-generic");
        assert_string_equal(k->dkms[2].state, "added");
        /* 6.5.0-1 is installed and has no nvidia module from anywhere: the
         * next boot into it would come up without a driver. */
        assert_string_equal(k->dkms[3].version, "550.54.15");
        assert_string_equal(k->dkms[3].kernel, "6.5.0-1-generic");
        assert_string_equal(k->dkms[3].state, "added");
        snap_release(&s);
        /* Another kernel: no module, nothing read from the host. */
        snap_init(&s);
        fact_set_str(&s.os.kernel, "6.5.0-1-generic");
        probe_kmod(&ctx, &s);
        assert_int_equal(k->module_path.st, FACT_ABSENT);
        assert_int_equal(k->module_signer.st, FACT_ABSENT);
        snap_release(&s);
}

static void test_klog_fabric(void **state)
{
        struct probe_ctx ctx = { .root = root };
        struct probe_cache cache;
        struct snapshot s;
        (void)state;
        snap_init(&s);
        probe_klog(&ctx, &s.klog);
        assert_int_equal(s.klog.probe.st, FACT_OK);
        assert_string_equal(s.klog.source, "/dev/kmsg");
        assert_int_equal(s.klog.nxid, 1);
        assert_string_equal(s.klog.xids[0].pci_bus_id, "0000:3b:00.0");
        assert_int_equal(s.klog.nvrm.n, 1);
        /* One read of dpkg's database and /proc serves every probe: the
         * cache holds the installed packages and the processes by name. */
        probe_cache_load(&ctx, &cache);
        assert_int_equal(cache.procs_err, 0);
        assert_int_equal(cache.comms.n, 2);
        assert_string_equal(cache.pids.v[1], "4242");
        assert_string_equal(cache.comms.v[1], "nv-fabricmanager");
        probe_fabric(&ctx, &cache, &s.fabric);
        assert_string_equal(s.fabric.version.v, "535.161.08");
        assert_int_equal(s.fabric.running.v, 1);
        assert_int_equal(s.fabric.enabled.v, 1);
        probe_cache_release(&cache);
        snap_release(&s);
}

static void drop(const char *rel)
{
        _cleanup_free_ char *p = xasprintf("%s/%s", root_dir, rel);

        assert_int_equal(unlink(p), 0);
}

/* Whether the container toolkit is wired into an engine is only a fact
 * where an engine is installed; without one it is absent, never 0. */
static void test_host_ctk(void **state)
{
        struct probe_ctx ctx = { .root = root };
        struct probe_cache cache;
        struct snapshot s;
        (void)state;
        probe_cache_load(&ctx, &cache);
        snap_init(&s);
        probe_host(&ctx, &cache, &s);
        assert_int_equal(s.host.engines.st, FACT_ABSENT);
        assert_int_equal(s.host.ctk_configured.st, FACT_ABSENT);
        snap_release(&s);
        put("usr/bin/dockerd", "");
        snap_init(&s);
        probe_host(&ctx, &cache, &s);
        assert_string_equal(s.host.engines.v, "docker");
        assert_int_equal(s.host.ctk_configured.st, FACT_OK);
        assert_int_equal(s.host.ctk_configured.v, 0);
        snap_release(&s);
        put("etc/cdi/nvidia.yaml", "cdiVersion: 0.5.0\n");
        snap_init(&s);
        probe_host(&ctx, &cache, &s);
        assert_int_equal(s.host.ctk_configured.v, 1);
        snap_release(&s);
        drop("etc/cdi/nvidia.yaml"), drop("usr/bin/dockerd");
        probe_cache_release(&cache);
}

static const struct snap_pyenv *find_env(const struct snapshot *s, const char *path)
{
        for (size_t i = 0; i < s->python.n; i++)
                if (!strcmp(s->python.envs[i].path, path))
                        return &s->python.envs[i];
        return NULL;
}

/* Pythons pyenv and asdf built, one folder per version, and
 * pyenv-virtualenv's environments; its links to them are not listed again. */
static void test_python_managers(void **state)
{
        struct probe_ctx ctx = { .root = root };
        struct snapshot s;
        const struct snap_pyenv *e;
        (void)state;
        put("home/u/.pyenv/versions/3.11.9/lib/python3.11/site-packages/torch-2.3.1.dist-info/METADATA", "");
        put("home/u/.pyenv/versions/3.11.9/lib/python3.11/site-packages/torch/version.py", "cuda = '12.1'\n");
        put("home/u/.pyenv/versions/3.11.9/envs/dl/pyvenv.cfg", "version = 3.11.9\n");
        put("home/u/.pyenv/versions/3.11.9/envs/dl/lib/python3.11/site-packages/x", "");
        put("home/u/.pyenv/versions/3.13-dev/README", ""); /* a build that failed */
        link_to("home/u/.pyenv/versions/dl", "3.11.9/envs/dl");
        put("opt/asdf/installs/python/3.10.13/lib/python3.10/site-packages/x", "");
        snap_init(&s);
        fact_set_str(&s.shell.home, "/home/u");
        probe_python(&ctx, &s);
        assert_int_equal(s.python.n, 3);
        assert_non_null(e = find_env(&s, "/home/u/.pyenv/versions/3.11.9"));
        assert_string_equal(e->kind, "pyenv");
        assert_string_equal(e->python_version.v, "3.11.9");
        assert_string_equal(e->torch_version.v, "2.3.1");
        assert_string_equal(e->torch_cuda.v, "12.1");
        assert_non_null(e = find_env(&s, "/home/u/.pyenv/versions/3.11.9/envs/dl"));
        assert_string_equal(e->kind, "pyenv");
        assert_string_equal(e->name, "dl");
        assert_int_equal(e->torch_version.st, FACT_ABSENT);
        assert_non_null(e = find_env(&s, "/opt/asdf/installs/python/3.10.13"));
        assert_string_equal(e->kind, "asdf");
        assert_string_equal(e->python_version.v, "3.10.13");
        snap_release(&s);
}

int main(int argc, char **argv)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pci), cmocka_unit_test(test_pci_unreadable),
                cmocka_unit_test(test_pci_bad_ids),
                cmocka_unit_test(test_devnodes), cmocka_unit_test(test_kmod),
                cmocka_unit_test(test_klog_fabric), cmocka_unit_test(test_host_ctk),
                cmocka_unit_test(test_python_managers),
        };
        if (argc < 2) {
                fprintf(stderr, "usage: %s FAKE-NVIDIA.ko\n", argv[0]);
                return 77;
        }
        fake_ko = argv[1];
        return cmocka_run_group_tests(tests, setup, teardown);
}
