/* render-md.c - Markdown (GitHub-flavoured) for bug reports: the escaping
 * of facts, code fences, the findings as folded <details> blocks, and
 * doctor's report. The other commands' Markdown is in render-md-report.c. */
#include "render.h"

#include "util/strbuf.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* Inline Markdown: a fact never turns into emphasis, code, a link, a table
 * cell border or HTML. Line breaks become spaces (a table row, a list
 * item is one line). */
void render_md_text(FILE *out, const char *s)
{
        for (; s && *s; s++) {
                switch (*s) {
                case '<': fputs("&lt;", out); break;
                case '>': fputs("&gt;", out); break;
                case '&': fputs("&amp;", out); break;
                case '\n': case '\r': case '\t': fputc(' ', out); break;
                case '\\': case '`': case '*': case '_': case '[': case ']':
                case '|': case '~': case '#': case '!':
                        fputc('\\', out);
                        fputc(*s, out);
                        break;
                default: fputc(*s, out);
                }
        }
}

/* Inside raw HTML (<summary>), where Markdown is not parsed: entities only,
 * and no line break, which would end the HTML block. */
void render_md_html(FILE *out, const char *s)
{
        for (; s && *s; s++) {
                switch (*s) {
                case '<': fputs("&lt;", out); break;
                case '>': fputs("&gt;", out); break;
                case '&': fputs("&amp;", out); break;
                case '"': fputs("&quot;", out); break;
                case '\n': case '\r': case '\t': fputc(' ', out); break;
                default: fputc(*s, out);
                }
        }
}

/* A fenced block shows its lines verbatim; the fence is one backtick longer
 * than the longest run of backticks inside, so no line can close it. */
void render_md_code(FILE *out, const char *lang, const char *body)
{
        size_t run = 0, longest = 0, len = body ? strlen(body) : 0;

        for (size_t i = 0; i < len; i++) {
                run = body[i] == '`' ? run + 1 : 0;
                if (run > longest)
                        longest = run;
        }
        longest = longest < 3 ? 3 : longest + 1;
        for (size_t i = 0; i < longest; i++)
                fputc('`', out);
        fprintf(out, "%s\n%s%s", lang ? lang : "", body ? body : "",
                len && body[len - 1] != '\n' ? "\n" : "");
        for (size_t i = 0; i < longest; i++)
                fputc('`', out);
        fputc('\n', out);
}

void render_md_code_strv(FILE *out, const char *lang, const struct strv *lines)
{
        struct strbuf b = STRBUF_INIT;

        for (size_t i = 0; i < lines->n; i++)
                strbuf_addf(&b, "%s\n", lines->v[i]);
        render_md_code(out, lang, b.buf);
        strbuf_release(&b);
}

void render_md_row(FILE *out, const char *key, const char *value)
{
        fprintf(out, "| %s | ", key);
        render_md_text(out, value);
        fputs(" |\n", out);
}

void render_md_tally(const struct findings *fs, size_t count[SEV_MAX])
{
        memset(count, 0, SEV_MAX * sizeof(count[0]));
        for (size_t i = 0; i < fs->n; i++)
                count[fs->v[i].cat->sev]++;
}

static const char *const sev_md[SEV_MAX] = { "ok", "info", "WARN", "FAIL" };

/* "2 failed, 1 warning, 3 notes, 10 ok" */
static void tally_line(struct strbuf *b, const struct findings *fs)
{
        size_t c[SEV_MAX];

        render_md_tally(fs, c);
        strbuf_addf(b, "%zu failed, %zu warning%s, %zu note%s, %zu ok", c[SEV_FAIL], c[SEV_WARN],
                    c[SEV_WARN] == 1 ? "" : "s", c[SEV_INFO], c[SEV_INFO] == 1 ? "" : "s",
                    c[SEV_OK]);
}

void render_md_findings_row(FILE *out, const struct findings *fs)
{
        struct strbuf b = STRBUF_INIT;

        tally_line(&b, fs);
        render_md_row(out, "Findings", b.buf);
        strbuf_release(&b);
}

/* One finding, folded: the line to scan in <summary>, evidence and the fix
 * (a sh block to copy) inside. */
