/* fake-cuda-mem.c - the memory, copy, stream, event and peer calls of the
 * fake libcuda.so.1 (what dlrig bench uses, src/bench/bench-syms.h).
 *
 * Data moves for real, so a verifying reader sees what a copy delivered;
 * time does not pass: each stream keeps a modelled clock in microseconds
 * that a copy advances by latency + bytes / rate, events take the clock of
 * their stream, and the host's clock moves when it waits. Rates come from
 * the description (README.md, "Bench" and "Peer" entries), so the figures
 * bench reports are the modelled ones, exactly. A copy between device
 * buffers that would write the same bytes again is not repeated (the
 * destination is unchanged since): the tests stay fast on 8 GPUs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench-types.h"
#include "bench/bench-syms.h"
#include "fake-cuda.h"
#include "fake-cuda-clock.h"

#define FAKE_EXPORT __attribute__((visibility("default")))
#define FAKE_MEM_DECL_(ret, args, name) FAKE_EXPORT ret name args;
#define FAKE_MEM_ROW_(field, req, ret, args, ...)                              \
        DRV_EACH_NAME(FAKE_MEM_DECL_, ret, args, __VA_ARGS__)
BENCH_CUDA_SYMS(FAKE_MEM_ROW_)

#define FAKE_MAX_DEVS 64
#define CUDA_ERROR_PEER_ACCESS_UNSUPPORTED_ 217

struct CUctx_st {
        int dev;
        int peer[FAKE_MAX_DEVS]; /* peer access enabled towards device i */
};

struct CUstream_st {
        int dev;
        double t;
};

struct CUevent_st {
        double t;
};

struct fmem {
        struct fmem *next;
        unsigned char *p;
        size_t n;
        int dev;                 /* -1: pinned host memory */
        unsigned gen;            /* bumped by every write through the fake */
        const struct fmem *src;  /* what the last copy into it was ... */
        unsigned src_gen, gen_after;
        size_t bytes;
        int corrupt;
};

static struct CUctx_st fake_ctxs[FAKE_MAX_DEVS];
static struct CUctx_st *fake_current;
static struct fmem *fake_mems;
static double fake_now; /* the host's clock, us */

/* ---- the model ---------------------------------------------------------------- */

static double dmax(double a, double b)
{
        return a > b ? a : b;
}

static void fake_enqueue(CUstream s, double us)
{
        s->t = dmax(s->t, fake_now) + us;
}

/* A number of device dev's "Bench" entry; 0 when absent. */
static double fake_bench_rate(int dev, const char *what)
{
        json_t *v = NULL;

        if (fake_desc_call(&fake_cuda, dev, "Bench", 1, &v) != 0)
                return 0;
        return json_number_value(json_object_get(v, what));
}

/* The "Peer:a:b" entry, else "PeerDefault"; NULL (reported) when neither. */
static json_t *fake_peer(int a, int b)
{
        char key[48];
        json_t *v = NULL;

        snprintf(key, sizeof(key), "Peer:%d:%d", a, b);
        if (fake_desc_call(&fake_cuda, FAKE_SYSTEM, key, 0, &v) == 0 && v)
                return v;
        if (fake_desc_call(&fake_cuda, FAKE_SYSTEM, "PeerDefault", 1, &v) == 0)
                return v;
        return NULL;
}

static double peer_num(json_t *p, const char *key)
{
        return json_number_value(json_object_get(p, key));
}

/* Microseconds to move n bytes at gbps (1e9 bytes/s = 1e3 bytes/us). */
static double fake_duration(size_t n, double gbps, double latency_us)
{
        return latency_us + (gbps > 0 ? (double)n / (gbps * 1e3) : 1e9);
}

/* ---- memory ------------------------------------------------------------------- */

static struct fmem *fake_find(const void *p)
{
        for (struct fmem *m = fake_mems; m; m = m->next)
                if ((const unsigned char *)p >= m->p && (const unsigned char *)p < m->p + m->n)
                        return m;
        return NULL;
}

static CUresult fake_alloc(void **pp, size_t n, int dev)
{
        struct fmem *m = calloc(1, sizeof(*m));

        if (!m || !n || !(m->p = malloc(n))) {
                free(m);
                return CUDA_ERROR_OUT_OF_MEMORY;
        }
        m->n = n;
        m->dev = dev;
        m->next = fake_mems;
        fake_mems = m;
        *pp = m->p;
        return CUDA_SUCCESS;
}

