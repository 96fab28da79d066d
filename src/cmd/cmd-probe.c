/* cmd-probe.c - every command that looks at this machine (or --root's)
 * gathers the snapshot the same way: the driver's default limits, capped
 * by a command's own budget, and what could not be probed said on stderr
 * where the command reports it. */
#include "cmd.h"

#include "drv/drv-worker.h"
#include "probe/probe.h"
#include "util/strv.h"

void cmd_probe_machine(struct ctx *ctx, struct snapshot *s, const struct cmd_probe_opts *o)
{
        struct strv diag = STRV_INIT;
        struct probe_ctx pc = { .root = ctx->root, .self_exe = ctx->self_exe, .diag = &diag,
                                .live = o->live };

        drv_limits_default(&pc.limits);
        /* Most of a hard budget goes to the driver, so a hung GPU becomes a
         * finding (with its breadcrumb) before the backstop fires. */
        if (o->budget_ms && pc.limits.total_timeout_ms > o->budget_ms * 6 / 10)
                pc.limits.total_timeout_ms = o->budget_ms * 6 / 10;
        if (pc.limits.call_timeout_ms > pc.limits.total_timeout_ms)
                pc.limits.call_timeout_ms = pc.limits.total_timeout_ms;
        probe_all(&pc, s);
        for (size_t i = 0; o->say_diag && i < diag.n; i++)
                cmd_error("%s", diag.v[i]);
        strv_release(&diag);
}
