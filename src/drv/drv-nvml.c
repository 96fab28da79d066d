/* drv-nvml.c - placeholder until the NVML gatherer lands. */
#include "drv-worker.h"

int drv_nvml_gather(const struct sysroot *root)
{
        (void)root;
        worker_emit("nvml", json_pack("{s:s,s:s}", "status", "absent", "reason", "not implemented"));
        return 0;
}
