/* fake-nccl.c - a fake libnccl.so.2 for dlrig bench's all-reduce. Data
 * moves for real (each output is the sum of the inputs, computed on the
 * host), time is modelled on the fake libcuda's stream clocks
 * (fake-cuda-clock.h): a collective starts when every rank's stream has
 * reached it and takes latency_us + bytes / algbw, algbw = busbw x n /
 * (2(n-1)), from the "AllReduce" entry of the description's "nccl" section
 * (README.md). Knobs of that entry: "hang_from_bytes" (a collective of at
 * least that size never finishes: its streams' clocks stop until
 * ncclCommAbort) and "wrong_sum" (rank 0 misses the last rank's input). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drv/nccl-types.h"
#include "drv/nccl-syms.h"
#include "fake-cuda-clock.h"
#include "fake-desc.h"

#define FAKE_EXPORT __attribute__((visibility("default")))
#define FAKE_NCCL_DECL_(ret, args, name) FAKE_EXPORT ret name args;
#define FAKE_NCCL_ROW_(field, req, ret, args, ...)                             \
        DRV_EACH_NAME(FAKE_NCCL_DECL_, ret, args, __VA_ARGS__)
NCCL_SYMS(FAKE_NCCL_ROW_)

#define FAKE_CODE_(name, value, ...) { #name, (value) },
static const struct fake_code fake_nccl_codes[] = { NCCL_RETURN_CODES(FAKE_CODE_) };

static const struct fake_lib fake_nccl = {
        "fake-nccl", "nccl", fake_nccl_codes,
        sizeof(fake_nccl_codes) / sizeof(fake_nccl_codes[0]), ncclInternalError,
};

#define FAKE_MAX_RANKS 64

struct clique {
        int n, alive;
        unsigned long long epoch;   /* bumped by every collective that writes */
};

struct ncclComm {
        struct clique *cl;
        int rank;
        CUstream last;              /* the stream of its last collective */
};

struct pending {
        ncclComm_t comm;
        const float *send;
        float *recv;
        size_t count;
        CUstream stream;
};

static struct pending fake_ops[FAKE_MAX_RANKS];
static int fake_nops, fake_depth;

ncclResult_t ncclGetVersion(int *version)
{
        uint64_t v;
        int r;

        if (!version)
                return ncclInvalidArgument;
        r = fake_desc_u64(&fake_nccl, FAKE_SYSTEM, "GetVersion", &v);
        if (r == 0)
                *version = (int)v;
        return (ncclResult_t)r;
}

const char *ncclGetErrorString(ncclResult_t result)
{
        return result == ncclSuccess ? "no error" : "fake NCCL error";
}

ncclResult_t ncclCommInitAll(ncclComm_t *comm, int ndev, const int *devlist)
{
        struct clique *cl;
        json_t *v;
        int r;

        if (!comm || ndev <= 0 || ndev > FAKE_MAX_RANKS)
                return ncclInvalidArgument;
        r = fake_desc_call(&fake_nccl, FAKE_SYSTEM, "CommInitAll", 0, &v); /* may hang */
        if (r > 0)
                return (ncclResult_t)r;
        for (int i = 0; devlist && i < ndev; i++)
                if (devlist[i] < 0)
                        return ncclInvalidArgument;
        if (!(cl = calloc(1, sizeof(*cl))))
                return ncclSystemError;
        cl->n = cl->alive = ndev;
        for (int i = 0; i < ndev; i++) {
                comm[i] = calloc(1, sizeof(*comm[i]));
                if (!comm[i])
                        abort(); /* a test fake: out of memory is the end */
                comm[i]->cl = cl;
                comm[i]->rank = i;
        }
        return ncclSuccess;
}

static void fake_comm_free(ncclComm_t comm)
{
        if (--comm->cl->alive == 0)
                free(comm->cl);
        free(comm);
}

ncclResult_t ncclCommDestroy(ncclComm_t comm)
{
        if (!comm)
                return ncclInvalidArgument;
        fake_comm_free(comm);
        return ncclSuccess;
}

/* Kills the collective in flight: its stream's clock runs again. */
ncclResult_t ncclCommAbort(ncclComm_t comm)
{
        if (!comm)
                return ncclSuccess;
        if (comm->last && fake_cuda_stream_time(comm->last) >= FAKE_NEVER)
                fake_cuda_stream_set_time(comm->last, fake_cuda_host_time());
        fake_comm_free(comm);
        return ncclSuccess;
}

