/* bench-plan.c - how much bench measures. --quick must finish in under a
 * minute on 8 GPUs: 56 ordered pairs, each with a unidirectional, a
 * bidirectional and a latency figure plus a verifying read-back. At 32 MiB
 * and 4 timed copies a pair costs about 30 ms over PCIe through the host
 * (12 GB/s), 2 s in all; the full run uses nvbandwidth's 256 MiB-class
 * buffers and more repetitions for steadier figures. */
#include "bench.h"

#include <errno.h>
#include <string.h>

#include "util/parse.h"

#define QUICK_BYTES (32u << 20)
#define FULL_BYTES (256u << 20)

void bench_plan_init(struct bench_plan *p, bool quick)
{
        memset(p, 0, sizeof(*p));
        p->quick = quick;
        p->copy_bytes = quick ? QUICK_BYTES : FULL_BYTES;
        p->copy_iters = quick ? 4 : 16;
        p->lat_iters = quick ? 100 : 1000;
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

int bench_plan_from_args(int argc, char **argv, struct bench_plan *ret)
{
        uint64_t v[4];

        if (argc != 4)
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
        return 0;
}
