/* cmd-fit.c - "dlrig fit MODEL": will the model run (or fine-tune) on
 * these GPUs, how to split it, and what to change when it does not fit. */
#include "cmd-fit.h"
#include "cmd-fit-measure.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit-engine.h"
#include "render/render.h"
#include "util/parse.h"

static const char fit_help[] =
        "usage: dlrig fit MODEL [OPTIONS]\n"
        "\n"
        "Predicts the GPU memory a model needs for inference or fine-tuning, per GPU\n"
        "and per component, says whether it fits, how to split it, and what to change\n"
        "when it does not. MODEL is a Hugging Face id from the built-in table\n"
        "(--list), or a local model folder or config.json.\n"
        "\n"
        "  --task T          infer (default), lora, qlora or full\n"
        "  --engine E        inference engine: exllamav2 (default), transformers (bf16),\n"
        "                    vllm, llama.cpp or exllamav3 (--list-engines: what each models)\n"
        "  --bpw B           exllamav2 bits per weight (default 4.0)\n"
        "  --ctx N           tokens per sequence (default 8192 for inference, 2048 training)\n"
        "  --batch N         sequences per GPU (default 1)\n"
        "  --cache C         exllamav2 cache: fp16 (default), q8, q6, q4, fp8 (cache_8bit)\n"
        "  --rank R          LoRA rank (default 8)\n"
        "  --lora-targets T  attn-mlp (default: q, v, output and MLP, torchtune) or qv\n"
        "                    (q and v only: LoRA paper, PEFT and lit-gpt defaults)\n"
        "  --nf4 I           QLoRA's NF4: torchao (default, torchtune) or bitsandbytes\n"
        "                    (PEFT, lit-gpt; keeps each quantized linear's input)\n"
        "  --no-flash-attn   exllamav2 without flash-attn or xformers installed\n"
        "  --activation-checkpointing   recompute activations in backward\n"
        "  --fp32-loss       the trainer computes an unchunked loss on fp32 logits\n"
        "                    (HF Trainer, torchtune before chunked cross-entropy)\n"
        "  --optimizer O     adamw (default, bf16 states), adamw8bit, cpu-offload\n"
        "  --weights F       transformers inference, or the QLoRA base: bf16 (default;\n"
        "                    QLoRA: NF4), gptq-int8, gptq-int4, awq, bnb-int8, bnb-nf4,\n"
        "                    bnb-nf4-dq, torchao-int4, torchao-int8, hqq-4bit\n"
        "  --group N         quantization group size (default: the format's, 64 or 128)\n"
        "  --optimizer-in-backward   step each parameter as its gradient is made\n"
        "  --paged-optimizer bitsandbytes paged optimizer (state in managed memory)\n"
        "  --activation-offloading  saved activations streamed to the CPU\n"
        "  --compile         torch.compile of the model and loss (training)\n"
        "  --grad-accum N    micro-batches per optimizer step\n"
        "  --packed P        packed sequences: flex (flex attention) or sdpa (b x s x s mask)\n"
        "  --fsdp-wrap-root  embeddings and LM head are FSDP units of their own\n"
        "  --load-fp32       from_pretrained without a dtype: fp32 on the GPU, then cast\n"
        "  --cuda V[,CC]     CUDA version (default: the driver's) and, for planned GPUs,\n"
        "                    their compute capability: the context overhead (13.0,9.0)\n"
        "  Not modelled (refused): quantized full fine-tuning, exllamav2 with --weights,\n"
        "  savers at inference, tensor-parallel training, DeepSpeed ZeRO.\n"
        "  --gpus LIST       use these GPUs of the machine (\"0,1\")\n"
        "  --gpu-memory L    plan for GPUs not at hand: \"24GiB,24GiB\" (no driver call)\n"
        "  --from FILE       the GPUs of a saved snapshot (dlrig doctor --save)\n"
        "  --measure         also run the job for real on the GPUs (random weights, no\n"
        "                    download) and print each GPU's measured peak beside it\n"
        "  --list            list the built-in models\n"
        "  --list-engines    the engines modelled, and what each leaves out\n"
        "\n"
        "vLLM (--engine vllm): the KV pool, the sequences of --ctx tokens it holds at once\n"
        "(largest batch) and the --max-model-len that fits (largest context):\n"
        "  --gpu-memory-utilization F  (default 0.9)   --tensor-parallel-size N (default 1)\n"
        "  --max-num-batched-tokens N  --max-num-seqs N  (defaults as vllm serve: 8192\n"
        "                    and 1024 on GPUs of 70 GiB or more, else 2048 and 256)\n"
        "  --quantization Q  bf16 (default), fp8, int8, int4 (awq, gptq), mxfp4\n"
        "  --kv-cache-dtype T  auto (default), fp8     --block-size N (default 16)\n"
        "  --vllm-version V  the release, as 0.10: 0.6-0.7 the V0 engine, 0.8-0.10 V1 with\n"
        "                    NCCL's setup in the budget, 0.11-0.20 CUDA graphs outside it\n"
        "                    (default: 0.21 and later, graphs inside)\n"
        "  --vllm-sampler S  V1's top-k/top-p: pytorch (default) or flashinfer (as the log\n"
        "                    says: \"Using FlashInfer for top-p & top-k sampling\")\n"
        "llama.cpp (--engine llama.cpp):\n"
        "  --gguf TYPE       file type: Q4_K_M (default), Q5_K_M, Q8_0, Q6_K, Q4_0, IQ4_XS, ...\n"
        "  --ngl N           layers on the GPUs, the output layer counted first, as\n"
        "                    llama.cpp does (default all)\n"
        "  --tensor-split L  proportions per GPU, like 3,1 (default: by memory size)\n"
        "  --kv-cache-dtype T  f16 (default), q8_0, q5_0, q4_0 (-ctk/-ctv)\n"
        "  --ubatch N        n_ubatch (default 512)   --flash-attn   flash attention on\n"
        "ExLlamaV3 (--engine exllamav3): --bpw, --cache, --head-bits N (default 6)\n"
        "  --json            print the answer as JSON\n"
        "  --format FMT      text, json or markdown (to paste into an issue)\n"
        "\n"
        "Exit status: 0 fits, 2 does not fit, 3 could not judge.\n";

