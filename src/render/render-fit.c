/* render-fit.c - dlrig fit's answer (fit/fit.h, fit/fit-advise.h). Text: a
 * header, a line and a bar per GPU with its components, the verdict, the
 * split to use, the largest context/batch, the changes. JSON: the same
 * numbers, in bytes. */
#include "render.h"

#include <stdlib.h>
#include <string.h>

#include "fit/fit-engine.h"
#include "fit/fit.h"
#include "render/render-fit-savers.h"
#include "snap/snap-schema.h"

#define GiB (1024.0 * 1024 * 1024)
#define BAR_WIDTH 24

static double gib(int64_t b)
{
        return (double)b / GiB;
}

/* The machine's index of plan GPU i; GPUs a suggestion adds are numbered
 * after the last one at hand. */
static int gpu_label(const struct fit_gpu_name *names, int named, int i)
{
        if (i < 0 || named < 1)
                return i;
        return i < named ? names[i].index : names[named - 1].index + (i - named + 1);
}

/* "1,3" when the GPUs are not 0..n-1: engines and torchrun number the
 * visible devices from 0, so the split needs CUDA_VISIBLE_DEVICES. */
static bool visible_devices(const struct fit_gpu_name *names, int n, char *buf, size_t size)
{
        bool renumbered = false;
        size_t len = 0;

        buf[0] = 0;
        for (int i = 0; i < n; i++) {
                renumbered |= names[i].index != i;
                len += (size_t)snprintf(buf + len, len < size ? size - len : 0, "%s%d", i ? "," : "",
                                        names[i].index);
        }
        return renumbered && len < size;
}

static void print_job(FILE *out, const struct fit_job *j)
{
        if (j->task == FIT_INFER && j->engine >= FIT_VLLM) {
                fprintf(out, "inference with %s", fit_engine_name(j->engine));
        } else if (j->task == FIT_INFER) {
                fprintf(out, "inference with %s", fit_engine_name(j->engine));
                if (j->engine == FIT_EXL2)
                        fprintf(out, " at %.2f bpw, %s cache%s", j->bpw, fit_cache_name(j->cache),
                                j->matmul_attn ? ", no flash-attn" : "");
                else if (j->weights == FIT_W_BF16)
                        fputs(" in bf16", out);
        } else {
                fprintf(out, "%s fine-tune", j->task == FIT_FULL ? "full" : fit_task_name(j->task));
                if (j->task != FIT_FULL)
                        fprintf(out, " (rank %lld on %s%s)", (long long)j->rank,
                                j->lora_targets == FIT_LORA_QV ? "q, v" : "q, v, o, MLP",
                                j->task == FIT_QLORA && j->nf4 == FIT_NF4_BNB ? ", bitsandbytes NF4" : "");
                fprintf(out, ", %s, activation checkpointing %s", fit_optim_name(j->optim),
                        j->act_ckpt ? "on" : "off");
        }
        render_fit_savers_text(out, j);
        fprintf(out, ", context %lld, batch %lld\n", (long long)j->ctx, (long long)j->batch);
}

static void print_bar(FILE *out, const struct fit_gpu_use *g)
{
        double frac = g->capacity ? (double)g->total / (double)g->capacity : 1;
        int fill = frac >= 1 ? BAR_WIDTH : (int)(frac * BAR_WIDTH + 0.5);

        fputc('[', out);
        for (int i = 0; i < BAR_WIDTH; i++)
                fputc(i < fill ? '#' : '.', out);
        fputc(frac > 1 ? '!' : ']', out);
}

static bool same_gpu(const struct fit_gpu_use *a, const struct fit_gpu_use *b, const char *an,
                     const char *bn)
{
        return a->used == b->used && a->capacity == b->capacity && a->layers == b->layers &&
               !memcmp(a->comp, b->comp, sizeof(a->comp)) && !strcmp(an, bn);
}

