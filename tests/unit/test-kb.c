/* test-kb.c - the CUDA, torch, architecture and GPU tables generated from
 * the src/kb TSV files and their lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kb/kb-tables.h"
#include "kb/kb.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/versions.h"

static void test_cuda_find(void **state)
{
        static const char *const forms[] = { "12.1", "12.1.105", "12.1.1" };
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(forms); i++) {
                const struct kb_cuda *c = kb_cuda_find(forms[i]);

                assert_non_null(c);
                assert_string_equal(c->version, "12.1");
                assert_string_equal(c->min_driver, "530.30.02");
                assert_string_equal(c->minor_compat_driver, "525.60.13");
        }
        assert_non_null(kb_cuda_find("11.8"));
        assert_null(kb_cuda_find("12"));
        assert_null(kb_cuda_find("99.9"));
        assert_null(kb_cuda_find(""));
        assert_null(kb_cuda_find(NULL));
        assert_null(kb_cuda_find("12.10"));  /* not a prefix match of 12.1 */
}

static void test_cuda_max_for_driver(void **state)
{
        (void)state;
        assert_string_equal(kb_cuda_max_for_driver("535.161.08")->version, "12.2");
        assert_string_equal(kb_cuda_max_for_driver("530.30.02")->version, "12.1");
        assert_string_equal(kb_cuda_max_for_driver("525.60.13")->version, "12.0");
        assert_null(kb_cuda_max_for_driver("400.00"));
        assert_null(kb_cuda_max_for_driver(NULL));
}

/* Versions strictly ascending (kb_cuda_at order is what `dlrig kb cuda`
 * prints) and every row sourced. */
static void test_cuda_table(void **state)
{
        (void)state;
        assert_true(kb_cuda_count() > 20);
        for (size_t i = 0; i < kb_cuda_count(); i++) {
                const struct kb_cuda *c = kb_cuda_at(i);

                assert_true(c->source && *c->source);
                assert_true(c->min_driver && *c->min_driver);
                if (i)
                        assert_true(version_cmp(kb_cuda_at(i - 1)->version, c->version) < 0);
        }
        assert_null(kb_cuda_at(kb_cuda_count()));
}

static void test_torch_find(void **state)
{
        static const char *const want[] = { "cu118", "cu121", "cu124", "cpu" };
        const struct kb_torch *t = kb_torch_find("2.5.1");
        const struct kb_torch_variant *v;
        size_t n = 0;

        (void)state;
        assert_non_null(t);
        assert_string_equal(t->python_min, "3.9");
        assert_string_equal(t->torchvision, "0.20.1");
        assert_string_equal(t->torchaudio, "2.5.1");
        assert_string_equal(t->default_variant, "cu124");
        assert_ptr_equal(kb_torch_find("2.5.1+cu121"), t);
        assert_null(kb_torch_find("2.5"));
        assert_null(kb_torch_find("9.9.9"));
        assert_null(kb_torch_find(NULL));
        for (; (v = kb_torch_variant_nth("2.5.1", n)); n++) {
                assert_string_equal(v->torch, "2.5.1");
                assert_true(strstr(v->index_url, v->variant) != NULL);
        }
        assert_int_equal(n, ARRAY_SIZE(want));
        for (size_t i = 0; i < ARRAY_SIZE(want); i++)
                assert_non_null(kb_torch_variant_find("2.5.1", want[i]));
        assert_string_equal(kb_torch_variant_find("2.5.1", NULL)->variant, "cu124");
        assert_string_equal(kb_torch_variant_find("2.5.1+cpu", "cu121")->variant, "cu121");
        assert_null(kb_torch_variant_find("2.5.1", "cu999"));
        assert_null(kb_torch_variant_find("9.9.9", NULL));
        assert_null(kb_torch_variant_nth(NULL, 0));
}

/* Releases before 2.0, with their companions and wheels (torchvision's
 * compatibility table, RELEASE.md). */
