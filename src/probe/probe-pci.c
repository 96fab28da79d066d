/* probe-pci.c - NVIDIA GPUs and NVSwitches on the PCI bus, from sysfs.
 *
 * Every attribute is read through the sys layer below --root. Names come
 * from the pci.ids database through libpci; libpci reading that file itself
 * is the one accepted exception to "all I/O goes through src/sys": we never
 * let it scan the bus (no pci_init/pci_scan_bus), only look names up. */
#include "probe.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "pci-sysfs.h"
#include "probe-internal.h"
#include "probe-libs.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "version.h"

#define PCI_DEVICES "/sys/bus/pci/devices"
#define PCI_VENDOR_NVIDIA 0x10de
#define PCI_IDS_PATH "/usr/share/misc/pci.ids"

struct probe_pci_names {
        const struct pci_api *api; /* NULL when libpci could not be loaded */
        const char *why;
        struct pci_access *acc;
        bool broken;   /* the database failed to parse: stop asking it */
};

/* libpci calls error() on a malformed pci.ids and expects it not to
 * return (its default exits the process), so we jump back to the lookup. */
static __thread jmp_buf *probe_pci_jmp;

__attribute__((noreturn, format(printf, 1, 2)))
static void probe_pci_names_error(char *msg, ...)
{
        (void)msg;
        longjmp(*probe_pci_jmp, 1);
}

__attribute__((format(printf, 1, 2)))
static void probe_pci_names_quiet(char *msg, ...)
{
        (void)msg; /* lower layers never print */
}

/* The inspected machine's pci.ids when it has one, else the build's. */
static void probe_pci_names_open(const struct sysroot *root, struct probe_pci_names *nm)
{
        const char *top = sysroot_path(root);
        size_t n = strlen(top);

        nm->broken = false;
        nm->acc = NULL;
        nm->api = probe_libpci(&nm->why);
        if (!nm->api)
                return;
        nm->acc = nm->api->alloc();
        nm->acc->error = probe_pci_names_error;
        nm->acc->warning = probe_pci_names_quiet;
        nm->acc->debug = probe_pci_names_quiet;
        nm->acc->id_lookup_mode = 0; /* no ~/.pciids-cache, no DNS */
        while (n && top[n - 1] == '/')
                n--;
        if (sys_exists(root, PCI_IDS_PATH))
                nm->api->set_name_list_path(nm->acc, xasprintf("%.*s%s", (int)n, top, PCI_IDS_PATH), 1);
        else
                nm->api->set_name_list_path(nm->acc, (char *)DLRIG_PCI_IDS, 0);
}

static void probe_pci_names_close(struct probe_pci_names *nm)
{
        if (nm->acc)
                nm->api->cleanup(nm->acc);
        nm->acc = NULL;
}

/* Returns an owned name, or NULL when not found; sets nm->broken when the
 * database is malformed. No udev hwdb: it describes this host, not --root. */
static char *probe_pci_names_lookup(struct probe_pci_names *nm, int what, int64_t vendor,
                                    int64_t device)
{
        char buf[256];
        jmp_buf jb;
        char *name;

        if (nm->broken || !nm->acc)
                return NULL;
        if (setjmp(jb)) {
                probe_pci_jmp = NULL;
                nm->broken = true;
                return NULL;
        }
        probe_pci_jmp = &jb;
        name = nm->api->lookup_name(nm->acc, buf, sizeof(buf),
                               what | PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
                               (int)vendor, (int)device);
        probe_pci_jmp = NULL;
        return xstrdup_or_null(name);
}

static void probe_pci_name(struct probe_pci_names *nm, struct snap_pci_dev *d)
{
        char *name = probe_pci_names_lookup(nm, PCI_LOOKUP_DEVICE, d->vendor_id, d->device_id);
        _cleanup_free_ char *vendor = NULL;

        if (name) {
                fact_take_str(&d->name, name);
                return;
        }
        /* NVIDIA itself missing means the database is unreadable. */
        vendor = probe_pci_names_lookup(nm, PCI_LOOKUP_VENDOR, d->vendor_id, 0);
        if (!nm->acc)
                fact_fail_str(&d->name, FACT_ERROR, nm->why);
        else if (nm->broken)
                fact_fail_str(&d->name, FACT_ERROR, "pci.ids: malformed");
        else if (!vendor)
                fact_fail_str(&d->name, FACT_UNSUPPORTED, "pci.ids not readable");
        else
                fact_fail_str(&d->name, FACT_ABSENT, "not in pci.ids");
}

/* Reads one attribute of a device into out (trailing whitespace dropped). */
static int probe_pci_attr(const struct sysroot *root, const char *dev, const char *attr,
                          struct strbuf *out)
{
        _cleanup_free_ char *path = xasprintf(PCI_DEVICES "/%s/%s", dev, attr);

        strbuf_reset(out);
        return sys_read_value(root, path, out);
}

static int probe_pci_num(const struct sysroot *root, const char *dev, const char *attr,
                         int64_t *ret)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        int r = probe_pci_attr(root, dev, attr, &sb);

        return r < 0 ? r : pci_sysfs_num(sb.buf, sb.len, ret);
}

static void probe_pci_fact_num(const struct sysroot *root, const char *dev, const char *attr,
                               struct fact_num *f)
{
        int64_t v;
        int r = probe_pci_num(root, dev, attr, &v);

        if (r == -EBADMSG)
                fact_fail_num(f, FACT_ERROR, "unparsable");
        else if (r < 0)
                probe_fail_num(f, r);
        else
                fact_set_num(f, v);
}

