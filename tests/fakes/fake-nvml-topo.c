/* fake-nvml-topo.c - the fake libnvidia-ml's topology calls (see
 * fake-nvml.h): CPU affinity, NVLink state and remote end per link, the
 * common ancestor and P2P status per peer. A per-link or per-peer call is
 * described by one entry whose value is an array indexed by link or peer
 * index, or a single value for all of them, or a failure for all of them
 * (README.md). Descriptions written before topology lack these entries:
 * those read as NVML_ERROR_NOT_SUPPORTED, without a word, as from a
 * driver that cannot tell. */
#include "fake-nvml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value for element k of key on device d into *ret. */
static nvmlReturn_t topo_value(nvmlDevice_t d, const char *key, size_t k, json_t **ret)
{
        int i = fake_nvml_index(d);
        json_t *v;
        int r;

        if (i < 0)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_call(&fake_nvml, i, key, 0, &v);
        if (r == -1)
                return NVML_ERROR_NOT_SUPPORTED;
        if (r != 0)
                return (nvmlReturn_t)r;
        if (json_is_array(v)) {
                /* past the described links: no such link, as NVML says */
                if (k >= json_array_size(v))
                        return NVML_ERROR_NOT_SUPPORTED;
                v = json_array_get(v, k);
        }
        *ret = v;
        return NVML_SUCCESS;
}

static nvmlReturn_t topo_u64(nvmlDevice_t d, const char *key, size_t k, uint64_t *ret)
{
        json_t *v = NULL;
        nvmlReturn_t r = topo_value(d, key, k, &v);

        if (r != NVML_SUCCESS)
                return r;
        return (nvmlReturn_t)fake_desc_as_u64(&fake_nvml, fake_nvml_index(d), key, v, ret);
}

static nvmlReturn_t topo_uint(nvmlDevice_t d, const char *key, size_t k, unsigned int *ret)
{
        uint64_t v;
        nvmlReturn_t r;

        if (!ret)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = topo_u64(d, key, k, &v);
        if (r == NVML_SUCCESS)
                *ret = (unsigned int)v;
        return r;
}

/* A cpulist ("0-47,96-143") into the mask NVML fills. */
nvmlReturn_t nvmlDeviceGetCpuAffinity(nvmlDevice_t device, unsigned int cpuSetSize,
                                      unsigned long *cpuSet)
{
        static const char key[] = "DeviceGetCpuAffinity";
        const unsigned bits = sizeof(*cpuSet) * 8;
        json_t *v = NULL;
        nvmlReturn_t r = topo_value(device, key, 0, &v);
        const char *p;

        if (r != NVML_SUCCESS)
                return r;
        if (!cpuSet || !json_is_string(v))
                return !cpuSet ? NVML_ERROR_INVALID_ARGUMENT
                               : (nvmlReturn_t)fake_desc_bad(&fake_nvml, fake_nvml_index(device),
                                                             key, "expected a cpulist");
        memset(cpuSet, 0, cpuSetSize * sizeof(*cpuSet));
        for (p = json_string_value(v); *p;) {
                char *end;
                unsigned long a = strtoul(p, &end, 10), b = a;

                if (*end == '-')
                        b = strtoul(end + 1, &end, 10);
                if (end == p || (*end && *end != ',') || b < a)
                        return (nvmlReturn_t)fake_desc_bad(&fake_nvml, fake_nvml_index(device),
                                                           key, "expected a cpulist");
                for (unsigned long c = a; c <= b && c < (unsigned long)cpuSetSize * bits; c++)
                        cpuSet[c / bits] |= 1UL << (c % bits);
                p = *end ? end + 1 : end;
        }
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetNvLinkState(nvmlDevice_t device, unsigned int link,
                                      nvmlEnableState_t *isActive)
{
        if (link >= NVML_NVLINK_MAX_LINKS)
                return NVML_ERROR_INVALID_ARGUMENT;
        return topo_uint(device, "DeviceGetNvLinkState", link, isActive);
}

nvmlReturn_t nvmlDeviceGetNvLinkRemoteDeviceType(nvmlDevice_t device, unsigned int link,
                                                 nvmlIntNvLinkDeviceType_t *pNvLinkDeviceType)
{
        return topo_uint(device, "DeviceGetNvLinkRemoteDeviceType", link, pNvLinkDeviceType);
}

/* The remote end's bus id, "00000000:C4:00.0". */
nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo_v2(nvmlDevice_t device, unsigned int link,
                                                 nvmlPciInfo_t *pci)
{
        static const char key[] = "DeviceGetNvLinkRemotePciInfo_v2";
        json_t *v = NULL;
        nvmlReturn_t r = topo_value(device, key, link, &v);

        if (r != NVML_SUCCESS)
                return r;
        if (!pci)
                return NVML_ERROR_INVALID_ARGUMENT;
        if (!json_is_string(v) || strlen(json_string_value(v)) >= sizeof(pci->busId))
                return (nvmlReturn_t)fake_desc_bad(&fake_nvml, fake_nvml_index(device), key,
                                                   "expected a bus id");
        memset(pci, 0, sizeof(*pci));
        strcpy(pci->busId, json_string_value(v));
        sscanf(pci->busId, "%x:%x:%x", &pci->domain, &pci->bus, &pci->device);
        return NVML_SUCCESS;
}

/* Indexed by the peer's index. */
nvmlReturn_t nvmlDeviceGetTopologyCommonAncestor(nvmlDevice_t device1, nvmlDevice_t device2,
                                                 nvmlGpuTopologyLevel_t *pathInfo)
{
        int peer = fake_nvml_index(device2);

        if (peer < 0)
                return NVML_ERROR_INVALID_ARGUMENT;
        return topo_uint(device1, "DeviceGetTopologyCommonAncestor", (size_t)peer, pathInfo);
}

/* Keyed "DeviceGetP2PStatus:<read|write|nvlink|atomics|prop>", by peer. */
nvmlReturn_t nvmlDeviceGetP2PStatus(nvmlDevice_t device1, nvmlDevice_t device2,
                                    nvmlGpuP2PCapsIndex_t p2pIndex,
                                    nvmlGpuP2PStatus_t *p2pStatus)
{
        static const char *const caps[] = { "read", "write", "nvlink", "atomics", "prop" };
        int peer = fake_nvml_index(device2);
        char key[64];

        if (peer < 0 || p2pIndex >= sizeof(caps) / sizeof(caps[0]))
                return NVML_ERROR_INVALID_ARGUMENT;
        snprintf(key, sizeof(key), "DeviceGetP2PStatus:%s", caps[p2pIndex]);
        return topo_uint(device1, key, (size_t)peer, p2pStatus);
}