static void test_torch_old(void **state)
{
        const struct kb_torch *t = kb_torch_find("1.10.1+cu111");

        (void)state;
        assert_non_null(t);
        assert_string_equal(t->python_min, "3.6");
        assert_string_equal(t->python_max, "3.9");
        assert_string_equal(t->torchvision, "0.11.2");
        assert_string_equal(t->torchaudio, "0.10.1");
        assert_string_equal(t->default_variant, "cu102");
        assert_false(kb_torch_variant_runs_on(kb_torch_variant_find("1.10.1", "cu102"), "8.6"));
        assert_true(kb_torch_variant_runs_on(kb_torch_variant_find("1.10.1", "cu111"), "8.6"));
        assert_false(kb_torch_variant_runs_on(kb_torch_variant_find("1.13.1", "cu117"), "9.0"));
        for (const char *const *v = (const char *const[]){ "1.8.0", "1.9.1", "1.11.0", "1.12.1",
                                                           "1.13.0", NULL }; *v; v++)
                assert_non_null(kb_torch_find(*v));
        assert_string_equal(kb_torch_find("1.13.1")->default_variant, "cu117");
        assert_string_equal(kb_torch_find("1.12.0")->python_max, "3.10");
}

/* Pre-releases are judged as their series: a nightly, NGC's builds, an rc;
 * a series the table lacks stays unknown, and so does an unknown patch. */
static void test_torch_prerelease(void **state)
{
        (void)state;
        assert_ptr_equal(kb_torch_find("2.6.0.dev20241112+cu124"), kb_torch_find("2.6.0"));
        assert_ptr_equal(kb_torch_find("2.6.0.dev20241112"), kb_torch_find("2.6.0"));
        assert_ptr_equal(kb_torch_find("2.5.0a0+872d972e41.nv24.10"), kb_torch_find("2.5.0"));
        assert_ptr_equal(kb_torch_find("2.4.0rc1"), kb_torch_find("2.4.0"));
        assert_ptr_equal(kb_torch_find("2.8.1a0"), kb_torch_find("2.8.0")); /* no 2.8.1: its series */
        assert_null(kb_torch_find("2.99.0.dev20300101"));
        assert_null(kb_torch_find("2.5.3"));
        assert_string_equal(kb_torch_prerelease("2.6.0.dev20241112+cu124"), "a nightly");
        assert_string_equal(kb_torch_prerelease("2.5.0a0+872d972e41.nv24.10"), "an NVIDIA NGC build");
        assert_string_equal(kb_torch_prerelease("2.4.0rc1"), "a pre-release");
        assert_null(kb_torch_prerelease("2.5.1+cu124"));
        assert_null(kb_torch_prerelease("2.5.1"));
        assert_null(kb_torch_prerelease(NULL));
}

static void test_torch_runs_on(void **state)
{
        static const struct kb_torch_variant fake = {
                .torch = "0", .variant = "x", .index_url = "u", .source = "s",
                .archs = "sm_80 sm_90 compute_90",
        };
        static const struct kb_torch_variant sm_only = {
                .torch = "0", .variant = "y", .index_url = "u", .source = "s",
                .archs = "sm_80 sm_86 sm_90",
        };
        (void)state;
        assert_true(kb_torch_variant_runs_on(&sm_only, "8.6"));   /* exact sm_86 */
        assert_true(kb_torch_variant_runs_on(&sm_only, "8.9"));   /* sm_80/86 binary */
        assert_true(kb_torch_variant_runs_on(&sm_only, "9.0"));
        assert_false(kb_torch_variant_runs_on(&sm_only, "12.0")); /* needs sm_120 or PTX */
        assert_false(kb_torch_variant_runs_on(&sm_only, "7.5"));  /* no older binary runs */
        assert_true(kb_torch_variant_runs_on(&fake, "12.0"));     /* PTX compute_90 JITs */
        assert_true(kb_torch_variant_runs_on(&fake, "10.0"));
        assert_false(kb_torch_variant_runs_on(&fake, "7.0"));
        assert_false(kb_torch_variant_runs_on(&sm_only, "garbage"));
        assert_false(kb_torch_variant_runs_on(&sm_only, NULL));
        assert_false(kb_torch_variant_runs_on(NULL, "8.6"));
        assert_false(kb_torch_variant_runs_on(kb_torch_variant_find("2.5.1", "cpu"), "8.6"));
        assert_true(kb_torch_variant_runs_on(kb_torch_variant_find("2.5.1", "cu121"), "8.6"));
}