struct fit_opts {
        struct fit_job job;
        const char *model, *gpus, *gpu_memory, *from;
        bool ctx_set, measure;
        char cuda[16];   /* --cuda */
};

static int pick(const char *arg, const char *const *names, int n, const char *opt, int *out)
{
        for (int i = 0; i < n; i++)
                if (!strcmp(arg, names[i])) {
                        *out = i;
                        return 0;
                }
        return cmd_usage_error("fit", "%s: unknown value '%s'", opt, arg);
}

static int positive(const char *arg, const char *opt, int64_t max, int64_t *out)
{
        int64_t v;

        if (parse_i64(arg, 10, &v) < 0 || v < 1 || v > max)
                return cmd_usage_error("fit", "%s: '%s' is not a whole number from 1 to %lld", opt,
                                       arg, (long long)max);
        *out = v;
        return 0;
}

int fit_opt_count(const char *arg, const char *opt, int64_t max, int64_t *out)
{
        return positive(arg, opt, max, out);
}

static int set_bpw(const char *arg, double *bpw)
{
        char *end;
        double v = strtod(arg, &end);

        if (end == arg || *end || !(v >= 2.0 && v <= 8.0))
                return cmd_usage_error("fit", "--bpw: '%s' is not a bit width from 2.0 to 8.0", arg);
        *bpw = v;
        return 0;
}

static int list_models(void)
{
        for (size_t i = 0; i < kb_model_count(); i++) {
                const struct kb_model *m = kb_model_at(i);

                printf("%-38s %8s  %s\n", m->repo, m->params_published, m->model_type);
        }
        return EXIT_OK;
}

static int option(int c, const char *arg, struct fit_opts *o, struct ctx *ctx)
{
        static const char *const tasks[] = { "infer", "lora", "qlora", "full" };
        static const char *const engines[] = { "exllamav2", "transformers", "vllm", "llama.cpp",
                                               "exllamav3" };
        static const char *const caches[] = { "fp16", "q8", "q6", "q4", "fp8" };
        static const char *const optims[] = { "adamw", "adamw8bit", "cpu-offload" };
        static const char *const targets[] = { "attn-mlp", "qv" };
        static const char *const nf4s[] = { "torchao", "bitsandbytes" };
        struct fit_job *j = &o->job;

        switch (c) {
        case 't': return pick(arg, tasks, 4, "--task", (int *)&j->task);
        case 'e': return pick(arg, engines, 5, "--engine", (int *)&j->engine);
        case 'c': return pick(arg, caches, 5, "--cache", (int *)&j->cache);
        case 'o': return pick(arg, optims, 3, "--optimizer", (int *)&j->optim);
        case 'b': return set_bpw(arg, &j->bpw);
        case 'n': o->ctx_set = true; return positive(arg, "--ctx", 1 << 22, &j->ctx);
        case 'B': return positive(arg, "--batch", 1 << 16, &j->batch);
        case 'r': return positive(arg, "--rank", 1 << 14, &j->rank);
        case 'T': return pick(arg, targets, 2, "--lora-targets", (int *)&j->lora_targets);
        case 'q': return pick(arg, nf4s, 2, "--nf4", (int *)&j->nf4);
        case 'F': j->matmul_attn = true; return 0;
        case 'a': j->act_ckpt = true; return 0;
        case 'L': j->fp32_loss = true; return 0;
        case 'g': o->gpus = arg; return 0;
        case 'm': o->gpu_memory = arg; return 0;
        case 'f': o->from = arg; return 0;
        case 'X': o->measure = true; return 0;
        case 'j': ctx->format = FMT_JSON; return 0;
        case 'M': return cmd_set_format("fit", arg, ctx) >= 0 ? 1 : 0;
        }
        if (c >= FIT_OPT_GMU && c < FIT_OPT_LIST_ENGINES)
                return fit_engine_option(c, arg, j);
        if (c >= FIT_OPT_WEIGHTS && c <= FIT_OPT_CUDA)
                return fit_saver_option(c, arg, j, o->cuda, sizeof(o->cuda));
        return cmd_usage_error("fit", "unknown option '%s'", arg ? arg : "?");
}

