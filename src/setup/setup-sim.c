/* setup-sim.c - reading a simulated package transaction (apt-get -s,
 * dnf --assumeno) for a kernel image: setup never installs or upgrades a
 * kernel, because the driver's modules are built for the running one. */
#include "setup.h"

#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

/* Kernel image packages by name: Debian/Ubuntu images, the meta packages
 * that pull new images, module packages of a kernel; RHEL's kernel set. */
static bool sim_is_kernel(const char *name, size_t n)
{
        static const char *const prefixes[] = { "linux-image-", "linux-modules-", "linux-generic",
                                                "linux-virtual", "kernel-core", "kernel-modules",
                                                "kernel-uek" };
        char buf[128];

        if (n == 0 || n >= sizeof(buf))
                return false;
        memcpy(buf, name, n);
        buf[n] = '\0';
        if (!strcmp(buf, "kernel"))
                return true;
        if (startswith(buf, "linux-modules-nvidia"))
                return false; /* Canonical's prebuilt nvidia modules, not a kernel */
        for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
                if (startswith(buf, prefixes[i]))
                        return true;
        return false;
}

struct sim_scan {
        char *found;
};

/* apt: "Inst NAME [old] (new ...)"; dnf: " NAME  ARCH  VERSION  REPO  SIZE"
 * table rows under "Installing:", "Upgrading:" ... */
static int sim_line(const char *line, size_t len, void *data)
{
        struct sim_scan *sc = data;
        const char *p = line, *end = line + len;
        size_t n;

        if (len > 5 && !strncmp(line, "Inst ", 5))
                p += 5;
        else if (len > 1 && line[0] == ' ')
                while (p < end && *p == ' ')
                        p++;
        else
                return 0;
        n = 0;
        while (p + n < end && p[n] != ' ' && p[n] != '\t')
                n++;
        if (sim_is_kernel(p, n)) {
                sc->found = xstrndup(p, n);
                return 1;
        }
        return 0;
}

char *setup_sim_kernel(const char *output, size_t len)
{
        struct sim_scan sc = { 0 };

        for_each_line(output, len, sim_line, &sc);
        return sc.found;
}
