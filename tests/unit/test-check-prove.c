/* test-check-prove.c - prove's judges on hand-made prove sections: each
 * failure path of docs/prove.md gives its finding, a passing run gives
 * prove.ok, and a step that could not start silences those after it.
 * argv[1] is check-prove.findings, the ids these cases prove for the
 * catalog-coverage test: each listed id must come out of a case here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check/check-prove.h"
#include "snap-builder.h"
#include "util/strbuf.h"

static const char *findings_path;

static void step(struct snapshot *s, const char *name, int64_t rank, const char *status, double got,
                 double want, const char *error)
{
        struct snap_prove_step *st = snap_add_prove_step(&s->prove);

        st->name = strdup(name);
        st->rank = rank;
        st->status = strdup(status);
        st->got = got;
        st->expected = want;
        st->error = error ? strdup(error) : NULL;
}

static void gpu(struct snapshot *s, int64_t i, bool covered, bool ok, const char *error)
{
        struct snap_prove_gpu *g = snap_add_prove_gpu(&s->prove);

        g->index = i;
        g->name = strdup("NVIDIA A10G");
        g->capability = strdup("8.6");
        g->arch_covered = covered;
        g->matmul_ok = ok;
        g->max_err = ok ? 1e-6 : 0.5;
        g->error = error ? strdup(error) : NULL;
}

/* A 2-GPU machine on which everything passed. */
static void passing(struct snapshot *s)
{
        struct snap_prove *p = &s->prove;

        snapb_healthy(s, 2);
        probe_set(&p->probe, FACT_OK, NULL);
        p->env = strdup("/opt/venv");
        p->env_chosen_by = strdup("PATH");
        p->python = strdup("/opt/venv/bin/python");
        p->mode = strdup("cuda");
        p->timeout_s = 120;
        p->nproc = 2;
        p->torch.version = strdup("2.5.1+cu124");
        p->torch.cuda = strdup("12.4");
        p->torch.cuda_available = true;
        p->torch.device_count = 2;
        p->torch.arch_list = strdup("sm_80 sm_86 sm_90");
        for (int i = 0; i < 2; i++) {
                gpu(s, i, true, true, NULL);
                step(s, "allreduce", i, "pass", 3, 3, NULL);
                step(s, "ddp", i, "pass", 2.1, 2.9, NULL);
                step(s, "ddp-params", i, "pass", 0, 0, NULL);
                step(s, "fsdp", i, "pass", 2.2, 2.9, NULL);
        }
}

/* The ids of the findings check_prove gives for s, space separated. */
static char *ids(const struct snapshot *s)
{
        struct findings fs = FINDINGS_INIT;
        struct strbuf sb = STRBUF_INIT;

        check_prove(s, &fs);
        for (size_t i = 0; i < fs.n; i++)
                strbuf_addf(&sb, "%s%s", sb.len ? " " : "", fs.v[i].cat->id);
        findings_release(&fs);
        return strbuf_detach(&sb);
}

