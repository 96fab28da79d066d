/* bench-link.c - a GPU's PCIe link as sysfs shows it at this moment, read
 * while copies run: an idle GPU drops its link to 2.5 GT/s to save power,
 * so only a reading under load tells a degraded link from a resting one. */
#include "bench-cuda.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/strbuf.h"

static int read_attr(const struct sysroot *root, const char *bus, const char *attr,
                     struct strbuf *sb)
{
        char path[160];

        snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bus, attr);
        strbuf_reset(sb);
        return sys_read_value(root, path, sb);
}

/* "16.0 GT/s PCIe" -> 16.0; "8" -> 8. 0 when unreadable. */
static double read_num(const struct sysroot *root, const char *bus, const char *attr)
{
        struct strbuf sb = STRBUF_INIT;
        double v = 0;

        if (read_attr(root, bus, attr, &sb) >= 0 && sb.buf)
                v = strtod(sb.buf, NULL);
        strbuf_release(&sb);
        return v;
}

void bench_read_link(const struct sysroot *root, const char *bus, struct snap_bench_link *into)
{
        double speed = read_num(root, bus, "current_link_speed");
        double width = read_num(root, bus, "current_link_width");

        if (speed <= 0 || width <= 0)
                return; /* no sysfs (a container): the figure stays unknown */
        into->speed_gts = speed;
        into->width = (int64_t)width;
        into->max_speed_gts = read_num(root, bus, "max_link_speed");
        into->max_width = (int64_t)read_num(root, bus, "max_link_width");
}

unsigned bench_read_device_id(const struct sysroot *root, const char *bus)
{
        struct strbuf sb = STRBUF_INIT;
        unsigned long v = 0;

        if (read_attr(root, bus, "device", &sb) >= 0 && sb.buf)
                v = strtoul(sb.buf, NULL, 16);
        strbuf_release(&sb);
        return (unsigned)v;
}
