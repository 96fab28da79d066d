/* fake-cuda.c - a fake libcuda.so.1 for the tests: exports every CUDA
 * driver API entry point dlrig resolves (every name of every row of
 * cuda-syms.h) and answers from the machine description (fake-desc.h,
 * README.md). Keys are the function names without "cu" and without the
 * version suffix; a CUdevice is the device's ordinal, as in the real one.
 * Like the real library, every device call fails with
 * CUDA_ERROR_NOT_INITIALIZED until cuInit has succeeded. */
#include <stdio.h>
#include <string.h>

#include "drv/cuda-types.h"
#include "drv/cuda-syms.h"
#include "fake-desc.h"
#include "fake-cuda.h"

#define FAKE_EXPORT __attribute__((visibility("default")))

/* Our prototypes, from the same list dlrig resolves: a definition below
 * that differs, or a name left undefined, fails the build of the fake. */
#define FAKE_CUDA_DECL_(ret, args, name) FAKE_EXPORT ret name args;
#define FAKE_CUDA_ROW_(field, req, ret, args, ...)                             \
        DRV_EACH_NAME(FAKE_CUDA_DECL_, ret, args, __VA_ARGS__)
CUDA_SYMS(FAKE_CUDA_ROW_)

#define FAKE_CODE_(name, value, ...) { #name, (value) },
static const struct fake_code fake_cuda_codes[] = { CUDA_RETURN_CODES(FAKE_CODE_) };

const struct fake_lib fake_cuda = {
        "fake-cuda", "cuda", fake_cuda_codes,
        sizeof(fake_cuda_codes) / sizeof(fake_cuda_codes[0]), CUDA_ERROR_UNKNOWN,
};

static int fake_cuda_initialised;

int fake_cuda_ready(void)
{
        return fake_cuda_initialised;
}

/* The checks every device call starts with; 0 when the call may go on. */
static CUresult fake_cuda_check(CUdevice dev, const void *out)
{
        if (!fake_cuda_initialised)
                return CUDA_ERROR_NOT_INITIALIZED;
        if (!out)
                return CUDA_ERROR_INVALID_VALUE;
        if (dev < 0 || dev >= fake_desc_ndevices(&fake_cuda))
                return CUDA_ERROR_INVALID_DEVICE;
        return CUDA_SUCCESS;
}

/* Text into a caller's buffer, truncated to fit as the real calls do. */
static CUresult fake_cuda_text(CUdevice dev, const char *key, char *buf, int len)
{
        CUresult r = fake_cuda_check(dev, buf);
        const char *s;

        if (r == CUDA_SUCCESS && len <= 0)
                r = CUDA_ERROR_INVALID_VALUE;
        if (r == CUDA_SUCCESS)
                r = (CUresult)fake_desc_str(&fake_cuda, dev, key, &s);
        if (r == CUDA_SUCCESS)
                snprintf(buf, (size_t)len, "%s", s);
        return r;
}

CUresult cuInit(unsigned int Flags)
{
        json_t *v;
        int r;

        if (Flags != 0)
                return CUDA_ERROR_INVALID_VALUE;
        r = fake_desc_call(&fake_cuda, FAKE_SYSTEM, "Init", 1, &v);
        fake_cuda_initialised = r == 0;
        return (CUresult)r;
}

/* Needs no cuInit, as in the real library. */
CUresult cuDriverGetVersion(int *driverVersion)
{
        uint64_t v;
        int r;

        if (!driverVersion)
                return CUDA_ERROR_INVALID_VALUE;
        r = fake_desc_u64(&fake_cuda, FAKE_SYSTEM, "DriverGetVersion", &v);
        if (r == 0)
                *driverVersion = (int)v;
        return (CUresult)r;
}

/* Without an entry, the count is the length of "devices". */
CUresult cuDeviceGetCount(int *count)
{
        uint64_t n;
        json_t *v;
        int r;

        if (!fake_cuda_initialised)
                return CUDA_ERROR_NOT_INITIALIZED;
        if (!count)
                return CUDA_ERROR_INVALID_VALUE;
        r = fake_desc_call(&fake_cuda, FAKE_SYSTEM, "DeviceGetCount", 0, &v);
        if (r < 0) {
                *count = fake_desc_ndevices(&fake_cuda);
                return CUDA_SUCCESS;
        }
        if (r == 0)
                r = fake_desc_as_u64(&fake_cuda, FAKE_SYSTEM, "DeviceGetCount", v, &n);
        if (r == 0)
                *count = (int)n;
        return (CUresult)r;
}