static void case_ok(struct snapshot *s) { passing(s); }
static void case_not_run(struct snapshot *s)
{
        snapb_healthy(s, 2);
        s->prove.not_run = strdup("no Python environment with torch was found");
}
static void case_import(struct snapshot *s)
{
        passing(s);
        free(s->prove.torch.version);
        s->prove.torch.version = NULL;
        s->prove.torch.error = strdup("ImportError: libcudnn.so.9: cannot open shared object file");
}
static void case_cpu_wheel(struct snapshot *s)
{
        passing(s);
        free(s->prove.torch.cuda);
        s->prove.torch.cuda = NULL;
        s->prove.torch.cuda_available = false;
}
/* A machine without GPUs (or without a driver), a CPU-only torch. */
static void case_no_gpus(struct snapshot *s)
{
        case_cpu_wheel(s);
        while (s->ngpus)
                snap_gpu_release(&s->gpus[--s->ngpus]);
        s->prove.torch.device_count = 0;
        s->prove.nproc = 0;
        while (s->prove.nsteps)
                snap_prove_step_release(&s->prove.steps[--s->prove.nsteps]);
        while (s->prove.ngpus)
                snap_prove_gpu_release(&s->prove.gpus[--s->prove.ngpus]);
}
static void case_unavailable(struct snapshot *s)
{
        passing(s);
        s->prove.torch.cuda_available = false;
}
static void case_count(struct snapshot *s)
{
        passing(s);
        s->prove.torch.device_count = 1;
}
static void case_differs(struct snapshot *s)
{
        passing(s);
        free(s->prove.gpus[1].name);
        s->prove.gpus[1].name = strdup("NVIDIA A100-SXM4-40GB MIG 1g.5gb");
}
static void case_arch(struct snapshot *s)
{
        passing(s);
        s->prove.gpus[1].arch_covered = false;
}
static void case_matmul(struct snapshot *s)
{
        passing(s);
        s->prove.gpus[0].matmul_ok = false;
}
static void case_port(struct snapshot *s)
{
        passing(s);
        step(s, "dist", -1, "fail", 0, 0, "exited with status 1");
        s->prove.log = strdup("[W socket.cpp:426] The server socket has failed to listen on any local network address.\n"
                              "RuntimeError: The server socket has failed to listen on [::]:29500 (errno: 98 - Address already in use).\n");
}
/* Docker's default 64 MB /dev/shm. */
static void case_shm(struct snapshot *s)
{
        passing(s);
        fact_set_num(&s->host.shm_bytes, 64LL << 20);
}
/* The same message with a large /dev/shm: another cause, said as the step's failure. */
static void case_shm_large(struct snapshot *s)
{
        passing(s);
        fact_set_num(&s->host.shm_bytes, 32LL << 30);
}
static void case_p2p(struct snapshot *s)
{
        passing(s);
        s->prove.hung = true;
        step(s, "dist", -1, "timeout", 0, 0, "no end within 120 s");
        s->prove.log = strdup("[rank0]:[E ProcessGroupNCCL.cpp:607] [Rank 0] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=1, OpType=ALLREDUCE)\n");
}
static void case_hung(struct snapshot *s)
{
        passing(s);
        s->prove.hung = true;
        step(s, "dist", -1, "timeout", 0, 0, "no end within 120 s: killed dist and its process group");
}
/* The import (or CUDA's start) hung: the hang, not an import failure. */
static void case_local_hang(struct snapshot *s)
{
        passing(s);
        free(s->prove.torch.version);
        s->prove.torch.version = NULL;
        s->prove.hung = true;
        s->prove.nproc = 0;
        step(s, "local", -1, "timeout", 0, 0, "no end within 120 s: killed local and its process group");
}
/* bench measured 40 GB/s at 64 MiB, torch reaches 10. */
static void case_slow(struct snapshot *s)
{
        struct snap_bench_ar_size *z;

        passing(s);
        probe_set(&s->bench.probe, FACT_OK, NULL);
        z = snap_add_bench_ar_size(&s->bench.allreduce);
        z->bytes = 8 << 20, z->busbw_gbps = 20;
        z = snap_add_bench_ar_size(&s->bench.allreduce);
        z->bytes = 64 << 20, z->busbw_gbps = 40;
        for (size_t i = 0; i < s->prove.nsteps; i++)
                s->prove.steps[i].gbps = 10;
}
/* ... and 30: not slow. */
static void case_fast(struct snapshot *s)
{
        case_slow(s);
        for (size_t i = 0; i < s->prove.nsteps; i++)
                s->prove.steps[i].gbps = 30;
}
static void case_left(struct snapshot *s)
{
        passing(s);
        s->prove.left_behind = true;
}
static void case_cpu(struct snapshot *s)
{
        passing(s);
        free(s->prove.mode);
        s->prove.mode = strdup("cpu");
        while (s->prove.ngpus)
                snap_prove_gpu_release(&s->prove.gpus[--s->prove.ngpus]);
}

/* A case is a passing run broken by make, and by one step of its own
 * when the row names one. */
