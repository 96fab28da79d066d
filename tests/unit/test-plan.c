/* test-plan.c - plan_make on hand-made snapshots: what is kept, what is
 * chosen, which asks are refused; and the executor's pure helpers (the
 * kernel scan of a simulated transaction, the rc-file block). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "plan/plan.h"
#include "setup/setup.h"
#include "snap-builder.h"

static void with_user(struct snapshot *s)
{
        probe_set(&s->shell.probe, FACT_OK, NULL);
        fact_set_str(&s->shell.user, "ubuntu");
        fact_set_str(&s->shell.home, "/home/ubuntu");
        fact_set_str(&s->shell.path, "/usr/bin:/bin");
        fact_set_str(&s->os.arch, "x86_64");
}

static const struct plan_step *step(const struct plan *p, const char *id)
{
        for (size_t i = 0; i < p->nsteps; i++)
                if (!strcmp(p->steps[i].id, id))
                        return &p->steps[i];
        return NULL;
}

/* Makes a plan and expects it to succeed. */
static void make(struct snapshot *s, const struct plan_opts *o, struct plan *p)
{
        char *err = NULL;
        int r = plan_make(s, o, p, &err);

        if (r < 0)
                fail_msg("plan_make: %s", err);
}

/* Expects a refusal whose reason contains needle. */
static void refused(struct snapshot *s, const struct plan_opts *o, const char *needle)
{
        struct plan p;
        char *err = NULL;

        assert_int_equal(plan_make(s, o, &p, &err), -22);
        assert_non_null(strstr(err, needle));
        free(err);
}

static void test_no_user(void **state)
{
        struct snapshot s;
        struct plan_opts o = { 0 };

        (void)state;
        snapb_healthy(&s, 8);
        refused(&s, &o, "whose environment");
        snap_release(&s);
}

/* A working 535 driver is kept; torch 2.11 cu128 runs on it through
 * minor-version compatibility. */
static void test_keeps_driver(void **state)
{
        struct snapshot s;
        struct plan_opts o = { 0 };
        struct plan p;

        (void)state;
        snapb_healthy(&s, 8);
        with_user(&s);
        make(&s, &o, &p);
        assert_true(p.driver_kept);
        assert_string_equal(p.branch, "535");
        assert_string_equal(p.torch, "2.11.0");
        assert_string_equal(p.variant, "cu128");
        assert_int_equal(step(&p, "driver")->state, STEP_DONE);
        assert_int_equal(step(&p, "torch")->state, STEP_TODO);
        assert_int_equal(step(&p, "reboot")->state, STEP_DONE);
        assert_int_equal(step(&p, "hold-kernel")->state, STEP_OFFERED);
        plan_release(&p);
        snap_release(&s);
}

static void test_bare(void **state)
{
        struct snapshot s;
        struct plan_opts o = { .hold_kernel = true };
        struct plan p;

        (void)state;
        snapb_healthy(&s, 8);
        snapb_no_driver(&s);
        with_user(&s);
        fact_set_num(&s.os.secure_boot, 1);
        make(&s, &o, &p);
        assert_string_equal(p.choices[p.nchoices - 1].what, "note");
        assert_false(p.driver_kept);
        assert_string_equal(p.branch, "580");
        assert_true(p.open_modules);
        assert_string_equal(p.cuda, "12.8");
        assert_string_equal(p.python, "3.13");
        for (size_t i = 0; i < p.nsteps; i++)
                assert_int_equal(p.steps[i].state, STEP_TODO);
        assert_null(step(&p, "fabric"));
        assert_null(step(&p, "nouveau"));
        plan_release(&p);
        snap_release(&s);
}

