/* fake-nvml-dev.c - the fake libnvidia-ml's per-device calls (see
 * fake-nvml.h): PCI, memory, modes, ECC, retired pages, remapped rows,
 * link, temperature, power and clock event reasons. Calls with an extra
 * argument are keyed "Function:argument" (README.md). */
#include "fake-nvml.h"

#include <stdio.h>
#include <string.h>

/* {"busId": "00000000:3B:00.0", "pciDeviceId": "0x223710DE",
 *  "pciSubSystemId": ...}; domain, bus and device come from busId. */
static nvmlReturn_t fake_nvml_pci(nvmlDevice_t device, nvmlPciInfo_t *pci)
{
        static const char key[] = "DeviceGetPciInfo";
        int i = fake_nvml_index(device);
        json_t *v, *bus;
        uint64_t id, sub = 0;
        int r;

        if (i < 0 || !pci)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_call(&fake_nvml, i, key, 1, &v);
        if (r != 0)
                return (nvmlReturn_t)r;
        bus = json_object_get(v, "busId");
        if (!json_is_string(bus) || strlen(json_string_value(bus)) >= sizeof(pci->busId))
                return (nvmlReturn_t)fake_desc_bad(&fake_nvml, i, key, "expected a \"busId\"");
        if ((r = fake_desc_part_u64(&fake_nvml, i, key, v, 0, "pciDeviceId", &id)) != 0)
                return (nvmlReturn_t)r;
        if (json_object_get(v, "pciSubSystemId") &&
            (r = fake_desc_part_u64(&fake_nvml, i, key, v, 0, "pciSubSystemId", &sub)) != 0)
                return (nvmlReturn_t)r;
        memset(pci, 0, sizeof(*pci));
        strcpy(pci->busId, json_string_value(bus));
        if (sscanf(pci->busId, "%x:%x:%x", &pci->domain, &pci->bus, &pci->device) != 3)
                return (nvmlReturn_t)fake_desc_bad(&fake_nvml, i, key, "unparsable \"busId\"");
        snprintf(pci->busIdLegacy, sizeof(pci->busIdLegacy), "%04X:%02X:%02X.0",
                 pci->domain & 0xffff, pci->bus & 0xff, pci->device & 0xff);
        pci->pciDeviceId = (unsigned int)id;
        pci->pciSubSystemId = (unsigned int)sub;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci)
{
        return fake_nvml_pci(device, pci);
}

nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfo_t *pci)
{
        return fake_nvml_pci(device, pci);
}

/* A number (the total, nothing used) or {"total", "free", "used"}. */
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory)
{
        static const char key[] = "DeviceGetMemoryInfo";
        int i = fake_nvml_index(device);
        uint64_t t, f, u;
        json_t *v;
        int r;

        if (i < 0 || !memory)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_call(&fake_nvml, i, key, 1, &v);
        if (r == 0 && !json_is_object(v) && !json_is_array(v)) {
                r = fake_desc_as_u64(&fake_nvml, i, key, v, &t);
                f = t, u = 0;
        } else if (r == 0 && (r = fake_desc_part_u64(&fake_nvml, i, key, v, 0, "total", &t)) == 0 &&
                   (r = fake_desc_part_u64(&fake_nvml, i, key, v, 1, "free", &f)) == 0) {
                r = fake_desc_part_u64(&fake_nvml, i, key, v, 2, "used", &u);
        }
        if (r == 0)
                *memory = (nvmlMemory_t){ t, f, u };
        return (nvmlReturn_t)r;
}

/* "8.6", [8, 6] or {"major": 8, "minor": 6}. */
nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int *major, int *minor)
{
        static const char key[] = "DeviceGetCudaComputeCapability";
        int i = fake_nvml_index(device);
        uint64_t a, b;
        json_t *v;
        int r;

        if (i < 0 || !major || !minor)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_call(&fake_nvml, i, key, 1, &v);
        if (r != 0)
                return (nvmlReturn_t)r;
        if (json_is_string(v)) {
                if (sscanf(json_string_value(v), "%d.%d", major, minor) != 2)
                        return (nvmlReturn_t)fake_desc_bad(&fake_nvml, i, key, "expected \"M.m\"");
                return NVML_SUCCESS;
        }
        if ((r = fake_desc_part_u64(&fake_nvml, i, key, v, 0, "major", &a)) == 0 &&
            (r = fake_desc_part_u64(&fake_nvml, i, key, v, 1, "minor", &b)) == 0)
                *major = (int)a, *minor = (int)b;
        return (nvmlReturn_t)r;
}

nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int *minorNumber)
{
        return fake_nvml_uint(device, "DeviceGetMinorNumber", minorNumber);
}

nvmlReturn_t nvmlDeviceGetPersistenceMode(nvmlDevice_t device, nvmlEnableState_t *mode)
{
        return fake_nvml_uint(device, "DeviceGetPersistenceMode", mode);
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *currentMode,
                                  unsigned int *pendingMode)
{
        return fake_nvml_pair(device, "DeviceGetMigMode", "currentMode", currentMode,
                              "pendingMode", pendingMode);
}

nvmlReturn_t nvmlDeviceGetEccMode(nvmlDevice_t device, nvmlEnableState_t *current,
                                  nvmlEnableState_t *pending)
{
        return fake_nvml_pair(device, "DeviceGetEccMode", "current", current, "pending", pending);
}

/* Keyed "DeviceGetTotalEccErrors:<corrected|uncorrected>:<volatile|aggregate>". */
nvmlReturn_t nvmlDeviceGetTotalEccErrors(nvmlDevice_t device, nvmlMemoryErrorType_t errorType,
                                         nvmlEccCounterType_t counterType,
                                         unsigned long long *eccCounts)
{
        char key[96];

        if (errorType > NVML_MEMORY_ERROR_TYPE_UNCORRECTED || counterType > NVML_AGGREGATE_ECC)
                return NVML_ERROR_INVALID_ARGUMENT;
        snprintf(key, sizeof(key), "DeviceGetTotalEccErrors:%s:%s",
                 errorType == NVML_MEMORY_ERROR_TYPE_CORRECTED ? "corrected" : "uncorrected",
                 counterType == NVML_VOLATILE_ECC ? "volatile" : "aggregate");
        return fake_nvml_ull(device, key, eccCounts);
}

