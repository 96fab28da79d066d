/* render-prove.c - prove's report: what ran where, each step's result per
 * rank, then the findings; and its JSON (schema_version, status, the
 * findings and the snapshot's prove section). */
#include "render.h"

#include <inttypes.h>
#include <string.h>

#include "snap/snap-json.h"
#include "version.h"

static void torch_line(FILE *out, const struct snap_prove *p)
{
        const struct snap_prove_torch *t = &p->torch;

        if (!t->version) {
                fprintf(out, "torch        does not import\n");
                return;
        }
        fprintf(out, "torch        %s, CUDA %s, %s, %" PRId64 " devices%s%s\n", t->version,
                t->cuda ? t->cuda : "none (CPU-only build)",
                t->cuda_available ? "available" : "not available", t->device_count,
                t->nccl ? ", NCCL " : "", t->nccl ? t->nccl : "");
}

static void gpu_lines(FILE *out, const struct snap_prove *p)
{
        for (size_t i = 0; i < p->ngpus; i++) {
                const struct snap_prove_gpu *g = &p->gpus[i];
                fprintf(out, "GPU %-8" PRId64 " %s, %s%s: matmul %s, peak %" PRId64 " MiB, %.1f s\n", g->index,
                        g->name ? g->name : "?", g->capability ? g->capability : "?",
                        g->arch_covered ? "" : " (not in the arch list)",
                        g->error ? "raised" : g->matmul_ok ? "ok" : "WRONG", g->peak_bytes >> 20, g->seconds);
        }
}

static void step_line(FILE *out, const struct snap_prove_step *s)
{
        char who[32];

        if (s->rank >= 0)
                snprintf(who, sizeof(who), "rank %" PRId64, s->rank);
        else
                snprintf(who, sizeof(who), "runner");
        fprintf(out, "%-12s %-7s %-10s", s->name, who, s->status);
        if (!strcmp(s->name, "allreduce") && strcmp(s->status, "skip"))
                fprintf(out, " sum %g of %g, bus %.2f GB/s", s->got, s->expected, s->gbps);
        else if ((!strcmp(s->name, "ddp") || !strcmp(s->name, "fsdp")) && strcmp(s->status, "skip"))
                fprintf(out, " loss %.4f -> %.4f", s->expected, s->got);
        if (s->seconds > 0)
                fprintf(out, ", %.1f s", s->seconds);
        if (s->error)
                fprintf(out, "%s%.200s", strcmp(s->status, "pass") ? ": " : " ", s->error);
        fputc('\n', out);
}

void render_prove_text(FILE *out, const struct snap_prove *p, const struct findings *fs,
                       const struct render_opts *o)
{
        fprintf(out, "dlrig prove\n\n");
        if (p->env) {
                fprintf(out, "environment  %s (%s)\n", p->env, p->env_chosen_by);
                fprintf(out, "mode         %s, deadline %" PRId64 " s per run\n",
                        p->mode && !strcmp(p->mode, "cpu") ? "CPU, gloo" : "GPUs, NCCL", p->timeout_s);
                torch_line(out, p);
                gpu_lines(out, p);
                for (size_t i = 0; i < p->nsteps; i++)
                        step_line(out, &p->steps[i]);
                fputc('\n', out);
        }
        render_findings_text(out, fs, o);
}

json_t *render_prove_json(const struct snap_prove *p, const struct findings *fs)
{
        json_t *j = json_object();

        json_object_set_new(j, "schema_version", json_integer(DLRIG_SCHEMA_VERSION));
        json_object_set_new(j, "dlrig_version", json_string(DLRIG_VERSION));
        json_object_set_new(j, "status", json_string(severity_name(findings_worst(fs))));
        json_object_set_new(j, "findings", render_findings_json(fs));
        json_object_set_new(j, "prove", snap_prove_to_json(p));
        return j;
}
