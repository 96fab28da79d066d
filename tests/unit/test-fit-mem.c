/* test-fit-mem.c - each memory component of the fit model against a hand
 * calculation, and the layer placement across GPUs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fit/fit-mem.h"
#include "kb/kb-model.h"

#define GiB (1024LL * 1024 * 1024)
#define MiB (1024LL * 1024)
#define CTX_BYTES (500 * MiB)  /* CUDA_CONTEXT_BYTES of fit-mem.c */

static struct fit_arch arch_of(const char *name)
{
        struct fit_arch a;

        fit_arch_from_kb(kb_model_find(name), &a);
        return a;
}

/* turboderp, exllamav2 #425: Phi-3-mini is 384 KiB/token FP16, 108 KiB Q4. */
static void test_cache_formats(void **state)
{
        struct fit_arch a = arch_of("Phi-3-mini-4k");

        (void)state;
        assert_int_equal(a.layers * fit_cache_bytes_per_token_layer(&a, FIT_CACHE_FP16), 384 * 1024);
        assert_int_equal(a.layers * fit_cache_bytes_per_token_layer(&a, FIT_CACHE_Q4), 108 * 1024);
        /* Q8: 1 byte a value + fp16 scale per 32: 2.125 K d; Q6: 1.625 K d. */
        assert_int_equal(fit_cache_bytes_per_token_layer(&a, FIT_CACHE_Q8), 2125 * 32 * 96 / 1000);
        assert_int_equal(fit_cache_bytes_per_token_layer(&a, FIT_CACHE_Q6), 1625 * 32 * 96 / 1000);
}

static void test_lora_params(void **state)
{
        struct fit_arch a = arch_of("Meta-Llama-3-8B");

        (void)state;
        /* q (4096+4096) + v (4096+1024) + o (4096+4096) + MLP 3 x (4096+14336), rank 8, 32 layers */
        assert_int_equal(fit_lora_params(&a, 8, FIT_LORA_ATTN_MLP), 32LL * 8 * (8192 + 5120 + 8192 + 3 * 18432));
        a = arch_of("Mixtral-8x7B");  /* experts are not adapted */
        assert_int_equal(fit_lora_params(&a, 16, FIT_LORA_ATTN_MLP), 32LL * 16 * (8192 + 5120 + 8192));
        /* q and v only: (4096+4096) + (4096+1024) per layer. */
        assert_int_equal(fit_lora_params(&a, 16, FIT_LORA_QV), 32LL * 16 * (8192 + 5120));
}

static void test_activations(void **state)
{
        struct fit_arch a = arch_of("Meta-Llama-3-8B");
        struct fit_job j = { .task = FIT_LORA, .ctx = 2048, .batch = 4 };
        int64_t tokens = 8192, layer = tokens * (16 * 4096 + 3 * 14336) * 2;

        (void)state;
        assert_int_equal(fit_train_activations(&a, &j), 32 * layer);
        j.act_ckpt = true;
        assert_int_equal(fit_train_activations(&a, &j), 32 * tokens * 4096 * 2 + layer);
        assert_int_equal(fit_train_logits(&a, &j), tokens * 128256 * 5 / 2);
        /* bitsandbytes QLoRA keeps each quantized linear's input: + 2 h + I. */
        j = (struct fit_job){ .task = FIT_QLORA, .nf4 = FIT_NF4_BNB, .ctx = 2048, .batch = 4 };
        assert_int_equal(fit_train_activations(&a, &j), 32 * tokens * (18 * 4096 + 4 * 14336) * 2);
        j.act_ckpt = true;  /* only the recomputed layer has them */
        assert_int_equal(fit_train_activations(&a, &j),
                         32 * tokens * 4096 * 2 + tokens * (18 * 4096 + 4 * 14336) * 2);
        j.nf4 = FIT_NF4_TORCHAO;  /* torchao's NF4 linear keeps nothing extra */
        assert_int_equal(fit_train_activations(&a, &j), 32 * tokens * 4096 * 2 + layer);
}

