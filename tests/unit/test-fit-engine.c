/* test-fit-engine.c - the inference engine models against first-principles
 * counts: ggml block sizes and Q4_K_M's mix (llama.cpp's printed sizes),
 * MLA and sliding-window caches, DeepSeek-V3's parameter count from its
 * config.json, vLLM's KV pool, tensor parallel and fp8 cache. Published
 * measurements: fit-calibration.tsv (test-fit-calibration.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fit/fit-engine.h"
#include "kb/kb-model.h"

#define MiB (1024.0 * 1024)

/* Bits per weight from the ggml-common.h structs: bytes per block x 8 /
 * values per block. */
static void test_ggml_bpw(void **state)
{
        (void)state;
        assert_true(fit_ggml_type_bpw("q4_0") == (2 + 16) * 8 / 32.0);             /* 4.5 */
        assert_true(fit_ggml_type_bpw("q8_0") == (2 + 32) * 8 / 32.0);             /* 8.5 */
        assert_true(fit_ggml_type_bpw("q4_K") == (2 * 2 + 12 + 128) * 8 / 256.0);  /* 4.5 */
        assert_true(fit_ggml_type_bpw("q5_K") == (2 * 2 + 12 + 32 + 128) * 8 / 256.0);
        assert_true(fit_ggml_type_bpw("q6_K") == (128 + 64 + 16 + 2) * 8 / 256.0); /* 6.5625 */
        assert_true(fit_ggml_type_bpw("q2_K") == (16 + 64 + 2 * 2) * 8 / 256.0);   /* 2.625 */
        assert_true(fit_ggml_type_bpw("iq4_xs") == (2 + 2 + 4 + 128) * 8 / 256.0); /* 4.25 */
        assert_true(fit_ggml_type_bpw("nope") == 0);
}

/* llama.cpp prints for Llama-3.1-8B-Instruct Q4_K_M: "file size = 4.58 GiB
 * (4.89 BPW)", 193 q4_K and 33 q6_K tensors; CPU model buffer (the token
 * embedding, q4_K) 281.81 MiB and CUDA0 4403.49 MiB with all layers on
 * GPU. */
static void test_q4_k_m(void **state)
{
        struct fit_arch a;
        struct fit_gguf_sizes s;
        double file;

        (void)state;
        fit_arch_from_kb(kb_model_find("meta-llama/Llama-3.1-8B"), &a);
        fit_gguf_sizes(&a, FIT_GGUF_Q4_K_M, &s);
        file = (double)(s.embd + s.layers_total + s.output);
        assert_int_equal((int64_t)(s.embd / MiB * 100 + 0.5), 28181);
        assert_int_equal((int64_t)((s.layers_total + s.output) / MiB * 100 + 0.5), 440349);
        assert_int_equal((int64_t)(file / (1 << 30) * 100 + 0.5), 458);
        assert_int_equal((int64_t)(file * 8 / 8030261248.0 * 100 + 0.5), 489);
        /* 16 of 32 layers carry q6_K attn_v and ffn_down: two layer sizes. */
        assert_true(s.layer_max > s.layer_min);
        assert_int_equal(s.layers_total, 16 * s.layer_max + 16 * s.layer_min);
}

/* DeepSeek-V3 (config.json of deepseek-ai/DeepSeek-V3): 671,026,419,200
 * parameters without the multi-token-prediction layer (the paper's 671B);
 * MLA caches 512 + 64 values per token per layer: 70,272 bytes per token
 * over 61 layers at 16 bits. */
static const char ds_v3[] =
        "{\"model_type\":\"deepseek_v3\",\"hidden_size\":7168,\"intermediate_size\":18432,"
        "\"moe_intermediate_size\":2048,\"num_hidden_layers\":61,\"num_attention_heads\":128,"
        "\"num_key_value_heads\":128,\"vocab_size\":129280,\"n_routed_experts\":256,"
        "\"n_shared_experts\":1,\"num_experts_per_tok\":8,\"first_k_dense_replace\":3,"
        "\"kv_lora_rank\":512,\"q_lora_rank\":1536,\"qk_rope_head_dim\":64,"
        "\"qk_nope_head_dim\":128,\"v_head_dim\":128,\"topk_method\":\"noaux_tc\","
        "\"tie_word_embeddings\":false,\"max_position_embeddings\":163840,"
        "\"torch_dtype\":\"bfloat16\"}";

