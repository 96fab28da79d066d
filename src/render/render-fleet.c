/* render-fleet.c - dlrig fleet's table (text, Markdown) and JSON
 * (docs/fleet.md). */
#include "render.h"

#include <string.h>

#include "fleet/fleet.h"
#include "snap/snap-schema.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

/* The table's columns: host, status, the drift columns, the findings. */
enum { T_HOST, T_STATUS, T_FIRST, T_FAILING = T_FIRST + FLEET_NCOLS, T_WARNINGS, T_NCOLS };

static const char *const heads[T_NCOLS] = {
        [T_HOST] = "HOST",          [T_STATUS] = "STATUS",
        [T_FIRST + FLEET_DRIVER] = "DRIVER", [T_FIRST + FLEET_CUDA] = "CUDA",
        [T_FIRST + FLEET_NVCC] = "NVCC",     [T_FIRST + FLEET_TORCH] = "TORCH",
        [T_FIRST + FLEET_NCCL] = "NCCL",     [T_FIRST + FLEET_GPUS] = "GPUS",
        [T_FIRST + FLEET_MODEL] = "MODEL",   [T_FAILING] = "FAILING",
        [T_WARNINGS] = "WARNINGS",
};

static char *join(const struct strv *v)
{
        struct strbuf b = STRBUF_INIT;

        for (size_t i = 0; i < v->n; i++) {
                if (i)
                        strbuf_adds(&b, ",");
                strbuf_adds(&b, v->v[i]);
        }
        return v->n ? strbuf_detach(&b) : xstrdup(FLEET_UNKNOWN);
}

/* One row's cells (owned); drift marked with a trailing '*'. */
static void cells(const struct fleet_node *n, char **c)
{
        c[T_HOST] = xstrdup(n->host);
        c[T_STATUS] = xstrdup(severity_name(n->status));
        for (int k = 0; k < FLEET_NCOLS; k++)
                c[T_FIRST + k] = n->drift[k] ? xasprintf("%s*", n->col[k]) : xstrdup(n->col[k]);
        c[T_FAILING] = join(&n->failing);
        c[T_WARNINGS] = join(&n->warnings);
}

static void cells_free(char **c)
{
        for (int k = 0; k < T_NCOLS; k++)
                free(c[k]);
}

/* "* differs from the majority: driver 535.161.08 (5 of 6), ..." */
static void legend(FILE *out, const struct fleet *f, const char *bullet)
{
        bool any = false;

        for (int k = 0; k < FLEET_NCOLS; k++) {
                size_t odd = 0;

                for (size_t i = 0; i < f->n; i++)
                        odd += f->nodes[i].drift[k];
                if (!odd)
                        continue;
                if (!any)
                        fprintf(out, "\n%s* differs from the majority:\n", bullet);
                any = true;
                fprintf(out, "%s  %s: %s on %zu of %zu nodes, %zu differ\n", bullet,
                        fleet_col_name((enum fleet_col)k), f->majority[k], f->majority_n[k], f->n, odd);
        }
        if (!any && f->n > 1)
                fprintf(out, "\n%sNo drift: every compared column agrees where a majority exists.\n", bullet);
}

static void groups(FILE *out, const struct fleet *f, bool md)
{
        if (!f->ngroups)
                return;
        fputs(md ? "\n### Shared faults\n\n" : "\nNodes sharing a fault:\n", out);
        for (size_t i = 0; i < f->ngroups; i++) {
                const struct fleet_group *g = &f->groups[i];
                char *hosts = join(&g->hosts);

                if (md) {
                        fprintf(out, "- **%s** `%s` on %zu node%s: ", severity_name(g->sev), g->id,
                                g->hosts.n, g->hosts.n == 1 ? "" : "s");
                        render_md_text(out, hosts);
                        fputc('\n', out);
                } else
                        fprintf(out, "  %-4s %-36s %zu node%s: %s\n", severity_name(g->sev), g->id,
                                g->hosts.n, g->hosts.n == 1 ? "" : "s", hosts);
                free(hosts);
        }
}