static void test_exl2_one_gpu(void **state)
{
        struct fit_arch a = arch_of("Meta-Llama-3-8B");
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_EXL2, .bpw = 4.0, .ctx = 8192,
                             .batch = 1, .cache = FIT_CACHE_FP16 };
        int64_t caps[2] = { 24 * GiB, 24 * GiB }, layer_w = 218103808 / 2 + 2 * 4096 * 2;  /* 4 bits; fp16 norms */
        struct fit_plan p;

        (void)state;
        fit_plan_job(&a, &j, caps, 2, &p);
        assert_true(p.fits);
        assert_int_equal(p.g[0].layers, 32);  /* autosplit fills GPU 0 first */
        assert_false(p.g[1].used);
        assert_int_equal(p.g[0].comp[FIT_C_WEIGHTS], 32 * layer_w + 128256LL * 4096 * 6 / 8 + 4096 * 2);
        assert_int_equal(p.g[0].comp[FIT_C_KV], 32LL * 8192 * 4 * 1024);  /* 1 GiB */
        assert_int_equal(p.g[0].comp[FIT_C_CONTEXT], CTX_BYTES);
        assert_int_equal(p.g[0].comp[FIT_C_RESERVE], 192 * MiB);
        /* Q4 cache: 1.125 K d per token-layer + one fp16 K and V buffer. */
        j.cache = FIT_CACHE_Q4;
        fit_plan_job(&a, &j, caps, 2, &p);
        assert_int_equal(p.g[0].comp[FIT_C_KV], 32LL * 8192 * 1152 + 2LL * 8192 * 1024 * 2);
        /* Matmul attention: fp16 scores and softmax, 32 heads x 2048 x 8192. */
        int64_t act = p.g[0].comp[FIT_C_ACT];
        j.matmul_attn = true;
        fit_plan_job(&a, &j, caps, 2, &p);
        assert_int_equal(p.g[0].comp[FIT_C_ACT] - act, 2LL * 32 * 2048 * 8192 * 2);
}

static void test_exl2_split(void **state)
{
        struct fit_arch a = arch_of("Meta-Llama-3-70B");
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_EXL2, .bpw = 4.0, .ctx = 8192,
                             .batch = 1, .cache = FIT_CACHE_FP16 };
        int64_t caps[4] = { 22 * GiB, 22 * GiB, 22 * GiB, 22 * GiB };
        struct fit_plan p;
        int layers = 0;

        (void)state;
        fit_plan_job(&a, &j, caps, 4, &p);
        assert_true(p.fits);
        for (int i = 0; i < 4; i++) {
                layers += p.g[i].layers;
                assert_true(p.g[i].total <= caps[i]);
        }
        assert_int_equal(layers, 80);
        assert_int_equal(p.g[1].first_layer, p.g[0].layers);
        fit_plan_job(&a, &j, caps, 1, &p);  /* 35 GB of weights on one 22 GiB card */
        assert_false(p.fits);
        assert_int_equal(p.g[0].layers, 80);
        assert_true(p.g[0].total > caps[0]);
}

