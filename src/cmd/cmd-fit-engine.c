/* cmd-fit-engine.c - dlrig fit's options for the vLLM, llama.cpp and
 * ExLlamaV3 models (fit-engine.h), and --list-engines: what each engine
 * model covers and what it does not. */
#include "cmd-fit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit-engine.h"
#include "util/parse.h"

static const char engines_text[] =
        "Engines dlrig fit models (--engine), and what each leaves out:\n"
        "\n"
        "exllamav2     EXL2 at --bpw, FP16/Q8/Q6/Q4 cache, autosplit from GPU 0, scratch of\n"
        "              2048-token chunks. Not modelled: tensor-parallel loading.\n"
        "transformers  bf16 weights, DynamicCache, prefill transient, accelerate device_map.\n"
        "              Quantized transformers weights: see the training/quantization options.\n"
        "vllm          weights (bf16, fp8, int8, int4 AWQ/GPTQ g128, mxfp4 experts) over\n"
        "              --tensor-parallel-size, gpu_memory_utilization budget, profile peak at\n"
        "              --max-num-batched-tokens, sampler over --max-num-seqs (--vllm-sampler),\n"
        "              V1 or V0, NCCL's and the CUDA graphs' place by --vllm-version, MXFP4\n"
        "              backend layout by compute capability, paged KV pool of --block-size\n"
        "              blocks (f16 or fp8, MLA latent for DeepSeek/Kimi). CUDA graphs: 0.4 GiB,\n"
        "              not calibrated.\n"
        "              Answers: KV tokens, concurrent sequences of --ctx tokens (largest batch),\n"
        "              the --max-model-len that fits (largest context). Not modelled: pipeline\n"
        "              parallel, expert parallel, sliding-window savings of the hybrid KV\n"
        "              manager (windowed layers counted at full length), LoRA adapters,\n"
        "              speculative decoding, multimodal encoders; vLLM before 0.6.4.\n"
        "llama.cpp     GGUF file types by their ggml block sizes (F16, BF16, Q8_0, Q6_K, Q5_K_M,\n"
        "              Q5_K_S, Q4_K_M, Q4_K_S, Q4_0, Q3_K_M, Q2_K, IQ4_XS, IQ3_XXS, IQ2_XXS,\n"
        "              IQ1_S) and llama-quantize's per-tensor mix, -ngl, --tensor-split, KV cache\n"
        "              types f16/q8_0/q5_0/q4_0 (windowed layers at window + n_ubatch), compute\n"
        "              buffer for --ubatch with or without --flash-attn. Not modelled: -ot/--cpu-moe\n"
        "              tensor overrides, --split-mode row, host memory of CPU layers, imatrix\n"
        "              mixes other than the defaults (IQ types: base type throughout).\n"
        "exllamav3     EXL3 at --bpw, LM head at --head-bits, FP16/Q8/Q6/Q4 cache at full length\n"
        "              on every layer, 2048-token chunk scratch, greedy split from GPU 0. Not\n"
        "              modelled: tensor parallel, MoE CPU offload.\n"
        "\n"
        "Out of scope (fit says so instead of guessing): SGLang, TensorRT-LLM, TGI, MLX,\n"
        "Ollama's own scheduler (its llama.cpp runner is the llama.cpp model), ROCm.\n";

int fit_list_engines(void)
{
        fputs(engines_text, stdout);
        return EXIT_OK;
}

static int number(const char *arg, const char *opt, int64_t min, int64_t max, int64_t *out)
{
        int64_t v;

        if (parse_i64(arg, 10, &v) < 0 || v < min || v > max)
                return cmd_usage_error("fit", "%s: '%s' is not a whole number from %lld to %lld", opt,
                                       arg, (long long)min, (long long)max);
        *out = v;
        return 0;
}

static int fraction(const char *arg, double *out)
{
        char *end;
        double v = strtod(arg, &end);

        if (end == arg || *end || !(v > 0.0 && v <= 1.0))
                return cmd_usage_error("fit", "--gpu-memory-utilization: '%s' is not a fraction "
                                       "above 0 and at most 1", arg);
        *out = v;
        return 0;
}

static int named(int v, const char *opt, const char *arg, int *out)
{
        if (v < 0)
                return cmd_usage_error("fit", "%s: unknown value '%s' (dlrig fit --list-engines)",
                                       opt, arg);
        *out = v;
        return 0;
}

/* "0.10" or "0.10.1": vLLM's release; 0.6.4 is the oldest modelled (its
 * profiler measured other processes' memory before). */