ncclResult_t ncclCommGetAsyncError(ncclComm_t comm, ncclResult_t *asyncError)
{
        if (!comm || !asyncError)
                return ncclInvalidArgument;
        *asyncError = ncclSuccess; /* a hang is silent, as NCCL's are */
        return ncclSuccess;
}

ncclResult_t ncclGroupStart(void)
{
        fake_depth++;
        return ncclSuccess;
}

ncclResult_t ncclAllReduce(const void *sendbuff, void *recvbuff, size_t count,
                           ncclDataType_t datatype, ncclRedOp_t op, ncclComm_t comm,
                           cudaStream_t stream)
{
        if (!comm || !stream || datatype != ncclFloat32 || op != ncclSum)
                return ncclInvalidArgument;
        if (!fake_cuda_mem(sendbuff, count * 4) || !fake_cuda_mem(recvbuff, count * 4))
                return ncclInvalidArgument;
        /* one thread driving several ranks must group them, or NCCL deadlocks */
        if (!fake_depth && comm->cl->n > 1)
                return ncclInvalidUsage;
        if (fake_nops == FAKE_MAX_RANKS)
                return ncclInvalidUsage;
        fake_ops[fake_nops++] = (struct pending){ comm, sendbuff, recvbuff, count, stream };
        return ncclSuccess;
}

/* The sums into every rank's output; skipped when the same collective
 * already wrote them (the timed loop repeats one). */
static void fake_sum(int n, int wrong)
{
        static const float *last_send;
        static float *last_recv;
        static size_t last_count;
        size_t count = fake_ops[0].count;
        float *sum;

        if (last_send == fake_ops[0].send && last_recv == fake_ops[0].recv && last_count == count)
                return;
        if (!(sum = calloc(count ? count : 1, sizeof(*sum))))
                abort();
        for (int r = 0; r < n; r++)
                for (size_t i = 0; i < count; i++)
                        sum[i] += fake_ops[r].send[i];
        for (int r = 0; r < n; r++) {
                memcpy(fake_ops[r].recv, sum, count * sizeof(*sum));
                for (size_t i = 0; wrong && r == 0 && i < count; i++)
                        fake_ops[r].recv[i] -= fake_ops[n - 1].send[i];
        }
        free(sum);
        last_send = fake_ops[0].send, last_recv = fake_ops[0].recv, last_count = count;
}

/* Every rank of the clique once, with the same count. */
static int fake_group_valid(void)
{
        int seen[FAKE_MAX_RANKS] = { 0 };
        int n = fake_ops[0].comm->cl->n;

        if (fake_nops != n)
                return 0;
        for (int i = 0; i < fake_nops; i++) {
                if (fake_ops[i].comm->cl != fake_ops[0].comm->cl ||
                    fake_ops[i].count != fake_ops[0].count || seen[fake_ops[i].comm->rank]++)
                        return 0;
        }
        return 1;
}

static ncclResult_t fake_run_group(void)
{
        json_t *ar = NULL;
        int n = fake_ops[0].comm->cl->n, r;
        double start = 0, busbw, algbw, bytes = (double)fake_ops[0].count * 4, end;
        double hang_from;

        if (!fake_group_valid())
                return ncclInvalidUsage;
        r = fake_desc_call(&fake_nccl, FAKE_SYSTEM, "AllReduce", 1, &ar);
        if (r != 0)
                return (ncclResult_t)r;
        busbw = json_number_value(json_object_get(ar, "busbw_gbps"));
        hang_from = json_number_value(json_object_get(ar, "hang_from_bytes"));
        algbw = n > 1 ? busbw * n / (2.0 * (n - 1)) : busbw;
        if (algbw <= 0)
                return ncclInternalError;
        fake_sum(n, json_is_true(json_object_get(ar, "wrong_sum")));
        for (int i = 0; i < n; i++) {
                double t = fake_cuda_stream_time(fake_ops[i].stream);
                start = t > start ? t : start;
        }
        end = start + json_number_value(json_object_get(ar, "latency_us")) + bytes / (algbw * 1e3);
        if (hang_from > 0 && bytes >= hang_from)
                end = FAKE_NEVER;
        for (int i = 0; i < n; i++) {
                fake_cuda_stream_set_time(fake_ops[i].stream, end);
                fake_ops[i].comm->last = fake_ops[i].stream;
        }
        return ncclSuccess;
}

ncclResult_t ncclGroupEnd(void)
{
        ncclResult_t r = ncclSuccess;

        if (!fake_depth)
                return ncclInvalidUsage;
        if (--fake_depth == 0 && fake_nops) {
                r = fake_run_group();
                fake_nops = 0;
        }
        return r;
}
