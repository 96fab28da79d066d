/* cmd-fit.h - dlrig fit's inputs: the model and the GPUs. */
#pragma once

#include "cmd.h"
#include "fit/fit.h"

/* Owned strings behind a fit_model. */
struct fit_model_src {
        struct fit_model m;
        char *path;   /* the local folder or file, absolute */
};

/* A table id or short name, or a local folder / config.json. Prints the
 * error; returns -1 on failure. */
int fit_load_model(const char *arg, struct fit_model_src *out);
void fit_model_src_release(struct fit_model_src *s);

struct fit_gpus {
        int n;
        int64_t caps[FIT_GPUS_MAX];
        struct fit_gpu_name names[FIT_GPUS_MAX];
        char cuda[16];   /* the driver's CUDA version from the snapshot ("13.0"), or "" */
};

/* "24GiB,24GiB" (also GB, MiB, MB, G; a bare number is GiB). */
int fit_gpus_from_list(const char *list, struct fit_gpus *g);
/* The snapshot's GPUs (this machine, --root, or --from), those in sel
 * ("0,2,3") when sel is set. */
int fit_gpus_from_machine(struct ctx *ctx, const char *from, const char *sel, struct fit_gpus *g);

/* Options of the vLLM, llama.cpp and ExLlamaV3 models (cmd-fit-engine.c):
 * getopt values above any character. */
enum {
        FIT_OPT_GMU = 0x200, FIT_OPT_MNBT, FIT_OPT_SEQS, FIT_OPT_TP, FIT_OPT_QUANT, FIT_OPT_KV,
        FIT_OPT_BLOCK, FIT_OPT_GGUF, FIT_OPT_NGL, FIT_OPT_SPLIT, FIT_OPT_UBATCH, FIT_OPT_FA,
        FIT_OPT_HEAD, FIT_OPT_VLLM_VERSION, FIT_OPT_SAMPLER, FIT_OPT_LIST_ENGINES,
};
int fit_engine_option(int c, const char *arg, struct fit_job *j);
int fit_engine_finish(struct fit_job *j);  /* 0, or a usage error printed */
int fit_list_engines(void);
/* Training savers and weight formats (cmd-fit-savers.c): getopt values of
 * their options, one option applied to the job (0, or the usage error's
 * exit status), the combinations dlrig does not model (-1: none), and the
 * CUDA context from the knowledge base. */
enum {
        FIT_OPT_WEIGHTS = 400, FIT_OPT_GROUP, FIT_OPT_OPTIM_BWD, FIT_OPT_PAGED, FIT_OPT_OFFLOAD,
        FIT_OPT_COMPILE, FIT_OPT_ACCUM, FIT_OPT_PACKED, FIT_OPT_WRAP_ROOT, FIT_OPT_LOAD_FP32,
        FIT_OPT_CUDA,
};
int fit_opt_count(const char *arg, const char *opt, int64_t max, int64_t *out);
int fit_saver_option(int c, const char *arg, struct fit_job *j, char *cuda, size_t cuda_size);
int fit_saver_check(const struct fit_job *j);
void fit_context_from_kb(struct fit_job *j, const char *cuda, const struct fit_gpus *g);