static void print_gpu(FILE *out, int first, int last, const char *name, const struct fit_gpu_use *g,
                      bool infer)
{
        char label[32];

        snprintf(label, sizeof(label), last > first ? "%d-%d" : "%d", first, last);
        fprintf(out, "GPU %-4s %-24.24s ", label, name);
        if (!g->used) {
                fprintf(out, "unused (%.1f GiB)\n", gib(g->capacity));
                return;
        }
        print_bar(out, g);
        fprintf(out, " %6.2f / %.2f GiB", gib(g->total), gib(g->capacity));
        if (g->total <= g->capacity)
                fprintf(out, ", %.2f free", gib(g->capacity - g->total));
        else
                fprintf(out, ", %.2f OVER", gib(g->total - g->capacity));
        if (infer && g->layers)
                fprintf(out, ", layers %d-%d", g->first_layer, g->first_layer + g->layers - 1);
        if (last > first)
                fputs(" each", out);
        fputs("\n        ", out);
        for (int c = 0; c < FIT_C_MAX; c++)
                if (g->comp[c])
                        fprintf(out, " %s %.2f", fit_comp_name(c), gib(g->comp[c]));
        fputc('\n', out);
}

/* exllamav2 gpu_split: GB (x 2^30) per GPU for weights and buffers; the
 * cache is created afterwards on the device of each layer, so it is left out. */
static double split_gb(const struct fit_gpu_use *g)
{
        return gib(g->total - g->comp[FIT_C_KV]);
}

static void print_split(FILE *out, const struct fit_job *j, const struct fit_plan *p,
                        const struct fit_gpu_name *names)
{
        char vis[FIT_GPUS_MAX * 4];
        int last = 0;

        fputs("Split: ", out);
        if (visible_devices(names, p->n, vis, sizeof(vis)) && !(j->task != FIT_INFER && p->nproc == 1))
                fprintf(out, "CUDA_VISIBLE_DEVICES=%s, ", vis);
        if (j->task != FIT_INFER) {
                if (p->nproc > 1)
                        fprintf(out, "torchrun --nproc_per_node %d, FSDP full shard "
                                "(parameters, gradients and optimizer state 1/%d per GPU)\n",
                                p->nproc, p->nproc);
                else
                        fprintf(out, "one process on GPU %d (no sharding)\n", names[0].index);
                return;
        }
        for (int i = 0; i < p->n; i++)
                if (p->g[i].used)
                        last = i;
        if (j->engine >= FIT_VLLM) {  /* fit-engine.h */
                char desc[320];

                fit_engine_describe(j, p, desc, sizeof(desc));
                fprintf(out, "%s\n", desc);
                return;
        }
        if (j->engine == FIT_HF) {
                fputs("device_map=\"auto\" with max_memory {", out);
                for (int i = 0; i <= last; i++)
                        fprintf(out, "%s%d: \"%.1fGiB\"", i ? ", " : "", i, gib(p->g[i].total) + 0.05);
                fputs("}\n", out);
                return;
        }
        fputs("exllamav2 gpu_split=[", out);
        for (int i = 0; i <= last; i++)
                fprintf(out, "%s%.1f", i ? ", " : "", p->g[i].used ? split_gb(&p->g[i]) + 0.05 : 0.0);
        fputs("] (GB per GPU without the cache), or load_autosplit\n", out);
}

static void print_verdict(FILE *out, const struct fit_advice *adv, const struct fit_gpu_name *names)
{
        int peak = fit_plan_peak_gpu(&adv->plan);
        const struct fit_gpu_use *g = peak >= 0 ? &adv->plan.g[peak] : NULL;

        if (!g)
                return;
        if (adv->plan.fits)
                fprintf(out, "Fits: peak %.2f GiB on GPU %d, headroom %.2f GiB; %.2f GiB on all GPUs\n",
                        gib(g->total), names[peak].index, gib(g->capacity - g->total),
                        gib(adv->plan.total));
        else
                fprintf(out, "Does not fit: GPU %d needs %.2f GiB of %.2f GiB; %.2f GiB on all GPUs\n",
                        names[peak].index, gib(g->total > g->load ? g->total : g->load),
                        gib(g->capacity), gib(adv->plan.total));
}