/* Any listed device can be had unless its entry says otherwise. */
CUresult cuDeviceGet(CUdevice *device, int ordinal)
{
        CUresult r = fake_cuda_check(ordinal, device);
        json_t *v;
        int e;

        if (r != CUDA_SUCCESS)
                return r;
        e = fake_desc_call(&fake_cuda, ordinal, "DeviceGet", 0, &v);
        if (e > 0)
                return (CUresult)e;
        *device = ordinal;
        return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char *name, int len, CUdevice dev)
{
        return fake_cuda_text(dev, "DeviceGetName", name, len);
}

CUresult cuDeviceGetPCIBusId(char *pciBusId, int len, CUdevice dev)
{
        return fake_cuda_text(dev, "DeviceGetPCIBusId", pciBusId, len);
}

/* Keyed "DeviceGetAttribute:COMPUTE_CAPABILITY_MAJOR" for the attributes
 * dlrig asks for, "DeviceGetAttribute:<number>" for any other. */
CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev)
{
        CUresult r = fake_cuda_check(dev, pi);
        char key[64];
        uint64_t v;

        if (r != CUDA_SUCCESS)
                return r;
        if (attrib == CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
                snprintf(key, sizeof(key), "DeviceGetAttribute:COMPUTE_CAPABILITY_MAJOR");
        else if (attrib == CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)
                snprintf(key, sizeof(key), "DeviceGetAttribute:COMPUTE_CAPABILITY_MINOR");
        else
                snprintf(key, sizeof(key), "DeviceGetAttribute:%u", attrib);
        r = (CUresult)fake_desc_u64(&fake_cuda, dev, key, &v);
        if (r == CUDA_SUCCESS)
                *pi = (int)v;
        return r;
}

static int fake_cuda_hex(char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", as NVML and nvidia-smi
 * print it; the 32 hex digits become the 16 bytes. */
CUresult cuDeviceGetUuid_v2(CUuuid *uuid, CUdevice dev)
{
        static const char key[] = "DeviceGetUuid";
        CUresult r = fake_cuda_check(dev, uuid);
        const char *s;
        size_t n = 0;

        if (r == CUDA_SUCCESS)
                r = (CUresult)fake_desc_str(&fake_cuda, dev, key, &s);
        if (r != CUDA_SUCCESS)
                return r;
        if (!strncmp(s, "GPU-", 4))
                s += 4;
        for (; *s; s++) {
                int hi = fake_cuda_hex(s[0]), lo = hi < 0 ? -1 : fake_cuda_hex(s[1]);

                if (*s == '-')
                        continue;
                if (lo < 0 || n == sizeof(uuid->bytes))
                        break;
                uuid->bytes[n++] = (char)(hi << 4 | lo);
                s++;
        }
        if (n != sizeof(uuid->bytes) || *s)
                return (CUresult)fake_desc_bad(&fake_cuda, dev, key,
                                               "expected GPU-<32 hex digits>");
        return CUDA_SUCCESS;
}

CUresult cuDeviceGetUuid(CUuuid *uuid, CUdevice dev)
{
        return cuDeviceGetUuid_v2(uuid, dev);
}

CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
{
        CUresult r = fake_cuda_check(dev, bytes);
        uint64_t v;

        if (r == CUDA_SUCCESS)
                r = (CUresult)fake_desc_u64(&fake_cuda, dev, "DeviceTotalMem", &v);
        if (r == CUDA_SUCCESS)
                *bytes = (size_t)v;
        return r;
}

/* A table lookup in the real library too: no entry needed. */
CUresult cuGetErrorName(CUresult error, const char **pStr)
{
        if (!pStr)
                return CUDA_ERROR_INVALID_VALUE;
        for (size_t i = 0; i < fake_cuda.ncodes; i++) {
                if (fake_cuda_codes[i].code == (int)error) {
                        *pStr = fake_cuda_codes[i].name;
                        return CUDA_SUCCESS;
                }
        }
        *pStr = NULL;
        return CUDA_ERROR_INVALID_VALUE;
}
