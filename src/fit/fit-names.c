/* fit-names.c - the names of a fit job's choices, as dlrig fit's options
 * spell them and its report prints them (fit.h). */
#include "fit/fit.h"

#include <stdio.h>

#include "fit/fit-engine.h"

static const char *const task_names[] = { "infer", "lora", "qlora", "full" };
static const char *const engine_names[] = { "exllamav2", "transformers", "vllm", "llama.cpp",
                                            "exllamav3" };
static const char *const cache_names[] = { "fp16", "q8", "q6", "q4", "fp8" };
static const char *const optim_names[] = { "adamw", "adamw8bit", "cpu-offload" };

const char *fit_task_name(enum fit_task t) { return task_names[t]; }
const char *fit_engine_name(enum fit_engine e) { return engine_names[e]; }
const char *fit_cache_name(enum fit_cache c) { return cache_names[c]; }
const char *fit_optim_name(enum fit_optim o) { return optim_names[o]; }

/* What vllm serve takes for the job's weights: bf16 needs no flag; AWQ/GPTQ
 * and int8 checkpoints name their method in their config, which vLLM reads.
 * Its cache types are auto (the model's dtype) and fp8. */
static const char *vllm_quant_flag(int q)
{
        static const char *const flag[FIT_WQ_TYPES] = {
                [FIT_WQ_BF16] = "", [FIT_WQ_FP8] = " --quantization fp8",
                [FIT_WQ_INT8] = " (an int8 checkpoint: vLLM reads its method from the config)",
                [FIT_WQ_INT4] = " (an AWQ/GPTQ checkpoint: vLLM reads its method from the config)",
                [FIT_WQ_MXFP4] = " --quantization mxfp4",
        };

        return q >= 0 && q < FIT_WQ_TYPES ? flag[q] : "";
}

void fit_engine_describe(const struct fit_job *j, const struct fit_plan *p, char *buf, size_t n)
{
        const struct fit_engine_opts *e = &j->eng;
        char ngl[24] = "all";

        if (e->ngl >= 0)
                snprintf(ngl, sizeof(ngl), "%lld", (long long)e->ngl);

        if (j->engine == FIT_VLLM)
                snprintf(buf, n, "vllm serve --tensor-parallel-size %d --gpu-memory-utilization %.2f "
                         "--max-model-len %lld --kv-cache-dtype %s%s: KV pool of %lld "
                         "tokens, %.2f sequences of %lld tokens at once", e->tp, e->gmu,
                         (long long)j->ctx, e->kv == FIT_KV_FP8 ? "fp8" : "auto", vllm_quant_flag(e->quant),
                         (long long)p->kv_tokens, (double)p->kv_tokens / (double)j->ctx,
                         (long long)j->ctx);
        else if (j->engine == FIT_GGUF)
                snprintf(buf, n, "llama.cpp %s, -ngl %s, -c %lld, -ub %lld, KV %s, flash attention %s",
                         fit_gguf_name(e->gguf), ngl, (long long)j->ctx, (long long)e->ubatch,
                         fit_kv_name(e->kv), e->flash_attn ? "on" : "off");
        else if (j->engine == FIT_EXL3)
                snprintf(buf, n, "exllamav3 %.2f bpw, head %d bits, %s cache", j->bpw, e->head_bits,
                         fit_kv_name(e->kv));
        else if (n)
                buf[0] = 0;
}

const char *fit_engine_note(const struct fit_arch *a, const struct fit_job *j)
{
        if (j->task != FIT_INFER)
                return NULL;
        if (j->engine == FIT_VLLM && a->sliding_window)
                return "vLLM: windowed layers are counted at full length; the hybrid KV cache "
                       "manager of newer vLLM V1 can hold more tokens than shown";
        if (j->engine == FIT_VLLM && a->experts && j->eng.tp > 1)
                return "vLLM: experts split by tensor parallel; expert parallel is not modelled";
        if (j->engine == FIT_GGUF && j->eng.ngl >= 0 && j->eng.ngl <= a->layers)
                return "llama.cpp: the layers and output left on the CPU need host memory, not "
                       "shown here";
        if (j->engine == FIT_EXL3 && a->sliding_window)
                return "ExLlamaV3: windowed layers keep the full context, as exllamav3 does";
        return NULL;
}