/* Releases ascending and unique; each default variant and each variant's
 * release exist; every row sourced. */
static void test_torch_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < kb_torch_count(); i++) {
                const struct kb_torch *t = kb_torch_at(i);

                assert_true(t->source && *t->source);
                assert_true(version_cmp(t->python_min, t->python_max) < 0);
                if (i)
                        assert_true(version_cmp(kb_torch_at(i - 1)->version, t->version) < 0);
                if (t->default_variant)
                        assert_non_null(kb_torch_variant_find(t->version, NULL));
        }
        for (size_t i = 0; i < kb_torch_variant_table_size; i++) {
                assert_non_null(kb_torch_find(kb_torch_variant_table[i].torch));
                assert_true(kb_torch_variant_table[i].source[0] != '\0');
        }
}

static void test_arch(void **state)
{
        const struct kb_arch *a = kb_arch_for_cc("8.6");

        (void)state;
        assert_non_null(a);
        assert_string_equal(a->name, "Ampere");
        assert_int_equal(a->open_modules, KB_OPEN_ALLOWED);
        assert_ptr_equal(kb_arch_find("ampere"), a);
        assert_ptr_equal(kb_arch_find("8.0"), a);
        assert_string_equal(kb_arch_for_cc("9.0")->name, "Hopper");
        assert_int_equal(kb_arch_find("Blackwell")->open_modules, KB_OPEN_REQUIRED);
        assert_int_equal(kb_arch_find("Pascal")->open_modules, KB_OPEN_UNAVAILABLE);
        assert_null(kb_arch_for_cc("8"));    /* words, not substrings */
        assert_null(kb_arch_for_cc("0.6"));
        assert_null(kb_arch_for_cc(NULL));
        assert_null(kb_arch_find("Nonesuch"));
        for (size_t i = 0; i < kb_arch_count(); i++) {
                assert_true(kb_arch_at(i)->source[0] != '\0');
                assert_ptr_equal(kb_arch_find(kb_arch_at(i)->name), kb_arch_at(i));
        }
        assert_null(kb_arch_at(kb_arch_count()));
}

static void test_gpu(void **state)
{
        const struct kb_gpu *g = kb_gpu_by_pci(0x2237);

        (void)state;
        assert_non_null(g);
        assert_true(strstr(g->name, "A10G") != NULL);
        assert_string_equal(g->arch, "Ampere");
        assert_string_equal(g->cc, "8.6");
        assert_int_equal(g->mem_gib, 24);
        assert_ptr_equal(kb_gpu_find("a10g"), g);
        assert_ptr_equal(kb_gpu_find(g->name), g);
        assert_non_null(kb_gpu_find("H100 SXM"));
        assert_string_equal(kb_gpu_find("H100 SXM")->arch, "Hopper");
        assert_null(kb_gpu_find("V100"));      /* ambiguous: several models */
        assert_null(kb_gpu_find("Z9000"));
        assert_null(kb_gpu_find(NULL));
        assert_null(kb_gpu_by_pci(0x0001));
        assert_null(kb_gpu_by_pci(0x223));     /* whole ids only */
}

/* Names several models match are listed, whole words first: "H200" names
 * the SXM and NVL boards, "H20" only the H20, "B200" not the GB200. */
static void test_gpu_match(void **state)
{
        (void)state;
        assert_null(kb_gpu_find("H200"));
        assert_string_equal(kb_gpu_match("H200", 0)->name, "NVIDIA H200 SXM");
        assert_string_equal(kb_gpu_match("h200", 1)->name, "NVIDIA H200 NVL");
        assert_null(kb_gpu_match("H200", 2));
        assert_string_equal(kb_gpu_find("H20")->name, "NVIDIA H20");
        assert_string_equal(kb_gpu_find("B200")->cc, "10.0");
        assert_true(strstr(kb_gpu_find("GB300")->name, "GB300") != NULL);
        assert_string_equal(kb_gpu_find("GB300")->cc, "10.3");
        assert_string_equal(kb_gpu_find("A10")->name, "NVIDIA A10"); /* not A10G, A100 */
        assert_null(kb_gpu_find("5070"));                              /* 5070 and 5070 Ti */
        assert_string_equal(kb_gpu_find("RTX 5070 Ti")->name, "NVIDIA GeForce RTX 5070 Ti");
        assert_non_null(kb_gpu_match("RTX PRO 6000", 2));
        assert_null(kb_gpu_match("RTX PRO 6000", 3));
        assert_null(kb_gpu_match("Z9000", 0));
        assert_null(kb_gpu_match(NULL, 0));
}

