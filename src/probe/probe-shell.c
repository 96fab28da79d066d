/* probe-shell.c - the invoking user and PATH / LD_LIBRARY_PATH as that
 * user's login shell would have them, from the rc files (never by running
 * a shell: that would execute arbitrary user code). */
#include "probe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shell-rc.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define SHELL_RC_MAX (1u << 20)
#define SHELL_MAX_PROFILE_D 64
#define SHELL_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct pw_entry {
        char *name, *home, *shell;
};

/* Finds the passwd entry of name (by uid when uid >= 0; or, with neither,
 * the first user with a uid >= 1000 and a home under /home). */
static bool shell_passwd(const char *buf, const char *name, long uid, struct pw_entry *e)
{
        for (const char *p = buf; p && *p;) {
                const char *nl = strchr(p, '\n');
                char *line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p)), *tok = line, *f[7] = { 0 };
                int n = 0;
                bool hit;

                for (char *s; n < 7 && (s = strsep(&tok, ":")); n++)
                        f[n] = s;
                hit = n == 7 && (name ? !strcmp(f[0], name)
                                 : uid >= 0 ? atol(f[2]) == uid
                                            : atol(f[2]) >= 1000 && atol(f[2]) < 60000 && startswith(f[5], "/home/"));
                if (hit)
                        *e = (struct pw_entry){ xstrdup(f[0]), xstrdup(f[5]), xstrdup(f[6]) };
                free(line);
                if (hit)
                        return true;
                p = nl ? nl + 1 : NULL;
        }
        return false;
}

/* The user whose shell matters: under sudo the one who ran sudo; on this
 * machine otherwise the process's own uid (USER may be unset); for another
 * root DLRIG_USER, else its first ordinary user. */
static bool shell_user(const struct probe_ctx *ctx, const char *pw, struct pw_entry *e)
{
        const char *sudo = getenv("SUDO_USER");

        if (!sysroot_is_host(ctx->root))
                return shell_passwd(pw, getenv("DLRIG_USER"), -1, e);
        if (sudo && *sudo && geteuid() == 0)
                return shell_passwd(pw, sudo, -1, e);
        return shell_passwd(pw, NULL, (long)getuid(), e);
}

/* The CUDA_VISIBLE_DEVICES the files read so far leave set, and the file
 * that set it (the last one to change it): a user's rc file can hide GPUs
 * from every program started from a shell as /etc/profile.d can. */
static void shell_cvd(struct snap_shell *sh, const struct shell_vars *v, const char *path)
{
        for (size_t i = 0; i < v->names.n; i++) {
                _cleanup_free_ char *want = NULL;
                const char *had = fact_ok(&sh->cuda_visible_devices) ? strstr(sh->cuda_visible_devices.v, ": ") : NULL;

                if (strcmp(v->names.v[i], "CUDA_VISIBLE_DEVICES") || !v->values.v[i])
                        continue;
                want = xasprintf("CUDA_VISIBLE_DEVICES=%s", v->values.v[i]);
                if (!had || strcmp(had + 2, want))
                        fact_take_str(&sh->cuda_visible_devices, xasprintf("%s: %s", path, want));
                return;
        }
}

/* Reads one rc file (if present) into the variables. */
static void shell_read(const struct probe_ctx *ctx, struct snap_shell *sh, struct shell_vars *v,
                       const char *path)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;

        if (sys_read_file(ctx->root, path, SHELL_RC_MAX, &buf) < 0)
                return;
        strv_push(&sh->rc_files, xstrdup(path));
        if (shell_rc_apply(v, path, buf.buf, buf.len, &sh->cuda_lines) && sh->conda_init.st != FACT_OK)
                fact_set_str(&sh->conda_init, path);
        shell_cvd(sh, v, path);
}

