/* test-fit-train.c - the training step's peak walked through backward and
 * each memory saver, against first-principles counts (the published
 * measurements are rows of fit-calibration.tsv); the loading peak; the
 * CUDA context from the knowledge base; the allocator slack. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fit/fit-mem.h"
#include "kb/kb-context.h"
#include "kb/kb-model.h"

#define GiB (1024LL * 1024 * 1024)
#define MiB (1024LL * 1024)

static struct fit_arch arch_of(const char *name)
{
        struct fit_arch a;

        fit_arch_from_kb(kb_model_find(name), &a);
        return a;
}

static int64_t max4(int64_t a, int64_t b, int64_t c, int64_t d)
{
        int64_t m = a > b ? a : b;

        m = m > c ? m : c;
        return m > d ? m : d;
}

static struct fit_plan plan(const struct fit_arch *a, const struct fit_job *j, int n)
{
        int64_t caps[8] = { 80 * GiB, 80 * GiB, 80 * GiB, 80 * GiB, 80 * GiB, 80 * GiB, 80 * GiB, 80 * GiB };
        struct fit_plan p;

        fit_plan_job(a, j, caps, n, &p);
        return p;
}

/* Llama-3.2-1B (tied, 16 layers) full fine-tune on one GPU without
 * checkpointing: each layer's activations A are freed as its gradients
 * g are made, so the step never holds all of both. Held at the loss:
 * L A + logits; in layer i's backward: (i+1) A + head + (L-i) g, largest at
 * the ends; at the step: every gradient. */
static void test_overlap(void **state)
{
        struct fit_arch a = arch_of("Llama-3.2-1B");
        struct fit_job j = { .task = FIT_FULL, .ctx = 2048, .batch = 1, .optim = FIT_ADAMW };
        struct fit_params pp;
        int64_t L = 16, A, logits, g, head, all;
        struct fit_plan p;

        (void)state;
        fit_count_params(&a, &pp);
        A = 2048LL * (16 * 2048 + 3 * 8192) * 2;
        logits = (int64_t)(2048.0 * 128256 * 2.5);
        g = pp.layer * 2, head = 2048 * 2;  /* tied: the head's gradient is the embeddings' */
        all = L * g + head + pp.embed * 2;
        p = plan(&a, &j, 1);
        assert_int_equal(p.g[0].comp[FIT_C_ACT] + p.g[0].comp[FIT_C_GRADS],
                         max4(L * A + logits, L * A + head + g, A + head + L * g, all));
        /* Summing both (the old model) is more than the walk finds. */
        assert_true(p.g[0].comp[FIT_C_ACT] + p.g[0].comp[FIT_C_GRADS] < L * A + logits + all);
        /* Accumulation: the previous micro-batches' gradients are all there. */
        j.grad_accum = 4;
        p = plan(&a, &j, 1);
        assert_int_equal(p.g[0].comp[FIT_C_ACT], L * A + logits);
        assert_int_equal(p.g[0].comp[FIT_C_GRADS], all);
}

/* Optimizer step in backward: one gradient at a time, the largest being
 * the embedding table's (V x h, bf16); paged state: not allocator memory. */
static void test_fused_and_paged(void **state)
{
        struct fit_arch a = arch_of("Llama-3.2-1B");
        struct fit_job j = { .task = FIT_FULL, .ctx = 2048, .batch = 1, .optim = FIT_ADAMW,
                             .act_ckpt = true, .optim_in_bwd = true };
        struct fit_plan p = plan(&a, &j, 1), unfused;

        (void)state;
        j.optim_in_bwd = false;
        unfused = plan(&a, &j, 1);
        j.optim_in_bwd = true;
        /* Unfused, the step holds every gradient (2 B x 1.24 B params), more
         * than the checkpointed activations and logits; fused, the peak is
         * the loss's, with at most the embedding table's gradient. */
        assert_int_equal(unfused.g[0].comp[FIT_C_GRADS], 2 * 1235814400LL);
        assert_true(p.g[0].comp[FIT_C_GRADS] <= 128256LL * 2048 * 2);
        assert_true(p.g[0].total < unfused.g[0].total - 1235814400LL);
        assert_int_equal(p.g[0].comp[FIT_C_OPTIM], 4 * 1235814400LL);
        j.paged_optim = true;
        p = plan(&a, &j, 1);
        assert_int_equal(p.g[0].comp[FIT_C_OPTIM], 0);
}

/* Offloading keeps two checkpointed layer inputs on the GPU instead of L;
 * compile keeps 74 % of a layer's eager activations; a packed batch
 * through SDPA adds its b x s x s boolean mask. */
static void test_offload_compile_packed(void **state)
{
        struct fit_arch a = arch_of("Llama-3.2-3B");
        struct fit_job j = { .task = FIT_LORA, .ctx = 4096, .batch = 2, .rank = 8, .act_ckpt = true };
        int64_t in = 8192LL * 3072 * 2, layer = 8192LL * (16 * 3072 + 3 * 8192) * 2;
        int64_t act = plan(&a, &j, 1).g[0].comp[FIT_C_ACT];

        (void)state;
        j.act_offload = true;
        assert_int_equal(act - plan(&a, &j, 1).g[0].comp[FIT_C_ACT], (28 - 2) * in);
        j = (struct fit_job){ .task = FIT_LORA, .ctx = 4096, .batch = 2, .rank = 8, .fp32_loss = true };
        act = plan(&a, &j, 1).g[0].comp[FIT_C_ACT];
        j.compile = true;  /* layers x 0.74; the fused loss keeps 10 instead of 14 B a logit */
        assert_int_equal(act - plan(&a, &j, 1).g[0].comp[FIT_C_ACT],
                         28 * layer - 28 * (int64_t)((double)layer * 0.74) +
                                 (int64_t)(8192.0 * 128256 * 14) - (int64_t)(8192.0 * 128256 * 10));
        j.compile = false;
        j.packed = FIT_PACKED_SDPA;
        assert_int_equal(plan(&a, &j, 1).g[0].comp[FIT_C_ACT] - act, 2LL * 4096 * 4096);
        j.packed = FIT_PACKED_FLEX;  /* flex attention's block mask is negligible */
        assert_int_equal(plan(&a, &j, 1).g[0].comp[FIT_C_ACT], act);
}

