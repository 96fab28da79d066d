/* bench-plan.c - how much bench measures. --quick must finish in under a
 * minute on 8 GPUs: 56 ordered pairs, each with a unidirectional, a
 * bidirectional and a latency figure plus a verifying read-back. At 32 MiB
 * and 4 timed copies a pair costs about 30 ms over PCIe through the host
 * (12 GB/s), 2 s in all; the full run uses nvbandwidth's 256 MiB-class
 * buffers and more repetitions for steadier figures. */
#include "bench.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

#define QUICK_BYTES (32u << 20)
#define FULL_BYTES (256u << 20)
/* GEMM: 8192^3 saturates every tensor-core GPU (an H100 needs ~4096^3 to
 * come near its peak); --quick's 4096^3 is 137 GFLOP, 0.2 ms on an H100,
 * 3 ms on an A10G, still past the knee of every GPU's curve. */
#define QUICK_GEMM_N 4096u
#define FULL_GEMM_N 8192u
/* All-reduce: nccl-tests' 8 B .. 256 MiB doubling in the full run; --quick
 * steps by 8 up to 128 MiB (9 sizes), which still shows the latency end
 * and the bandwidth end. */
#define QUICK_AR_MAX (128ull << 20)
#define FULL_AR_MAX (256ull << 20)
#define AR_MIN 8u

void bench_plan_init(struct bench_plan *p, bool quick)
{
        memset(p, 0, sizeof(*p));
        p->quick = quick;
        p->copy_bytes = quick ? QUICK_BYTES : FULL_BYTES;
        p->copy_iters = quick ? 4 : 16;
        p->lat_iters = quick ? 100 : 1000;
        p->gemm_n = quick ? QUICK_GEMM_N : FULL_GEMM_N;
        p->gemm_iters = quick ? 10 : 20;
        p->ar_max_bytes = quick ? QUICK_AR_MAX : FULL_AR_MAX;
        p->ar_step = quick ? 8 : 2;
        p->ar_iters = quick ? 5 : 20;
}

int bench_plan_env_more(struct bench_plan *p, const char *gemm_n, const char *ar_max)
{
        uint64_t v;

        if (gemm_n) {
                if (parse_u64(gemm_n, 10, &v) < 0 || v < 64 || v > 16384)
                        return -EINVAL;
                p->gemm_n = (unsigned)v;
        }
        if (ar_max) {
                if (parse_u64(ar_max, 10, &v) < 0 || v < AR_MIN || v > (1ull << 32))
                        return -EINVAL;
                p->ar_max_bytes = (size_t)v & ~(size_t)3;
        }
        return 0;
}

size_t bench_ar_size(const struct bench_plan *p, size_t i)
{
        size_t s = AR_MIN;

        if (!p->ar_max_bytes || p->ar_step < 2)
                return 0;
        for (size_t k = 0; k < i; k++) {
                if (s >= p->ar_max_bytes)
                        return 0;
                /* the largest size is always measured, even off the ladder */
                s = s > p->ar_max_bytes / p->ar_step ? p->ar_max_bytes : s * p->ar_step;
        }
        return s;
}

int bench_plan_env(struct bench_plan *p, const char *copy_bytes)
{
        uint64_t v;

        if (!copy_bytes)
                return 0;
        if (parse_u64(copy_bytes, 10, &v) < 0 || v < 4096 || v > (1ull << 32))
                return -EINVAL;
        p->copy_bytes = (size_t)v & ~(size_t)3;
        return 0;
}

bool bench_plan_wants(const struct bench_plan *p, int ordinal)
{
        if (ordinal < 0 || ordinal >= BENCH_MAX_GPUS)
                return false;
        return !p->gpu_mask || (p->gpu_mask >> ordinal & 1);
}

static int parse_ordinal(const char *s, size_t n, unsigned *ret)
{
        char buf[8];
        uint64_t v;

        if (n == 0 || n >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, n);
        buf[n] = '\0';
        if (parse_u64(buf, 10, &v) < 0 || v >= BENCH_MAX_GPUS)
                return -EINVAL;
        *ret = (unsigned)v;
        return 0;
}

/* One "N" or "N-M" item of a list. */
static int parse_item(const char *s, size_t n, uint64_t *mask)
{
        const char *dash = memchr(s, '-', n);
        unsigned lo, hi;

        if (parse_ordinal(s, dash ? (size_t)(dash - s) : n, &lo) < 0)
                return -EINVAL;
        hi = lo;
        if (dash && parse_ordinal(dash + 1, n - (size_t)(dash + 1 - s), &hi) < 0)
                return -EINVAL;
        if (hi < lo)
                return -EINVAL;
        for (unsigned i = lo; i <= hi; i++)
                *mask |= 1ull << i;
        return 0;
}

int bench_parse_gpus(const char *s, uint64_t *ret)
{
        uint64_t mask = 0;

        if (!s || !*s)
                return -EINVAL;
        while (*s) {
                size_t n = strcspn(s, ",");

                if (parse_item(s, n, &mask) < 0)
                        return -EINVAL;
                s += n;
                if (*s == ',' && !*++s)
                        return -EINVAL;
        }
        *ret = mask;
        return 0;
}