static void test_mla(void **state)
{
        struct fit_arch a;
        struct fit_params p;
        char *err = NULL;

        (void)state;
        assert_int_equal(fit_config_parse(ds_v3, strlen(ds_v3), &a, &err), 0);
        fit_count_params(&a, &p);
        assert_int_equal(p.total, 671026419200LL);
        assert_int_equal(fit_kv_elems(&a), 576);
        assert_int_equal(fit_kv_seq_bytes(&a, 1, a.layers, a.kv_heads, FIT_KV_F16, false, 0), 70272);
        /* Without MLA the same heads would cache 2 x 128 x 192 values. */
        a.kv_lora_rank = 0;
        assert_int_equal(fit_kv_elems(&a), 2 * 128 * 192);
}

/* Llama-4-Scout: the safetensors total of meta-llama/Llama-4-Scout-17B-16E-
 * Instruct, 108,641,793,536, is the language model counted here plus the
 * vision tower (34 layers of 1408, patch and position embeddings, norms)
 * and the two projectors: 871,932,416. Chunked attention on three layers
 * of four caches like a window of 8192 tokens. */
static void test_llama4_scout(void **state)
{
        struct fit_arch a;
        struct fit_params p;
        int64_t vit_layer = 4 * 1408LL * 1408 + 4 * 1408 + 2 * 1408LL * 5632 + 5632 + 1408 + 4 * 1408;
        int64_t vision = 34 * vit_layer + 3 * 14 * 14 * 1408 + 1408 + 577 * 1408 + 4 * 1408 +
                         5632LL * 4096 + 4096LL * 4096 + 4096LL * 5120;

        (void)state;
        fit_arch_from_kb(kb_model_find("meta-llama/Llama-4-Scout-17B-16E-Instruct"), &a);
        fit_count_params(&a, &p);
        assert_int_equal(vision, 871932416);
        assert_int_equal(p.total + vision, 108641793536LL);
        assert_int_equal(fit_kv_windowed_layers(&a), 36);
        /* 17B active: one routed and one shared expert per token. */
        assert_true(p.active > 17000000000LL && p.active < 17500000000LL);
}

/* Gemma-3-27B: 5 of every 6 layers attend to 1024 tokens; 62 layers hold
 * 10 global ones. llama.cpp keeps window + n_ubatch tokens there. */
static void test_sliding_window(void **state)
{
        struct fit_arch a;
        int64_t per_tok = 2 * 16 * 128 * 2, sum = 0;

        (void)state;
        fit_arch_from_kb(kb_model_find("google/gemma-3-27b-it"), &a);
        assert_int_equal(fit_kv_windowed_layers(&a), 52);
        for (int64_t l = 0; l < a.layers; l++)
                sum += fit_kv_layer_bytes(&a, 32768, l, FIT_KV_F16, true, 512);
        assert_int_equal(sum, (10 * 32768 + 52 * (1024 + 512)) * per_tok);
        /* Engines that ignore the window (ExLlamaV3, vLLM here) keep it all. */
        assert_int_equal(fit_kv_seq_bytes(&a, 32768, a.layers, a.kv_heads, FIT_KV_F16, false, 0),
                         62 * 32768 * per_tok);
        assert_int_equal(fit_kv_layer_bytes(&a, 100, 0, FIT_KV_Q8_0, true, 512),
                         100 * 2 * 16 * 128 * 34 / 32);
}

/* vLLM: the pool is gmu x capacity less weights, profile peak and
 * non-torch memory, cut into block_size-token blocks; TP splits the KV
 * heads and the weights; fp8 halves the bytes per token. */