static void shell_read_dir(const struct probe_ctx *ctx, struct snap_shell *sh, struct shell_vars *v,
                           const char *dir)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;

        if (sys_list_dir(ctx->root, dir, &names) < 0)
                return;
        for (size_t i = 0; i < names.n && i < SHELL_MAX_PROFILE_D; i++) {
                size_t n = strlen(names.v[i]);
                if (n > 3 && !strcmp(names.v[i] + n - 3, ".sh")) {
                        char *p = xasprintf("%s/%s", dir, names.v[i]);
                        shell_read(ctx, sh, v, p);
                        free(p);
                }
        }
}

/* The files a login shell reads, in its order (bash as Debian and Ubuntu
 * set it up: ~/.profile sources ~/.bashrc; zsh: zshenv, zprofile, zshrc). */
static void shell_read_all(const struct probe_ctx *ctx, struct snap_shell *sh, struct shell_vars *v,
                           const char *home, bool zsh)
{
        static const char *const bash_user[] = { ".bash_profile", ".bash_login", ".profile" };
        static const char *const zsh_user[] = { ".zshenv", ".zprofile", ".zshrc" };

        shell_read(ctx, sh, v, zsh ? "/etc/zsh/zshenv" : "/etc/profile");
        shell_read_dir(ctx, sh, v, "/etc/profile.d");
        for (size_t i = 0; i < 3; i++) {
                char *p = xasprintf("%s/%s", home, zsh ? zsh_user[i] : bash_user[i]);
                size_t before = sh->rc_files.n;
                shell_read(ctx, sh, v, p);
                free(p);
                if (!zsh && sh->rc_files.n > before)
                        break; /* bash reads the first of the three that exists */
        }
        if (!zsh) {
                char *p = xasprintf("%s/.bashrc", home);
                shell_read(ctx, sh, v, p);
                free(p);
        }
}

/* No passwd entry, but the process has a HOME: a container image run as
 * root (HOME=/root from its ENV) or a recording that kept no /etc/passwd.
 * The user is the home folder's owner by name; the shell the default. */
static bool shell_user_from_env(const struct snap_procenv *pe, struct pw_entry *e)
{
        const char *home = pe->home.st == FACT_OK && pe->home.v[0] == '/' ? pe->home.v : NULL;
        const char *base = home ? strrchr(home, '/') + 1 : NULL;

        if (!home || !*base)
                return false;
        *e = (struct pw_entry){ xstrdup(!strcmp(home, "/root") ? "root" : base), xstrdup(home), xstrdup("/bin/sh") };
        return true;
}

void probe_shell(const struct probe_ctx *ctx, const struct snap_procenv *pe, struct snap_shell *sh)
{
        _cleanup_(strbuf_releasep) struct strbuf pw = STRBUF_INIT;
        struct shell_vars v = { .path = xstrdup(SHELL_DEFAULT_PATH) };
        struct pw_entry e = { 0 };
        bool found = sys_read_file(ctx->root, "/etc/passwd", SHELL_RC_MAX, &pw) >= 0 && shell_user(ctx, pw.buf, &e);

        if (!found && !shell_user_from_env(pe, &e)) {
                probe_set(&sh->probe, FACT_ABSENT, "the user is not in /etc/passwd");
                shell_vars_release(&v);
                return;
        }
        fact_set_str(&sh->user, e.name);
        fact_set_str(&sh->home, e.home);
        fact_set_str(&sh->login_shell, e.shell);
        fact_fail_str(&sh->conda_init, FACT_ABSENT, "no conda init block in the rc files");
        v.home = e.home;
        shell_read_all(ctx, sh, &v, e.home, strstr(e.shell, "zsh") != NULL);
        if (!fact_ok(&sh->cuda_visible_devices))
                fact_fail_str(&sh->cuda_visible_devices, FACT_ABSENT, "no rc file sets CUDA_VISIBLE_DEVICES");
        fact_set_str(&sh->path, v.path);
        if (v.ld_library_path)
                fact_set_str(&sh->ld_library_path, v.ld_library_path);
        else
                fact_fail_str(&sh->ld_library_path, FACT_ABSENT, "unset");
        probe_set(&sh->probe, FACT_OK, NULL);
        shell_vars_release(&v);
        free(e.name), free(e.home), free(e.shell);
}