static CUresult fake_free(void *p)
{
        for (struct fmem **mp = &fake_mems; *mp; mp = &(*mp)->next) {
                if ((*mp)->p == p) {
                        struct fmem *m = *mp;
                        *mp = m->next;
                        free(m->p);
                        free(m);
                        return CUDA_SUCCESS;
                }
        }
        return CUDA_ERROR_INVALID_VALUE;
}

/* Moves the bytes (zeros for a corrupting path). Copies between tracked
 * device buffers are skipped when the destination already holds them. */
static CUresult fake_move(void *dst, const void *src, size_t n, int corrupt)
{
        struct fmem *d = fake_find(dst), *s = fake_find(src);

        if ((d && (unsigned char *)dst + n > d->p + d->n) ||
            (s && (const unsigned char *)src + n > s->p + s->n))
                return CUDA_ERROR_INVALID_VALUE;
        if (d && s && s->dev >= 0 && d->dev >= 0 && d->src == s && d->src_gen == s->gen &&
            d->gen == d->gen_after && d->bytes == n && d->corrupt == corrupt && dst == d->p &&
            src == s->p)
                return CUDA_SUCCESS;
        if (corrupt)
                memset(dst, 0, n);
        else
                memmove(dst, src, n);
        if (d) {
                d->gen++;
                d->src = s;
                d->src_gen = s ? s->gen : 0;
                d->gen_after = d->gen;
                d->bytes = n;
                d->corrupt = corrupt;
        }
        return CUDA_SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)
{
        void *p = NULL;
        CUresult r;

        if (!fake_cuda_ready() || !fake_current)
                return fake_cuda_ready() ? CUDA_ERROR_INVALID_CONTEXT : CUDA_ERROR_NOT_INITIALIZED;
        if (!dptr)
                return CUDA_ERROR_INVALID_VALUE;
        r = fake_alloc(&p, bytesize, fake_current->dev);
        *dptr = (CUdeviceptr)(uintptr_t)p;
        return r;
}

CUresult cuMemFree_v2(CUdeviceptr dptr)
{
        return fake_free((void *)(uintptr_t)dptr);
}

CUresult cuMemHostAlloc(void **pp, size_t bytesize, unsigned int Flags)
{
        (void)Flags;
        if (!fake_cuda_ready())
                return CUDA_ERROR_NOT_INITIALIZED;
        return pp ? fake_alloc(pp, bytesize, -1) : CUDA_ERROR_INVALID_VALUE;
}

CUresult cuMemFreeHost(void *p)
{
        return fake_free(p);
}

/* ---- contexts ----------------------------------------------------------------- */

CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)
{
        if (!fake_cuda_ready())
                return CUDA_ERROR_NOT_INITIALIZED;
        if (!pctx)
                return CUDA_ERROR_INVALID_VALUE;
        if (dev < 0 || dev >= fake_desc_ndevices(&fake_cuda) || dev >= FAKE_MAX_DEVS)
                return CUDA_ERROR_INVALID_DEVICE;
        fake_ctxs[dev].dev = dev;
        *pctx = &fake_ctxs[dev];
        return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)
{
        return dev >= 0 && dev < FAKE_MAX_DEVS ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

CUresult cuCtxSetCurrent(CUcontext ctx)
{
        fake_current = ctx;
        return CUDA_SUCCESS;
}

/* ---- streams and events --------------------------------------------------------- */

CUresult cuStreamCreate(CUstream *phStream, unsigned int Flags)
{
        (void)Flags;
        if (!fake_current)
                return CUDA_ERROR_INVALID_CONTEXT;
        if (!phStream || !(*phStream = calloc(1, sizeof(**phStream))))
                return CUDA_ERROR_INVALID_VALUE;
        (*phStream)->dev = fake_current->dev;
        return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream hStream)
{
        free(hStream);
        return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream hStream)
{
        json_t *v;

        if (!hStream)
                return CUDA_ERROR_INVALID_HANDLE;
        /* a GPU that stops answering under load */
        fake_desc_call(&fake_cuda, hStream->dev, "StreamSynchronize", 0, &v);
        fake_now = dmax(fake_now, hStream->t);
        return CUDA_SUCCESS;
}

CUresult cuStreamWaitEvent(CUstream hStream, CUevent hEvent, unsigned int Flags)
{
        (void)Flags;
        if (!hStream || !hEvent)
                return CUDA_ERROR_INVALID_HANDLE;
        hStream->t = dmax(hStream->t, hEvent->t);
        return CUDA_SUCCESS;
}

CUresult cuEventCreate(CUevent *phEvent, unsigned int Flags)
{
        (void)Flags;
        if (!phEvent || !(*phEvent = calloc(1, sizeof(**phEvent))))
                return CUDA_ERROR_INVALID_VALUE;
        return CUDA_SUCCESS;
}

CUresult cuEventDestroy_v2(CUevent hEvent)
{
        free(hEvent);
        return CUDA_SUCCESS;
}

CUresult cuEventRecord(CUevent hEvent, CUstream hStream)
{
        if (!hEvent)
                return CUDA_ERROR_INVALID_HANDLE;
        hEvent->t = hStream ? dmax(hStream->t, fake_now) : fake_now;
        if (hStream)
                hStream->t = hEvent->t;
        return CUDA_SUCCESS;
}

CUresult cuEventSynchronize(CUevent hEvent)
{
        if (!hEvent)
                return CUDA_ERROR_INVALID_HANDLE;
        fake_now = dmax(fake_now, hEvent->t);
        return CUDA_SUCCESS;
}

/* A polling host: the event is done once the host's clock reaches it,
 * which it does at once, unless its stream is blocked (a hung collective,
 * fake-nccl.c): then never. */
CUresult cuEventQuery(CUevent hEvent)
{
        if (!hEvent)
                return CUDA_ERROR_INVALID_HANDLE;
        if (hEvent->t >= FAKE_NEVER)
                return CUDA_ERROR_NOT_READY;
        fake_now = dmax(fake_now, hEvent->t);
        return CUDA_SUCCESS;
}

CUresult cuEventElapsedTime_v2(float *pMilliseconds, CUevent hStart, CUevent hEnd)
{
        if (!pMilliseconds || !hStart || !hEnd)
                return CUDA_ERROR_INVALID_HANDLE;
        *pMilliseconds = (float)((hEnd->t - hStart->t) / 1000.0);
        return CUDA_SUCCESS;
}

CUresult cuEventElapsedTime(float *pMilliseconds, CUevent hStart, CUevent hEnd)
{
        return cuEventElapsedTime_v2(pMilliseconds, hStart, hEnd);
}

/* ---- copies ------------------------------------------------------------------- */

/* A GPU's own copy. On an idle stream it starts the device's "launch_us"
 * after the host's clock (the host hands it over), on a busy one right
 * after the work queued before it. */
static CUresult fake_copy_on(CUstream s, void *dst, const void *src, size_t n, const char *rate)
{
        CUresult r;

        if (!s)
                return CUDA_ERROR_INVALID_HANDLE;
        r = fake_move(dst, src, n, 0);
        if (r == CUDA_SUCCESS && s->t <= fake_now) /* idle: the launch reaches it later */
                s->t = fake_now + fake_bench_rate(s->dev, "launch_us");
        if (r == CUDA_SUCCESS)
                fake_enqueue(s, fake_duration(n, fake_bench_rate(s->dev, rate), 0));
        return r;
}

CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount,
                              CUstream hStream)
{
        return fake_copy_on(hStream, (void *)(uintptr_t)dstDevice, srcHost, ByteCount, "h2d_gbps");
}

CUresult cuMemcpyDtoHAsync_v2(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount,
                              CUstream hStream)
{
        return fake_copy_on(hStream, dstHost, (const void *)(uintptr_t)srcDevice, ByteCount,
                            "d2h_gbps");
}

CUresult cuMemcpyDtoDAsync_v2(CUdeviceptr dstDevice, CUdeviceptr srcDevice, size_t ByteCount,
                              CUstream hStream)
{
        return fake_copy_on(hStream, (void *)(uintptr_t)dstDevice,
                            (const void *)(uintptr_t)srcDevice, ByteCount, "d2d_gbps");
}

/* P2P where enabled and the pair supports it; otherwise staged through
 * host memory at the pair's "host_gbps", or the slower of the two GPUs'
 * host links. */