const struct option cmd_fit_opts[] = {
        { "task", required_argument, NULL, 't' }, { "engine", required_argument, NULL, 'e' },
        { "bpw", required_argument, NULL, 'b' }, { "ctx", required_argument, NULL, 'n' },
        { "batch", required_argument, NULL, 'B' }, { "cache", required_argument, NULL, 'c' },
        { "rank", required_argument, NULL, 'r' }, { "optimizer", required_argument, NULL, 'o' },
        { "activation-checkpointing", no_argument, NULL, 'a' },
        { "fp32-loss", no_argument, NULL, 'L' },
        { "lora-targets", required_argument, NULL, 'T' }, { "nf4", required_argument, NULL, 'q' },
        { "no-flash-attn", no_argument, NULL, 'F' },
        { "gpus", required_argument, NULL, 'g' }, { "gpu-memory", required_argument, NULL, 'm' },
        { "from", required_argument, NULL, 'f' }, { "json", no_argument, NULL, 'j' },
        { "format", required_argument, NULL, 'M' },
        { "list", no_argument, NULL, 'l' }, { "help", no_argument, NULL, 'h' },
        { "measure", no_argument, NULL, 'X' },
        /* inference engine settings (cmd-fit-engine.c) */
        { "gpu-memory-utilization", required_argument, NULL, FIT_OPT_GMU },
        { "max-num-batched-tokens", required_argument, NULL, FIT_OPT_MNBT },
        { "max-num-seqs", required_argument, NULL, FIT_OPT_SEQS },
        { "tensor-parallel-size", required_argument, NULL, FIT_OPT_TP },
        { "quantization", required_argument, NULL, FIT_OPT_QUANT },
        { "kv-cache-dtype", required_argument, NULL, FIT_OPT_KV },
        { "block-size", required_argument, NULL, FIT_OPT_BLOCK },
        { "gguf", required_argument, NULL, FIT_OPT_GGUF },
        { "ngl", required_argument, NULL, FIT_OPT_NGL },
        { "tensor-split", required_argument, NULL, FIT_OPT_SPLIT },
        { "ubatch", required_argument, NULL, FIT_OPT_UBATCH },
        { "flash-attn", no_argument, NULL, FIT_OPT_FA },
        { "head-bits", required_argument, NULL, FIT_OPT_HEAD },
        { "vllm-version", required_argument, NULL, FIT_OPT_VLLM_VERSION },
        { "vllm-sampler", required_argument, NULL, FIT_OPT_SAMPLER },
        { "list-engines", no_argument, NULL, FIT_OPT_LIST_ENGINES },
        /* training savers and weight formats (cmd-fit-savers.c) */
        { "weights", required_argument, NULL, FIT_OPT_WEIGHTS },
        { "group", required_argument, NULL, FIT_OPT_GROUP },
        { "optimizer-in-backward", no_argument, NULL, FIT_OPT_OPTIM_BWD },
        { "paged-optimizer", no_argument, NULL, FIT_OPT_PAGED },
        { "activation-offloading", no_argument, NULL, FIT_OPT_OFFLOAD },
        { "compile", no_argument, NULL, FIT_OPT_COMPILE },
        { "grad-accum", required_argument, NULL, FIT_OPT_ACCUM },
        { "packed", required_argument, NULL, FIT_OPT_PACKED },
        { "fsdp-wrap-root", no_argument, NULL, FIT_OPT_WRAP_ROOT },
        { "load-fp32", no_argument, NULL, FIT_OPT_LOAD_FP32 },
        { "cuda", required_argument, NULL, FIT_OPT_CUDA },
        { NULL, 0, NULL, 0 },
};