/* The GPUs sold in 2025-2026 are known by their PCI ids (pci.ids). */
static void test_gpu_recent(void **state)
{
        static const struct {
                unsigned id;
                const char *cc;
        } recent[] = {
                { 0x2335, "9.0" },  { 0x233b, "9.0" },  { 0x2901, "10.0" }, { 0x3182, "10.3" },
                { 0x2941, "10.0" }, { 0x31c2, "10.3" }, { 0x2bb1, "12.0" }, { 0x2bb4, "12.0" },
                { 0x2bb5, "12.0" }, { 0x2c02, "12.0" }, { 0x2c05, "12.0" }, { 0x2f04, "12.0" },
                { 0x2d04, "12.0" }, { 0x2c34, "12.0" }, { 0x2c31, "12.0" }, { 0x2bb3, "12.0" },
                { 0x2e12, "12.1" }, { 0x2329, "9.0" },  { 0x26ba, "8.9" },
        };

        (void)state;
        for (size_t i = 0; i < sizeof(recent) / sizeof(recent[0]); i++) {
                const struct kb_gpu *g = kb_gpu_by_pci(recent[i].id);

                if (!g)
                        fail_msg("no GPU model for PCI id %04x", recent[i].id);
                assert_string_equal(g->cc, recent[i].cc);
        }
}

/* Names unique, every pci id on one model, architecture family and cc agree with
 * arch.tsv, every row sourced. */
static void test_gpu_table(void **state)
{
        (void)state;
        for (size_t i = 0; i < kb_gpu_count(); i++) {
                const struct kb_gpu *g = kb_gpu_at(i);
                const struct kb_arch *a = kb_arch_for_cc(g->cc);

                assert_true(g->source && *g->source);
                assert_non_null(a);
                /* "Blackwell Ultra" GPUs belong to arch.tsv's Blackwell */
                assert_int_equal(strncmp(g->arch, a->name, strlen(a->name)), 0);
                assert_ptr_equal(kb_gpu_find(g->name), g);
                for (const char *p = g->pci_ids; p && *p; p += strcspn(p, " "), p += *p == ' ')
                        assert_ptr_equal(kb_gpu_by_pci((unsigned)strtoul(p, NULL, 16)), g);
        }
        assert_null(kb_gpu_at(kb_gpu_count()));
}

/* cc.tsv: ranges in release order that never overlap, each a CUDA release
 * the cuda table knows, each newer range allowing a newer GCC. */
static void test_cc_table(void **state)
{
        (void)state;
        assert_true(kb_cc_table_size >= 7);
        for (size_t i = 0; i < kb_cc_table_size; i++) {
                const struct kb_cc *c = &kb_cc_table[i];

                assert_true(version_cmp(c->first_cuda, c->last_cuda) <= 0);
                assert_non_null(kb_cuda_find(c->first_cuda));
                assert_non_null(strstr(c->source, "docs.nvidia.com/cuda/"));
                if (i) {
                        assert_true(version_cmp(kb_cc_table[i - 1].last_cuda, c->first_cuda) < 0);
                        assert_true(kb_cc_table[i - 1].max_gcc < c->max_gcc);
                }
        }
        /* each range's ends, and patch releases inside them */
        assert_int_equal(kb_cuda_max_gcc("11.0.3"), 9);
        assert_int_equal(kb_cuda_max_gcc("11.3.1"), 10);
        assert_int_equal(kb_cuda_max_gcc("12.3.2"), 12);
        assert_int_equal(kb_cuda_max_gcc("12.6.85"), 13);
        assert_int_equal(kb_cuda_max_gcc("12.8.61"), 14);
        assert_int_equal(kb_cuda_max_gcc("12.9"), 14);
        assert_int_equal(kb_cuda_max_gcc("13.1.80"), 0); /* past the table */
        assert_int_equal(kb_cuda_max_gcc(NULL), 0);
}

