/* drv-cuda.c - placeholder until the CUDA gatherer lands. */
#include "drv-worker.h"

int drv_cuda_gather(const struct sysroot *root)
{
        (void)root;
        worker_emit("cuda", json_pack("{s:s,s:s}", "status", "absent", "reason", "not implemented"));
        return 0;
}
