/* fake-nvml.c - a fake libnvidia-ml.so.1 for the tests: exports every NVML
 * entry point dlrig resolves (every name of every row of nvml-syms.h) and
 * answers from the machine description (fake-desc.h, README.md). Keys are
 * the function names without "nvml" and without the version suffix.
 * This half holds the helpers, the system calls and device identity. */
#include "fake-nvml.h"

#include <string.h>

#define FAKE_CODE_(name, value, ...) { #name, (value) },
static const struct fake_code fake_nvml_codes[] = { NVML_RETURN_CODES(FAKE_CODE_) };

const struct fake_lib fake_nvml = {
        "fake-nvml", "nvml", fake_nvml_codes,
        sizeof(fake_nvml_codes) / sizeof(fake_nvml_codes[0]), NVML_ERROR_UNKNOWN,
};

/* A handle is a pointer to the device's slot. */
#define FAKE_NVML_MAX_DEVICES 64
struct nvmlDevice_st {
        int index;
};
static struct nvmlDevice_st fake_nvml_devs[FAKE_NVML_MAX_DEVICES];

int fake_nvml_index(nvmlDevice_t d)
{
        if (d < fake_nvml_devs || d >= fake_nvml_devs + FAKE_NVML_MAX_DEVICES)
                return -1;
        return (int)(d - fake_nvml_devs);
}

nvmlReturn_t fake_nvml_uint(nvmlDevice_t d, const char *key, unsigned int *out)
{
        int i = fake_nvml_index(d);
        uint64_t v;
        int r;

        if (i < 0 || !out)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_u64(&fake_nvml, i, key, &v);
        if (r == 0)
                *out = (unsigned int)v;
        return (nvmlReturn_t)r;
}

nvmlReturn_t fake_nvml_ull(nvmlDevice_t d, const char *key, unsigned long long *out)
{
        int i = fake_nvml_index(d);
        uint64_t v;
        int r;

        if (i < 0 || !out)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_u64(&fake_nvml, i, key, &v);
        if (r == 0)
                *out = v;
        return (nvmlReturn_t)r;
}

nvmlReturn_t fake_nvml_text(int dev, const char *key, char *buf, unsigned int len)
{
        const char *s;
        int r;

        if (!buf)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_str(&fake_nvml, dev, key, &s);
        if (r != 0)
                return (nvmlReturn_t)r;
        if (strlen(s) >= len)
                return NVML_ERROR_INSUFFICIENT_SIZE;
        memcpy(buf, s, strlen(s) + 1);
        return NVML_SUCCESS;
}

nvmlReturn_t fake_nvml_pair(nvmlDevice_t d, const char *key, const char *na,
                                   unsigned int *a, const char *nb, unsigned int *b)
{
        int i = fake_nvml_index(d);
        uint64_t va, vb;
        json_t *v;
        int r;

        if (i < 0 || !a || !b)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_call(&fake_nvml, i, key, 1, &v);
        if (r == 0)
                r = fake_desc_part_u64(&fake_nvml, i, key, v, 0, na, &va);
        if (r == 0)
                r = fake_desc_part_u64(&fake_nvml, i, key, v, 1, nb, &vb);
        if (r == 0)
                *a = (unsigned int)va, *b = (unsigned int)vb;
        return (nvmlReturn_t)r;
}

/* ---- system ------------------------------------------------------------- */

nvmlReturn_t nvmlInit_v2(void)
{
        json_t *v;

        return (nvmlReturn_t)fake_desc_call(&fake_nvml, FAKE_SYSTEM, "Init", 1, &v);
}

nvmlReturn_t nvmlInit(void)
{
        return nvmlInit_v2();
}

const char *nvmlErrorString(nvmlReturn_t r)
{
        for (size_t i = 0; i < fake_nvml.ncodes; i++)
                if (fake_nvml_codes[i].code == (int)r)
                        return fake_nvml_codes[i].name;
        return "Unknown Error";
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length)
{
        return fake_nvml_text(FAKE_SYSTEM, "SystemGetDriverVersion", version, length);
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *cudaDriverVersion)
{
        uint64_t v;
        int r;

        if (!cudaDriverVersion)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_u64(&fake_nvml, FAKE_SYSTEM, "SystemGetCudaDriverVersion", &v);
        if (r == 0)
                *cudaDriverVersion = (int)v;
        return (nvmlReturn_t)r;
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion(int *cudaDriverVersion)
{
        return nvmlSystemGetCudaDriverVersion_v2(cudaDriverVersion);
}

/* Without an entry, the count is the length of "devices". */
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount)
{
        json_t *v;
        uint64_t n;
        int r;

        if (!deviceCount)
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_call(&fake_nvml, FAKE_SYSTEM, "DeviceGetCount", 0, &v);
        if (r < 0) {
                *deviceCount = (unsigned int)fake_desc_ndevices(&fake_nvml);
                return NVML_SUCCESS;
        }
        if (r == 0)
                r = fake_desc_as_u64(&fake_nvml, FAKE_SYSTEM, "DeviceGetCount", v, &n);
        if (r == 0)
                *deviceCount = (unsigned int)n;
        return (nvmlReturn_t)r;
}

nvmlReturn_t nvmlDeviceGetCount(unsigned int *deviceCount)
{
        return nvmlDeviceGetCount_v2(deviceCount);
}

/* Any listed device has a handle unless its entry (a failure, a delay, a
 * hang) says otherwise. */
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
{
        json_t *v;
        int r;

        if (!device || index >= FAKE_NVML_MAX_DEVICES ||
            (int)index >= fake_desc_ndevices(&fake_nvml))
                return NVML_ERROR_INVALID_ARGUMENT;
        r = fake_desc_call(&fake_nvml, (int)index, "DeviceGetHandleByIndex", 0, &v);
        if (r > 0)
                return (nvmlReturn_t)r;
        fake_nvml_devs[index].index = (int)index;
        *device = &fake_nvml_devs[index];
        return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t *device)
{
        return nvmlDeviceGetHandleByIndex_v2(index, device);
}

/* ---- per device: identity ------------------------------------------------ */

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)
{
        int i = fake_nvml_index(device);

        return i < 0 ? NVML_ERROR_INVALID_ARGUMENT
                     : fake_nvml_text(i, "DeviceGetName", name, length);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)
{
        int i = fake_nvml_index(device);

        return i < 0 ? NVML_ERROR_INVALID_ARGUMENT
                     : fake_nvml_text(i, "DeviceGetUUID", uuid, length);
}