static void test_pcie(void **state)
{
        static const struct { const char *rate; int gen; double gts; } cases[] = {
                { "2.5", 1, 2.5 }, { "5", 2, 5 }, { "5.0", 2, 5 }, { "8.0", 3, 8 },
                { "16", 4, 16 },   { "16.0", 4, 16 }, { "32.0", 5, 32 }, { "64", 6, 64 },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                assert_int_equal(kb_pcie_gen_of_rate(cases[i].rate, strlen(cases[i].rate)), cases[i].gen);
                assert_true(kb_pcie_gts(cases[i].gen) == cases[i].gts);
        }
        assert_int_equal(kb_pcie_gen_of_rate("16.00", 5), 0);
        assert_int_equal(kb_pcie_gen_of_rate("2.5x", 3), 1); /* only n bytes count */
        assert_true(kb_pcie_gts(0) == 0 && kb_pcie_gts(7) == 0);
}

static char *test_cmds_text(const struct kb_cmds *c)
{
        struct strbuf sb = STRBUF_INIT;

        for (size_t i = 0; i < c->n; i++) {
                strbuf_adds(&sb, c->v[i].kind == KB_CMD_PKG ? "PKG" : "RUN");
                for (size_t k = 0; k < c->v[i].argv.n; k++)
                        strbuf_addf(&sb, " %s", c->v[i].argv.v[k]);
                strbuf_addch(&sb, '\n');
        }
        return strbuf_detach(&sb);
}

static void test_distro(void **state)
{
        static const struct { const char *id, *ver, *repo; enum kb_family family; enum kb_pm pm; } cases[] = {
                { "ubuntu", "22.04", "ubuntu2204", KB_FAMILY_DEBIAN, KB_PM_APT },
                { "debian", "12", "debian12", KB_FAMILY_DEBIAN, KB_PM_APT },
                { "rhel", "9.4", "rhel9", KB_FAMILY_RHEL, KB_PM_DNF },
                { "rocky", "8.10", "rhel8", KB_FAMILY_RHEL, KB_PM_DNF },
                { "ol", "9.4", "rhel9", KB_FAMILY_RHEL, KB_PM_DNF },
                { "almalinux", "9.5", "rhel9", KB_FAMILY_RHEL, KB_PM_DNF },
                { "fedora", "41", "fedora41", KB_FAMILY_RHEL, KB_PM_DNF },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const struct kb_distro *d = kb_distro_find(cases[i].id);
                char *repo;
                assert_non_null(d);
                repo = kb_distro_repo(d, cases[i].ver);
                assert_string_equal(repo, cases[i].repo);
                assert_int_equal(d->family, cases[i].family);
                assert_int_equal(d->pm, cases[i].pm);
                assert_non_null(d->source);
                free(repo);
        }
        assert_null(kb_distro_find("arch"));
        assert_null(kb_distro_find(NULL));
        assert_string_equal(kb_distro_arch(kb_distro_find("ubuntu"), "aarch64"), "sbsa");
        assert_string_equal(kb_distro_arch(kb_distro_find("ubuntu"), NULL), "x86_64");
}

static void test_distro_cmds(void **state)
{
        static const struct { const char *id, *ver, *branch; bool open; const char *kernel, *want; } cases[] = {
                { "ubuntu", "22.04", "580", true, "6.8.0", "PKG nvidia-driver-580-open linux-headers-6.8.0\n" },
                { "ubuntu", "22.04", NULL, true, "$(uname -r)",
                  "PKG linux-headers-$(uname -r)\nRUN ubuntu-drivers install --gpgpu\n" },
                { "ubuntu", "22.04", "470", false, NULL, "PKG nvidia-driver-470\n" },
                { "debian", "12", "580", false, "6.1.0", "PKG nvidia-driver-pinning-580\nPKG cuda-drivers linux-headers-6.1.0\n" },
                { "ol", "9.4", NULL, true, NULL, "RUN dnf module enable -y nvidia-driver:open-dkms\nPKG nvidia-open\n" },
                { "rocky", "8.10", "570", false, "k", "RUN dnf module enable -y nvidia-driver:570-dkms\nPKG cuda-drivers kernel-devel-k\n" },
                { "rhel", "10.0", "580", true, NULL, "PKG nvidia-open\n" },
                { "fedora", "41", NULL, false, NULL, "PKG cuda-drivers\n" },
        };
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct kb_cmds c = { 0 };
                char *text;
                kb_cmds_driver(kb_distro_find(cases[i].id), cases[i].ver, cases[i].branch, cases[i].open,
                               cases[i].kernel, &c);
                text = test_cmds_text(&c);
                assert_string_equal(text, cases[i].want);
                free(text);
                kb_cmds_release(&c);
        }
}

