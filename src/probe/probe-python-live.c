/* probe-python-live.c - doctor --live: start an environment's Python with
 * a deadline and ask torch what it sees. The one probe that runs user
 * code, so it runs only when asked, bounded by DLRIG_PYTHON_TIMEOUT_MS
 * (default 20 s), with its output capped. */
#include "probe-internal.h"

#include <jansson.h>
#include <stdlib.h>

#include "sys/sys-exec.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define LIVE_TIMEOUT_MS 20000

static const char live_script[] =
        "import json\n"
        "try:\n"
        "    import torch\n"
        "    ok = torch.cuda.is_available()\n"
        "    n = torch.cuda.device_count() if ok else 0\n"
        "    print(json.dumps({'cuda_available': ok, 'device_count': n,\n"
        "        'arch_list': torch.cuda.get_arch_list() if ok else [],\n"
        "        'capabilities': ['%d.%d' % torch.cuda.get_device_capability(i) for i in range(n)]}))\n"
        "except Exception as e:\n"
        "    print(json.dumps({'error': '%s: %s' % (type(e).__name__, e)}))\n";

static unsigned live_timeout(void)
{
        const char *env = getenv("DLRIG_PYTHON_TIMEOUT_MS");
        uint64_t ms;

        return env && parse_u64(env, 10, &ms) == 0 && ms > 0 && ms < 600000 ? (unsigned)ms : LIVE_TIMEOUT_MS;
}

static void live_fail(struct snap_pyenv *e, enum fact_st st, const char *why)
{
        fact_fail_num(&e->live_cuda_available, st, why);
        fact_fail_num(&e->live_device_count, st, why);
}

static void live_parse(struct snap_pyenv *e, const char *out)
{
        const char *line = strrchr(out, '{');
        json_t *j = line ? json_loads(line, 0, NULL) : NULL, *v;
        size_t i;

        if (!json_is_object(j)) {
                live_fail(e, FACT_ERROR, "the interpreter printed no result");
                json_decref(j);
                return;
        }
        if (json_is_string(json_object_get(j, "error"))) {
                fact_set_str(&e->live_error, json_string_value(json_object_get(j, "error")));
                live_fail(e, FACT_ERROR, "torch raised");
        } else {
                struct strbuf archs = STRBUF_INIT;
                fact_set_num(&e->live_cuda_available, json_is_true(json_object_get(j, "cuda_available")));
                fact_set_num(&e->live_device_count, json_integer_value(json_object_get(j, "device_count")));
                json_array_foreach(json_object_get(j, "arch_list"), i, v)
                        if (json_is_string(v))
                                strbuf_addf(&archs, "%s%s", archs.len ? " " : "", json_string_value(v));
                fact_take_str(&e->live_arch_list, strbuf_detach(&archs));
                json_array_foreach(json_object_get(j, "capabilities"), i, v)
                        if (json_is_string(v))
                                strv_push(&e->live_capabilities, xstrdup(json_string_value(v)));
        }
        json_decref(j);
}

void probe_python_live(const struct probe_ctx *ctx, struct snap_pyenv *e)
{
        bool in_root = !sysroot_is_host(ctx->root) && getenv("DLRIG_LIVE_PYTHON_IN_ROOT");
        const char *exe = !strcmp(e->kind, "system") ? "python3" : "python";
        _cleanup_free_ char *python = in_root ? xasprintf("%s%s/bin/%s", sysroot_path(ctx->root), e->path, exe)
                                              : xasprintf("%s/bin/%s", e->path, exe);
        const char *argv[] = { python, "-c", live_script, NULL };
        struct exec_req req = { .argv = argv, .timeout_ms = live_timeout(), .max_out = 64 * 1024,
                                .root_program = in_root };
        struct exec_res res;
        int r;

        if (e->torch_version.st != FACT_OK)
                return; /* nothing to ask */
        r = sys_exec(ctx->root, &req, &res);
        if (r < 0) {
                live_fail(e, r == -EOPNOTSUPP ? FACT_UNSUPPORTED : FACT_ERROR,
                          r == -EOPNOTSUPP ? "not this machine" : strerror(-r));
                return;
        }
        if (res.timed_out)
                live_fail(e, FACT_TIMEOUT, "the interpreter did not answer in time");
        else if (res.exit_code != 0 && !res.out.len)
                live_fail(e, FACT_ERROR, res.exit_code == 127 ? "the interpreter could not be started"
                                                               : "the interpreter failed");
        else
                live_parse(e, res.out.buf);
        exec_res_release(&res);
}
