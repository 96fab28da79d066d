/* cmd-format.c - --format text|json|markdown|prometheus, shared by main.c's global
 * options and every command that writes a report. */
#include "cmd.h"

#include <string.h>

static const char *const format_names[FMT_MAX] = {
        [FMT_TEXT] = "text", [FMT_JSON] = "json", [FMT_MARKDOWN] = "markdown",
        [FMT_PROMETHEUS] = "prometheus",
};

int cmd_set_format(const char *cmd, const char *name, struct ctx *ctx)
{
        for (int f = 0; f < FMT_MAX; f++)
                if (!strcmp(name, format_names[f])) {
                        ctx->format = (enum cmd_format)f;
                        return -1;
                }
        return cmd_usage_error(cmd, "--format must be text, json, markdown or prometheus, not '%s'", name);
}

int cmd_check_format(const char *cmd, const struct ctx *ctx, unsigned forms)
{
        if (forms & FMT_BIT(ctx->format))
                return -1;
        return cmd_usage_error(cmd, "dlrig %s has no %s form", cmd, format_names[ctx->format]);
}