static void test_distro_repo_cmds(void **state)
{
        struct kb_cmds c = { 0 };
        char *text;

        (void)state;
        kb_cmds_repo(kb_distro_find("ol"), "9.4", "aarch64", &c);
        text = test_cmds_text(&c);
        assert_string_equal(text, "RUN dnf config-manager --add-repo "
                            "https://developer.download.nvidia.com/compute/cuda/repos/rhel9/sbsa/cuda-rhel9.repo\n");
        assert_string_equal(c.done_path, "/etc/yum.repos.d/cuda-rhel9.repo");
        free(text);
        kb_cmds_release(&c);
        kb_cmds_repo(kb_distro_find("debian"), "12", "x86_64", &c);
        text = test_cmds_text(&c);
        assert_non_null(strstr(text, "RUN curl -fsSL -o /var/cache/apt/archives/cuda-keyring_1.1-1_all.deb "
                                     "https://developer.download.nvidia.com/compute/cuda/repos/debian12/x86_64/"));
        assert_non_null(strstr(text, "RUN dpkg -i /var/cache/apt/archives/cuda-keyring_1.1-1_all.deb\nRUN apt-get update\n"));
        free(text);
        kb_cmds_release(&c);
        kb_cmds_toolkit(kb_distro_find("ubuntu"), "12.8", &c);
        text = test_cmds_text(&c);
        assert_string_equal(text, "PKG cuda-toolkit-12-8\n");
        assert_string_equal(c.done_path, "/usr/local/cuda-12.8/bin/nvcc");
        free(text);
        kb_cmds_release(&c);
}

static void test_pip_torch(void **state)
{
        struct kb_pip_torch t = { .python = "/e/bin/python", .reinstall = true, .torch = "2.7.1",
                                  .torchvision = "0.22.1", .torchaudio = "2.7.1",
                                  .index_url = "https://download.pytorch.org/whl/cu128" };
        struct strv argv = STRV_INIT;

        (void)state;
        kb_cmd_pip_torch(&t, &argv);
        assert_int_equal(argv.n, 10);
        assert_string_equal(argv.v[0], "/e/bin/python");
        assert_string_equal(argv.v[4], "--force-reinstall");
        assert_string_equal(argv.v[9], "https://download.pytorch.org/whl/cu128");
        strv_release(&argv);
        t.uv = "/u/uv", t.reinstall = false;
        kb_cmd_pip_torch(&t, &argv);
        assert_string_equal(argv.v[0], "/u/uv");
        assert_string_equal(argv.v[3], "--python");
        assert_string_equal(argv.v[5], "torch==2.7.1");
        strv_release(&argv);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cuda_find),   cmocka_unit_test(test_cuda_max_for_driver),
                cmocka_unit_test(test_cuda_table),  cmocka_unit_test(test_torch_find),
                cmocka_unit_test(test_torch_runs_on), cmocka_unit_test(test_torch_old),
                cmocka_unit_test(test_torch_prerelease), cmocka_unit_test(test_torch_table),
                cmocka_unit_test(test_arch),        cmocka_unit_test(test_gpu),
                cmocka_unit_test(test_gpu_table),   cmocka_unit_test(test_gpu_match),
                cmocka_unit_test(test_gpu_recent),  cmocka_unit_test(test_cc_table),
                cmocka_unit_test(test_pcie),        cmocka_unit_test(test_distro),
                cmocka_unit_test(test_distro_cmds), cmocka_unit_test(test_distro_repo_cmds),
                cmocka_unit_test(test_pip_torch),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
