/* probe-devnodes.c - the NVIDIA device nodes in /dev: nvidiactl (the
 * control device every client opens), nvidia-uvm (CUDA's unified memory)
 * and one nvidiaN per GPU minor number. */
#include "probe.h"

#include <stdlib.h>
#include <string.h>

#include "probe-internal.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

/* True for "nvidia" followed by digits only ("nvidia0", not "nvidiactl"). */
static bool devnodes_is_gpu(const char *name)
{
        const char *d;

        if (!startswith(name, "nvidia"))
                return false;
        d = name + strlen("nvidia");
        return *d && strspn(d, "0123456789") == strlen(d);
}

static int devnodes_cmp(const void *a, const void *b)
{
        const char *x = *(char *const *)a + strlen("nvidia");
        const char *y = *(char *const *)b + strlen("nvidia");
        size_t lx = strlen(x), ly = strlen(y);

        /* Numeric order without overflow: a longer digit run is larger
         * once leading zeros are set aside. */
        while (lx > 1 && *x == '0')
                x++, lx--;
        while (ly > 1 && *y == '0')
                y++, ly--;
        if (lx != ly)
                return lx < ly ? -1 : 1;
        return strcmp(x, y);
}

void probe_devnodes(const struct probe_ctx *ctx, struct snap_devnodes *dn)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;
        int r = sys_list_dir(ctx->root, "/dev", &names);

        if (r < 0) {
                _cleanup_free_ char *why = xasprintf("cannot list '/dev': %s", strerror(-r));
                probe_set(&dn->probe, probe_st_from_errno(r), why);
                return;
        }
        for (size_t i = 0; i < names.n; i++) {
                if (!strcmp(names.v[i], "nvidiactl"))
                        dn->nvidiactl = true;
                else if (!strcmp(names.v[i], "nvidia-uvm"))
                        dn->nvidia_uvm = true;
                else if (devnodes_is_gpu(names.v[i]))
                        strv_push(&dn->gpus, xstrdup(names.v[i]));
        }
        if (dn->gpus.n > 1)
                qsort(dn->gpus.v, dn->gpus.n, sizeof(*dn->gpus.v), devnodes_cmp);
        probe_set(&dn->probe, FACT_OK, NULL);
}