static void print_changes(FILE *out, const struct fit_advice *adv, const struct fit_gpu_name *names)
{
        if (adv->plan.fits)
                return;
        if (!adv->nchanges) {
                fputs("No single change makes it fit.\n", out);
                return;
        }
        fputs("Changes that fit, cheapest first:\n", out);
        for (int i = 0; i < adv->nchanges; i++) {
                const struct fit_change *c = &adv->changes[i];
                int peak = fit_plan_peak_gpu(&c->plan);

                fprintf(out, "  %-50s peak %6.2f GiB (GPU %d), %.2f GiB in all\n", c->args,
                        gib(c->plan.g[peak].total), gpu_label(names, adv->plan.n, peak),
                        gib(c->plan.total));
        }
}

void render_fit_text(FILE *out, const struct fit_model *m, const struct fit_job *j,
                     const struct fit_gpu_name *names, const struct fit_advice *adv)
{
        struct fit_params p;

        fit_count_params(&m->arch, &p);
        fprintf(out, "%s: %.2fB parameters", m->name, (double)p.total / 1e9);
        if (p.active != p.total)
                fprintf(out, " (%.2fB active)", (double)p.active / 1e9);
        /* A local folder's safetensors index is the truth; say when the
         * architecture count disagrees (extra tensors, another layout). */
        if (m->arch.exact_params && m->arch.exact_params != p.total)
                fprintf(out, " (safetensors index: %.2fB)", (double)m->arch.exact_params / 1e9);
        fprintf(out, ", %lld layers, hidden %lld, %lld/%lld heads, vocab %lld\n",
                (long long)m->arch.layers, (long long)m->arch.hidden, (long long)m->arch.heads,
                (long long)m->arch.kv_heads, (long long)m->arch.vocab);
        print_job(out, j);
        fputc('\n', out);
        /* GPUs holding the same (FSDP shards, unused ones) share a line. */
        for (int i = 0, k; i < adv->plan.n; i = k + 1) {
                const struct fit_gpu_use *g = adv->plan.g;

                for (k = i; k + 1 < adv->plan.n && !(g[i].used && j->task == FIT_INFER) &&
                            names[k + 1].index == names[k].index + 1 &&
                            same_gpu(&g[i], &g[k + 1], names[i].name, names[k + 1].name);)
                        k++;
                print_gpu(out, names[i].index, names[k].index, names[i].name, &g[i],
                          j->task == FIT_INFER);
        }
        fputc('\n', out);
        print_verdict(out, adv, names);
        render_fit_load_text(out, j, &adv->plan);
        if (adv->plan.fits)
                print_split(out, j, &adv->plan, names);
        if (fit_engine_note(&m->arch, j))
                fprintf(out, "Note: %s\n", fit_engine_note(&m->arch, j));
        fprintf(out, "Largest context that fits at batch %lld: ", (long long)j->batch);
        fprintf(out, adv->max_ctx ? "%lld" : "none", (long long)adv->max_ctx);
        if (m->arch.max_pos)
                fprintf(out, " (model maximum %lld)", (long long)m->arch.max_pos);
        fprintf(out, "\nLargest batch that fits at context %lld: ", (long long)j->ctx);
        fprintf(out, adv->max_batch ? "%lld\n" : "none\n", (long long)adv->max_batch);
        print_changes(out, adv, names);
}

/* ---- JSON: every number of the text, in bytes ---- */

/* The vLLM, llama.cpp and ExLlamaV3 settings (fit-engine.h), as the text's
 * command line shows them. */
static json_t *engine_json(const struct fit_job *j)
{
        const struct fit_engine_opts *e = &j->eng;

        if (j->engine == FIT_VLLM)
                return json_pack("{s:f, s:i, s:I, s:I, s:I, s:s, s:s, s:i, s:i, s:s}",
                                 "gpu_memory_utilization",
                                 e->gmu, "tensor_parallel_size", e->tp, "max_num_batched_tokens",
                                 (json_int_t)e->batched_tokens, "max_num_seqs",
                                 (json_int_t)e->max_seqs, "block_size", (json_int_t)e->block,
                                 "quantization", fit_wquant_name(e->quant), "kv_cache_dtype",
                                 fit_kv_name(e->kv), "vllm_minor", e->vllm_minor,
                                 "compute_capability", e->gpu_cc,
                                 "sampler", e->flashinfer_sampler ? "flashinfer" : "pytorch");
        if (j->engine == FIT_GGUF)
                return json_pack("{s:s, s:I, s:I, s:b, s:s}", "gguf", fit_gguf_name(e->gguf), "ngl",
                                 (json_int_t)e->ngl, "ubatch", (json_int_t)e->ubatch, "flash_attn",
                                 e->flash_attn, "kv_cache_dtype", fit_kv_name(e->kv));
        return json_pack("{s:f, s:i, s:s}", "bpw", j->bpw, "head_bits", e->head_bits, "cache",
                         fit_kv_name(e->kv));
}

