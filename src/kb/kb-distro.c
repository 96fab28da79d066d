/* kb-distro.c - distributions (distro.tsv) and the install commands that
 * doctor and plan share (see kb-distro.h). */
#include "kb/kb-distro.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb-tables.h"
#include "util/strbuf.h"
#include "util/versions.h"
#include "util/xalloc.h"

#define KB_KEYRING_DEB "cuda-keyring_1.1-1_all.deb"

const struct kb_distro *kb_distro_find(const char *id)
{
        for (size_t i = 0; id && i < kb_distro_table_size; i++)
                if (!strcmp(kb_distro_table[i].id, id))
                        return &kb_distro_table[i];
        return NULL;
}

char *kb_distro_repo(const struct kb_distro *d, const char *version_id)
{
        const char *v = version_id ? version_id : "";
        const char *brace = strchr(d->repo, '{');
        struct strbuf sb = STRBUF_INIT;

        strbuf_addf(&sb, "%.*s", (int)(brace ? brace - d->repo : (long)strlen(d->repo)), d->repo);
        if (brace && !strncmp(brace, "{major}", 7))
                strbuf_adds(&sb, version_major(v).s);
        else if (brace) /* {ver}: the version without its dots, "22.04" -> "2204" */
                for (const char *c = v; *c; c++)
                        if (*c != '.')
                                strbuf_addch(&sb, *c);
        return strbuf_detach(&sb);
}

const char *kb_distro_arch(const struct kb_distro *d, const char *machine)
{
        if (machine && !strcmp(machine, "aarch64") && d->arch_aarch64)
                return d->arch_aarch64;
        return d->arch_x86_64;
}

void kb_cmds_release(struct kb_cmds *c)
{
        for (size_t i = 0; i < c->n; i++)
                strv_release(&c->v[i].argv);
        free(c->done_path);
        *c = (struct kb_cmds){ 0 };
}

/* Appends one command of NULL-terminated words. */
static void kb_cmds_add(struct kb_cmds *c, enum kb_cmd_kind kind, const char *first, ...)
{
        struct kb_cmd *cmd;
        va_list ap;

        if (c->n == KB_CMDS_MAX)
                abort(); /* a builder below lists more than KB_CMDS_MAX: raise it */
        cmd = &c->v[c->n++];
        *cmd = (struct kb_cmd){ .kind = kind };
        va_start(ap, first);
        for (const char *w = first; w; w = va_arg(ap, const char *))
                strv_push(&cmd->argv, xstrdup(w));
        va_end(ap);
}

void kb_cmds_repo(const struct kb_distro *d, const char *version_id, const char *machine,
                  struct kb_cmds *ret)
{
        char *repo = kb_distro_repo(d, version_id);
        const char *arch = kb_distro_arch(d, machine);

        if (d->pm == KB_PM_APT) {
                char *deb = xstrdup("/var/cache/apt/archives/" KB_KEYRING_DEB);
                char *url = xasprintf("%s/%s/%s/" KB_KEYRING_DEB, d->repo_url, repo, arch);
                kb_cmds_add(ret, KB_CMD_RUN, "curl", "-fsSL", "-o", deb, url, NULL);
                kb_cmds_add(ret, KB_CMD_RUN, "dpkg", "-i", deb, NULL);
                kb_cmds_add(ret, KB_CMD_RUN, "apt-get", "update", NULL);
                ret->done_path = xstrdup("/usr/share/keyrings/cuda-archive-keyring.gpg");
                free(deb), free(url);
        } else {
                char *url = xasprintf("%s/%s/%s/cuda-%s.repo", d->repo_url, repo, arch, repo);
                kb_cmds_add(ret, KB_CMD_RUN, "dnf", "config-manager", "--add-repo", url, NULL);
                ret->done_path = xasprintf("/etc/yum.repos.d/cuda-%s.repo", repo);
                free(url);
        }
        free(repo);
}