static const struct {
        const char *id;
        void (*make)(struct snapshot *s);
        const char *want; /* every id, in report order */
        const char *step, *status, *error;
        int64_t rank;
        double got, expected;
} cases[] = {
        { "prove.ok", case_ok, "prove.ok" },
        { "prove.not-run", case_not_run, "prove.not-run" },
        { "prove.import-failed", case_import, "prove.import-failed" },
        { "prove.cpu-only-wheel", case_cpu_wheel, "prove.cpu-only-wheel" },
        { "prove.no-gpus", case_no_gpus, "prove.no-gpus" },
        { "prove.cuda-unavailable", case_unavailable, "prove.cuda-unavailable" },
        { "prove.device-count", case_count, "prove.device-count" },
        { "prove.device-differs", case_differs, "prove.device-differs" },
        { "prove.arch-missing", case_arch, "prove.arch-missing" },
        { "prove.matmul-wrong", case_matmul, "prove.matmul-wrong" },
        { "prove.port-in-use", case_port, "prove.port-in-use" },
        { "prove.nccl-shm", case_shm, "prove.nccl-shm", "init", "fail",
          "DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970, unhandled system error", 0, 0, 0 },
        { "prove.step-failed", case_shm_large, "prove.step-failed", "init", "fail",
          "DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970, unhandled system error", 0, 0, 0 },
        { "prove.nccl-p2p", case_p2p, "prove.nccl-p2p" },
        { "prove.hung", case_hung, "prove.hung" },
        { "prove.hung", case_local_hang, "prove.hung" },
        { "prove.allreduce-wrong", passing, "prove.allreduce-wrong", "allreduce", "fail",
          "1048576 of 1048576 values are not 3", 1, 4, 3 },
        { "prove.allreduce-slow", case_slow, "prove.allreduce-slow" },
        { "prove.ok", case_fast, "prove.ok" },
        { "prove.ddp-failed", passing, "prove.ddp-failed", "ddp-params", "fail",
          "the ranks' parameters differ (checksum spread 0.25)", 1, 0.25, 0 },
        { "prove.fsdp-failed", passing, "prove.fsdp-failed", "fsdp", "fail", "RuntimeError: CUDA out of memory", 0, 0, 0 },
        { "prove.step-failed", passing, "prove.step-failed", "init", "fail",
          "ValueError: Error initializing torch.distributed", 0, 0, 0 },
        { "prove.left-behind", case_left, "prove.left-behind" },
        { "prove.cpu-mode", case_cpu, "prove.cpu-mode prove.ok" },
};

static void test_cases(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                struct snapshot s;
                char *got;
                snap_init(&s);
                cases[i].make(&s);
                if (cases[i].step)
                        step(&s, cases[i].step, cases[i].rank, cases[i].status, cases[i].got, cases[i].expected,
                             cases[i].error);
                got = ids(&s);
                if (strcmp(got, cases[i].want))
                        fail_msg("%s: got '%s', want '%s'", cases[i].id, got, cases[i].want);
                free(got);
                snap_release(&s);
        }
}

/* The evidence names the rank and the exception. */
static void test_evidence(void **state)
{
        struct findings fs = FINDINGS_INIT;
        struct snapshot s;

        (void)state;
        snap_init(&s);
        passing(&s);
        step(&s, "allreduce", 1, "fail", 4, 3, "1048576 of 1048576 values are not 3");
        check_prove(&s, &fs);
        assert_int_equal(fs.n, 1);
        assert_non_null(strstr(fs.v[0].summary, "rank 1"));
        assert_non_null(strstr(fs.v[0].summary, "returned 4, the sum is 3"));
        assert_string_equal(fs.v[0].evidence.v[0], "1048576 of 1048576 values are not 3");
        findings_release(&fs);
        snap_release(&s);
}

/* Every id check-prove.findings lists comes out of its case here. */
static void test_listed(void **state)
{
        FILE *f = fopen(findings_path, "r");
        char line[128], all[4096] = "\n";
        size_t n = 0;

        (void)state;
        assert_non_null(f);
        while (fgets(line, sizeof(line), f)) {
                bool found = false;
                line[strcspn(line, "\n")] = 0;
                if (!*line || *line == '#')
                        continue;
                for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) && !found; i++)
                        found = !strcmp(cases[i].id, line) && strstr(cases[i].want, line);
                if (!found)
                        fail_msg("%s lists %s, which no case proves", findings_path, line);
                n += (size_t)snprintf(all + n + 1, sizeof(all) - n - 1, "%s\n", line);
        }
        fclose(f);
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                snprintf(line, sizeof(line), "\n%s\n", cases[i].id);
                if (!strstr(all, line))
                        fail_msg("%s does not list %s", findings_path, cases[i].id);
        }
}

int main(int argc, char **argv)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cases),
                cmocka_unit_test(test_evidence),
                cmocka_unit_test(test_listed),
        };

        findings_path = argc > 1 ? argv[1] : "tests/unit/check-prove.findings";
        return cmocka_run_group_tests(tests, NULL, NULL);
}
