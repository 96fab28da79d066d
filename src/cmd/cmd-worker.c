/* cmd-worker.c - the hidden "__driver-worker LIB" command: runs in a child
 * process that dlrig can abandon if a driver call hangs (drv-worker.h). */
#include "cmd.h"

#include "drv/drv-worker.h"

int cmd_driver_worker(int argc, char **argv, struct ctx *ctx)
{
        if (argc != 2)
                return cmd_usage_error("__driver-worker", "expected one library name");
        return drv_worker_main(ctx->root, argv[1]);
}