static void test_vllm(void **state)
{
        struct fit_arch a;
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_VLLM, .ctx = 8192, .batch = 1 };
        struct fit_plan p1, p2, p8;
        int64_t caps[2] = { 80LL << 30, 80LL << 30 }, per_tok = 32 * 2 * 8 * 128 * 2;

        (void)state;
        fit_engine_defaults(&j.eng);
        fit_arch_from_kb(kb_model_find("meta-llama/Meta-Llama-3-8B"), &a);
        fit_plan_job(&a, &j, caps, 1, &p1);
        assert_true(p1.fits);
        assert_int_equal(p1.kv_tokens % 16, 0);
        assert_int_equal(p1.kv_tokens, p1.g[0].comp[FIT_C_KV] / (16 * per_tok) * 16);
        assert_true(p1.g[0].comp[FIT_C_KV] + p1.g[0].comp[FIT_C_WEIGHTS] + p1.g[0].comp[FIT_C_ACT] <=
                    (int64_t)(0.9 * (double)caps[0]));
        j.eng.tp = 2;
        fit_plan_job(&a, &j, caps, 2, &p2);
        assert_true(p2.g[1].used && p2.g[0].comp[FIT_C_WEIGHTS] < p1.g[0].comp[FIT_C_WEIGHTS] / 2 + (64 << 20));
        assert_true(p2.kv_tokens > 2 * p1.kv_tokens);  /* half the heads, more room */
        j.eng.tp = 1, j.eng.kv = FIT_KV_FP8;
        fit_plan_job(&a, &j, caps, 1, &p8);
        assert_true(p8.kv_tokens >= 2 * p1.kv_tokens && p8.kv_tokens <= 2 * p1.kv_tokens + 16);
        j.eng.kv = FIT_KV_F16, j.ctx = p1.kv_tokens + 16;  /* one sequence must fit */
        fit_plan_job(&a, &j, caps, 1, &p8);
        assert_false(p8.fits);
}

/* vLLM V1's profile peak is the larger of the forward pass and the
 * sampler pass, not their sum: Qwen3-0.6B and Qwen3-32B log 5.56 and 5.64
 * GiB (llm-d, H100, 1024 x 151936 logits), the vocabulary, not the model,
 * sets it. MXFP4 quantizes only gpt-oss's experts. Releases 0.8-0.10
 * count NCCL's setup inside the budget, 0.11 on does not; 0.6-0.7 are V0;
 * 0.21 on take the estimated CUDA graphs out of the KV pool. */
static void test_vllm_v1(void **state)
{
        struct fit_arch a;
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_VLLM, .ctx = 16000, .batch = 1 };
        struct fit_plan p, q;
        int64_t caps[2] = { (int64_t)(79.18 * (1 << 30)), (int64_t)(79.18 * (1 << 30)) };
        double act;

        (void)state;
        fit_engine_defaults(&j.eng);
        fit_arch_from_kb(kb_model_find("Qwen/Qwen3-32B"), &a);
        fit_plan_job(&a, &j, caps, 1, &p);
        act = (double)p.g[0].comp[FIT_C_ACT] / (1 << 30);
        assert_true(act > 5.55 && act < 5.75);
        j.eng.vllm_minor = 6;  /* V0: the same sampler sets the peak here */
        fit_plan_job(&a, &j, caps, 1, &q);
        assert_int_equal(q.g[0].comp[FIT_C_ACT], p.g[0].comp[FIT_C_ACT]);
        j.eng.vllm_minor = 0;
        j.eng.flashinfer_sampler = true;  /* 14 bytes per logit: 1024 x 151936 */
        fit_plan_job(&a, &j, caps, 1, &q);
        act = (double)q.g[0].comp[FIT_C_ACT] / (1 << 30);
        assert_true(act > 2.05 && act < 2.15);
        j.eng.flashinfer_sampler = false;
        fit_arch_from_kb(kb_model_find("openai/gpt-oss-20b"), &a);
        j.eng.quant = FIT_WQ_MXFP4;
        fit_plan_job(&a, &j, caps, 1, &p);
        assert_true(p.g[0].comp[FIT_C_WEIGHTS] > (int64_t)(12.0 * (1 << 30)));
        fit_arch_from_kb(kb_model_find("meta-llama/Llama-3.1-70B"), &a);
        j.eng.quant = FIT_WQ_FP8;
        j.eng.tp = 2;
        j.eng.vllm_minor = 11;
        fit_plan_job(&a, &j, caps, 2, &p);
        j.eng.vllm_minor = 10;
        fit_plan_job(&a, &j, caps, 2, &q);
        assert_int_equal(p.g[0].comp[FIT_C_KV] - q.g[0].comp[FIT_C_KV], (int64_t)(0.93 * (1 << 30)));
        /* 0.21 on (and the default, the newest): CUDA graphs inside the budget */
        j.eng.vllm_minor = 0;
        fit_plan_job(&a, &j, caps, 2, &q);
        assert_int_equal(p.g[0].comp[FIT_C_KV] - q.g[0].comp[FIT_C_KV], q.g[0].comp[FIT_C_RESERVE]);
        j.eng.vllm_minor = 21;
        fit_plan_job(&a, &j, caps, 2, &p);
        assert_int_equal(p.g[0].comp[FIT_C_KV], q.g[0].comp[FIT_C_KV]);
}