/* --measure runs measure.py: PyTorch, bf16 weights, no savers, text. */
static bool measure_refused(const struct ctx *ctx, const struct fit_job *j)
{
        if (ctx->format != FMT_TEXT)
                return cmd_usage_error("fit", "--measure prints text: drop --json and --format") != 0;
        if (j->engine >= FIT_VLLM)
                return cmd_usage_error("fit", "--measure runs the job in PyTorch (measure.py); %s is not "
                                       "run: measure with its own logs", fit_engine_name(j->engine)) != 0;
        if (j->weights != FIT_W_BF16 || j->optim_in_bwd || j->paged_optim || j->act_offload || j->compile ||
            j->packed || j->grad_accum > 1)
                return cmd_usage_error("fit", "--measure runs bf16 weights without training savers; "
                                       "drop --weights and the saver options to measure") != 0;
        return false;
}

static int check_fit(struct ctx *ctx, struct fit_opts *o);

static int parse_fit(int argc, char **argv, struct ctx *ctx, struct fit_opts *o)
{
        int c;

        o->job = (struct fit_job){ .bpw = 4.0, .ctx = 8192, .batch = 1, .rank = 8 };
        fit_engine_defaults(&o->job.eng);
        while ((c = getopt_long(argc, argv, "h", cmd_fit_opts, NULL)) != -1) {
                if (c == FIT_OPT_LIST_ENGINES)
                        return fit_list_engines();
                if (c == 'h' || c == 'l')
                        return c == 'h' ? (fputs(fit_help, stdout), EXIT_OK) : list_models();
                if (option(c, c == '?' ? argv[optind - 1] : optarg, o, ctx) != 0)
                        return EXIT_UNKNOWN;
        }
        if (optind + 1 != argc)
                return cmd_usage_error("fit", optind < argc ? "one MODEL please, got '%s' too"
                                                            : "missing MODEL%s",
                                       optind < argc ? argv[optind + 1] : "");
        o->model = argv[optind];
        return check_fit(ctx, o);
}

/* The option combinations parse_fit refuses, and the defaults that hang on
 * others (training context, each engine's cache names). */
static int check_fit(struct ctx *ctx, struct fit_opts *o)
{
        if (o->gpu_memory && (o->gpus || o->from))
                return cmd_usage_error("fit", "--gpu-memory cannot be combined with --gpus or --from");
        if (o->measure && measure_refused(ctx, &o->job))
                return EXIT_UNKNOWN;
        if (!o->ctx_set && o->job.task != FIT_INFER)
                o->job.ctx = 2048;
        if (o->job.engine >= FIT_VLLM && o->job.task != FIT_INFER)
                return cmd_usage_error("fit", "--engine %s models inference only; fine-tuning is "
                                       "modelled for the PyTorch trainers (--task infer, or "
                                       "drop --engine)", fit_engine_name(o->job.engine));
        if (fit_engine_finish(&o->job) != 0)
                return EXIT_UNKNOWN;
        return fit_saver_check(&o->job);
}

static int answer(struct ctx *ctx, const struct fit_model *m, const struct fit_job *j,
                  const struct fit_gpus *g)
{
        struct fit_advice *adv = malloc(sizeof(*adv));  /* fit_advise clears it: once is enough */
        int r;

        if (!adv) {
                cmd_error("out of memory");
                return EXIT_UNKNOWN;
        }
        fit_advise(&m->arch, j, g->caps, g->n, adv);
        if (ctx->format == FMT_MARKDOWN) {
                render_fit_md(stdout, m, j, g->names, adv);
                r = 0;
        } else if (ctx->format == FMT_JSON) {
                json_t *o = render_fit_json(m, j, g->names, adv);

                r = render_json_dump(stdout, o) < 0 ? EXIT_UNKNOWN : 0;
                json_decref(o);
        } else {
                render_fit_text(stdout, m, j, g->names, adv);
                r = 0;
        }
        if (r == 0)
                r = adv->plan.fits ? EXIT_OK : EXIT_FAIL;
        free(adv);
        return r;
}

int cmd_fit(int argc, char **argv, struct ctx *ctx)
{
        struct fit_opts o = { 0 };
        struct fit_model_src src;
        struct fit_gpus g;
        int r = parse_fit(argc, argv, ctx, &o);

        if (r >= 0 || (r = cmd_check_format("fit", ctx, FMT_REPORT_FORMS)) >= 0)
                return r;
        if (fit_load_model(o.model, &src) < 0)
                return EXIT_UNKNOWN;
        if (o.gpu_memory ? fit_gpus_from_list(o.gpu_memory, &g)
                         : fit_gpus_from_machine(ctx, o.from, o.gpus, &g)) {
                fit_model_src_release(&src);
                return EXIT_UNKNOWN;
        }
        fit_context_from_kb(&o.job, o.cuda[0] ? o.cuda : g.cuda, &g);
        r = answer(ctx, &src.m, &o.job, &g);
        if (o.measure && r != EXIT_UNKNOWN)
                r = fit_measure(ctx, &src.m, &o.job, &g, r);
        fit_model_src_release(&src);
        return r;
}