static json_t *job_json(const struct fit_job *j)
{
        json_t *o = json_pack("{s:s, s:I, s:I}", "task", fit_task_name(j->task), "ctx",
                              (json_int_t)j->ctx, "batch", (json_int_t)j->batch);

        if (j->task == FIT_INFER) {
                json_object_set_new(o, "engine", json_string(fit_engine_name(j->engine)));
                if (j->engine >= FIT_VLLM)
                        json_object_set_new(o, "engine_settings", engine_json(j));
                if (j->engine == FIT_EXL2) {
                        json_object_set_new(o, "bpw", json_real(j->bpw));
                        json_object_set_new(o, "cache", json_string(fit_cache_name(j->cache)));
                        json_object_set_new(o, "flash_attn", json_boolean(!j->matmul_attn));
                }
        } else {
                if (j->task != FIT_FULL) {
                        json_object_set_new(o, "rank", json_integer(j->rank));
                        json_object_set_new(o, "lora_targets",
                                            json_string(j->lora_targets == FIT_LORA_QV ? "qv" : "attn-mlp"));
                }
                if (j->task == FIT_QLORA)
                        json_object_set_new(o, "nf4", json_string(j->nf4 == FIT_NF4_BNB ? "bitsandbytes" : "torchao"));
                json_object_set_new(o, "activation_checkpointing", json_boolean(j->act_ckpt));
                json_object_set_new(o, "optimizer", json_string(fit_optim_name(j->optim)));
                json_object_set_new(o, "fp32_loss", json_boolean(j->fp32_loss));
        }
        render_fit_savers_json(o, j);
        return o;
}

static json_t *gpu_json(int i, const char *name, const struct fit_gpu_use *g, bool infer)
{
        json_t *o = json_pack("{s:i, s:s, s:b, s:I, s:I, s:I, s:b}", "index", i, "name", name,
                              "used", g->used, "capacity_bytes", (json_int_t)g->capacity,
                              "total_bytes", (json_int_t)g->total, "headroom_bytes",
                              (json_int_t)(g->capacity - g->total),
                              "fits", !g->used || g->total <= g->capacity);
        json_t *c = json_object();

        for (int k = 0; k < FIT_C_MAX; k++)
                json_object_set_new(c, fit_comp_name(k), json_integer(g->comp[k]));
        json_object_set_new(o, "components_bytes", c);
        if (infer)
                json_object_set_new(o, "layers", json_pack("{s:i, s:o, s:i}", "first", g->first_layer, "last",
                                                            g->layers ? json_integer(g->first_layer + g->layers - 1)
                                                                      : json_null(),
                                                            "count", g->layers));
        return o;
}

/* The value the text prints with "%.1f", so both say the same number. */
static double tenths(double v)
{
        char buf[32];

        snprintf(buf, sizeof(buf), "%.1f", v);
        return strtod(buf, NULL);
}

