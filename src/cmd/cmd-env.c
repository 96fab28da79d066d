/* cmd-env.c - "dlrig env [--cuda X.Y]": the shell lines that put a CUDA
 * toolkit on PATH and LD_LIBRARY_PATH, for eval "$(dlrig env)". Each line
 * is guarded so that evaluating it twice adds nothing twice. */
#include "cmd.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "probe/probe.h"
#include "util/parse.h"
#include "util/versions.h"

static const char env_help[] =
        "usage: dlrig env [--cuda X.Y]\n"
        "\n"
        "Prints the shell lines that put a CUDA toolkit on PATH and LD_LIBRARY_PATH\n"
        "and set CUDA_HOME, for: eval \"$(dlrig env)\"\n"
        "\n"
        "  --cuda X.Y   the toolkit of that version (default: where /usr/local/cuda\n"
        "               points, else the one nvcc on PATH belongs to, else the newest)\n";

static const struct snap_toolkit *env_holding(const struct snap_toolkits *t, const struct fact_str *path)
{
        return snap_toolkit_holding(t, path->st == FACT_OK ? path->v : NULL);
}

/* The toolkit asked for, else /usr/local/cuda's, else nvcc's, else the newest. */
static const struct snap_toolkit *env_pick(const struct snap_toolkits *t, const char *want)
{
        const struct snap_toolkit *best = want ? NULL : env_holding(t, &t->nvcc_path);

        for (size_t i = 0; i < t->n; i++) {
                const struct snap_toolkit *c = &t->v[i];
                const char *v = c->version.st == FACT_OK ? c->version.v : NULL;

                if (want) {
                        size_t n = strlen(want);
                        if (v && !strncmp(v, want, n) && (v[n] == '.' || !v[n]))
                                return c;
                        continue;
                }
                if (t->cuda_link.st == FACT_OK && !strcmp(t->cuda_link.v, c->path))
                        return c;
                if (v && (!best || (best->version.st == FACT_OK && version_cmp(v, best->version.v) > 0)) &&
                    !env_holding(t, &t->nvcc_path))
                        best = c;
        }
        return best;
}

/* lib64, or where NVIDIA's layouts keep the libraries when it is absent. */
static const char *env_lib_dir(const struct probe_ctx *pc, const char *top)
{
        static const char *const subs[] = { "lib64", "targets/x86_64-linux/lib", "targets/sbsa-linux/lib", NULL };

        for (size_t i = 0; subs[i]; i++) {
                char p[4096];
                snprintf(p, sizeof(p), "%s/%s", top, subs[i]);
                if (sys_exists(pc->root, p))
                        return subs[i];
        }
        return "lib64";
}

static void env_print(const char *var, const char *dir)
{
        printf("case \":${%s:-}:\" in *\":%s:\"*) ;; *) export %s='%s'\"${%s:+:${%s}}\" ;; esac\n",
               var, dir, var, dir, var, var);
}

const struct option cmd_env_opts[] = {
        { "cuda", required_argument, NULL, 'c' }, { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
};

int cmd_env(int argc, char **argv, struct ctx *ctx)
{
        const char *want = NULL;
        struct probe_ctx pc = { .root = ctx->root, .self_exe = ctx->self_exe };
        const struct snap_toolkit *t;
        struct probe_cache cache;
        struct snapshot s;
        int c, r = EXIT_OK;

        while ((c = getopt_long(argc, argv, "h", cmd_env_opts, NULL)) != -1) {
                if (c == 'c')
                        want = optarg;
                else if (c == 'h')
                        return fputs(env_help, stdout), EXIT_OK;
                else
                        return cmd_usage_error("env", "unknown option '%s'", argv[optind - 1]);
        }
        if (optind < argc)
                return cmd_usage_error("env", "unexpected argument '%s'", argv[optind]);
        snap_init(&s);
        probe_procenv(&pc, &s.procenv);
        probe_shell(&pc, &s.procenv, &s.shell);
        probe_cache_load(&pc, &cache);
        probe_toolkits(&pc, &cache.dpkg, &s);
        probe_cache_release(&cache);
        t = env_pick(&s.toolkits, want);
        if (!t) {
                cmd_error(want ? "no CUDA %s toolkit installed (dlrig kb cuda lists versions)"
                               : "no CUDA toolkit found (looked in /usr/local, /opt, CUDA_HOME, CUDA_PATH and PATH)%s",
                          want ? want : "");
                r = EXIT_UNKNOWN;
        } else {
                char bin[4096], lib[4096];
                snprintf(bin, sizeof(bin), "%s/bin", t->path);
                snprintf(lib, sizeof(lib), "%s/%s", t->path, env_lib_dir(&pc, t->path));
                printf("export CUDA_HOME='%s'\n", t->path);
                env_print("PATH", bin);
                env_print("LD_LIBRARY_PATH", lib);
        }
        snap_release(&s);
        return r;
}
