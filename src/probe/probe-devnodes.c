/* probe-devnodes.c - the NVIDIA device nodes in /dev: nvidiactl (the
 * control device every client opens), nvidia-uvm (CUDA's unified memory)
 * and one nvidiaN per GPU minor number; and the MIG instances the driver's
 * capability files list for each GPU. */
#include "probe.h"

#include <inttypes.h>
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

/* The "ci<N>" compute instances below each "gi<N>" GPU instance of
 * /proc/driver/nvidia/capabilities/gpu<minor>/mig: the driver adds one
 * folder per instance it creates (NVIDIA's MIG user guide, "Device Nodes
 * and Capabilities"); each compute instance is one CUDA device. */
static int devnodes_mig_count(const struct probe_ctx *ctx, int64_t minor, int64_t *ret)
{
        _cleanup_free_ char *dir = xasprintf("/proc/driver/nvidia/capabilities/gpu%" PRId64 "/mig", minor);
        _cleanup_(strv_release) struct strv gis = STRV_INIT;
        int64_t n = 0;
        int r = sys_list_dir(ctx->root, dir, &gis);

        if (r < 0)
                return r;
        for (size_t i = 0; i < gis.n; i++) {
                _cleanup_free_ char *gi = xasprintf("%s/%s", dir, gis.v[i]);
                _cleanup_(strv_release) struct strv cis = STRV_INIT;

                if (!startswith(gis.v[i], "gi") || sys_list_dir(ctx->root, gi, &cis) < 0)
                        continue;
                for (size_t j = 0; j < cis.n; j++)
                        n += startswith(cis.v[j], "ci");
        }
        *ret = n;
        return 0;
}

void probe_mig_instances(const struct probe_ctx *ctx, struct snapshot *s)
{
        for (size_t i = 0; i < s->ngpus; i++) {
                struct snap_gpu *g = &s->gpus[i];
                int64_t n;
                int r;

                if (!fact_ok(&g->mig_mode_current) || g->mig_mode_current.v != 1) {
                        fact_fail_num(&g->mig_instances, FACT_ABSENT, "MIG mode off");
                        continue;
                }
                if (!fact_ok(&g->minor_number)) {
                        fact_fail_num(&g->mig_instances, FACT_ERROR, "minor number unknown");
                        continue;
                }
                r = devnodes_mig_count(ctx, g->minor_number.v, &n);
                if (r < 0)
                        probe_fail_num(&g->mig_instances, r);
                else
                        fact_set_num(&g->mig_instances, n);
        }
}
