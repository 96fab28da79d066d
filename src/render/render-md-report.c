/* render-md-report.c - Markdown for plan, topo, bench and fit: a summary
 * table, then what the text report lays out in columns (matrices, bars)
 * in a fenced block, where the columns survive, and the findings or steps
 * folded with their commands in sh blocks (render-md.c has the pieces). */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "fit/fit.h"
#include "plan/plan.h"
#include "topo/topo.h"
#include "util/strbuf.h"

/* Writes what fn(out, arg) prints as a fenced text block. */
static void fenced(FILE *out, void (*fn)(FILE *, const void *), const void *arg)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);

        if (!mem) {
                fputs("(out of memory)\n", out);
                return;
        }
        fn(mem, arg);
        if (fclose(mem) == 0)
                render_md_code(out, "text", buf);
        free(buf);
}

/* ---- plan -------------------------------------------------------------------------- */

static const char *plan_state_md(enum plan_state st)
{
        return st == STEP_DONE ? "done" : st == STEP_TODO ? "to do" : "offered";
}

static void plan_step_md(FILE *out, const struct plan *p, const struct plan_step *st, size_t k)
{
        fprintf(out, "<details><summary>%zu. <b>%s</b> ", k, plan_state_md(st->state));
        render_md_html(out, st->title);
        fprintf(out, "%s</summary>\n\n", st->system ? " [root]" : "");
        render_md_text(out, st->why);
        fputs("\n\n", out);
        if (st->state != STEP_DONE && st->nact) {
                struct strv lines = STRV_INIT;

                for (size_t i = 0; i < st->nact; i++)
                        strv_push(&lines, plan_act_shell(p, &st->acts[i]));
                render_md_code_strv(out, "sh", &lines);
                fputc('\n', out);
                strv_release(&lines);
        }
        fputs("</details>\n\n", out);
}

void render_plan_md(FILE *out, const struct plan *p)
{
        size_t todo = plan_todo_count(p);

        fprintf(out, "## dlrig plan: %zu step%s to do\n\n", todo, todo == 1 ? "" : "s");
        fputs("| | |\n|:--|:--|\n", out);
        render_md_row(out, "Machine", p->distro);
        render_md_row(out, "User", p->user);
        for (size_t i = 0; i < p->nchoices; i++) {
                const struct plan_choice *c = &p->choices[i];

                fputs("| ", out);
                render_md_text(out, c->what);
                fputs(" | ", out);
                render_md_text(out, c->value);
                if (c->why) {
                        fputs(": ", out);
                        render_md_text(out, c->why);
                }
                fputs(" |\n", out);
        }
        fputs("\n### Steps\n\n", out);
        for (size_t i = 0; i < p->nsteps; i++)
                plan_step_md(out, p, &p->steps[i], i + 1);
        if (!todo)
                fputs("Nothing to do: this machine already has the planned stack.\n", out);
}

/* ---- topo -------------------------------------------------------------------------- */

static void topo_text(FILE *out, const void *m)
{
        render_topo_text(out, m);
}

void render_topo_md(FILE *out, const struct topo_model *m)
{
        size_t nvlink = 0, pairs = 0;

        for (size_t a = 0; a < m->n; a++)
                for (size_t b = a + 1; b < m->n; b++) {
                        pairs++;
                        nvlink += topo_cell(m, a, b)->kind == TOPO_NV;
                }
        fputs("## dlrig topo\n\n| | |\n|:--|:--|\n", out);
        fprintf(out, "| GPUs | %zu |\n", m->n);
        fprintf(out, "| Source | %s |\n", m->from_pci ? "the PCI tree in sysfs (no NVLink or P2P facts)"
                                                    : "the driver (NVML)");
        fprintf(out, "| NVLink pairs | %zu of %zu%s |\n\n", nvlink, pairs,
                m->nvswitch ? ", through NVSwitch" : "");
        fenced(out, topo_text, m);
}

/* ---- bench ------------------------------------------------------------------------- */

static void bench_text(FILE *out, const void *b)
{
        render_bench_figures_text(out, b);
}

void render_bench_md(FILE *out, const struct snap_bench *b, const struct findings *fs)
{
        render_md_heading(out, "bench", fs);
        fputs("| | |\n|:--|:--|\n", out);
        fprintf(out, "| GPUs measured | %zu of %lld CUDA devices |\n", b->ngpus,
                (long long)b->device_count);
        fprintf(out, "| GPU pairs | %zu |\n", b->npairs);
        if (b->not_run)
                render_md_row(out, "Not run", b->not_run);
        if (b->failure)
                render_md_row(out, "Stopped", b->failure);
        render_md_findings_row(out, fs);
        fputs("\n### Figures\n\n", out);
        fenced(out, bench_text, b);
        fputc('\n', out);
        render_findings_md(out, fs);
}

/* ---- fit --------------------------------------------------------------------------- */

struct fit_text_args {
        const struct fit_model *m;
        const struct fit_job *j;
        const struct fit_gpu_name *names;
        const struct fit_advice *adv;
};

static void fit_text(FILE *out, const void *arg)
{
        const struct fit_text_args *a = arg;

        render_fit_text(out, a->m, a->j, a->names, a->adv);
}

void render_fit_md(FILE *out, const struct fit_model *m, const struct fit_job *j,
                   const struct fit_gpu_name *names, const struct fit_advice *adv)
{
        struct fit_text_args a = { m, j, names, adv };
        struct strbuf b = STRBUF_INIT;

        fputs("## dlrig fit: ", out);
        render_md_text(out, m->name);
        fprintf(out, " %s\n\n| | |\n|:--|:--|\n", adv->plan.fits ? "fits" : "does not fit");
        render_md_row(out, "Model", m->repo ? m->repo : m->name);
        strbuf_addf(&b, "%s, %s", fit_task_name(j->task), fit_engine_name(j->engine));
        render_md_row(out, "Task", b.buf);
        strbuf_reset(&b);
        for (int i = 0; i < adv->plan.n; i++)
                strbuf_addf(&b, "%sGPU %d %s", i ? "; " : "", names[i].index, names[i].name);
        render_md_row(out, "GPUs", b.buf);
        strbuf_release(&b);
        fprintf(out, "| Verdict | %s |\n\n", adv->plan.fits ? "fits" : "does not fit");
        fenced(out, fit_text, &a);
}
