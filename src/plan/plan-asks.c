/* plan-asks.c - the facts every plan starts from: the user's asks checked
 * one by one, the distribution (its kb/distro.tsv row: package manager and
 * NVIDIA's repository codename), and the user whose environment is set up. */
#include "plan-internal.h"

#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

int plan_choose_distro(const struct snapshot *s, struct plan *p, char **reterr)
{
        const char *id = s->os.distro_id.st == FACT_OK ? s->os.distro_id.v : NULL;
        const char *ver = s->os.version_id.st == FACT_OK ? s->os.version_id.v : "";

        if (!id)
                return plan_fail(reterr, "the distribution is unknown (no /etc/os-release)");
        p->os = kb_distro_find(id);
        if (!p->os)
                return plan_fail(reterr, "dlrig plans for Ubuntu, Debian, RHEL and its rebuilds and "
                                 "Fedora; this is '%s'", id);
        p->pm = p->os->pm == KB_PM_APT ? PLAN_PM_APT : PLAN_PM_DNF;
        p->repo = kb_distro_repo(p->os, ver);
        p->distro = xasprintf("%s %s", id, ver);
        p->kernel = xstrdup(s->os.kernel.st == FACT_OK ? s->os.kernel.v : "$(uname -r)");
        return 0;
}


int plan_choose_user(const struct snapshot *s, const struct plan_opts *o, struct plan *p,
                       char **reterr)
{
        const struct snap_shell *sh = &s->shell;

        if (o->user && (sh->user.st != FACT_OK || strcmp(o->user, sh->user.v)))
                return plan_fail(reterr, "--user %s: no such user here (%s)", o->user,
                                 sh->user.st == FACT_OK ? sh->user.v : sh->probe.why ? sh->probe.why : "no user");
        if (sh->user.st != FACT_OK || sh->home.st != FACT_OK)
                return plan_fail(reterr, "cannot tell whose environment to set up (%s); name the user "
                                 "with --user", sh->probe.why ? sh->probe.why : "no user");
        p->user = xstrdup(sh->user.v);
        p->home = xstrdup(sh->home.v);
        return 0;
}


int plan_choose_check_asks(const struct plan_opts *o, char **reterr)
{
        if (o->torch && !kb_torch_find(o->torch))
                return plan_fail(reterr, "torch %s is not in the knowledge base (dlrig kb torch lists releases)", o->torch);
        if (o->cuda && !kb_cuda_find(o->cuda))
                return plan_fail(reterr, "CUDA %s is not in the knowledge base (dlrig kb cuda lists versions)", o->cuda);
        if (o->installer && (!kb_installer_find(o->installer)))
                return plan_fail(reterr, "--installer must be miniforge, miniconda or uv, not '%s'", o->installer);
        if (o->python && (!*o->python || strspn(o->python, "0123456789.") != strlen(o->python)))
                return plan_fail(reterr, "--python wants a version such as 3.12, not '%s'", o->python);
        if (o->env && (!*o->env || strpbrk(o->env, "/ \t'\"\\$`")))
                return plan_fail(reterr, "--env wants a plain name, not '%s'", o->env);
        return 0;
}