/* The version's major is one of d's module-stream majors ("8 9"). */
static bool kb_distro_streams(const struct kb_distro *d, const char *version_id)
{
        struct version_part major = version_major(version_id);
        size_t n = strlen(major.s);

        for (const char *p = d->driver_streams; p && *p && n; p += strcspn(p, " "), p += strspn(p, " "))
                if (strcspn(p, " ") == n && !strncmp(p, major.s, n))
                        return true;
        return false;
}

void kb_cmds_driver(const struct kb_distro *d, const char *version_id, const char *branch, bool open,
                    const char *kernel, struct kb_cmds *ret)
{
        char *headers = !kernel ? NULL : xasprintf(d->pm == KB_PM_APT ? "linux-headers-%s" : "kernel-devel-%s", kernel);
        const char *meta = open ? "nvidia-open" : "cuda-drivers";

        if (d->own_driver && branch) { /* Ubuntu's own package of the branch */
                char *pkg = xasprintf("nvidia-driver-%s%s", branch, open ? "-open" : "");
                kb_cmds_add(ret, KB_CMD_PKG, pkg, headers, NULL);
                free(pkg);
        } else if (d->own_driver) { /* no branch: Ubuntu's tool chooses it */
                if (headers)
                        kb_cmds_add(ret, KB_CMD_PKG, headers, NULL);
                kb_cmds_add(ret, KB_CMD_RUN, "ubuntu-drivers", "install", "--gpgpu", NULL);
        } else if (d->pm == KB_PM_APT) {
                char *pin = branch ? xasprintf("nvidia-driver-pinning-%s", branch) : NULL;
                if (pin)
                        kb_cmds_add(ret, KB_CMD_PKG, pin, NULL);
                kb_cmds_add(ret, KB_CMD_PKG, meta, headers, NULL);
                free(pin);
        } else {
                /* NVIDIA's streams: <branch>-open / <branch>-dkms, and
                 * open-dkms / latest-dkms for the newest branch */
                char *stream = branch ? xasprintf("nvidia-driver:%s-%s", branch, open ? "open" : "dkms")
                                      : xasprintf("nvidia-driver:%s-dkms", open ? "open" : "latest");
                if (kb_distro_streams(d, version_id))
                        kb_cmds_add(ret, KB_CMD_RUN, "dnf", "module", "enable", "-y", stream, NULL);
                kb_cmds_add(ret, KB_CMD_PKG, meta, headers, NULL);
                free(stream);
        }
        free(headers);
}

void kb_cmds_toolkit(const struct kb_distro *d, const char *cuda, struct kb_cmds *ret)
{
        char *pkg = xasprintf("cuda-toolkit-%s", cuda);
        char *dot = strchr(pkg + strlen("cuda-toolkit-"), '.');

        (void)d; /* the same package name in NVIDIA's apt and dnf repositories */
        if (dot) /* "12.8" -> cuda-toolkit-12-8; a bare major stays as it is */
                *dot = '-';
        kb_cmds_add(ret, KB_CMD_PKG, pkg, NULL);
        ret->done_path = xasprintf("/usr/local/cuda-%s/bin/nvcc", cuda);
        free(pkg);
}

void kb_cmd_pip_torch(const struct kb_pip_torch *t, struct strv *ret)
{
        if (t->uv) {
                strv_push(ret, xstrdup(t->uv));
                strv_push(ret, xstrdup("pip"));
                strv_push(ret, xstrdup("install"));
                strv_push(ret, xstrdup("--python"));
                strv_push(ret, xstrdup(t->python));
        } else {
                strv_push(ret, xstrdup(t->python ? t->python : "pip"));
                if (t->python) {
                        strv_push(ret, xstrdup("-m"));
                        strv_push(ret, xstrdup("pip"));
                }
                strv_push(ret, xstrdup("install"));
        }
        if (t->reinstall)
                strv_push(ret, xstrdup("--force-reinstall"));
        strv_pushf(ret, "torch==%s", t->torch);
        strv_pushf(ret, "torchvision==%s", t->torchvision);
        strv_pushf(ret, "torchaudio==%s", t->torchaudio);
        strv_push(ret, xstrdup("--index-url"));
        strv_push(ret, xstrdup(t->index_url));
}
