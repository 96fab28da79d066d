/* test-fit-arch.c - parameter counts from the architecture (every model of
 * src/kb/models.tsv against its published count) and the config.json and
 * safetensors-index parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fit/fit-arch.h"
#include "kb/kb-model.h"
#include "util/cleanup.h"

/* "8.03B" covers counts within half a unit of its last digit. */
static void assert_rounds_to(int64_t n, const char *label)
{
        const char *dot = strchr(label, '.');
        int decimals = dot ? (int)(strchr(label, 'B') - dot - 1) : 0;
        double half = 0.5, v = strtod(label, NULL) * 1e9, got = (double)n;

        for (int i = 0; i < decimals; i++)
                half /= 10;
        if (got < v - half * 1e9 || got > v + half * 1e9)
                fail_msg("%lld parameters do not round to %s", (long long)n, label);
}

static void test_every_model_count(void **state)
{
        (void)state;
        assert_true(kb_model_count() >= 20);
        for (size_t i = 0; i < kb_model_count(); i++) {
                const struct kb_model *m = kb_model_at(i);
                struct fit_arch a;
                struct fit_params p;

                fit_arch_from_kb(m, &a);
                fit_count_params(&a, &p);
                if (p.total != m->params)
                        fail_msg("%s: counted %lld, published %lld", m->name, (long long)p.total,
                                 (long long)m->params);
                assert_rounds_to(p.total, m->params_published);
                assert_true(p.active <= p.total);
        }
}

/* Hand calculations of the pieces for Llama-3-8B and the MoE cases. */
static void test_breakdown(void **state)
{
        struct fit_arch a;
        struct fit_params p;

        (void)state;
        fit_arch_from_kb(kb_model_find("meta-llama/Meta-Llama-3-8B"), &a);
        fit_count_params(&a, &p);
        assert_int_equal(p.embed, 128256LL * 4096);
        assert_int_equal(p.lm_head, 128256LL * 4096);
        /* q 4096x4096, k/v 4096x1024, o 4096x4096, MLP 3 x 4096x14336, 2 norms */
        assert_int_equal(p.layer, 2 * 4096LL * 4096 + 2 * 4096LL * 1024 + 3 * 4096LL * 14336 + 2 * 4096);
        assert_int_equal(p.layer_linear, p.layer - 2 * 4096);
        assert_int_equal(p.largest_linear, 4096LL * 14336);
        assert_int_equal(p.active, p.total);

        /* Mixtral: all 8 experts resident, 2 active; Qwen3-30B-A3B 128 and 8. */
        fit_arch_from_kb(kb_model_find("Mixtral-8x7B"), &a);
        fit_count_params(&a, &p);
        assert_int_equal(p.total, 46702792704LL);
        assert_int_equal(p.total - p.active, 32LL * 6 * 3 * 4096 * 14336);
        fit_arch_from_kb(kb_model_find("qwen/qwen3-30b-a3b"), &a);
        fit_count_params(&a, &p);
        assert_int_equal(p.total - p.active, 48LL * 120 * 3 * 2048 * 768);
        assert_true(p.active > 3000000000LL && p.active < 3400000000LL);  /* "3.3B active" */
}

static void test_find(void **state)
{
        (void)state;
        assert_string_equal(kb_model_find("META-LLAMA/meta-llama-3-8b")->name, "Meta-Llama-3-8B");
        assert_string_equal(kb_model_find("Qwen2.5-72B")->repo, "Qwen/Qwen2.5-72B");
        assert_null(kb_model_find("meta-llama/Llama-9-1T"));
        assert_null(kb_model_find(NULL));
}

/* config.json text for a table model, written the way its repo writes it. */
static char *config_of(const struct kb_model *m)
{
        char *s = NULL, hd[32] = "", tie[40] = "", moe[160] = "", mla[320] = "";
        bool ds = m->kv_lora_rank > 0;

        if (m->head_dim * m->heads != m->hidden)
                snprintf(hd, sizeof(hd), "\"head_dim\": %d, ", m->head_dim);
        if (strcmp(m->model_type, "gemma2"))  /* Gemma-2 omits it (default true) */
                snprintf(tie, sizeof(tie), "\"tie_word_embeddings\": %s, ",
                         m->tied ? "true" : "false");
        if (m->experts)
                snprintf(moe, sizeof(moe), "\"%s\": %d, \"num_experts_per_tok\": %d, "
                         "\"moe_intermediate_size\": %d, ",
                         ds ? "n_routed_experts"
                         : strcmp(m->model_type, "mixtral") && strcmp(m->model_type, "gpt_oss")
                                 ? "num_experts" : "num_local_experts",
                         m->experts, m->experts_per_tok, m->moe_intermediate);
        if (ds)  /* DeepSeek-V3's config.json: MLA and its MoE layout */
                snprintf(mla, sizeof(mla), "\"kv_lora_rank\": %d, \"q_lora_rank\": %d, "
                         "\"qk_rope_head_dim\": %d, \"qk_nope_head_dim\": %d, \"v_head_dim\": %d, "
                         "\"n_shared_experts\": %d, \"first_k_dense_replace\": %d, "
                         "\"topk_method\": \"noaux_tc\", ", m->kv_lora_rank, m->q_lora_rank,
                         m->qk_rope_head_dim, m->qk_nope_head_dim, m->v_head_dim, m->shared_experts,
                         m->first_dense);
        assert_true(asprintf(&s, "{\"model_type\": \"%s\", \"hidden_size\": %d, "
                             "\"intermediate_size\": %d, \"num_hidden_layers\": %d, "
                             "\"num_attention_heads\": %d, \"num_key_value_heads\": %d, %s%s%s%s"
                             "\"vocab_size\": %d, \"max_position_embeddings\": %d, "
                             "\"torch_dtype\": \"%s\"}",
                             m->model_type, m->hidden, m->intermediate, m->layers, m->heads,
                             m->kv_heads, ds ? "" : hd, tie, moe, mla, m->vocab, m->max_pos,
                             m->dtype) > 0);
        return s;
}