static void md_finding(FILE *out, const struct finding *f)
{
        fprintf(out, "<details><summary><b>%s</b> <code>", sev_md[f->cat->sev]);
        render_md_html(out, f->cat->id);
        fputs("</code> ", out);
        render_md_html(out, f->summary);
        fputs("</summary>\n\n", out);
        fputs("*", out);
        render_md_text(out, f->cat->title);
        fprintf(out, "* (%s)\n\n", f->cat->layer);
        if (f->evidence.n) {
                fputs("Evidence:\n\n", out);
                for (size_t i = 0; i < f->evidence.n; i++) {
                        fputs("- ", out);
                        render_md_text(out, f->evidence.v[i]);
                        fputc('\n', out);
                }
                fputc('\n', out);
        }
        if (f->fix.n) {
                fputs("Fix:\n\n", out);
                render_md_code_strv(out, "sh", &f->fix);
                fputc('\n', out);
        }
        fputs("</details>\n\n", out);
}

void render_findings_md(FILE *out, const struct findings *fs)
{
        size_t c[SEV_MAX];

        render_md_tally(fs, c);
        fputs("### Findings\n\n", out);
        if (c[SEV_FAIL] + c[SEV_WARN] + c[SEV_INFO] == 0)
                fputs("No problem found.\n\n", out);
        for (size_t i = 0; i < fs->n; i++)
                if (fs->v[i].cat->sev != SEV_OK)
                        md_finding(out, &fs->v[i]);
        if (!c[SEV_OK])
                return;
        fprintf(out, "<details><summary>%zu check%s passed</summary>\n\n", c[SEV_OK],
                c[SEV_OK] == 1 ? "" : "s");
        for (size_t i = 0; i < fs->n; i++) {
                const struct finding *f = &fs->v[i];

                if (f->cat->sev != SEV_OK)
                        continue;
                fputs("- `", out);
                fputs(f->cat->id, out); /* catalog ids: [a-z0-9.-] */
                fputs("` ", out);
                render_md_text(out, f->summary);
                fputc('\n', out);
        }
        fputs("\n</details>\n\n", out);
}

/* "## dlrig doctor: 2 failed, 1 warning" */
void render_md_heading(FILE *out, const char *what, const struct findings *fs)
{
        size_t c[SEV_MAX];

        render_md_tally(fs, c);
        fprintf(out, "## dlrig %s: ", what);
        if (c[SEV_FAIL])
                fprintf(out, "%zu failed%s", c[SEV_FAIL], c[SEV_WARN] ? ", " : "");
        if (c[SEV_WARN])
                fprintf(out, "%zu warning%s", c[SEV_WARN], c[SEV_WARN] == 1 ? "" : "s");
        if (!c[SEV_FAIL] && !c[SEV_WARN])
                fputs("no problem", out);
        fputs("\n\n", out);
}

/* ---- doctor ------------------------------------------------------------------------ */

static void row_machine(FILE *out, const struct snapshot *s)
{
        const struct snap_os *os = &s->os;
        struct strbuf b = STRBUF_INIT;

        strbuf_addf(&b, "%s, kernel %s, %s", render_fact_str(&os->pretty_name, "unknown distribution"),
                    render_fact_str(&os->kernel, "unknown"), render_fact_str(&os->arch, "unknown"));
        if (os->secure_boot.st == FACT_OK)
                strbuf_addf(&b, ", Secure Boot %s", os->secure_boot.v ? "on" : "off");
        render_md_row(out, "Machine", b.buf);
        strbuf_release(&b);
}

static void row_driver(FILE *out, const struct snapshot *s)
{
        const struct snap_kmod *k = &s->kmod;
        struct strbuf b = STRBUF_INIT;

        strbuf_addf(&b, "%s", render_fact_str(&s->nvml.driver_version, "not answering"));
        if (k->nvidia)
                strbuf_addf(&b, ", module %s%s%s%s", render_fact_str(&k->loaded_version, "?"),
                            k->flavour.st == FACT_OK ? " (" : "", render_fact_str(&k->flavour, ""),
                            k->flavour.st == FACT_OK ? ")" : "");
        else
                strbuf_addf(&b, ", nvidia module not loaded");
        render_md_row(out, "Driver", b.buf);
        strbuf_release(&b);
}