/* FSDP: the root unit (embeddings and untied head, 2 x 128256 x 4096 bf16)
 * stays gathered; wrapped as units of their own, only one is at a time. */
static void test_fsdp_root(void **state)
{
        struct fit_arch a = arch_of("Meta-Llama-3-8B");
        struct fit_job j = { .task = FIT_FULL, .ctx = 2048, .batch = 1, .act_ckpt = true };
        int64_t w = plan(&a, &j, 8).g[0].comp[FIT_C_WEIGHTS];

        (void)state;
        j.fsdp_wrap_root = true;
        assert_int_equal(w - plan(&a, &j, 8).g[0].comp[FIT_C_WEIGHTS], 128256LL * 4096 * 2);
        assert_int_equal(w, plan(&a, &j, 1).g[0].comp[FIT_C_WEIGHTS] / 8 + 2 * (218103808LL + 8192) * 2 +
                                    2 * 128256LL * 4096 * 2);
}

/* Loading: torchtune's QLoRA builds each layer in bf16 before quantizing
 * it; from_pretrained without a dtype holds fp32 weights before the cast,
 * which can fail where the step fits, and "fits" says so. */
static void test_load_peak(void **state)
{
        struct fit_arch a = arch_of("Meta-Llama-3-8B");
        struct fit_job j = { .task = FIT_QLORA, .ctx = 2048, .batch = 1, .rank = 8, .act_ckpt = true };
        struct fit_plan p = plan(&a, &j, 1);
        int64_t caps[1] = { 24 * GiB };

        (void)state;
        assert_int_equal(p.load_peak, p.g[0].comp[FIT_C_WEIGHTS] + 218103808LL * 2 +
                                              p.g[0].comp[FIT_C_CONTEXT]);
        j = (struct fit_job){ .task = FIT_LORA, .ctx = 512, .batch = 1, .rank = 8, .act_ckpt = true };
        fit_plan_job(&a, &j, caps, 1, &p);
        assert_true(p.fits);
        j.load_fp32 = true;
        fit_plan_job(&a, &j, caps, 1, &p);
        assert_true(p.g[0].total < caps[0]);
        assert_true(p.load_peak > caps[0]);  /* 4 B x 8.03 B parameters */
        assert_false(p.fits);
}

/* The knowledge base's rows: CUDA 13 on Hopper 700 MiB (issue 17's H200),
 * lazy loading 11.7-12.x 500 MiB, eager before 11.7 1000 MiB; a CUDA
 * version no row covers gives none, and the job keeps the default. */
static void test_context(void **state)
{
        struct fit_arch a = arch_of("Llama-3.2-1B");
        struct fit_job j = { .task = FIT_INFER, .engine = FIT_HF, .ctx = 1024, .batch = 1 };

        (void)state;
        assert_int_equal(kb_context_find("13.0", "9.0")->mib, 700);
        assert_int_equal(kb_context_find("13.0", "10.0")->mib, 700);
        assert_int_equal(kb_context_find("13.0", "8.9")->mib, 600);
        assert_int_equal(kb_context_find("12.4", "8.6")->mib, 500);
        assert_int_equal(kb_context_find("12.8", NULL)->mib, 500);
        assert_int_equal(kb_context_find("11.3", "7.0")->mib, 1000);
        assert_null(kb_context_find("14.0", "9.0"));
        assert_null(kb_context_find("x", "9.0"));
        assert_int_equal(plan(&a, &j, 1).g[0].comp[FIT_C_CONTEXT], fit_context_default());
        j.context_bytes = 700 * MiB;
        assert_int_equal(plan(&a, &j, 1).g[0].comp[FIT_C_CONTEXT], 700 * MiB);
}

/* The slack is a range beside the total: a share of the transient memory
 * for training and transformers, none for exllamav2's fixed buffers. */
static void test_slack(void **state)
{
        struct fit_arch a = arch_of("Llama-3.2-1B");
        struct fit_job j = { .task = FIT_LORA, .ctx = 2048, .batch = 4, .rank = 8 };
        struct fit_plan p = plan(&a, &j, 1);

        (void)state;
        assert_int_equal(p.slack_max, (int64_t)((double)(p.g[0].comp[FIT_C_ACT] +
                                                         p.g[0].comp[FIT_C_GRADS]) * 0.35));
        j = (struct fit_job){ .task = FIT_INFER, .engine = FIT_EXL2, .bpw = 4, .ctx = 8192, .batch = 1 };
        assert_int_equal(plan(&a, &j, 1).slack_max, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_overlap),   cmocka_unit_test(test_fused_and_paged),
                cmocka_unit_test(test_offload_compile_packed), cmocka_unit_test(test_fsdp_root),
                cmocka_unit_test(test_load_peak), cmocka_unit_test(test_context),
                cmocka_unit_test(test_slack),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
