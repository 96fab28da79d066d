/* fit-quant.c - quantized weights as transformers loads them: the bytes of
 * each storage layout (values, scales, zero points, indices), from the
 * formats' code, and the dequantization buffers their kernels keep.
 * Checked in test-fit-quant.c against first-principles counts and against
 * published measurements (docs/fit-calibration.md). */
#include "fit/fit-mem.h"

#define MiB (1024LL * 1024)

/* Group sizes when the checkpoint or config does not say: GPTQ and AWQ
 * checkpoints are nearly all 128 (AutoGPTQ, AutoAWQ defaults), torchao's
 * Int4WeightOnlyConfig 128, HQQ in transformers (HqqConfig) 64,
 * bitsandbytes 4-bit blocks 64. */
#define GPTQ_GROUP 128
#define AWQ_GROUP 128
#define AO_INT4_GROUP 128
#define HQQ_GROUP 64
#define BNB4_BLOCK 64

static const char *const wfmt_names[FIT_W_MAX] = {
        [FIT_W_BF16] = "bf16",           [FIT_W_GPTQ8] = "gptq-int8",
        [FIT_W_GPTQ4] = "gptq-int4",     [FIT_W_AWQ4] = "awq",
        [FIT_W_BNB8] = "bnb-int8",       [FIT_W_BNB4] = "bnb-nf4",
        [FIT_W_BNB4_DQ] = "bnb-nf4-dq",  [FIT_W_AO_INT4] = "torchao-int4",
        [FIT_W_AO_INT8] = "torchao-int8", [FIT_W_HQQ4] = "hqq-4bit",
};

const char *fit_wfmt_name(enum fit_wfmt f)
{
        return f < FIT_W_MAX ? wfmt_names[f] : "?";
}

static double group_of(int64_t group, int64_t def)
{
        return (double)(group > 0 ? group : def);
}

/* GPTQ (auto_gptq / gptqmodel QuantLinear): qweight int32 (in*b/32, out),
 * qzeros int32 (in/g, out*b/32), scales fp16 (in/g, out), g_idx int32 (in). */
static double gptq_bytes(double bits, double g, int64_t out)
{
        return bits / 8 * (1 + 1 / g) + 2 / g + 4.0 / (double)out;
}

double fit_wfmt_bytes(enum fit_wfmt f, int64_t group, int64_t in, int64_t out)
{
        double g;

        switch (f) {
        case FIT_W_GPTQ8: return gptq_bytes(8, group_of(group, GPTQ_GROUP), out);
        case FIT_W_GPTQ4: return gptq_bytes(4, group_of(group, GPTQ_GROUP), out);
        case FIT_W_AWQ4:  /* AutoAWQ GEMM: qweight int32 (in, out/8), qzeros int32 (in/g, out/8), scales fp16 (in/g, out) */
                g = group_of(group, AWQ_GROUP);
                return 0.5 * (1 + 1 / g) + 2 / g;
        case FIT_W_BNB8:  /* LLM.int8: int8 CB (out, in) + fp32 SCB per output row */
                return 1 + 4.0 / (double)in;
        case FIT_W_BNB4:  /* Params4bit: packed 4-bit + fp32 absmax per block of 64 */
                return 0.5 + 4 / group_of(group, BNB4_BLOCK);
        case FIT_W_BNB4_DQ:  /* absmax in 8 bit + one fp32 per 256 absmax: torchtune's NF4 size */
                return 0.5 + 1.0 / 64 + 4.0 / 16384;
        case FIT_W_AO_INT4:  /* tinygemm: packed int4 + bf16 scale and zero per group */
                return 0.5 + 4 / group_of(group, AO_INT4_GROUP);
        case FIT_W_AO_INT8:  /* int8 + bf16 scale per output row */
                return 1 + 2.0 / (double)in;
        case FIT_W_HQQ4:  /* 4-bit packed in uint8 + fp16 scale and zero per group (axis 1) */
                return 0.5 + 4 / group_of(group, HQQ_GROUP);
        case FIT_W_BF16:
        case FIT_W_MAX: break;
        }
        return 2;
}

/* q, k, v, o and the MLP (every expert), each with its own shape. */
int64_t fit_wfmt_layer_bytes(const struct fit_arch *a, enum fit_wfmt f, int64_t group)
{
        int64_t h = a->hidden, q = a->heads * a->head_dim, kv = a->kv_heads * a->head_dim;
        int64_t mi = a->experts ? a->moe_intermediate : a->intermediate;
        int64_t nmlp = a->experts ? a->experts : 1;
        double b = (double)(h * q) * fit_wfmt_bytes(f, group, h, q) * 1 +
                   (double)(h * kv) * fit_wfmt_bytes(f, group, h, kv) * 2 +
                   (double)(q * h) * fit_wfmt_bytes(f, group, q, h) +
                   (double)nmlp * ((double)(h * mi) * fit_wfmt_bytes(f, group, h, mi) * 2 +
                                   (double)(mi * h) * fit_wfmt_bytes(f, group, mi, h));

        return (int64_t)b;
}

/* AutoGPTQ's exllama v2 kernels (the default for 4-bit) keep one fp16
 * dequantization buffer of the largest linear per device (temp_dq);
 * bitsandbytes 4-bit and HQQ dequantize each weight to 16 bits for every
 * prompt matmul. GPTQ 8-bit (CUDA kernel), AWQ GEMM at short prompts and
 * the int8 formats keep none. */
int64_t fit_wfmt_scratch(const struct fit_params *p, enum fit_wfmt f)
{
        switch (f) {
        case FIT_W_GPTQ4: case FIT_W_BNB4: case FIT_W_BNB4_DQ: case FIT_W_HQQ4:
                return 2 * p->largest_linear;
        default: return 0;
        }
}
