/* finding.c - building and ordering findings (see finding.h). */
#include "finding.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const severity_names[SEV_MAX] = { "ok", "info", "warn", "fail" };

const char *severity_name(enum severity sev)
{
        return sev >= 0 && sev < SEV_MAX ? severity_names[sev] : "invalid";
}

enum severity severity_from_name(const char *name)
{
        for (int i = 0; i < SEV_MAX; i++)
                if (name && !strcmp(name, severity_names[i]))
                        return (enum severity)i;
        return SEV_INVALID;
}

const struct catalog_entry *catalog_find(const char *id)
{
        for (size_t i = 0; i < finding_catalog_size; i++)
                if (!strcmp(finding_catalog[i].id, id))
                        return &finding_catalog[i];
        return NULL;
}

__attribute__((format(printf, 1, 0)))
static char *vfmt(const char *fmt, va_list ap)
{
        char *p;

        if (vasprintf(&p, fmt, ap) < 0)
                p = xstrdup("(out of memory)");
        return p;
}

struct finding *finding_add(struct findings *fs, const char *id, const char *fmt, ...)
{
        const struct catalog_entry *cat = catalog_find(id);
        struct finding *f;
        va_list ap;

        assert(cat && "finding id missing from the catalog");
        if (!cat) {
                fprintf(stderr, "dlrig: internal error: unknown finding '%s'\n", id);
                abort();
        }
        xgrow(&fs->v, &fs->alloc, fs->n + 1, sizeof(*fs->v));
        f = &fs->v[fs->n++];
        memset(f, 0, sizeof(*f));
        f->cat = cat;
        f->seq = fs->n - 1;
        f->gpu = -1;
        va_start(ap, fmt);
        f->summary = vfmt(fmt, ap);
        va_end(ap);
        return f;
}

void finding_evidence(struct finding *f, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        strv_push(&f->evidence, vfmt(fmt, ap));
        va_end(ap);
}

void finding_fix(struct finding *f, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        strv_push(&f->fix, vfmt(fmt, ap));
        va_end(ap);
}

void findings_release(struct findings *fs)
{
        for (size_t i = 0; i < fs->n; i++) {
                free(fs->v[i].summary);
                strv_release(&fs->v[i].evidence);
                strv_release(&fs->v[i].fix);
        }
        free(fs->v);
        *fs = (struct findings)FINDINGS_INIT;
}

static int finding_cmp(const void *pa, const void *pb)
{
        const struct finding *a = pa, *b = pb;

        if (a->cat->sev != b->cat->sev)
                return a->cat->sev > b->cat->sev ? -1 : 1;
        if (a->cat != b->cat)
                return a->cat < b->cat ? -1 : 1;
        return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

void findings_sort(struct findings *fs)
{
        /* qsort is not stable: seq breaks ties to keep the checks' order. */
        if (fs->n > 1)
                qsort(fs->v, fs->n, sizeof(*fs->v), finding_cmp);
}

enum severity findings_worst(const struct findings *fs)
{
        enum severity worst = SEV_OK;

        for (size_t i = 0; i < fs->n; i++)
                if (fs->v[i].cat->sev > worst)
                        worst = fs->v[i].cat->sev;
        return worst;
}

bool findings_has(const struct findings *fs, const char *id)
{
        for (size_t i = 0; i < fs->n; i++)
                if (!strcmp(fs->v[i].cat->id, id))
                        return true;
        return false;
}