/* Keyed "DeviceGetRetiredPages:<sbe|dbe>": a count, or the page addresses. */
nvmlReturn_t nvmlDeviceGetRetiredPages(nvmlDevice_t device, nvmlPageRetirementCause_t cause,
                                       unsigned int *pageCount, unsigned long long *addresses)
{
        int i = fake_nvml_index(device);
        char key[64];
        uint64_t n, a;
        json_t *v;
        int r;

        if (i < 0 || !pageCount || cause > NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR)
                return NVML_ERROR_INVALID_ARGUMENT;
        snprintf(key, sizeof(key), "DeviceGetRetiredPages:%s",
                 cause == NVML_PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR ? "dbe" : "sbe");
        r = fake_desc_call(&fake_nvml, i, key, 1, &v);
        if (r == 0 && !json_is_array(v))
                r = fake_desc_as_u64(&fake_nvml, i, key, v, &n);
        if (r != 0)
                return (nvmlReturn_t)r;
        if (json_is_array(v))
                n = json_array_size(v);
        if (n > *pageCount) {
                *pageCount = (unsigned int)n;
                return NVML_ERROR_INSUFFICIENT_SIZE;
        }
        for (size_t k = 0; addresses && json_is_array(v) && k < n; k++) {
                if ((r = fake_desc_part_u64(&fake_nvml, i, key, v, k, "", &a)) != 0)
                        return (nvmlReturn_t)r;
                addresses[k] = a;
        }
        *pageCount = (unsigned int)n;
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetRetiredPagesPendingStatus(nvmlDevice_t device,
                                                    nvmlEnableState_t *isPending)
{
        return fake_nvml_uint(device, "DeviceGetRetiredPagesPendingStatus", isPending);
}

/* [corr, unc, pending, failure] or NVML's parameter names as keys. */
nvmlReturn_t nvmlDeviceGetRemappedRows(nvmlDevice_t device, unsigned int *corrRows,
                                       unsigned int *uncRows, unsigned int *isPending,
                                       unsigned int *failureOccurred)
{
        static const char key[] = "DeviceGetRemappedRows";
        static const char *const names[] = { "corrRows", "uncRows", "isPending",
                                             "failureOccurred" };
        unsigned int *outs[] = { corrRows, uncRows, isPending, failureOccurred };
        int i = fake_nvml_index(device);
        uint64_t vals[4];
        json_t *v;
        int r;

        if (i < 0 || !corrRows || !uncRows || !isPending || !failureOccurred)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_call(&fake_nvml, i, key, 1, &v);
        for (size_t k = 0; r == 0 && k < 4; k++)
                r = fake_desc_part_u64(&fake_nvml, i, key, v, k, names[k], &vals[k]);
        for (size_t k = 0; r == 0 && k < 4; k++)
                *outs[k] = (unsigned int)vals[k];
        return (nvmlReturn_t)r;
}

nvmlReturn_t nvmlDeviceGetCurrPcieLinkGeneration(nvmlDevice_t device, unsigned int *currLinkGen)
{
        return fake_nvml_uint(device, "DeviceGetCurrPcieLinkGeneration", currLinkGen);
}

nvmlReturn_t nvmlDeviceGetMaxPcieLinkGeneration(nvmlDevice_t device, unsigned int *maxLinkGen)
{
        return fake_nvml_uint(device, "DeviceGetMaxPcieLinkGeneration", maxLinkGen);
}

nvmlReturn_t nvmlDeviceGetCurrPcieLinkWidth(nvmlDevice_t device, unsigned int *currLinkWidth)
{
        return fake_nvml_uint(device, "DeviceGetCurrPcieLinkWidth", currLinkWidth);
}

nvmlReturn_t nvmlDeviceGetMaxPcieLinkWidth(nvmlDevice_t device, unsigned int *maxLinkWidth)
{
        return fake_nvml_uint(device, "DeviceGetMaxPcieLinkWidth", maxLinkWidth);
}

/* The node number; the fake fills one word of the set at any scope. */
nvmlReturn_t nvmlDeviceGetMemoryAffinity(nvmlDevice_t device, unsigned int nodeSetSize,
                                         unsigned long *nodeSet, nvmlAffinityScope_t scope)
{
        unsigned int node = 0;
        nvmlReturn_t r;

        (void)scope;
        if (nodeSetSize < 1 || !nodeSet)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_nvml_uint(device, "DeviceGetMemoryAffinity", &node);
        if (r == NVML_SUCCESS && node >= 8 * sizeof(unsigned long))
                return NVML_ERROR_INVALID_ARGUMENT;
        if (r == NVML_SUCCESS)
                nodeSet[0] = 1UL << node;
        return r;
}

/* Keyed "DeviceGetTemperature:gpu" (sensor 0), other sensors by number. */
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, nvmlTemperatureSensors_t sensorType,
                                      unsigned int *temp)
{
        char key[64];

        if (sensorType == NVML_TEMPERATURE_GPU)
                snprintf(key, sizeof(key), "DeviceGetTemperature:gpu");
        else
                snprintf(key, sizeof(key), "DeviceGetTemperature:%u", sensorType);
        return fake_nvml_uint(device, key, temp);
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power)
{
        return fake_nvml_uint(device, "DeviceGetPowerUsage", power);
}

nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit)
{
        return fake_nvml_uint(device, "DeviceGetEnforcedPowerLimit", limit);
}

nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t device,
                                                    unsigned long long *clocksEventReasons)
{
        return fake_nvml_ull(device, "DeviceGetCurrentClocksEventReasons", clocksEventReasons);
}

nvmlReturn_t nvmlDeviceGetCurrentClocksThrottleReasons(nvmlDevice_t device,
                                                       unsigned long long *clocksThrottleReasons)
{
        return fake_nvml_ull(device, "DeviceGetCurrentClocksThrottleReasons",
                             clocksThrottleReasons);
}
