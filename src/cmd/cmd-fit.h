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
        FIT_OPT_HEAD, FIT_OPT_LIST_ENGINES,
};
int fit_engine_option(int c, const char *arg, struct fit_job *j);
int fit_engine_finish(struct fit_job *j);  /* 0, or a usage error printed */
int fit_list_engines(void);