CUresult cuMemcpyPeerAsync(CUdeviceptr dstDevice, CUcontext dstContext, CUdeviceptr srcDevice,
                           CUcontext srcContext, size_t ByteCount, CUstream hStream)
{
        int a, b, p2p;
        double gbps;
        char key[48];
        json_t *peer, *v;
        CUresult r;

        if (!dstContext || !srcContext || !hStream)
                return CUDA_ERROR_INVALID_HANDLE;
        a = srcContext->dev, b = dstContext->dev;
        snprintf(key, sizeof(key), "MemcpyPeer:%d:%d", a, b);
        r = (CUresult)fake_desc_call(&fake_cuda, FAKE_SYSTEM, key, 0, &v); /* may hang */
        if ((int)r > 0)
                return r;
        if (!(peer = fake_peer(a, b)))
                return (CUresult)fake_cuda.unknown;
        p2p = peer_num(peer, "p2p") > 0 && srcContext->peer[b];
        gbps = p2p ? peer_num(peer, "gbps") : peer_num(peer, "host_gbps");
        if (!p2p && gbps <= 0) {
                double d2h = fake_bench_rate(a, "d2h_gbps"), h2d = fake_bench_rate(b, "h2d_gbps");
                gbps = d2h < h2d ? d2h : h2d;
        }
        r = fake_move((void *)(uintptr_t)dstDevice, (const void *)(uintptr_t)srcDevice, ByteCount,
                      json_is_true(json_object_get(peer, "corrupt")));
        if (r == CUDA_SUCCESS)
                fake_enqueue(hStream, fake_duration(ByteCount, gbps, peer_num(peer, "latency_us")));
        return r;
}

/* ---- peer facts ----------------------------------------------------------------- */

CUresult cuDeviceCanAccessPeer(int *canAccessPeer, CUdevice dev, CUdevice peerDev)
{
        json_t *p;

        if (!canAccessPeer)
                return CUDA_ERROR_INVALID_VALUE;
        if (dev == peerDev)
                return CUDA_ERROR_INVALID_DEVICE;
        if (!(p = fake_peer(dev, peerDev)))
                return (CUresult)fake_cuda.unknown;
        *canAccessPeer = peer_num(p, "p2p") > 0;
        return CUDA_SUCCESS;
}

CUresult cuDeviceGetP2PAttribute(int *value, CUdevice_P2PAttribute attrib, CUdevice srcDevice,
                                 CUdevice dstDevice)
{
        json_t *p;

        if (!value)
                return CUDA_ERROR_INVALID_VALUE;
        if (!(p = fake_peer(srcDevice, dstDevice)))
                return (CUresult)fake_cuda.unknown;
        if (attrib == CU_DEVICE_P2P_ATTRIBUTE_PERFORMANCE_RANK)
                *value = (int)peer_num(p, "rank");
        else if (attrib == CU_DEVICE_P2P_ATTRIBUTE_ACCESS_SUPPORTED)
                *value = peer_num(p, "p2p") > 0;
        else
                return CUDA_ERROR_INVALID_VALUE;
        return CUDA_SUCCESS;
}

CUresult cuCtxEnablePeerAccess(CUcontext peerContext, unsigned int Flags)
{
        json_t *p;

        if (!fake_current || !peerContext || Flags)
                return CUDA_ERROR_INVALID_VALUE;
        if (!(p = fake_peer(fake_current->dev, peerContext->dev)))
                return (CUresult)fake_cuda.unknown;
        if (peer_num(p, "p2p") <= 0)
                return CUDA_ERROR_PEER_ACCESS_UNSUPPORTED_;
        if (fake_current->peer[peerContext->dev])
                return (CUresult)CUDA_ERROR_PEER_ACCESS_ALREADY_ENABLED;
        fake_current->peer[peerContext->dev] = 1;
        return CUDA_SUCCESS;
}

/* ---- for the fake cuBLAS and NCCL (fake-cuda-clock.h) ---------------------------- */

int fake_cuda_current_dev(void)
{
        return fake_current ? fake_current->dev : -1;
}

int fake_cuda_stream_dev(CUstream s)
{
        return s ? s->dev : -1;
}

double fake_cuda_stream_time(CUstream s)
{
        return s ? dmax(s->t, fake_now) : fake_now;
}

void fake_cuda_stream_set_time(CUstream s, double t)
{
        if (s)
                s->t = t;
}

double fake_cuda_host_time(void)
{
        return fake_now;
}

void *fake_cuda_mem(const void *p, size_t n)
{
        struct fmem *m = fake_find(p);

        if (!m || (const unsigned char *)p + n > m->p + m->n)
                return NULL;
        return (void *)(uintptr_t)p;
}