static int vllm_version(const char *arg, int *minor)
{
        int64_t v;
        char buf[32], *dot;

        snprintf(buf, sizeof(buf), "%s", arg);
        dot = strchr(buf, '.');
        if (dot && strchr(dot + 1, '.'))
                *strchr(dot + 1, '.') = 0;
        if (strncmp(buf, "0.", 2) || parse_i64(buf + 2, 10, &v) < 0 || v < 6 || v > 99)
                return cmd_usage_error("fit", "--vllm-version: '%s' is not a vLLM release from 0.6 "
                                       "on, like 0.10", arg);
        *minor = (int)v;
        return 0;
}

/* "3,1": proportions per GPU, like llama.cpp's --tensor-split. */
static int tensor_split(const char *arg, double *split)
{
        char buf[256], *save = NULL;
        int n = 0;

        snprintf(buf, sizeof(buf), "%s", arg);
        for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                char *end;
                double v = strtod(t, &end);

                if (end == t || *end || !(v >= 0 && v <= 1e6) || n == 8)
                        return cmd_usage_error("fit", "--tensor-split: '%s' is not a list of up to "
                                               "8 proportions like 3,1", arg);
                split[n++] = v;
        }
        return n ? 0 : cmd_usage_error("fit", "--tensor-split needs a list like 3,1");
}

int fit_engine_option(int c, const char *arg, struct fit_job *j)
{
        struct fit_engine_opts *e = &j->eng;
        int64_t v = 0;
        int r;

        switch (c) {
        case FIT_OPT_GMU: return fraction(arg, &e->gmu);
        case FIT_OPT_MNBT: return number(arg, "--max-num-batched-tokens", 1, 1 << 22, &e->batched_tokens);
        case FIT_OPT_SEQS: return number(arg, "--max-num-seqs", 1, 1 << 16, &e->max_seqs);
        case FIT_OPT_TP:
                r = number(arg, "--tensor-parallel-size", 1, FIT_GPUS_MAX, &v);
                e->tp = (int)v;
                return r;
        case FIT_OPT_QUANT: return named(fit_wquant_parse(arg), "--quantization", arg, &e->quant);
        case FIT_OPT_KV: return named(fit_kv_parse(arg), "--kv-cache-dtype", arg, &e->kv);
        case FIT_OPT_BLOCK: return number(arg, "--block-size", 1, 1024, &e->block);
        case FIT_OPT_GGUF: return named(fit_gguf_parse(arg), "--gguf", arg, &e->gguf);
        case FIT_OPT_NGL: return number(arg, "--ngl", 0, 100000, &e->ngl);
        case FIT_OPT_SPLIT: return tensor_split(arg, e->split);
        case FIT_OPT_UBATCH: return number(arg, "--ubatch", 1, 1 << 16, &e->ubatch);
        case FIT_OPT_FA: e->flash_attn = true; return 0;
        case FIT_OPT_VLLM_VERSION: return vllm_version(arg, &e->vllm_minor);
        case FIT_OPT_SAMPLER:
                if (strcmp(arg, "pytorch") && strcmp(arg, "flashinfer"))
                        return cmd_usage_error("fit", "--vllm-sampler: '%s' is not pytorch or "
                                               "flashinfer", arg);
                e->flashinfer_sampler = arg[0] == 'f';
                return 0;
        case FIT_OPT_HEAD:
                r = number(arg, "--head-bits", 2, 16, &v);
                e->head_bits = (int)v;
                return r;
        }
        return cmd_usage_error("fit", "unknown option '%s'", arg ? arg : "?");
}

/* ExLlamaV3 takes the exllamav2 --cache names (fp16, q8, q6, q4); each
 * engine only its own cache types (vLLM f16/fp8, llama.cpp the ggml ones). */
int fit_engine_finish(struct fit_job *j)
{
        static const int exl_kv[] = { FIT_KV_F16, FIT_KV_Q8_0, FIT_KV_Q6, FIT_KV_Q4, FIT_KV_FP8 };
        int kv = j->eng.kv;

        if (j->engine == FIT_EXL3 && kv == FIT_KV_F16)
                j->eng.kv = exl_kv[j->cache];
        if ((j->engine == FIT_VLLM && kv != FIT_KV_F16 && kv != FIT_KV_FP8) ||
            (j->engine == FIT_GGUF && (kv == FIT_KV_FP8 || kv == FIT_KV_Q6 || kv == FIT_KV_Q4)))
                return cmd_usage_error("fit", "--kv-cache-dtype %s: not a cache type of %s",
                                       fit_kv_name(kv), fit_engine_name(j->engine));
        return 0;
}
