/* fit-mxfp4.c - what vLLM holds for MXFP4 experts (gpt-oss) after loading.
 * vLLM quantizes only FusedMoE layers with MXFP4 (quantization/mxfp4.py:
 * linear layers fall back to UnquantizedLinearMethod); each expert's
 * gate_up (2 x I by H) and down (H by I) are 4-bit values, one byte per
 * two, with one E8M0 scale byte per 32 values, and gpt-oss adds a bias
 * per output. The backend, chosen by the GPU's compute capability in
 * get_mxfp4_backend, pads and re-lays these out:
 *  - Triton (sm90 and sm100 without FlashInfer; the default on Hopper):
 *    I rounded up to 64; _swizzle_mxfp4 makes swizzled copies of values
 *    and scales and the checkpoint's values are deleted, but the
 *    checkpoint's scales stay registered on the layer, so the scales are
 *    held twice; the swizzled scales (HopperMXScaleLayout, num_warps 8)
 *    have their rows padded to 2 x 8 x 2 x 8 = 256; biases become fp32.
 *    The values' 16 x 32-byte swizzle tiles divide gpt-oss's shapes.
 *  - FlashInfer on sm100 (installed with vLLM for Blackwell): I and H
 *    rounded up to 256, shuffled copies replace the originals, fp32 biases.
 *  - Marlin (everything else, A100 and Ada included): I rounded up to 128,
 *    H to 256, repacked in place of the originals, bf16 biases.
 * Checked on Hopper against vLLM's logged "Model loading took": gpt-oss-20b
 * 13.47 GiB and gpt-oss-120b 64.38 GiB (docs/fit-calibration.md, 'vLLM'). */
#include "fit/fit-engine.h"

#define MX_BLOCK 32
#define TRITON_SCALE_ROWS 256  /* 2 x num_warps (8) x 2 x 8 */

enum mxfp4_backend { MX_TRITON, MX_FLASHINFER_SM100, MX_MARLIN };

static int64_t round_up(int64_t x, int64_t to)
{
        return (x + to - 1) / to * to;
}

/* By compute capability x10; unknown (0) is taken as Hopper, the layout
 * the calibration rows measured. */
static enum mxfp4_backend backend_of(int cc)
{
        if (cc == 0 || (cc >= 90 && cc < 100))
                return MX_TRITON;
        if (cc >= 100 && cc < 110)
                return MX_FLASHINFER_SM100;
        return MX_MARLIN;
}

/* One MoE layer's experts on one GPU: I is the intermediate size of this
 * tensor-parallel rank. */
static int64_t layer_bytes(const struct fit_arch *a, int64_t i, int cc)
{
        enum mxfp4_backend b = backend_of(cc);
        int64_t h = a->hidden, n = a->experts, values, scales, extra = 0, bias_bytes = 4;

        if (b == MX_TRITON) {
                i = round_up(i, 64);
                extra = round_up(2 * i, TRITON_SCALE_ROWS) * (h / MX_BLOCK) +
                        round_up(h, TRITON_SCALE_ROWS) * (i / MX_BLOCK);
        } else if (b == MX_FLASHINFER_SM100) {
                i = round_up(i, 256);
                h = round_up(h, 256);
        } else {
                i = round_up(i, 128);
                h = round_up(h, 256);
                bias_bytes = 2;
        }
        values = 3 * h * i / 2;
        scales = 3 * h * i / MX_BLOCK;
        return n * (values + scales + extra + (a->gpt_oss ? (2 * i + h) * bias_bytes : 0));
}

int64_t fit_mxfp4_moe_layers(const struct fit_arch *a)
{
        if (!a->experts)
                return 0;
        return a->moe_every > 1 ? a->layers / a->moe_every : a->layers - a->first_dense;
}

int64_t fit_mxfp4_expert_params(const struct fit_arch *a)
{
        int64_t per_expert = 3 * a->hidden * a->moe_intermediate +
                             (a->gpt_oss ? 2 * a->moe_intermediate + a->hidden : 0);

        return fit_mxfp4_moe_layers(a) * a->experts * per_expert;
}

int64_t fit_mxfp4_expert_bytes(const struct fit_arch *a, int tp, int cc)
{
        int64_t i = a->moe_intermediate / (tp > 0 ? tp : 1);

        return fit_mxfp4_moe_layers(a) * layer_bytes(a, i, cc);
}
