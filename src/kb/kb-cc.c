/* kb-cc.c - the newest GCC each CUDA release's nvcc accepts as host
 * compiler on x86_64 Linux: crt/host_config.h of that release stops the
 * build with "unsupported GNU version! gcc versions later than N are not
 * supported" beyond it. Kept as a small table here rather than a TSV column
 * because only one fact per release is needed.
 *
 * Sources: NVIDIA CUDA Installation Guide for Linux, "Supported Linux
 * distributions and compilers" table of each release
 * (https://docs.nvidia.com/cuda/archive/<release>/cuda-installation-guide-linux/);
 * the compiler table collected at https://gist.github.com/ax3l/9489132;
 * 13.0 read from /usr/local/cuda/include/crt/host_config.h (#if __GNUC__ > 15);
 * 12.3 rejecting GCC 13: https://gitlab.cern.ch/lhcb-core/lcg-toolchains/-/issues/22;
 * 12.1 rejecting GCC 13: https://github.com/NVlabs/instant-ngp/issues/1562. */
#include "kb.h"

#include "util/parse.h"

static const struct {
        const char *first;   /* the first release of the range */
        int max_gcc;
} kb_cc_table[] = {
        { "11.0", 9 }, { "11.1", 10 }, { "11.4", 11 }, { "12.0", 12 },
        { "12.4", 13 }, { "12.8", 14 }, { "13.0", 15 },
};

int kb_cuda_max_gcc(const char *cuda_version)
{
        int best = 0;

        if (!cuda_version || version_cmp(cuda_version, "11.0") < 0)
                return 0;
        for (size_t i = 0; i < sizeof(kb_cc_table) / sizeof(kb_cc_table[0]); i++)
                if (version_cmp(cuda_version, kb_cc_table[i].first) >= 0)
                        best = kb_cc_table[i].max_gcc;
        /* Past the table's last release nothing is known: no judgement. */
        if (version_cmp(cuda_version, "13.1") >= 0)
                return 0;
        return best;
}