static void test_train_fsdp(void **state)
{
        struct fit_arch a = arch_of("Meta-Llama-3-8B");
        struct fit_job j = { .task = FIT_FULL, .ctx = 2048, .batch = 1, .act_ckpt = true,
                             .optim = FIT_ADAMW };
        int64_t caps[8], P = 8030261248LL, layer = 218103808LL + 2 * 4096;
        int64_t root = 2 * 128256LL * 4096 * 2;  /* embeddings + LM head, gathered, bf16 */
        struct fit_plan p;

        (void)state;
        for (int i = 0; i < 8; i++)
                caps[i] = 24 * GiB;
        fit_plan_job(&a, &j, caps, 8, &p);
        assert_int_equal(p.nproc, 8);
        assert_int_equal(p.g[7].comp[FIT_C_WEIGHTS], 2 * P / 8 + 2 * layer * 2 + root);
        /* The peak is in the first layer's backward (fit-train.c): every
         * other layer's and the head's gradient shards are made, the
         * embeddings' not yet; that layer is being recomputed and its
         * unsharded gradients reduce-scattered. */
        assert_int_equal(p.g[7].comp[FIT_C_GRADS], layer * 2 + (128256LL * 4096 + 4096) * 2 / 8 +
                                                           32 * (layer * 2 / 8));
        assert_int_equal(p.g[7].comp[FIT_C_ACT], 2048LL * (16 * 4096 + 3 * 14336) * 2 + 2048LL * 4096 * 2);
        assert_int_equal(p.g[7].comp[FIT_C_OPTIM], 4 * P / 8);
        assert_int_equal(p.g[7].comp[FIT_C_CONTEXT], CTX_BYTES + 400 * MiB);
        j.optim = FIT_ADAMW8BIT;
        fit_plan_job(&a, &j, caps, 8, &p);
        /* one byte a moment, an fp32 absmax per 256, and the largest shard's
         * two moments in fp32 while it is stepped */
        assert_int_equal(p.g[0].comp[FIT_C_OPTIM], 2 * P / 8 + P * 2 * 4 / 256 / 8 +
                                                           128256LL * 4096 * 2 / 8 / 2 * 8);
        j.optim = FIT_CPU_OFFLOAD;  /* FSDP CPU offload: only gathered layers stay */
        fit_plan_job(&a, &j, caps, 8, &p);
        assert_int_equal(p.g[0].comp[FIT_C_WEIGHTS], 2 * layer * 2 + root);
        assert_int_equal(p.g[0].comp[FIT_C_GRADS], layer * 2);  /* being reduce-scattered */
        assert_int_equal(p.g[0].comp[FIT_C_OPTIM], 0);
        fit_plan_job(&a, &j, caps, 1, &p);  /* one GPU: 8 B/param, 64 GB */
        j.optim = FIT_ADAMW;
        fit_plan_job(&a, &j, caps, 1, &p);
        assert_false(p.fits);
        assert_int_equal(p.g[0].comp[FIT_C_WEIGHTS] + p.g[0].comp[FIT_C_OPTIM], 6 * P);
        assert_true(p.g[0].comp[FIT_C_GRADS] <= 2 * P);
}

static void test_qlora_weights(void **state)
{
        struct fit_arch a = arch_of("Meta-Llama-3-8B");
        struct fit_job j = { .task = FIT_QLORA, .ctx = 2048, .batch = 1, .rank = 8,
                             .optim = FIT_ADAMW };
        int64_t caps[1] = { 24 * GiB }, linear = 32 * 218103808LL, P = 8030261248LL;
        int64_t lora = fit_lora_params(&a, 8, FIT_LORA_ATTN_MLP);
        struct fit_plan p;

        (void)state;
        fit_plan_job(&a, &j, caps, 1, &p);
        /* NF4 linears (0.5 + 1/64 + 1/4096 B), the rest bf16, adapters bf16 */
        assert_int_equal(p.g[0].comp[FIT_C_WEIGHTS],
                         (int64_t)((double)linear * (0.5 + 1.0 / 64 + 4.0 / 16384)) +
                                 (P - linear) * 2 + lora * 2);
        assert_true(p.g[0].comp[FIT_C_GRADS] <= lora * 2);  /* made in backward */
        assert_int_equal(p.g[0].comp[FIT_C_OPTIM], lora * 4);
        assert_true(p.fits);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cache_formats), cmocka_unit_test(test_lora_params),
                cmocka_unit_test(test_activations),   cmocka_unit_test(test_exl2_one_gpu),
                cmocka_unit_test(test_exl2_split),    cmocka_unit_test(test_train_fsdp),
                cmocka_unit_test(test_qlora_weights),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
