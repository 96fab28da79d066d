/* probe-upkeep.c - what can change or steer the stack behind the user's
 * back: automatic upgrades of the driver packages, services that set
 * CUDA_VISIBLE_DEVICES, a stale accelerate configuration, a busy torchrun
 * port, and the host compiler CUDA extensions would be built with. */
#include "probe.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "host-parse.h"
#include "probe-internal.h"
#include "shell-rc.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#define UPKEEP_FILE_MAX (1u << 20)
#define TORCHRUN_PORT 29500
#define SYSTEMD_DIR "/etc/systemd/system"

static int upkeep_read(const struct probe_ctx *ctx, const char *path, struct strbuf *sb)
{
        return sys_read_file(ctx->root, path, UPKEEP_FILE_MAX, sb);
}

/* unattended-upgrades installed and switched on by 20auto-upgrades; the
 * driver guarded when its packages are held or blacklisted from it. */
static void upkeep_upgrades(const struct probe_ctx *ctx, const struct dpkg_db *dpkg,
                            struct snap_host *h)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_free_ char *uu = dpkg_db_version(dpkg, "unattended-upgrades");
        _cleanup_free_ char *on = NULL;
        bool guarded;

        if (!uu) {
                fact_fail_num(&h->auto_upgrades, FACT_ABSENT, "unattended-upgrades not installed");
                return;
        }
        if (upkeep_read(ctx, "/etc/apt/apt.conf.d/20auto-upgrades", &sb) >= 0)
                on = host_parse_apt_value(sb.buf, sb.len, "APT::Periodic::Unattended-Upgrade");
        fact_set_num(&h->auto_upgrades, on && strcmp(on, "0") != 0);
        guarded = dpkg_db_held(dpkg, "nvidia-driver-") || dpkg_db_held(dpkg, "libnvidia-compute-");
        for (int i = 0; i < 2 && !guarded; i++) {
                strbuf_reset(&sb);
                if (upkeep_read(ctx, i ? "/etc/apt/apt.conf.d/51unattended-upgrades-local"
                                       : "/etc/apt/apt.conf.d/50unattended-upgrades", &sb) >= 0)
                        guarded = host_parse_apt_blacklists(sb.buf, sb.len, "nvidia");
        }
        fact_set_num(&h->driver_guarded, guarded);
}

static void upkeep_port(const struct probe_ctx *ctx, struct snap_host *h)
{
        static const char *const tables[] = { "/proc/net/tcp", "/proc/net/tcp6" };
        bool busy = false, read_any = false;

        for (size_t i = 0; i < 2 && !busy; i++) {
                _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;

                if (upkeep_read(ctx, tables[i], &sb) < 0)
                        continue;
                read_any = true;
                busy = host_parse_tcp_listening(sb.buf, sb.len, TORCHRUN_PORT);
        }
        if (read_any)
                fact_set_num(&h->port_busy, busy);
        else
                fact_fail_num(&h->port_busy, FACT_ABSENT, "no /proc/net/tcp");
}

static void upkeep_accelerate(const struct probe_ctx *ctx, const struct snapshot *s,
                              struct snap_host *h)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_free_ char *path = NULL, *cpu = NULL, *procs = NULL;

        if (!fact_ok(&s->shell.home)) {
                fact_fail_str(&h->accel_config, FACT_ABSENT, "no home folder");
                return;
        }
        path = xasprintf("%s/.cache/huggingface/accelerate/default_config.yaml", s->shell.home.v);
        if (upkeep_read(ctx, path, &sb) < 0) {
                fact_fail_str(&h->accel_config, FACT_ABSENT, "no accelerate config");
                return;
        }
        fact_set_str(&h->accel_config, path);
        cpu = host_parse_yaml_value(sb.buf, sb.len, "use_cpu");
        procs = host_parse_yaml_value(sb.buf, sb.len, "num_processes");
        if (cpu)
                fact_set_num(&h->accel_use_cpu, !strcmp(cpu, "true"));
        if (procs && isdigit((unsigned char)*procs))
                fact_set_num(&h->accel_processes, atoll(procs));
}