/* -ngl: the last N layers go to the GPU, the output layer only when N
 * exceeds the layer count; --tensor-split divides them. */
/* V0 runs the MLP eagerly: gate_up's output stays alive in LlamaMLP's
 * local name while SiluAndMul's and down_proj's outputs are made, so at
 * 29000 batched tokens (vLLM #10517, RTX 3090) the forward pass, not the
 * sampler, sets the peak: 29000 x (3 x 14336 + 3 x 4096) bf16 elements.
 * V1 compiles the model: two widths and two hidden-size tensors. */
static void test_vllm_v0_eager_mlp(void **state)
{
        struct fit_arch a;
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_VLLM, .ctx = 29000, .batch = 1 };
        struct fit_plan p;
        int64_t caps[1] = { (int64_t)(23.58 * (1 << 30)) };

        (void)state;
        fit_engine_defaults(&j.eng);
        j.eng.batched_tokens = 29000;
        j.eng.max_seqs = 256;
        j.eng.vllm_minor = 6;
        fit_arch_from_kb(kb_model_find("meta-llama/Llama-3.1-8B"), &a);
        fit_plan_job(&a, &j, caps, 1, &p);
        assert_int_equal(p.g[0].comp[FIT_C_ACT], (int64_t)29000 * (3 * 14336 + 3 * 4096) * 2);
        j.eng.vllm_minor = 0;
        fit_plan_job(&a, &j, caps, 1, &p);
        assert_int_equal(p.g[0].comp[FIT_C_ACT], (int64_t)29000 * (2 * 14336 + 2 * 4096) * 2);
}

/* vLLM's MXFP4 experts as its backends lay them out. On Hopper (Triton)
 * the loaded weights match vLLM's logged "Model loading took" for
 * gpt-oss-20b and -120b (13.47 and 64.38 GiB, llm-d, H100) within 0.1
 * GiB: the checkpoint's scales are held beside their swizzled copies and
 * the biases become fp32; the plain 4.25 bits per expert weight would be
 * 0.6 and 3.5 GiB short. Marlin (A100) pads H to 256 and I to 128: more.
 * A dense model is not quantized by MXFP4 at all. */
static void test_vllm_mxfp4_layout(void **state)
{
        static const struct { const char *id; double logged; } rows[] = {
                { "openai/gpt-oss-20b", 13.47 }, { "openai/gpt-oss-120b", 64.38 } };
        struct fit_arch a, d;
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_VLLM, .ctx = 4096, .batch = 1 };
        struct fit_plan p, q;
        int64_t caps[1] = { (int64_t)(140.0 * (1 << 30)) };

        (void)state;
        fit_engine_defaults(&j.eng);
        j.eng.quant = FIT_WQ_MXFP4;
        for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
                double w;

                fit_arch_from_kb(kb_model_find(rows[i].id), &a);
                j.eng.gpu_cc = 90;
                fit_plan_job(&a, &j, caps, 1, &p);
                w = (double)p.g[0].comp[FIT_C_WEIGHTS] / (1 << 30);
                assert_true(w > rows[i].logged - 0.1 && w < rows[i].logged + 0.1);
                j.eng.gpu_cc = 0;  /* unknown: the Hopper layout */
                fit_plan_job(&a, &j, caps, 1, &q);
                assert_int_equal(q.g[0].comp[FIT_C_WEIGHTS], p.g[0].comp[FIT_C_WEIGHTS]);
                j.eng.gpu_cc = 80;
                fit_plan_job(&a, &j, caps, 1, &q);
                assert_true(q.g[0].comp[FIT_C_WEIGHTS] > p.g[0].comp[FIT_C_WEIGHTS]);
        }
        fit_arch_from_kb(kb_model_find("meta-llama/Llama-3.1-8B"), &d);
        fit_plan_job(&d, &j, caps, 1, &p);
        j.eng.quant = FIT_WQ_BF16;
        fit_plan_job(&d, &j, caps, 1, &q);
        assert_int_equal(p.g[0].comp[FIT_C_WEIGHTS], q.g[0].comp[FIT_C_WEIGHTS]);
}

