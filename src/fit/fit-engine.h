/* fit-engine.h - inference engines beside exllamav2 and transformers:
 * vLLM (fit-vllm.c), llama.cpp/GGUF (fit-gguf-plan.c) and ExLlamaV3
 * (fit-exl3.c). Each fills a fit_plan per GPU like fit_plan_job. */
#pragma once

#include "fit/fit-gguf.h"
#include "fit/fit-kv.h"
#include "fit/fit-mem.h"

/* vLLM weight formats: bf16/fp16, fp8 (one byte, 128x128 block or
 * per-channel scales), int8 (W8A8), int4 with group 128 (AWQ, GPTQ:
 * 4 bits, an fp16 scale and a 4-bit zero point per 128 weights), mxfp4
 * (gpt-oss: 4-bit values with an 8-bit shared exponent per 32). */
enum fit_wquant { FIT_WQ_BF16, FIT_WQ_FP8, FIT_WQ_INT8, FIT_WQ_INT4, FIT_WQ_MXFP4, FIT_WQ_TYPES };

const char *fit_wquant_name(enum fit_wquant q);
int fit_wquant_parse(const char *name);
double fit_wquant_bytes(enum fit_wquant q);

/* Defaults of the engine settings (gmu 0.9, block 16, ...). */
void fit_engine_defaults(struct fit_engine_opts *e);

/* vLLM's MXFP4 experts (fit-mxfp4.c): the MoE layers, the expert
 * parameters (weights and biases) they hold, and their bytes per GPU at
 * tensor parallel tp on GPUs of compute capability cc x10 (0: unknown). */
int64_t fit_mxfp4_moe_layers(const struct fit_arch *a);
int64_t fit_mxfp4_expert_params(const struct fit_arch *a);
int64_t fit_mxfp4_expert_bytes(const struct fit_arch *a, int tp, int cc);

void fit_plan_vllm(const struct fit_arch *a, const struct fit_job *j, struct fit_plan *pl);
void fit_plan_gguf(const struct fit_arch *a, const struct fit_job *j, struct fit_plan *pl);
void fit_plan_exl3(const struct fit_arch *a, const struct fit_job *j, struct fit_plan *pl);
/* The CUDA context and library workspaces of a PyTorch process: the job's
 * (from the knowledge base, cmd-fit-savers.c), else fit-mem.c's constant;
 * NULL: the constant (llama.cpp, no PyTorch). */
int64_t fit_cuda_context_bytes(const struct fit_job *j);