/* The major version of the gcc that nvcc would call: Debian's /usr/bin/gcc
 * links to gcc-<major>; elsewhere the highest /usr/lib/gcc/<triplet>/<major>. */
static void upkeep_cc(const struct probe_ctx *ctx, struct snap_host *h)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_(strv_release) struct strv triplets = STRV_INIT;
        const char *dash;
        long best = 0;

        if (sys_readlink(ctx->root, "/usr/bin/gcc", &sb) >= 0 && (dash = strrchr(sb.buf, '-')) &&
            isdigit((unsigned char)dash[1])) {
                fact_set_str(&h->cc_version, dash + 1);
                return;
        }
        if (sys_list_dir(ctx->root, "/usr/lib/gcc", &triplets) >= 0)
                for (size_t i = 0; i < triplets.n; i++) {
                        _cleanup_(strv_release) struct strv majors = STRV_INIT;
                        _cleanup_free_ char *p = xasprintf("/usr/lib/gcc/%s", triplets.v[i]);

                        if (sys_list_dir(ctx->root, p, &majors) >= 0)
                                for (size_t j = 0; j < majors.n; j++)
                                        if (atol(majors.v[j]) > best)
                                                best = atol(majors.v[j]);
                }
        if (best > 0 && sys_exists(ctx->root, "/usr/bin/gcc")) {
                _cleanup_free_ char *v = xasprintf("%ld", best);
                fact_set_str(&h->cc_version, v);
        } else {
                fact_fail_str(&h->cc_version, FACT_ABSENT, "no gcc installed");
        }
}

/* A unit or drop-in under /etc/systemd/system that sets
 * CUDA_VISIBLE_DEVICES for its service. */
static bool upkeep_unit_cvd(const struct probe_ctx *ctx, const char *path, const char *unit,
                            struct snap_host *h)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_free_ char *v = NULL, *both = NULL;

        if (upkeep_read(ctx, path, &sb) < 0 ||
            !(v = host_parse_unit_env(sb.buf, sb.len, "CUDA_VISIBLE_DEVICES")))
                return false;
        both = xasprintf("%s: %s", unit, v);
        fact_set_str(&h->service_cvd, both);
        return true;
}

static void upkeep_services(const struct probe_ctx *ctx, struct snap_host *h)
{
        _cleanup_(strv_release) struct strv units = STRV_INIT;

        if (sys_list_dir(ctx->root, SYSTEMD_DIR, &units) < 0)
                units.n = 0;
        for (size_t i = 0; i < units.n; i++) {
                _cleanup_free_ char *p = xasprintf(SYSTEMD_DIR "/%s", units.v[i]);
                _cleanup_(strv_release) struct strv dropins = STRV_INIT;
                size_t n = strlen(units.v[i]);

                if (n > 8 && !strcmp(units.v[i] + n - 8, ".service") &&
                    upkeep_unit_cvd(ctx, p, units.v[i], h))
                        return;
                if (n <= 10 || strcmp(units.v[i] + n - 10, ".service.d") ||
                    sys_list_dir(ctx->root, p, &dropins) < 0)
                        continue;
                for (size_t j = 0; j < dropins.n; j++) {
                        _cleanup_free_ char *d = xasprintf("%s/%s", p, dropins.v[j]);
                        _cleanup_free_ char *unit = xstrndup(units.v[i], n - 2);

                        if (upkeep_unit_cvd(ctx, d, unit, h))
                                return;
                }
        }
        fact_fail_str(&h->service_cvd, FACT_ABSENT, "no service sets CUDA_VISIBLE_DEVICES");
}

/* The system's C++ runtime, which system libraries were built against. */
static void upkeep_libstdcxx(const struct probe_ctx *ctx, struct snap_host *h)
{
        static const char *const paths[] = { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                                             "/usr/lib64/libstdc++.so.6",
                                             "/usr/lib/aarch64-linux-gnu/libstdc++.so.6" };
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        const char *v;

        for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
                strbuf_reset(&sb);
                if (sys_readlink(ctx->root, paths[i], &sb) >= 0 && (v = strstr(sb.buf, ".so."))) {
                        fact_set_str(&h->libstdcxx, v + 4);
                        return;
                }
        }
        fact_fail_str(&h->libstdcxx, FACT_ABSENT, "no system libstdc++.so.6 link");
}