/* "a:b:c" into up to n numbers; returns how many, -EINVAL on anything else. */
static int parse_tuple(const char *s, uint64_t *v, int n)
{
        int k = 0;

        while (k < n) {
                char buf[24];
                size_t len = strcspn(s, ":");

                if (!len || len >= sizeof(buf))
                        return -EINVAL;
                memcpy(buf, s, len);
                buf[len] = '\0';
                if (parse_u64(buf, 10, &v[k++]) < 0)
                        return -EINVAL;
                s += len;
                if (!*s)
                        return k;
                s++;
        }
        return -EINVAL;
}

static int plan_word(const char *w, struct bench_plan *p)
{
        uint64_t v[3];

        if (!strncmp(w, "gemm=", 5)) {
                if (parse_tuple(w + 5, v, 3) != 2 || v[0] > 16384 || !v[1] || v[1] > 1000)
                        return -EINVAL;
                p->gemm_n = (unsigned)v[0];
                p->gemm_iters = (unsigned)v[1];
        } else if (!strncmp(w, "ar=", 3)) {
                if (parse_tuple(w + 3, v, 3) != 3 || v[0] > (1ull << 32) || v[1] < 2 ||
                    v[1] > 1024 || !v[2] || v[2] > 1000)
                        return -EINVAL;
                p->ar_max_bytes = (size_t)v[0] & ~(size_t)3;
                p->ar_step = (unsigned)v[1];
                p->ar_iters = (unsigned)v[2];
        } else if (!strncmp(w, "cublas=", 7) && w[7]) {
                p->cublas_lib = w + 7;
        } else if (!strncmp(w, "nccl=", 5) && w[5]) {
                p->nccl_lib = w + 5;
        } else {
                return -EINVAL;
        }
        return 0;
}

void bench_plan_args(const struct bench_plan *p, char **args)
{
        while (*args)
                args++;
        *args++ = xasprintf("gemm=%u:%u", p->gemm_n, p->gemm_iters);
        *args++ = xasprintf("ar=%zu:%u:%u", p->ar_max_bytes, p->ar_step, p->ar_iters);
        if (p->cublas_lib)
                *args++ = xasprintf("cublas=%s", p->cublas_lib);
        if (p->nccl_lib)
                *args++ = xasprintf("nccl=%s", p->nccl_lib);
        *args = NULL;
}

int bench_plan_from_args(int argc, char **argv, struct bench_plan *ret)
{
        uint64_t v[4];

        if (argc < 4)
                return -EINVAL;
        for (int i = 0; i < 4; i++)
                if (parse_u64(argv[i], 10, &v[i]) < 0)
                        return -EINVAL;
        if (v[0] < 4 || v[0] > (1ull << 32) || !v[1] || v[1] > 1000 || !v[2] || v[2] > 100000)
                return -EINVAL;
        memset(ret, 0, sizeof(*ret));
        ret->copy_bytes = (size_t)v[0] & ~(size_t)3;
        ret->copy_iters = (unsigned)v[1];
        ret->lat_iters = (unsigned)v[2];
        ret->gpu_mask = v[3];
        for (int i = 4; i < argc; i++)
                if (plan_word(argv[i], ret) < 0)
                        return -EINVAL;
        return 0;
}

void bench_plan_record(const struct bench_plan *p, struct snap_bench_plan *ret)
{
        ret->quick = p->quick;
        ret->copy_bytes = (int64_t)p->copy_bytes;
        ret->copy_iters = p->copy_iters;
        ret->lat_iters = p->lat_iters;
        ret->gemm_n = p->gemm_n;
        ret->gemm_iters = p->gemm_iters;
        ret->allreduce_max_bytes = (int64_t)p->ar_max_bytes;
        ret->allreduce_step = p->ar_step;
        ret->allreduce_iters = p->ar_iters;
}

/* The digits at *s as a number below 2^40 (no sign, at least one digit);
 * *s moves past them. */
static bool ws_number(const char **s, uint64_t *ret)
{
        const char *p = *s;
        uint64_t v = 0;

        while (*p >= '0' && *p <= '9' && v < (1ull << 40))
                v = v * 10 + (uint64_t)(*p++ - '0');
        if (p == *s || (*p >= '0' && *p <= '9'))
                return false; /* none, or too long */
        *s = p;
        *ret = v;
        return true;
}

/* A match of PyTorch's regex ":([0-9]+):([0-9]+)" at *s; *s moves past it. */
static bool ws_match(const char **s, uint64_t *size, uint64_t *count)
{
        const char *p = *s;

        if (*p++ != ':' || !ws_number(&p, size) || *p++ != ':' || !ws_number(&p, count))
                return false;
        *s = p;
        return true;
}

int bench_workspace_config(const char *val, size_t *ret)
{
        uint64_t total = 0, size, count;
        bool any = false;

        /* as std::sregex_iterator: matches from left to right, each search
         * starting where the last match ended */
        while (val && *val) {
                if (!ws_match(&val, &size, &count)) {
                        val++;
                        continue;
                }
                if (size > (4ull << 20) || count > (4ull << 20) || total + size * count > (4ull << 20))
                        return -ERANGE; /* in KiB: past 4 GiB */
                total += size * count;
                any = true;
        }
        if (!any)
                return -EINVAL;
        *ret = (size_t)(total << 10);
        return 0;
}
