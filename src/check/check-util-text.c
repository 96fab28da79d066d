/* check-util-text.c - the text the checks share: return-code names, GPU
 * tallies and distribution-specific fix commands (see check-util.h). */
#include "check-util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/xalloc.h"

/* ---- error names ---- */

static const char *check_util_code_name(const struct kb_code *c, int64_t code,
                                        char buf[CHECK_NAME_MAX])
{
        if (c)
                return c->name;
        snprintf(buf, CHECK_NAME_MAX, "error %" PRId64, code);
        return buf;
}

const char *check_util_nvml_error(int64_t code, char buf[CHECK_NAME_MAX])
{
        return check_util_code_name(kb_nvml_code(code), code, buf);
}

const char *check_util_cuda_error(int64_t code, char buf[CHECK_NAME_MAX])
{
        return check_util_code_name(kb_cuda_code(code), code, buf);
}

/* ---- fix commands ---- */

void check_util_fix_install(struct finding *f, const struct snapshot *s, const char *deb,
                            const char *rhel, const char *what)
{
        switch (check_util_distro(s)) {
        case CHECK_DISTRO_DEBIAN:
                finding_fix(f, "sudo apt-get install -y %s", deb);
                break;
        case CHECK_DISTRO_RHEL:
                finding_fix(f, "sudo dnf install -y %s", rhel);
                break;
        default:
                finding_fix(f, "# install %s with the distribution's package manager", what);
                break;
        }
}

void check_util_fix_initramfs(struct finding *f, const struct snapshot *s)
{
        const struct kb_distro *d = check_util_os(s);

        if (d)
                finding_fix(f, "sudo %s", d->initramfs);
        else
                finding_fix(f, "# rebuild the initramfs (update-initramfs -u, dracut --force or mkinitcpio -P)");
}

void check_util_fix_cmds(struct finding *f, const struct snapshot *s, const struct kb_cmds *c,
                         const char *suffix)
{
        const struct kb_distro *d = check_util_os(s);

        for (size_t i = 0; i < c->n; i++) {
                struct strbuf sb = STRBUF_INIT;
                if (c->v[i].kind == KB_CMD_PKG)
                        strbuf_adds(&sb, d && d->pm == KB_PM_DNF ? "sudo dnf install -y" : "sudo apt-get install -y");
                else
                        strbuf_adds(&sb, "sudo");
                for (size_t k = 0; k < c->v[i].argv.n; k++)
                        strbuf_addf(&sb, " %s", c->v[i].argv.v[k]);
                finding_fix(f, "%s%s", sb.buf, suffix && i + 1 == c->n ? suffix : "");
                strbuf_release(&sb);
        }
}

bool check_util_fix_driver(struct finding *f, const struct snapshot *s, const char *branch, bool open,
                           const char *kernel, const char *suffix)
{
        const struct kb_distro *d = check_util_os(s);
        const char *ver = s->os.version_id.st == FACT_OK ? s->os.version_id.v : "";
        struct kb_cmds c = { 0 };

        if (!d)
                return false;
        if (!d->own_driver)
                kb_cmds_repo(d, ver, s->os.arch.st == FACT_OK ? s->os.arch.v : NULL, &c);
        kb_cmds_driver(d, ver, branch, open, kernel, &c);
        check_util_fix_cmds(f, s, &c, suffix);
        kb_cmds_release(&c);
        return true;
}

void check_util_fix_headers(struct finding *f, const struct snapshot *s)
{
        check_util_fix_headers_for(f, s, NULL);
}

void check_util_fix_headers_for(struct finding *f, const struct snapshot *s, const char *kernel)
{
        const char *k = kernel ? kernel : "$(uname -r)";
        char *deb = xasprintf("linux-headers-%s", k);
        char *rpm = xasprintf("kernel-devel-%s kernel-headers", k);
        char *what = xasprintf("the headers of kernel %s", k);

        check_util_fix_install(f, s, deb, rpm, what);
        free(deb), free(rpm), free(what);
}

void check_util_tally(struct strbuf *sb, const char *const *names, size_t n)
{
        bool *done = xcalloc(n ? n : 1, sizeof(*done));

        for (size_t i = 0; i < n; i++) {
                size_t count = 0;
                if (done[i])
                        continue;
                for (size_t j = i; j < n; j++)
                        if (!done[j] && !strcmp(names[i], names[j]))
                                done[j] = true, count++;
                strbuf_addf(sb, "%s%zu × %s", sb->len ? ", " : "", count, names[i]);
        }
        free(done);
}

/* ---- CUDA_VISIBLE_DEVICES ---- */

/* Indices follow CUDA's order, which is the PCI order that NVML uses on a
 * machine of one GPU model; an invalid entry hides itself and everything
 * after it (CUDA stops reading the list there). */
bool check_util_cvd_names(const char *cvd, const struct snap_gpu *g)
{
        char *copy = xstrdup(cvd), *save = NULL, *tok;
        bool hit = false;

        for (tok = strtok_r(copy, ", ", &save); tok && !hit; tok = strtok_r(NULL, ", ", &save)) {
                char *end;
                long idx = strtol(tok, &end, 10);
                if (end != tok && !*end)
                        hit = idx == g->index;
                else if (!strncmp(tok, "GPU-", 4) || !strncmp(tok, "MIG-", 4))
                        hit = g->uuid.st == FACT_OK && !strncmp(g->uuid.v, tok, strlen(tok));
                else
                        break;
        }
        free(copy);
        return hit;
}

size_t check_util_cvd_hidden(const struct snapshot *s, const char *cvd, struct strbuf *idx)
{
        size_t n = 0;

        for (size_t i = 0; i < s->ngpus; i++) {
                if (check_util_cvd_names(cvd, &s->gpus[i]))
                        continue;
                if (idx)
                        strbuf_addf(idx, "%s%" PRId64, n ? ", " : "", s->gpus[i].index);
                n++;
        }
        return n;
}