void render_fleet_text(FILE *out, const struct fleet *f)
{
        size_t w[T_NCOLS];
        char *c[T_NCOLS];

        for (int k = 0; k < T_NCOLS; k++)
                w[k] = strlen(heads[k]);
        for (size_t i = 0; i < f->n; i++) {
                cells(&f->nodes[i], c);
                for (int k = 0; k < T_NCOLS; k++)
                        if (strlen(c[k]) > w[k])
                                w[k] = strlen(c[k]);
                cells_free(c);
        }
        for (int k = 0; k < T_NCOLS; k++)
                if (k == T_NCOLS - 1)
                        fprintf(out, "%s\n", heads[k]);
                else
                        fprintf(out, "%-*s  ", (int)w[k], heads[k]);
        for (size_t i = 0; i < f->n; i++) {
                cells(&f->nodes[i], c);
                for (int k = 0; k < T_NCOLS; k++)
                        if (k == T_NCOLS - 1)
                                fprintf(out, "%s\n", c[k]);
                        else
                                fprintf(out, "%-*s  ", (int)w[k], c[k]);
                cells_free(c);
        }
        legend(out, f, "");
        groups(out, f, false);
}

void render_fleet_md(FILE *out, const struct fleet *f)
{
        char *c[T_NCOLS];

        fprintf(out, "## dlrig fleet: %zu node%s\n\n|", f->n, f->n == 1 ? "" : "s");
        for (int k = 0; k < T_NCOLS; k++)
                fprintf(out, " %s |", heads[k]);
        fputs("\n|", out);
        for (int k = 0; k < T_NCOLS; k++)
                fputs("---|", out);
        fputc('\n', out);
        for (size_t i = 0; i < f->n; i++) {
                cells(&f->nodes[i], c);
                fputc('|', out);
                for (int k = 0; k < T_NCOLS; k++) {
                        fputc(' ', out);
                        render_md_text(out, c[k]);
                        fputs(" |", out);
                }
                fputc('\n', out);
                cells_free(c);
        }
        legend(out, f, "");
        groups(out, f, true);
}

static json_t *strv_json(const struct strv *v)
{
        json_t *a = json_array();

        for (size_t i = 0; i < v->n; i++)
                json_array_append_new(a, json_string(v->v[i]));
        return a;
}

json_t *render_fleet_json(const struct fleet *f)
{
        json_t *o = json_object(), *nodes = json_array(), *maj = json_object();
        json_t *grp = json_array();
        enum severity worst = fleet_worst(f);

        json_object_set_new(o, "schema_version", json_integer(DLRIG_SCHEMA_VERSION));
        json_object_set_new(o, "status", worst == SEV_INVALID ? json_null()
                                                              : json_string(severity_name(worst)));
        for (size_t i = 0; i < f->n; i++) {
                const struct fleet_node *n = &f->nodes[i];
                json_t *j = json_object(), *drift = json_array();

                json_object_set_new(j, "host", json_string(n->host));
                json_object_set_new(j, "host_from_file", json_boolean(n->host_from_file));
                json_object_set_new(j, "file", json_string(n->file));
                json_object_set_new(j, "status", json_string(severity_name(n->status)));
                for (int k = 0; k < FLEET_NCOLS; k++) {
                        const char *v = n->col[k];

                        json_object_set_new(j, fleet_col_name((enum fleet_col)k),
                                            strcmp(v, FLEET_UNKNOWN) ? json_string(v) : json_null());
                        if (n->drift[k])
                                json_array_append_new(drift, json_string(fleet_col_name((enum fleet_col)k)));
                }
                json_object_set_new(j, "failing", strv_json(&n->failing));
                json_object_set_new(j, "warnings", strv_json(&n->warnings));
                json_object_set_new(j, "drift", drift);
                json_array_append_new(nodes, j);
        }
        for (int k = 0; k < FLEET_NCOLS; k++) {
                const char *v = f->majority[k];

                json_object_set_new(maj, fleet_col_name((enum fleet_col)k),
                                    v && strcmp(v, FLEET_UNKNOWN) ? json_string(v) : json_null());
        }
        for (size_t i = 0; i < f->ngroups; i++) {
                json_t *g = json_object();

                json_object_set_new(g, "id", json_string(f->groups[i].id));
                json_object_set_new(g, "severity", json_string(severity_name(f->groups[i].sev)));
                json_object_set_new(g, "hosts", strv_json(&f->groups[i].hosts));
                json_array_append_new(grp, g);
        }
        json_object_set_new(o, "nodes", nodes);
        json_object_set_new(o, "majority", maj);
        json_object_set_new(o, "groups", grp);
        json_object_set_new(o, "skipped", strv_json(&f->skipped));
        json_object_set_new(o, "notes", strv_json(&f->notes));
        return o;
}