static void test_config_every_model(void **state)
{
        (void)state;
        for (size_t i = 0; i < kb_model_count(); i++) {
                const struct kb_model *m = kb_model_at(i);
                _cleanup_free_ char *text = config_of(m);
                _cleanup_free_ char *err = NULL;
                struct fit_arch a;
                struct fit_params p;

                if (fit_config_parse(text, strlen(text), &a, &err) < 0)
                        fail_msg("%s: %s", m->name, err);
                fit_count_params(&a, &p);
                if (p.total != m->params)
                        fail_msg("%s from config.json: counted %lld, published %lld", m->name,
                                 (long long)p.total, (long long)m->params);
        }
}

static void test_config_errors(void **state)
{
        static const struct {
                const char *json, *want;
        } cases[] = {
                { "{", "not valid JSON" },
                { "[1]", "not a JSON object" },
                { "{\"hidden_size\": 4096}", "'model_type' is missing" },
                { "{\"model_type\": \"bert\"}", "'model_type' is 'bert'" },
                { "{\"model_type\": \"llama\", \"hidden_size\": \"4096\"}", "'hidden_size' is not an integer" },
                { "{\"model_type\": \"llama\", \"hidden_size\": 4096}", "'num_hidden_layers' is missing" },
                { "{\"model_type\": \"llama\", \"hidden_size\": 4096, \"num_hidden_layers\": 32, "
                  "\"num_attention_heads\": 32, \"vocab_size\": 0, \"intermediate_size\": 1}",
                  "'vocab_size' is 0" },
                { "{\"model_type\": \"llama\", \"hidden_size\": 4096, \"num_hidden_layers\": 32, "
                  "\"num_attention_heads\": 32, \"vocab_size\": 9, \"intermediate_size\": 1, "
                  "\"num_key_value_heads\": 5}", "'num_key_value_heads' (5) does not divide" },
                { "{\"model_type\": \"llama\", \"hidden_size\": 4097, \"num_hidden_layers\": 32, "
                  "\"num_attention_heads\": 32, \"vocab_size\": 9, \"intermediate_size\": 1}",
                  "'head_dim' is missing" },
                { "{\"model_type\": \"llama\", \"hidden_size\": 4096, \"num_hidden_layers\": 32, "
                  "\"num_attention_heads\": 32, \"vocab_size\": 9, \"intermediate_size\": 1, "
                  "\"tie_word_embeddings\": 1}", "'tie_word_embeddings' is not true or false" },
                { "{\"model_type\": \"llama\", \"hidden_size\": 4096, \"num_hidden_layers\": 32, "
                  "\"num_attention_heads\": 32, \"vocab_size\": 9, \"intermediate_size\": 1, "
                  "\"torch_dtype\": \"int8\"}", "'torch_dtype' is 'int8'" },
                { "{\"model_type\": \"mixtral\", \"hidden_size\": 4096, \"num_hidden_layers\": 32, "
                  "\"num_attention_heads\": 32, \"vocab_size\": 9, \"intermediate_size\": 1, "
                  "\"num_local_experts\": 8}", "'num_experts_per_tok' is missing" },
                { "{\"model_type\": \"llama\", \"hidden_size\": 99999999999}", "'hidden_size' is 99999999999" },
                { "{\"model_type\": \"mixtral\", \"hidden_size\": 10000000, \"num_hidden_layers\": 9, "
                  "\"num_attention_heads\": 1, \"vocab_size\": 9, \"intermediate_size\": 10000000, "
                  "\"num_local_experts\": 10000000, \"num_experts_per_tok\": 1}", "more than 10^15" },
                { "{\"model_type\": \"deepseek_v3\", \"hidden_size\": 64, \"num_hidden_layers\": 1, "
                  "\"num_attention_heads\": 1, \"vocab_size\": 9, \"intermediate_size\": 1, "
                  "\"qk_rope_head_dim\": 64, \"qk_nope_head_dim\": 64, \"v_head_dim\": 64}",
                  "'kv_lora_rank' is missing" },
                { "{\"model_type\": \"mamba\"}", "llama4)" },
        };
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                _cleanup_free_ char *err = NULL;
                struct fit_arch a;

                assert_int_equal(fit_config_parse(cases[i].json, strlen(cases[i].json), &a, &err), -1);
                if (!err || !strstr(err, cases[i].want))
                        fail_msg("case %zu: got '%s', want '%s'", i, err ? err : "(null)", cases[i].want);
        }
}

static void test_index(void **state)
{
        static const char good[] = "{\"metadata\": {\"total_size\": 16060522496}, \"weight_map\": {}}";
        int64_t n = 0;
        char *err = NULL;

        (void)state;
        assert_int_equal(fit_index_parse(good, strlen(good), &n, &err), 0);
        assert_int_equal(n, 16060522496LL);  /* Llama-3-8B: 8030261248 x 2 */
        assert_int_equal(fit_index_parse("{\"metadata\": {}}", 16, &n, &err), -1);
        assert_non_null(strstr(err, "metadata.total_size"));
        free(err);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_model_count),  cmocka_unit_test(test_breakdown),
                cmocka_unit_test(test_find),               cmocka_unit_test(test_config_every_model),
                cmocka_unit_test(test_config_errors),      cmocka_unit_test(test_index),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
