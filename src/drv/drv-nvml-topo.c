/* drv-nvml-topo.c - the topology facts (see drv-nvml.h): per GPU its CPU
 * affinity and NVLink links, per GPU pair the common PCI ancestor and the
 * P2P capabilities, as nvidia-smi topo -m and -p2p show them. Run in the
 * driver worker after the GPU records, so a hang here loses no GPU fact.
 * The cost is one handle, one affinity and up to 3 calls per NVLink link
 * per GPU, and 6 calls per pair: 8 GPUs with 18 links make about 600
 * cheap calls. */
#include "drv-nvml.h"

#include <stdlib.h>
#include <string.h>

#include "drv-worker.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* CPUs NVML can describe: 16 words of 64 bits. */
#define AFFINITY_WORDS 16

static bool t_begin(const struct nvml_ctx *c, enum nvml_sym k, unsigned a, unsigned b)
{
        if (!c->used[k])
                return false;
        worker_crumb("%s(%u, %u)", c->used[k], a, b);
        return true;
}

/* The set bits of the mask as a cpulist: "0-47,96-143". */
static char *cpulist(const unsigned long *mask, unsigned words)
{
        const unsigned bits = sizeof(*mask) * 8;
        struct strbuf sb = STRBUF_INIT;
        unsigned n = words * bits;

        for (unsigned i = 0; i < n; i++) {
                unsigned j = i;

                if (!(mask[i / bits] >> (i % bits) & 1))
                        continue;
                while (j + 1 < n && (mask[(j + 1) / bits] >> ((j + 1) % bits) & 1))
                        j++;
                strbuf_addf(&sb, "%s%u", sb.len ? "," : "", i);
                if (j > i)
                        strbuf_addf(&sb, "-%u", j);
                i = j;
        }
        return strbuf_detach(&sb);
}

static void get_affinity(const struct nvml_ctx *c, unsigned i, nvmlDevice_t dev,
                         struct snap_topo_gpu *g)
{
        unsigned long mask[AFFINITY_WORDS] = { 0 };
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;

        if (t_begin(c, NVML_SYM_cpu_affinity, i, AFFINITY_WORDS))
                r = c->api.cpu_affinity(dev, AFFINITY_WORDS, mask);
        if (r == NVML_SUCCESS)
                fact_take_str(&g->cpu_affinity, cpulist(mask, AFFINITY_WORDS));
        else
                drv_nvml_str(&g->cpu_affinity, r, "", 0);
}

/* "switch 0000:c4:00.0": what an active link reaches. */
static void link_remote(const struct nvml_ctx *c, unsigned i, unsigned l, nvmlDevice_t dev,
                        struct snap_topo_gpu *g)
{
        nvmlIntNvLinkDeviceType_t type = 0xff;
        nvmlPciInfo_t pci = { 0 };
        _cleanup_free_ char *bus = NULL;
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;
        const char *kind = "other";

        if (t_begin(c, NVML_SYM_nvlink_remote_type, i, l) &&
            c->api.nvlink_remote_type(dev, l, &type) == NVML_SUCCESS)
                kind = type == NVML_NVLINK_DEVICE_TYPE_SWITCH ? "switch"
                       : type == NVML_NVLINK_DEVICE_TYPE_GPU  ? "gpu"
                                                              : "other";
        if (t_begin(c, NVML_SYM_nvlink_remote_pci, i, l))
                r = c->api.nvlink_remote_pci(dev, l, &pci);
        pci.busId[sizeof(pci.busId) - 1] = '\0';
        if (r == NVML_SUCCESS)
                bus = pci_bus_id_normalize(pci.busId);
        strv_pushf(&g->nvlink_remotes, "%s %s", kind, bus ? bus : "unknown");
}

/* Links are numbered from 0; the first that NVML refuses ends the GPU's
 * links (a PCIe-only GPU refuses link 0). */
static void get_nvlinks(const struct nvml_ctx *c, unsigned i, nvmlDevice_t dev,
                        struct snap_topo_gpu *g)
{
        unsigned l, up = 0;

