/* render-fit-savers.c - training savers, weight formats, the loading peak
 * and the allocator's slack in dlrig fit's answer (text and JSON). */
#include "render/render-fit-savers.h"

#define GiB (1024.0 * 1024 * 1024)

static double gib(int64_t b)
{
        return (double)b / GiB;
}

void render_fit_savers_text(FILE *out, const struct fit_job *j)
{
        if (j->weights != FIT_W_BF16)
                fprintf(out, ", %s weights", fit_wfmt_name(j->weights));
        if (j->optim_in_bwd)
                fputs(", optimizer in backward", out);
        if (j->paged_optim)
                fputs(", paged optimizer", out);
        if (j->act_offload)
                fputs(", activation offloading", out);
        if (j->compile)
                fputs(", torch.compile", out);
        if (j->grad_accum > 1)
                fprintf(out, ", %lld micro-batches a step", (long long)j->grad_accum);
        if (j->packed)
                fprintf(out, ", packed (%s)", j->packed == FIT_PACKED_FLEX ? "flex attention" : "SDPA mask");
        if (j->fsdp_wrap_root)
                fputs(", embeddings and head wrapped", out);
        if (j->load_fp32)
                fputs(", loaded in fp32", out);
}

static int64_t step_peak(const struct fit_plan *p)
{
        int64_t peak = 0;

        for (int i = 0; i < p->n; i++)
                if (p->g[i].used && p->g[i].total > peak)
                        peak = p->g[i].total;
        return peak;
}

void render_fit_load_text(FILE *out, const struct fit_job *j, const struct fit_plan *p)
{
        int64_t peak = step_peak(p);
        int gi = 0;

        if (p->load_peak > peak)
                fprintf(out, "Loading peaks above the step: %.2f GiB (%s); judged on it too\n",
                        gib(p->load_peak),
                        j->load_fp32 ? "fp32 weights before the cast"
                        : j->task == FIT_QLORA ? "each layer built in bf16 before it is quantized"
                                               : "each weight in bf16 before it is quantized");
        for (int i = 0; i < p->n; i++)
                if (p->g[i].used && p->g[i].total == peak)
                        gi = i;
        if (p->fits && p->slack_max > p->g[gi].capacity - peak)
                fprintf(out, "Allocator slack: reserved memory can exceed this by up to %.2f GiB, "
                        "more than the headroom (PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True "
                        "keeps it low)\n", gib(p->slack_max));
}

void render_fit_savers_json(json_t *o, const struct fit_job *j)
{
        if (j->weights != FIT_W_BF16)
                json_object_set_new(o, "weights", json_string(fit_wfmt_name(j->weights)));
        if (j->group)
                json_object_set_new(o, "group", json_integer(j->group));
        if (j->task == FIT_INFER)
                return;
        json_object_set_new(o, "optimizer_in_backward", json_boolean(j->optim_in_bwd));
        json_object_set_new(o, "paged_optimizer", json_boolean(j->paged_optim));
        json_object_set_new(o, "activation_offloading", json_boolean(j->act_offload));
        json_object_set_new(o, "compile", json_boolean(j->compile));
        json_object_set_new(o, "grad_accum", json_integer(j->grad_accum > 1 ? j->grad_accum : 1));
        json_object_set_new(o, "packed", json_string(j->packed == FIT_PACKED_FLEX ? "flex"
                                                     : j->packed == FIT_PACKED_SDPA ? "sdpa" : "no"));
        json_object_set_new(o, "fsdp_wrap_root", json_boolean(j->fsdp_wrap_root));
}

void render_fit_load_json(json_t *o, const struct fit_plan *p)
{
        json_object_set_new(o, "load_peak_bytes", json_integer(p->load_peak));
        json_object_set_new(o, "slack_max_bytes", json_integer(p->slack_max));
}