static void row_cuda(FILE *out, const struct snapshot *s)
{
        const struct fact_num *v = &s->nvml.cuda_driver_version;
        struct strbuf b = STRBUF_INIT;

        if (v->st == FACT_OK)
                strbuf_addf(&b, "%" PRId64 ".%" PRId64 " (driver API)", v->v / 1000, v->v % 1000 / 10);
        else
                strbuf_addf(&b, "unknown");
        if (s->cuda.device_count.st == FACT_OK)
                strbuf_addf(&b, ", %" PRId64 " device%s", s->cuda.device_count.v,
                            s->cuda.device_count.v == 1 ? "" : "s");
        else
                strbuf_addf(&b, ", CUDA n/a");
        render_md_row(out, "CUDA", b.buf);
        strbuf_release(&b);
}

/* "2 × NVIDIA A100-SXM4-80GB (81920 MiB, sm 8.0)": alike GPUs share one entry. */
static void row_gpus(FILE *out, const struct snapshot *s)
{
        struct strbuf b = STRBUF_INIT;
        char mem[32];

        for (size_t i = 0; i < s->ngpus; i++) {
                const struct snap_gpu *g = &s->gpus[i];
                const char *name = render_fact_str(&g->name, "?");
                size_t same = 0;
                bool seen = false;

                for (size_t k = 0; k < i && !seen; k++)
                        seen = !strcmp(render_fact_str(&s->gpus[k].name, "?"), name);
                if (seen)
                        continue;
                for (size_t k = i; k < s->ngpus; k++)
                        same += !strcmp(render_fact_str(&s->gpus[k].name, "?"), name);
                strbuf_addf(&b, "%s%zu × %s (%s, sm %s)", b.len ? "; " : "", same, name,
                            g->memory_total_bytes.st == FACT_OK ? render_bytes(g->memory_total_bytes.v, mem) : "?",
                            render_fact_str(&g->compute_capability, "?"));
        }
        if (!s->ngpus)
                strbuf_addf(&b, "%zu on PCI, NVML n/a", snap_pci_count(s, "gpu"));
        else if (s->nvml.probe.st != FACT_OK)
                strbuf_addf(&b, " (NVML stopped answering)");
        render_md_row(out, "GPUs", b.buf);
        strbuf_release(&b);
}

/* The environment python finds first, else the first with torch. */
const struct snap_pyenv *render_torch_env(const struct snapshot *s)
{
        const struct snap_python *py = &s->python;
        const char *sel = render_fact_str(&py->selected, NULL);

        for (size_t i = 0; sel && i < py->n; i++)
                if (py->envs[i].path && !strcmp(py->envs[i].path, sel) &&
                    py->envs[i].torch_version.st == FACT_OK)
                        return &py->envs[i];
        for (size_t i = 0; i < py->n; i++)
                if (py->envs[i].torch_version.st == FACT_OK)
                        return &py->envs[i];
        return NULL;
}

static void row_torch(FILE *out, const struct snapshot *s)
{
        const struct snap_pyenv *e = render_torch_env(s);
        struct strbuf b = STRBUF_INIT;

        if (!e) {
                render_md_row(out, "PyTorch", "not found");
                return;
        }
        strbuf_addf(&b, "%s", e->torch_version.v);
        if (e->torch_cuda.st == FACT_OK)
                strbuf_addf(&b, " (CUDA %s)", e->torch_cuda.v);
        else
                strbuf_addf(&b, " (CPU build)");
        strbuf_addf(&b, " in %s %s", e->kind ? e->kind : "environment", e->path ? e->path : "?");
        render_md_row(out, "PyTorch", b.buf);
        strbuf_release(&b);
}

void render_doctor_md(FILE *out, const struct snapshot *s, const struct findings *fs)
{
        render_md_heading(out, "doctor", fs);
        fputs("| | |\n|:--|:--|\n", out);
        row_machine(out, s);
        row_driver(out, s);
        row_cuda(out, s);
        row_gpus(out, s);
        row_torch(out, s);
        render_md_findings_row(out, fs);
        if (s->dlrig_version)
                render_md_row(out, "dlrig", s->dlrig_version);
        fputc('\n', out);
        render_findings_md(out, fs);
}