/* A display server process: it keeps a context and framebuffers on a GPU. */
static void upkeep_display(const struct probe_cache *c, struct snap_host *h)
{
        static const char *const servers[] = { "Xorg", "Xwayland", "gnome-shell", "kwin_wayland",
                                               "sway", "weston" };

        if (c->procs_err < 0) {
                fact_fail_str(&h->display_server, FACT_ABSENT, "no /proc");
                return;
        }
        for (size_t i = 0; i < c->comms.n; i++)
                for (size_t j = 0; j < sizeof(servers) / sizeof(servers[0]); j++)
                        if (!strcmp(c->comms.v[i], servers[j])) {
                                _cleanup_free_ char *v = xasprintf("%s (pid %s)", servers[j],
                                                                   c->pids.v[i]);
                                fact_set_str(&h->display_server, v);
                                return;
                        }
        fact_fail_str(&h->display_server, FACT_ABSENT, "no display server running");
}

/* The last value file gives CUDA_VISIBLE_DEVICES at its top level, owned,
 * or NULL. Read as the login shell reads it (shell-rc.c), so "export",
 * quotes and plain /etc/environment lines all count. */
static char *upkeep_profile_cvd(const struct probe_ctx *ctx, const char *file)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        _cleanup_(strv_release) struct strv cuda_lines = STRV_INIT; /* the shell probe's */
        struct shell_vars v = { .path = xstrdup("/usr/bin:/bin"), .home = "/root" };
        char *cvd = NULL;

        if (upkeep_read(ctx, file, &sb) >= 0) {
                shell_rc_apply(&v, file, sb.buf, sb.len, &cuda_lines);
                for (size_t i = 0; i < v.names.n && !cvd; i++)
                        if (!strcmp(v.names.v[i], "CUDA_VISIBLE_DEVICES") && v.values.v[i])
                                cvd = xstrdup(v.values.v[i]);
        }
        shell_vars_release(&v);
        return cvd;
}

/* /etc/environment (pam_env, every login) and the .sh files of
 * /etc/profile.d (every login shell): a CUDA_VISIBLE_DEVICES there follows
 * every user's jobs. */
static void upkeep_profiles(const struct probe_ctx *ctx, struct snap_host *h)
{
        _cleanup_(strv_release) struct strv files = STRV_INIT, names = STRV_INIT;

        strv_push(&files, xstrdup("/etc/environment"));
        if (sys_list_dir(ctx->root, "/etc/profile.d", &names) >= 0)
                for (size_t i = 0; i < names.n; i++)
                        if (strlen(names.v[i]) > 3 && !strcmp(names.v[i] + strlen(names.v[i]) - 3, ".sh"))
                                strv_pushf(&files, "/etc/profile.d/%s", names.v[i]);
        for (size_t i = 0; i < files.n; i++) {
                _cleanup_free_ char *cvd = upkeep_profile_cvd(ctx, files.v[i]);

                if (cvd) {
                        _cleanup_free_ char *both = xasprintf("%s: CUDA_VISIBLE_DEVICES=%s", files.v[i], cvd);

                        fact_set_str(&h->profile_cvd, both);
                        return;
                }
        }
        fact_fail_str(&h->profile_cvd, FACT_ABSENT, "no login profile sets CUDA_VISIBLE_DEVICES");
}

void probe_upkeep(const struct probe_ctx *ctx, const struct probe_cache *c, struct snapshot *s)
{
        upkeep_upgrades(ctx, &c->dpkg, &s->host);
        upkeep_port(ctx, &s->host);
        upkeep_accelerate(ctx, s, &s->host);
        upkeep_cc(ctx, &s->host);
        upkeep_services(ctx, &s->host);
        upkeep_profiles(ctx, &s->host);
        upkeep_libstdcxx(ctx, &s->host);
        upkeep_display(c, &s->host);
}