static void test_gguf_placement(void **state)
{
        struct fit_arch a;
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_GGUF, .ctx = 4096, .batch = 1 };
        struct fit_plan p;
        int64_t caps[2] = { 24LL << 30, 24LL << 30 }, out;

        (void)state;
        fit_engine_defaults(&j.eng);
        fit_arch_from_kb(kb_model_find("meta-llama/Llama-3.1-8B"), &a);
        out = fit_gguf_output_bytes(&a, j.eng.gguf);
        /* -ngl 10 counts the output layer first (i_gpu_start = 33 - 10):
         * decoder layers 23..31 and the output layer. */
        j.eng.ngl = 10;
        fit_plan_job(&a, &j, caps, 1, &p);
        assert_int_equal(p.g[0].layers, 9);
        assert_int_equal(p.g[0].first_layer, 23);
        /* llama.cpp's get_layer_buft_list: layer il goes to the GPU whose
         * cumulative share exceeds il / min(ngl, 33); the output layer is
         * il = 32. Split 3:1, all offloaded: il / 33 < 0.75 for il <= 24,
         * so 25 layers on GPU 0, 7 and the output layer on GPU 1 (dividing
         * by the 32 decoder layers gave 24 and 8). */
        j.eng.ngl = -1, j.eng.split[0] = 3, j.eng.split[1] = 1;
        fit_plan_job(&a, &j, caps, 2, &p);
        assert_int_equal(p.g[0].layers, 25);
        assert_int_equal(p.g[1].layers, 7);
        assert_int_equal(p.g[1].first_layer, 25);
        for (int64_t l = 25; l < 32; l++)
                out += fit_gguf_layer_bytes(&a, j.eng.gguf, l);
        assert_int_equal(p.g[1].comp[FIT_C_WEIGHTS], out);
        out = fit_gguf_output_bytes(&a, j.eng.gguf);
        assert_true(p.g[1].comp[FIT_C_ACT] > p.g[0].comp[FIT_C_ACT] - (64 << 20));
        /* Partial: -ngl 20 with 1:1: layers 13..31 and the output layer
         * (il = 32); (il - 13) / 20 < 0.5 for il <= 22: 10 decoder layers on
         * GPU 0, 9 and the output layer on GPU 1 (its logits, 250 MiB, are
         * below the attention scores, 256 MiB: equal compute buffers). */
        j.eng.ngl = 20, j.eng.split[0] = 1, j.eng.split[1] = 1;
        fit_plan_job(&a, &j, caps, 2, &p);
        assert_int_equal(p.g[0].layers, 10);
        assert_int_equal(p.g[0].first_layer, 13);
        assert_int_equal(p.g[1].layers, 9);
        assert_int_equal(p.g[1].comp[FIT_C_ACT], p.g[0].comp[FIT_C_ACT]);
        /* -ngl 33 on one GPU keeps the token embedding on the host: the
         * weights are the decoder layers and the output layer only. */
        j.eng.ngl = 33, j.eng.split[0] = j.eng.split[1] = 0;
        fit_plan_job(&a, &j, caps, 1, &p);
        {
                struct fit_gguf_sizes sz;

                fit_gguf_sizes(&a, j.eng.gguf, &sz);
                assert_int_equal(p.g[0].comp[FIT_C_WEIGHTS], sz.layers_total + out);
        }
}

/* llama.cpp b7972 (gg-q25vl-7b-ngl21-*): n_gpu_layers 21 of Qwen2.5-7B's
 * 28 + 1 logs "offloading output layer", "20 repeating layers": decoder
 * layers 8..27 (20 of 28 q8_0 layers of 65536 x 1024 x 34/32 bytes, 1360
 * MiB) and the output layer, whose f32 logits (512 x 152064) and normed
 * input (512 x 3584) make the 304 MiB compute buffer. */
static void test_gguf_ngl_counts_output(void **state)
{
        struct fit_arch a;
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_GGUF, .ctx = 65536, .batch = 1 };
        struct fit_plan p;
        int64_t caps[1] = { 16LL << 30 }, out;

        (void)state;
        fit_engine_defaults(&j.eng);
        fit_arch_from_kb(kb_model_find("Qwen/Qwen2.5-7B"), &a);
        j.eng.ngl = 21, j.eng.kv = FIT_KV_Q8_0, j.eng.flash_attn = true, j.eng.ubatch = 512;
        fit_plan_job(&a, &j, caps, 1, &p);
        assert_int_equal(p.g[0].layers, 20);
        assert_int_equal(p.g[0].first_layer, 8);
        assert_int_equal(p.g[0].comp[FIT_C_KV], 1360LL << 20);
        assert_int_equal(p.g[0].comp[FIT_C_ACT], 512LL * 152064 * 4 + 512LL * 3584 * 4);
        out = fit_gguf_output_bytes(&a, j.eng.gguf);
        for (int64_t l = 8; l < 28; l++)
                out += fit_gguf_layer_bytes(&a, j.eng.gguf, l);
        assert_int_equal(p.g[0].comp[FIT_C_WEIGHTS], out);
}