static void test_pascal_and_nvswitch(void **state)
{
        struct snapshot s;
        struct plan_opts o = { .installer = "uv", .env = "train" };
        struct plan p;

        (void)state;
        snapb_healthy(&s, 2);
        snapb_no_driver(&s);
        snapb_nvswitch(&s, 2);
        with_user(&s);
        for (size_t i = 0; i < s.pci.n; i++)
                if (!strcmp(s.pci.devs[i].kind, "gpu"))
                        s.pci.devs[i].device_id = 0x15f8; /* Tesla P100 */
        make(&s, &o, &p);
        assert_string_equal(p.branch, "580");
        assert_false(p.open_modules);
        assert_string_equal(p.variant, "cu126");
        assert_string_equal(p.env_prefix, "/home/ubuntu/.venvs/train");
        assert_non_null(step(&p, "fabric"));
        assert_null(step(&p, "shell-init"));
        plan_release(&p);
        o = (struct plan_opts){ .cuda = "13.0" };
        refused(&s, &o, "no PyTorch release has CUDA 13.0 wheels for compute capability 6.0");
        snap_release(&s);
}

static void test_refusals(void **state)
{
        struct snapshot s;
        struct plan_opts o = { .torch = "9.9.9" };

        (void)state;
        snapb_healthy(&s, 2);
        snapb_no_driver(&s);
        with_user(&s);
        refused(&s, &o, "not in the knowledge base");
        o = (struct plan_opts){ .torch = "2.3.1", .python = "3.13" };
        refused(&s, &o, "supports Python 3.8-3.12, not 3.13");
        o = (struct plan_opts){ .installer = "pip" };
        refused(&s, &o, "--installer");
        o = (struct plan_opts){ .env = "../x" };
        refused(&s, &o, "plain name");
        o = (struct plan_opts){ .user = "alice" };
        refused(&s, &o, "--user alice: no such user here (ubuntu)");
        s.pci.devs[0].device_id = 0x15f8; /* Pascal beside Blackwell */
        s.pci.devs[1].device_id = 0x2b85;
        o = (struct plan_opts){ 0 };
        refused(&s, &o, "both kernel-module flavours");
        snap_release(&s);
}

static void test_sim_kernel(void **state)
{
        static const struct { const char *out, *want; } cases[] = {
                { "Inst nvidia-open (580.95.05-1 cuda)\nInst linux-image-6.8.0-50-generic (6.8.0-50.51)\n",
                  "linux-image-6.8.0-50-generic" },
                { "Inst linux-headers-5.15.0-105-generic (5.15.0-105.115)\n", NULL },
                { "Inst linux-modules-nvidia-580-generic (580.95.05)\n", NULL },
                { "Inst linux-generic-hwe-22.04 [6.5] (6.8.0.50)\n", "linux-generic-hwe-22.04" },
                { "Installing:\n nvidia-open   noarch  3:580.95.05-1.el9  cuda  7 k\nInstalling dependencies:\n"
                  " kernel-core   x86_64  5.14.0-503.el9  baseos  17 M\n", "kernel-core" },
                { " kernel-devel-matched  x86_64  5.14.0-503.el9  appstream  2 M\n", NULL },
                { "", NULL },
        };

        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *got = setup_sim_kernel(cases[i].out, strlen(cases[i].out));
                if (cases[i].want)
                        assert_string_equal(got, cases[i].want);
                else
                        assert_null(got);
                free(got);
        }
}

static void test_block(void **state)
{
        char *a, *b, *c;

        (void)state;
        a = setup_block_apply("HISTSIZE=1000", "export A=1\n");
        assert_non_null(strstr(a, "HISTSIZE=1000\n# >>> dlrig cuda >>>\n"));
        b = setup_block_apply(a, "export A=2\n");
        assert_null(strstr(b, "A=1"));
        assert_non_null(strstr(b, "HISTSIZE=1000\n# >>> dlrig cuda >>>\n"));
        c = setup_block_apply(b, "export A=2\n");
        assert_string_equal(b, c);
        free(a), free(b), free(c);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_no_user), cmocka_unit_test(test_keeps_driver),
                cmocka_unit_test(test_bare), cmocka_unit_test(test_pascal_and_nvswitch),
                cmocka_unit_test(test_refusals), cmocka_unit_test(test_sim_kernel),
                cmocka_unit_test(test_block),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