        if (!c->used[NVML_SYM_nvlink_state]) {
                drv_nvml_num(&g->nvlink_links, NVML_ERRORS_NO_SYMBOL, 0);
                drv_nvml_num(&g->nvlink_up, NVML_ERRORS_NO_SYMBOL, 0);
                return;
        }
        for (l = 0; l < NVML_NVLINK_MAX_LINKS; l++) {
                nvmlEnableState_t active = 0;
                nvmlReturn_t r;

                t_begin(c, NVML_SYM_nvlink_state, i, l);
                r = c->api.nvlink_state(dev, l, &active);
                if (r == NVML_ERROR_NOT_SUPPORTED || r == NVML_ERROR_INVALID_ARGUMENT)
                        break;
                if (r != NVML_SUCCESS) {
                        drv_nvml_num(&g->nvlink_links, r, 0);
                        drv_nvml_num(&g->nvlink_up, r, 0);
                        return;
                }
                if (active == NVML_FEATURE_ENABLED) {
                        up++;
                        link_remote(c, i, l, dev, g);
                }
        }
        fact_set_num(&g->nvlink_links, l);
        fact_set_num(&g->nvlink_up, up);
}

static const nvmlGpuP2PCapsIndex_t p2p_caps[] = {
        NVML_P2P_CAPS_INDEX_READ, NVML_P2P_CAPS_INDEX_WRITE, NVML_P2P_CAPS_INDEX_ATOMICS,
        NVML_P2P_CAPS_INDEX_NVLINK, NVML_P2P_CAPS_INDEX_PROP,
};

static void get_pair(const struct nvml_ctx *c, unsigned a, unsigned b, nvmlDevice_t da,
                     nvmlDevice_t db, struct snap_topo_pair *p)
{
        struct fact_num *caps[] = { &p->p2p_read, &p->p2p_write, &p->p2p_atomics,
                                    &p->p2p_nvlink, &p->p2p_pci };
        nvmlGpuTopologyLevel_t level = 0;
        nvmlReturn_t r = NVML_ERRORS_NO_SYMBOL;

        p->a = a, p->b = b;
        if (t_begin(c, NVML_SYM_topo_ancestor, a, b))
                r = c->api.topo_ancestor(da, db, &level);
        drv_nvml_num(&p->level, r, level);
        for (size_t k = 0; k < ARRAY_SIZE(p2p_caps); k++) {
                nvmlGpuP2PStatus_t st = 0;

                r = NVML_ERRORS_NO_SYMBOL;
                if (t_begin(c, NVML_SYM_p2p_status, a, b))
                        r = c->api.p2p_status(da, db, p2p_caps[k], &st);
                drv_nvml_num(caps[k], r, st);
        }
}

/* The affinity or a pair's ancestor came back: the driver answers
 * topology questions (a refused NVLink link 0 only says PCIe-only). */
static bool topo_answered(const struct snap_topo *t)
{
        for (size_t i = 0; i < t->ngpus; i++)
                if (fact_ok(&t->gpus[i].cpu_affinity))
                        return true;
        for (size_t i = 0; i < t->npairs; i++)
                if (fact_ok(&t->pairs[i].level))
                        return true;
        return false;
}

void drv_nvml_topo_gather(const struct nvml_ctx *c, unsigned int count, struct snap_topo *t)
{
        _cleanup_free_ nvmlDevice_t *devs = xcalloc(count ? count : 1, sizeof(*devs));

        for (unsigned i = 0; i < count; i++) {
                worker_crumb("%s(%u)", c->used[NVML_SYM_handle_by_index], i);
                if (c->api.handle_by_index(i, &devs[i]) != NVML_SUCCESS)
                        devs[i] = NULL; /* the GPU record already tells why */
        }
        for (unsigned i = 0; i < count; i++) {
                struct snap_topo_gpu *g;

                if (!devs[i])
                        continue;
                g = snap_add_topo_gpu(t);
                g->index = i;
                get_affinity(c, i, devs[i], g);
                get_nvlinks(c, i, devs[i], g);
        }
        for (unsigned a = 0; a < count; a++)
                for (unsigned b = a + 1; b < count; b++)
                        if (devs[a] && devs[b])
                                get_pair(c, a, b, devs[a], devs[b], snap_add_topo_pair(t));
        if (topo_answered(t))
                probe_set(&t->probe, FACT_OK, NULL);
        else
                probe_set(&t->probe, FACT_UNSUPPORTED, "the driver gives no topology facts");
}