/* Flash attention, every layer and the output on one GPU: the compute
 * buffer as llama.cpp's own allocator sized it (ggml-alloc with its trace
 * on, llama.cpp of early February 2026, ggml 0.9.5: the copy vendored in
 * elliottzheng/Step-3.5-Flash; a GGUF with the model's shapes and no
 * weights, -ngl 99 on an RPC device, n_ubatch 512, q8_0 K and V, one
 * unified cache), in MiB x 100. The same cast of the f32 KQ mask gives
 * three layouts: the last layer's FFN in the mask's hole and the hidden
 * state above it (64k to 88k: 422), the hidden state in the lowest gap
 * (96k: the cast's own peak, f32 + f16 mask, 316.02), the FFN only partly
 * in the hole (32k: 382.02). The row gg-q25vl-7b-fa-compute logged 422.00
 * at 64k (b7972, ROCm). Within 16 KiB: the runs had M-RoPE's four
 * positions per token. */
static void test_gguf_fa_compute(void **state)
{
        static const struct { const char *model; int64_t ctx, mib100; } runs[] = {
                { "Qwen/Qwen2.5-7B", 32768, 38202 },       { "Qwen/Qwen2.5-7B", 65536, 42200 },
                { "Qwen/Qwen2.5-7B", 81920, 42200 },       { "Qwen/Qwen2.5-7B", 90112, 42200 },
                { "Qwen/Qwen2.5-7B", 98304, 31602 },       { "Qwen/Qwen2.5-7B", 131072, 41202 },
                { "meta-llama/Llama-3.1-8B", 16384, 30652 }, { "meta-llama/Llama-3.1-8B", 65536, 35050 },
        };
        struct fit_arch a;
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_GGUF, .ctx = 65536, .batch = 1 };
        struct fit_plan p;
        int64_t caps[1] = { 16LL << 30 };

        (void)state;
        for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
                int64_t got;

                fit_arch_from_kb(kb_model_find(runs[i].model), &a);
                got = fit_gguf_fa_compute_bytes(&a, runs[i].ctx, 512);
                assert_true(llabs(got - runs[i].mib100 * (1LL << 20) / 100) < 16 << 10);
        }
        /* Skipping the middle layers once they cycle changes nothing, also
         * for deep models and other micro-batches. */
        for (size_t m = 0; m < 3; m++) {
                static const char *const deep[] = { "meta-llama/Llama-3.1-405B",
                                                    "meta-llama/Llama-3.1-70B", "Qwen/Qwen2.5-32B" };

                fit_arch_from_kb(kb_model_find(deep[m]), &a);
                for (int64_t ctx = 4096; ctx <= 262144; ctx *= 4)
                        for (int64_t ub = 128; ub <= 2048; ub *= 4)
                                assert_int_equal(fit_gguf_fa_replay(&a, ctx, ub, true),
                                                 fit_gguf_fa_replay(&a, ctx, ub, false));
        }
        /* Through the plan: all 29 layers on the GPU; with 21 (the output
         * and 20 layers) the live-set rule stays (304 MiB, logged). */
        fit_engine_defaults(&j.eng);
        fit_arch_from_kb(kb_model_find("Qwen/Qwen2.5-7B"), &a);
        j.eng.ngl = 99, j.eng.kv = FIT_KV_Q8_0, j.eng.flash_attn = true, j.eng.ubatch = 512;
        fit_plan_job(&a, &j, caps, 1, &p);
        assert_int_equal(p.g[0].comp[FIT_C_ACT], 422LL << 20);
        j.eng.flash_attn = false;  /* no cast: the live set */
        fit_plan_job(&a, &j, caps, 1, &p);
        assert_int_equal(p.g[0].comp[FIT_C_ACT], 6 * 512LL * 3584 * 4 + 65536LL * 512 * 28 * 4);
}