static json_t *plan_json(const struct fit_job *j, const struct fit_plan *p,
                         const struct fit_gpu_name *names, int named)
{
        json_t *o = json_pack("{s:b, s:I, s:i}", "fits", p->fits, "total_bytes",
                              (json_int_t)p->total, "peak_gpu",
                              gpu_label(names, named, fit_plan_peak_gpu(p)));
        json_t *gpus = json_array(), *split = json_array();

        for (int i = 0; i < p->n; i++) {
                json_array_append_new(gpus, gpu_json(gpu_label(names, named, i),
                                                     i < named ? names[i].name : "added",
                                                     &p->g[i], j->task == FIT_INFER));
                if (p->g[i].used)
                        json_array_append_new(split, json_real(tenths(split_gb(&p->g[i]) + 0.05)));
        }
        json_object_set_new(o, "gpus", gpus);
        if (j->task == FIT_INFER && j->engine == FIT_VLLM) {
                json_object_set_new(o, "kv_tokens", json_integer(p->kv_tokens));
                json_object_set_new(o, "concurrent_sequences",
                                    json_real((double)p->kv_tokens / (double)j->ctx));
        }
        if (j->task == FIT_INFER && j->engine == FIT_EXL2) {
                json_object_set_new(o, "gpu_split_gb", split);
        } else if (j->task == FIT_INFER) {  /* accelerate max_memory, as the text prints it */
                json_t *mm = json_object();

                for (int i = 0; i < p->n; i++) {
                        char key[16];

                        if (!p->g[i].used)
                                continue;
                        snprintf(key, sizeof(key), "%d", i);
                        json_object_set_new(mm, key, json_real(tenths(gib(p->g[i].total) + 0.05)));
                }
                json_object_set_new(o, "max_memory_gib", mm);
                json_decref(split);
        } else {
                json_decref(split);
        }
        if (j->task != FIT_INFER) {
                json_object_set_new(o, "nproc_per_node", json_integer(p->nproc));
                json_object_set_new(o, "fsdp", json_boolean(p->nproc > 1));
                json_object_set_new(o, "lora_params", json_integer(p->lora_params));
        }
        render_fit_load_json(o, p);
        return o;
}

static json_t *model_json(const struct fit_model *m)
{
        struct fit_params p;
        const struct fit_arch *a = &m->arch;

        fit_count_params(a, &p);
        return json_pack("{s:s, s:s?, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:I}",
                         "name", m->name, "repo", m->repo, "source", m->source,
                         "params", (json_int_t)p.total, "active_params", (json_int_t)p.active,
                         "layers", (json_int_t)a->layers, "hidden_size", (json_int_t)a->hidden,
                         "intermediate_size", (json_int_t)a->intermediate,
                         "attention_heads", (json_int_t)a->heads, "kv_heads", (json_int_t)a->kv_heads,
                         "head_dim", (json_int_t)a->head_dim, "vocab_size", (json_int_t)a->vocab,
                         "tied_embeddings", a->tied, "experts", (json_int_t)a->experts,
                         "max_position_embeddings", (json_int_t)a->max_pos,
                         "params_safetensors", (json_int_t)a->exact_params);
}

json_t *render_fit_json(const struct fit_model *m, const struct fit_job *j,
                        const struct fit_gpu_name *names, const struct fit_advice *adv)
{
        json_t *o = json_object(), *changes = json_array();
        char vis[FIT_GPUS_MAX * 4];

        json_object_set_new(o, "schema_version", json_integer(DLRIG_SCHEMA_VERSION));
        json_object_set_new(o, "model", model_json(m));
        json_object_set_new(o, "job", job_json(j));
        json_object_set_new(o, "plan", plan_json(j, &adv->plan, names, adv->plan.n));
        if (visible_devices(names, adv->plan.n, vis, sizeof(vis)))
                json_object_set_new(o, "cuda_visible_devices", json_string(vis));
        if (fit_engine_note(&m->arch, j))
                json_object_set_new(o, "engine_note", json_string(fit_engine_note(&m->arch, j)));
        json_object_set_new(o, "largest", json_pack("{s:I, s:I}", "ctx", (json_int_t)adv->max_ctx,
                                                     "batch", (json_int_t)adv->max_batch));
        for (int i = 0; i < adv->nchanges; i++) {
                const struct fit_change *c = &adv->changes[i];
                json_t *cj = json_pack("{s:s, s:i}", "change", c->args, "gpus", c->ngpus);

                json_object_set_new(cj, "job", job_json(&c->job));
                json_object_set_new(cj, "plan", plan_json(&c->job, &c->plan, names, adv->plan.n));
                json_array_append_new(changes, cj);
        }
        json_object_set_new(o, "changes", changes);
        return o;
}