/* A link speed attribute and the generation it means. */
static void probe_pci_link(const struct sysroot *root, const char *dev, const char *attr,
                           struct fact_str *speed, struct fact_num *gen)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        int g = 0, r = probe_pci_attr(root, dev, attr, &sb);

        if (r < 0) {
                probe_fail_str(speed, r);
                probe_fail_num(gen, r);
                return;
        }
        fact_set_str(speed, sb.buf);
        r = pci_sysfs_link_gen(sb.buf, sb.len, &g);
        if (r == -EOPNOTSUPP)
                fact_fail_num(gen, FACT_UNSUPPORTED, "link speed unknown");
        else if (r < 0)
                fact_fail_num(gen, FACT_ERROR, "unparsable link speed");
        else
                fact_set_num(gen, g);
}

static void probe_pci_driver(const struct sysroot *root, const char *dev, struct fact_str *f)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_free_ char *path = xasprintf(PCI_DEVICES "/%s/driver", dev);
        const char *base;
        int r = sys_readlink(root, path, &sb);

        if (r == -ENOENT) {
                fact_fail_str(f, FACT_ABSENT, "no driver bound");
                return;
        }
        if (r < 0) {
                probe_fail_str(f, r);
                return;
        }
        base = strrchr(sb.buf, '/');
        fact_set_str(f, base ? base + 1 : sb.buf);
}

static void probe_pci_bar0(const struct sysroot *root, const char *dev, struct fact_num *f)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        uint64_t size;
        int r = probe_pci_attr(root, dev, "resource", &sb);

        if (r < 0)
                probe_fail_num(f, r);
        else if (pci_sysfs_bar0_size(sb.buf, sb.len, &size) < 0 || size > INT64_MAX)
                fact_fail_num(f, FACT_ERROR, "unparsable resource file");
        else
                fact_set_num(f, (int64_t)size);
}

/* "gpu" for VGA (0x0300) and 3D (0x0302) controllers, "nvswitch" for the
 * bridges (0x0680) NVSwitches present; NULL for audio, USB and the rest. */
static const char *probe_pci_kind(int64_t class_code)
{
        int64_t cls = class_code >> 8;

        if (cls == 0x0300 || cls == 0x0302)
                return "gpu";
        if (cls == 0x0680)
                return "nvswitch";
        return NULL;
}

static void probe_pci_fill(const struct sysroot *root, const char *dev, struct snap_pci_dev *d)
{
        probe_pci_num(root, dev, "subsystem_vendor", &d->subsys_vendor_id);
        probe_pci_num(root, dev, "subsystem_device", &d->subsys_device_id);
        probe_pci_fact_num(root, dev, "numa_node", &d->numa_node);
        if (fact_ok(&d->numa_node) && d->numa_node.v < 0)
                fact_fail_num(&d->numa_node, FACT_ABSENT, "no NUMA affinity");
        probe_pci_driver(root, dev, &d->driver);
        probe_pci_link(root, dev, "current_link_speed", &d->link_speed_cur, &d->link_gen_cur);
        probe_pci_link(root, dev, "max_link_speed", &d->link_speed_max, &d->link_gen_max);
        probe_pci_fact_num(root, dev, "current_link_width", &d->link_width_cur);
        probe_pci_fact_num(root, dev, "max_link_width", &d->link_width_max);
        probe_pci_bar0(root, dev, &d->bar0_bytes);
}

/* Adds dev to pci when it is an NVIDIA GPU or NVSwitch. */
static void probe_pci_dev(const struct sysroot *root, struct probe_pci_names *nm,
                          const char *dev, struct snap_pci *pci)
{
        int64_t vendor, device, cls;
        struct snap_pci_dev *d;
        const char *kind;

        if (probe_pci_num(root, dev, "vendor", &vendor) < 0 || vendor != PCI_VENDOR_NVIDIA)
                return;
        if (probe_pci_num(root, dev, "class", &cls) < 0 || !(kind = probe_pci_kind(cls)))
                return;
        if (probe_pci_num(root, dev, "device", &device) < 0)
                device = 0;
        d = snap_add_pci_dev(pci);
        d->bus_id = pci_bus_id_normalize(dev);
        if (!d->bus_id)
                d->bus_id = xstrdup(dev);
        d->kind = xstrdup(kind);
        d->vendor_id = vendor;
        d->device_id = device;
        d->class_code = cls;
        probe_pci_name(nm, d);
        probe_pci_fill(root, dev, d);
}

static int probe_pci_cmp(const void *a, const void *b)
{
        const struct snap_pci_dev *x = a, *y = b;
        size_t lx = strcspn(x->bus_id, ":"), ly = strcspn(y->bus_id, ":");

        /* A wider domain ("10000:" on VMD) sorts after every 4-digit one. */
        if (lx != ly)
                return lx < ly ? -1 : 1;
        return strcmp(x->bus_id, y->bus_id);
}

void probe_pci(const struct probe_ctx *ctx, struct snap_pci *pci)
{
        _cleanup_(strv_release) struct strv devs = STRV_INIT;
        struct probe_pci_names nm;
        int r = sys_list_dir(ctx->root, PCI_DEVICES, &devs);

        if (r < 0) {
                _cleanup_free_ char *why = xasprintf("cannot list '" PCI_DEVICES "': %s",
                                                     strerror(-r));
                probe_set(&pci->probe, FACT_ERROR, why);
                return;
        }
        probe_pci_names_open(ctx->root, &nm);
        for (size_t i = 0; i < devs.n; i++)
                probe_pci_dev(ctx->root, &nm, devs.v[i], pci);
        probe_pci_names_close(&nm);
        if (pci->n > 1)
                qsort(pci->devs, pci->n, sizeof(*pci->devs), probe_pci_cmp);
        probe_pci_tree(ctx, pci);
        probe_set(&pci->probe, FACT_OK, NULL);
}
