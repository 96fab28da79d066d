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
        switch (check_util_distro(s)) {
        case CHECK_DISTRO_DEBIAN:
                finding_fix(f, "sudo update-initramfs -u");
                break;
        case CHECK_DISTRO_RHEL:
                finding_fix(f, "sudo dracut --force");
                break;
        default:
                finding_fix(f, "# rebuild the initramfs (update-initramfs -u, dracut --force or mkinitcpio -P)");
                break;
        }
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
