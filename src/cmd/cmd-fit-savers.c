/* cmd-fit-savers.c - dlrig fit's options for training savers and weight
 * formats, the checks of what they can be combined with (anything dlrig
 * does not model is refused with the reason, not guessed), and the CUDA
 * context from the knowledge base. */
#include "cmd-fit.h"

#include <stdio.h>
#include <string.h>

#include "kb/kb-context.h"
#include "kb/kb.h"

#define MiB (1024LL * 1024)

static int weights(const char *arg, struct fit_job *j)
{
        for (int f = 0; f < FIT_W_MAX; f++)
                if (!strcmp(arg, fit_wfmt_name(f))) {
                        j->weights = f;
                        return 0;
                }
        return cmd_usage_error("fit", "--weights: unknown format '%s' (bf16, gptq-int8, gptq-int4, "
                               "awq, bnb-int8, bnb-nf4, bnb-nf4-dq, torchao-int4, torchao-int8, "
                               "hqq-4bit)", arg);
}

/* "13.0", or "13.0,9.0" with the GPUs' compute capability when they are
 * planned (--gpu-memory names no GPU). */
static int cuda_version(const char *arg, char *out, size_t size)
{
        int major, minor, cc_major = -1, cc_minor = 0;
        char end;
        int n = sscanf(arg, "%d.%d,%d.%d%c", &major, &minor, &cc_major, &cc_minor, &end);

        if ((n != 2 && n != 4) || major < 1 || major > 99 || minor < 0 || minor > 99 ||
            (n == 4 && (cc_major < 1 || cc_major > 99 || cc_minor < 0 || cc_minor > 9)))
                return cmd_usage_error("fit", "--cuda: '%s' is not a CUDA version like 12.8 "
                                       "(or 12.8,9.0 with the GPUs' compute capability)", arg);
        if (n == 4)
                snprintf(out, size, "%d.%d,%d.%d", major, minor, cc_major, cc_minor);
        else
                snprintf(out, size, "%d.%d", major, minor);
        return 0;
}

int fit_saver_option(int c, const char *arg, struct fit_job *j, char *cuda, size_t cuda_size)
{
        switch (c) {
        case FIT_OPT_WEIGHTS: return weights(arg, j);
        case FIT_OPT_GROUP: return fit_opt_count(arg, "--group", 1 << 16, &j->group);
        case FIT_OPT_OPTIM_BWD: j->optim_in_bwd = true; return 0;
        case FIT_OPT_PAGED: j->paged_optim = true; return 0;
        case FIT_OPT_OFFLOAD: j->act_offload = true; return 0;
        case FIT_OPT_COMPILE: j->compile = true; return 0;
        case FIT_OPT_ACCUM: return fit_opt_count(arg, "--grad-accum", 1 << 16, &j->grad_accum);
        case FIT_OPT_PACKED:
                if (strcmp(arg, "flex") && strcmp(arg, "sdpa"))
                        return cmd_usage_error("fit", "--packed: '%s' is not flex or sdpa", arg);
                j->packed = arg[0] == 'f' ? FIT_PACKED_FLEX : FIT_PACKED_SDPA;
                return 0;
        case FIT_OPT_WRAP_ROOT: j->fsdp_wrap_root = true; return 0;
        case FIT_OPT_LOAD_FP32: j->load_fp32 = true; return 0;
        case FIT_OPT_CUDA: return cuda_version(arg, cuda, cuda_size);
        }
        return cmd_usage_error("fit", "unknown option");
}

/* What dlrig does not model is refused, with what to do instead. */
int fit_saver_check(const struct fit_job *j)
{
        bool train = j->task != FIT_INFER;

        if (j->weights != FIT_W_BF16 && j->task == FIT_INFER && j->engine != FIT_HF)
                return cmd_usage_error("fit", "--weights is for --engine transformers (exllamav2 "
                                       "takes --bpw)");
        if (j->weights != FIT_W_BF16 && (j->task == FIT_LORA || j->task == FIT_FULL))
                return cmd_usage_error("fit", "--weights: a quantized base is trained with --task "
                                       "qlora; full fine-tuning of quantized weights is not modelled");
        if (!train && (j->optim_in_bwd || j->paged_optim || j->act_offload || j->compile ||
                       j->grad_accum > 1 || j->packed || j->fsdp_wrap_root))
                return cmd_usage_error("fit", "training savers (--optimizer-in-backward, "
                                       "--paged-optimizer, --activation-offloading, --compile, "
                                       "--grad-accum, --packed, --fsdp-wrap-root) need --task lora, "
                                       "qlora or full; torch.compile at inference is not modelled");
        if (j->optim_in_bwd && j->grad_accum > 1)
                return cmd_usage_error("fit", "--optimizer-in-backward frees each gradient as it is "
                                       "made: there is nothing to accumulate (--grad-accum)");
        if ((j->optim_in_bwd || j->paged_optim) && j->optim == FIT_CPU_OFFLOAD)
                return cmd_usage_error("fit", "--optimizer cpu-offload keeps the optimizer on the "
                                       "host; --optimizer-in-backward and --paged-optimizer do not apply");
        return -1;
}

/* The compute capability of a GPU named as NVML names it: "NVIDIA H200"
 * matches the SXM and NVL entries alike, which is fine when they agree. */
static const char *cc_of(const char *name)
{
        const struct kb_gpu *first = kb_gpu_match(name, 0), *m;

        if (kb_gpu_find(name))
                return kb_gpu_find(name)->cc;
        for (size_t n = 1; first && (m = kb_gpu_match(name, n)); n++)
                if (strcmp(m->cc, first->cc))
                        return NULL;
        return first ? first->cc : NULL;
}

/* The per-GPU context from the knowledge base when the CUDA version is
 * known (--cuda, or the driver's from the snapshot), by the first GPU's
 * compute capability when its name is in the GPU table; that compute
 * capability also picks vLLM's MXFP4 backend. */
void fit_context_from_kb(struct fit_job *j, const char *cuda, const struct fit_gpus *g)
{
        const char *cc = cuda ? strchr(cuda, ',') : NULL;
        bool want = (cuda && cuda[0]) || j->engine == FIT_VLLM;  /* the GPU table scan costs */
        const char *gpu_cc = cc ? cc + 1 : want && g->n > 0 ? cc_of(g->names[0].name) : NULL;
        const struct kb_context *c = NULL;

        if (cuda && cuda[0])
                c = kb_context_find(cuda, gpu_cc);
        if (c)
                j->context_bytes = (int64_t)c->mib * MiB;
        if (gpu_cc && kb_cc_num(gpu_cc) > 0)
                j->eng.gpu_cc = kb_cc_num(gpu_cc);
}