/* llama.cpp #11200 (build 4462): Qwen2.5-Coder-32B, -ts 10,6 -ngl 99
 * -c 32768, q8_0 K and V: 64 layers of 32768 x 2 x 1024 x 34/32 bytes =
 * 68 MiB; il / 65 < 0.625 for il <= 40, so 41 layers (2788 MiB) on CUDA0
 * and 23 (1564 MiB) on CUDA1, as logged. */
static void test_gguf_tensor_split_kv(void **state)
{
        struct fit_arch a;
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_GGUF, .ctx = 32768, .batch = 1 };
        struct fit_plan p;
        int64_t caps[2] = { 24LL << 30, 24LL << 30 };

        (void)state;
        fit_engine_defaults(&j.eng);
        fit_arch_from_kb(kb_model_find("Qwen/Qwen2.5-32B"), &a);
        j.eng.ngl = 99, j.eng.kv = FIT_KV_Q8_0, j.eng.split[0] = 10, j.eng.split[1] = 6;
        fit_plan_job(&a, &j, caps, 2, &p);
        assert_int_equal(p.g[0].comp[FIT_C_KV], 2788LL << 20);
        assert_int_equal(p.g[1].comp[FIT_C_KV], 1564LL << 20);
}

/* exllamav2's cache_8bit (FP8 e5m2): one byte per K and V value, half of
 * FP16 (Phi-3-mini: 384 KiB per token at FP16, exllamav2 #425, so 192);
 * a 16-bit model's LM head is fp16: 2 bytes x vocab x hidden. */
static void test_exl2_fp8_and_16bit(void **state)
{
        struct fit_arch a;
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_EXL2, .bpw = 16, .ctx = 4096,
                             .batch = 1, .cache = FIT_CACHE_FP8 };
        struct fit_plan p16, p6;
        int64_t caps[1] = { 48LL << 30 };

        (void)state;
        fit_arch_from_kb(kb_model_find("microsoft/Phi-3-mini-4k-instruct"), &a);
        assert_int_equal(a.layers * fit_cache_bytes_per_token_layer(&a, FIT_CACHE_FP8), 192 * 1024);
        assert_int_equal(a.layers * fit_cache_bytes_per_token_layer(&a, FIT_CACHE_FP16), 384 * 1024);
        fit_plan_job(&a, &j, caps, 1, &p16);
        j.bpw = 8;
        fit_plan_job(&a, &j, caps, 1, &p6);
        /* 16 bpw: decoder linears twice 8 bpw's, and the head at 16 bits instead of 6. */
        assert_int_equal(p16.g[0].comp[FIT_C_WEIGHTS] - p6.g[0].comp[FIT_C_WEIGHTS],
                         (int64_t)a.layers * (4 * 3072LL * 3072 + 3 * 3072LL * 8192) +
                                 32064LL * 3072 * 10 / 8);
}

/* Quantized formats size the linear weights; everything else (norms,
 * biases, routers, sinks) stays 16 or 32 bit. For every table model the
 * rest must be a sliver: shared experts or dense layers left out of the
 * linear count (DeepSeek-V3, Llama 4) made it tens of GB. */
static void test_linear_share(void **state)
{
        (void)state;
        for (size_t i = 0; i < kb_model_count(); i++) {
                struct fit_arch a;
                struct fit_params p;
                int64_t rest;

                fit_arch_from_kb(kb_model_at(i), &a);
                fit_count_params(&a, &p);
                rest = p.total - a.layers * p.layer_linear - p.embed - p.lm_head;
                if (rest < 0 || (double)rest > 0.002 * (double)p.total)
                        fail_msg("%s: %lld parameters outside the linears, embeddings and head",
                                 kb_model_at(i)->name, (long long)rest);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ggml_bpw),       cmocka_unit_test(test_q4_k_m),
                cmocka_unit_test(test_mla),            cmocka_unit_test(test_sliding_window),
                cmocka_unit_test(test_vllm),           cmocka_unit_test(test_gguf_placement),
                cmocka_unit_test(test_gguf_tensor_split_kv),
                cmocka_unit_test(test_gguf_ngl_counts_output), cmocka_unit_test(test_gguf_fa_compute),
                cmocka_unit_test(test_exl2_fp8_and_16bit), cmocka_unit_test(test_llama4_scout),
                cmocka_unit_test(test_linear_share), cmocka_unit_test(test_vllm_v1),
                cmocka_unit_test(test_vllm_v0_eager_mlp), cmocka_unit_test(test_vllm_mxfp4_layout),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
