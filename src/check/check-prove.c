/* check-prove.c - what prove's runs mean (see check-prove.h). The order
 * follows the steps: a step that could not start silences the ones after
 * it, so the report leads with the first thing that broke. */
#include "check-prove.h"

#include <inttypes.h>
#include <string.h>

#include "check.h"
#include "check-util.h"
#include "util/strbuf.h"

/* Does the step's error or the run's log hold needle? */
static bool said(const struct snap_prove *p, const char *needle)
{
        if (p->log && strstr(p->log, needle))
                return true;
        for (size_t i = 0; i < p->nsteps; i++)
                if (p->steps[i].error && strstr(p->steps[i].error, needle))
                        return true;
        for (size_t i = 0; i < p->ngpus; i++)
                if (p->gpus[i].error && strstr(p->gpus[i].error, needle))
                        return true;
        return false;
}

/* The log's line holding needle, as evidence ("" when none). */
static void evidence_line(struct finding *f, const struct snap_prove *p, const char *needle)
{
        const char *at = p->log ? strstr(p->log, needle) : NULL, *start, *end;

        if (!at)
                return;
        for (start = at; start > p->log && start[-1] != '\n'; start--)
                ;
        end = strchr(at, '\n');
        finding_evidence(f, "%.*s", (int)((end ? end : at + strlen(at)) - start > 300 ? 300
                                          : (end ? end : at + strlen(at)) - start), start);
}

static void steps_evidence(struct finding *f, const struct snap_prove *p, const char *name)
{
        for (size_t i = 0; i < p->nsteps; i++) {
                const struct snap_prove_step *s = &p->steps[i];
                if (name && strcmp(s->name, name))
                        continue;
                if (s->rank >= 0)
                        finding_evidence(f, "rank %" PRId64 ": %s %s%s%s", s->rank, s->name, s->status,
                                         s->error ? ": " : "", s->error ? s->error : "");
                else
                        finding_evidence(f, "%s: %s%s%s", s->name, s->status, s->error ? ": " : "",
                                         s->error ? s->error : "");
        }
}

static void env_evidence(struct finding *f, const struct snap_prove *p)
{
        finding_evidence(f, "environment %s (%s), interpreter %s", p->env, p->env_chosen_by, p->python);
}

/* The GPUs torch should see: NVML's, less those CUDA_VISIBLE_DEVICES hides. */
static size_t expected_gpus(const struct snapshot *s)
{
        const struct fact_str *cvd = &s->procenv.cuda_visible_devices;
        size_t hidden = fact_ok(cvd) ? check_util_cvd_hidden(s, cvd->v, NULL) : 0;

        return s->ngpus > hidden ? s->ngpus - hidden : 0;
}

/* Step 1: torch imports and sees what NVML sees. false: nothing further
 * to judge. */
static void judge_hang(const struct snap_prove *p, struct findings *fs, bool acs);

static bool judge_import(const struct snapshot *s, struct findings *fs)
{
        const struct snap_prove *p = &s->prove;
        struct finding *f;

        if (!p->torch.version && p->hung) {
                judge_hang(p, fs, false); /* the import itself (or CUDA's start) hung */
                return false;
        }
        if (!p->torch.version) {
                f = finding_add(fs, "prove.import-failed", "torch does not import in %s", p->env);
                finding_evidence(f, "%s", p->torch.error ? p->torch.error : "the harness printed no torch record");
                env_evidence(f, p);
                steps_evidence(f, p, "local");
                finding_fix(f, "%s -c 'import torch'   # the full traceback", p->python);
                finding_fix(f, "# reinstall torch in this environment with the command 'dlrig plan' prints");
                return false;
        }
        if (!strcmp(p->mode, "cpu") || !s->ngpus)
                return true;
        if (!p->torch.cuda) {
                f = finding_add(fs, "prove.cpu-only-wheel", "torch %s in %s is a CPU-only build: it cannot use the %zu GPUs",
                                p->torch.version, p->env, s->ngpus);
                finding_evidence(f, "torch.version.cuda is None, torch.cuda.is_available() is False");
                env_evidence(f, p);
                finding_fix(f, "dlrig plan   # the CUDA build of torch for this driver, and the pip command");
                return false;
        }
        if (!p->torch.cuda_available) {
                f = finding_add(fs, "prove.cuda-unavailable", "torch %s (CUDA %s) says CUDA is not available",
                                p->torch.version, p->torch.cuda);
                env_evidence(f, p);
                finding_fix(f, "dlrig doctor   # the driver, CUDA and torch layers, judged");
                return false;
        }
        return true;
}

static void judge_count(const struct snapshot *s, struct findings *fs)
{
        const struct snap_prove *p = &s->prove;
        const struct fact_str *cvd = &s->procenv.cuda_visible_devices;
        size_t want = expected_gpus(s);
        struct finding *f;

        if (!strcmp(p->mode, "cpu") || !p->torch.cuda_available || (size_t)p->torch.device_count == want)
                return;
        f = finding_add(fs, "prove.device-count", "torch sees %" PRId64 " GPUs, the driver %zu%s",
                        p->torch.device_count, want, fact_ok(cvd) ? " (less those CUDA_VISIBLE_DEVICES hides)" : "");
        finding_evidence(f, "torch.cuda.device_count(): %" PRId64, p->torch.device_count);
        finding_evidence(f, "NVML: %zu GPUs%s%s", s->ngpus, fact_ok(cvd) ? ", CUDA_VISIBLE_DEVICES=" : "",
                         fact_ok(cvd) ? cvd->v : "");
        finding_fix(f, "dlrig doctor   # CUDA_VISIBLE_DEVICES, MIG, lost GPUs: why they differ");
}

/* Each GPU torch sees is one the driver shows, by name and compute
 * capability (as a multiset: CUDA's order may differ from NVML's). */
static void judge_names(const struct snapshot *s, struct findings *fs)
{
        const struct snap_prove *p = &s->prove;
        bool taken[256] = { false };
        struct finding *f = NULL;

        for (size_t i = 0; i < p->ngpus && s->ngpus <= 256; i++) {
                const struct snap_prove_gpu *g = &p->gpus[i];
                bool found = false;
                for (size_t k = 0; k < s->ngpus && !found; k++) {
                        const struct snap_gpu *n = &s->gpus[k];
                        found = !taken[k] && fact_ok(&n->name) && fact_ok(&n->compute_capability) && g->name &&
                                g->capability && !strcmp(n->name.v, g->name) && !strcmp(n->compute_capability.v, g->capability);
                        taken[k] |= found;
                }
                if (found || !fact_ok(&s->gpus[0].name))
                        continue;
                if (!f)
                        f = finding_add(fs, "prove.device-differs", "torch's GPUs are not the ones the driver shows");
                finding_evidence(f, "torch GPU %" PRId64 ": %s, compute capability %s: no such GPU in NVML", g->index,
                                 g->name ? g->name : "?", g->capability ? g->capability : "?");
        }
        if (f) {
                for (size_t k = 0; k < s->ngpus; k++)
                        finding_evidence(f, "NVML GPU %" PRId64 ": %s, compute capability %s", s->gpus[k].index,
                                         fact_ok(&s->gpus[k].name) ? s->gpus[k].name.v : "?",
                                         fact_ok(&s->gpus[k].compute_capability) ? s->gpus[k].compute_capability.v : "?");
                finding_fix(f, "dlrig doctor   # MIG instances, a vGPU profile or another driver's devices");
        }
}

/* Step 2: each GPU's code and matmul. */
static void judge_gpus(const struct snap_prove *p, struct findings *fs)
{
        for (size_t i = 0; i < p->ngpus; i++) {
                const struct snap_prove_gpu *g = &p->gpus[i];
                struct finding *f;
                if (!g->arch_covered || (g->error && strstr(g->error, "no kernel image"))) {
                        f = finding_add(fs, "prove.arch-missing", "torch %s has no code for GPU %" PRId64 " (%s, compute capability %s)",
                                        p->torch.version, g->index, g->name, g->capability);
                        finding_evidence(f, "torch.cuda.get_arch_list(): %s", p->torch.arch_list ? p->torch.arch_list : "(empty)");
                        if (g->error)
                                finding_evidence(f, "%s", g->error);
                        finding_fix(f, "dlrig plan   # a torch build whose arch list covers compute capability %s",
                                    g->capability);
                } else if (g->error || !g->matmul_ok) {
                        f = finding_add(fs, "prove.matmul-wrong", "GPU %" PRId64 " (%s): %s", g->index, g->name,
                                        g->error ? "its matmul failed" : "its matmul differs from the CPU's");
                        if (g->error)
                                finding_evidence(f, "%s", g->error);
                        else
                                finding_evidence(f, "largest relative difference %.3g (more than 1e-2)", g->max_err);
                        f->gpu = g->index;
                        finding_fix(f, "dlrig bench --gpus %" PRId64 "   # its GEMM checked with cuBLAS", g->index);
                        finding_fix(f, "dlrig health   # Xid errors, ECC, remapped rows");
                }
        }
}

static void fix_acs(struct finding *f, bool acs)
{
        if (acs) {
                finding_evidence(f, "ACS is on in a PCIe bridge above the GPUs (dlrig doctor: topo.acs-enabled): peer traffic detours through the root complex");
                finding_fix(f, "export NCCL_P2P_DISABLE=1   # works at once, at host-copy speed");
                finding_fix(f, "dlrig doctor   # topo.acs-enabled: switch ACS off (BIOS or setpci) for full speed");
        }
        finding_fix(f, "NCCL_DEBUG=INFO TORCH_NCCL_ASYNC_ERROR_HANDLING=1 dlrig prove   # NCCL's own account");
}

/* /dev/shm under NCCL's needs (check-host.c's limit, container.shm-small). */
static bool shm_small(const struct snapshot *s)
{
        return fact_ok(&s->host.shm_bytes) && s->host.shm_bytes.v < CHECK_PROVE_SHM_MIN;
}

/* Known messages first: each names its cause. true: one matched. */
static bool judge_known(const struct snapshot *s, struct findings *fs, bool acs)
{
        const struct snap_prove *p = &s->prove;
        struct finding *f;

        if (said(p, "EADDRINUSE") || said(p, "ddress already in use")) {
                f = finding_add(fs, "prove.port-in-use", "torchrun's rendezvous port is taken by another process");
                evidence_line(f, p, "ddress already in use");
                evidence_line(f, p, "EADDRINUSE");
                finding_fix(f, "ss -ltnp | grep 29500   # who holds the default port");
                finding_fix(f, "torchrun --standalone ...   # or --master_port with a free port");
                return true;
        }
        if ((said(p, "unhandled system error") && shm_small(s)) || said(p, "/dev/shm")) {
                f = finding_add(fs, "prove.nccl-shm", "NCCL failed with 'unhandled system error': its shared memory does not fit /dev/shm");
                evidence_line(f, p, "unhandled system error");
                if (fact_ok(&s->host.shm_bytes))
                        finding_evidence(f, "/dev/shm: %" PRId64 " MiB", s->host.shm_bytes.v >> 20);
                finding_fix(f, "docker run --ipc=host ...   # or --shm-size=16g");
                finding_fix(f, "export NCCL_SHM_DISABLE=1   # only as a workaround: slower");
                return true;
        }
        if (said(p, "no kernel image is available")) {
                f = finding_add(fs, "prove.arch-missing", "torch %s has no code for these GPUs: 'no kernel image is available'",
                                p->torch.version);
                evidence_line(f, p, "no kernel image is available");
                finding_fix(f, "dlrig plan   # a torch build for these GPUs' compute capability");
                return true;
        }
        if (p->hung && (said(p, "Watchdog caught collective operation timeout") || acs)) {
                f = finding_add(fs, "prove.nccl-p2p", "an NCCL collective hung%s: peer-to-peer traffic does not get through",
                                acs ? " with ACS on" : " (NCCL's watchdog timed out)");
                evidence_line(f, p, "Watchdog caught collective operation timeout");
                steps_evidence(f, p, NULL);
                fix_acs(f, acs);
                return true;
        }
        return false;
}

/* A step that failed, by its name's finding. */
static void judge_step(const struct snap_prove *p, const struct snap_prove_step *st, struct findings *fs)
{
        struct finding *f;

        if (!strcmp(st->name, "allreduce") &&
            (st->got != st->expected || (st->error && strstr(st->error, "values are not")))) {
                f = finding_add(fs, "prove.allreduce-wrong", "rank %" PRId64 ": all-reduce returned %g, the sum is %g",
                                st->rank, st->got, st->expected);
        } else if (!strncmp(st->name, "ddp", 3)) {
                f = finding_add(fs, "prove.ddp-failed", "rank %" PRId64 ": DDP training %s", st->rank,
                                strcmp(st->name, "ddp") ? "left the ranks' parameters different" : "failed");
        } else if (!strcmp(st->name, "fsdp")) {
                f = finding_add(fs, "prove.fsdp-failed", "rank %" PRId64 ": FSDP training failed", st->rank);
        } else {
                f = finding_add(fs, "prove.step-failed", "%s%s failed", st->rank >= 0 ? "a rank's " : "", st->name);
        }
        finding_evidence(f, "%s", st->error ? st->error : "(no message)");
        if (p->log && strcmp(st->name, "allreduce"))  /* the end: where torchrun names the rank and its signal */
                finding_evidence(f, "last lines: %s%s", strlen(p->log) > 400 ? "..." : "",
                                 p->log + (strlen(p->log) > 400 ? strlen(p->log) - 400 : 0));
        finding_fix(f, "dlrig prove --print-script > prove.py   # the step's code, to run by hand");
}

static void judge_hang(const struct snap_prove *p, struct findings *fs, bool acs)
{
        struct finding *f = finding_add(fs, "prove.hung", "a run did not end within %" PRId64 " s: its processes were killed",
                                        p->timeout_s);

        steps_evidence(f, p, NULL);
        if (p->nproc)
                finding_evidence(f, "torchrun with %" PRId64 " processes; ranks that report no step are where it stopped",
                                 p->nproc);
        fix_acs(f, acs);
}

static void judge_steps(const struct snapshot *s, struct findings *fs)
{
        const struct snap_prove *p = &s->prove;
        struct findings tmp = FINDINGS_INIT;
        bool acs, known;

        check_acs(s, &tmp);
        acs = findings_has(&tmp, "topo.acs-enabled");
        findings_release(&tmp);
        known = judge_known(s, fs, acs);
        if (p->hung && !known)
                judge_hang(p, fs, acs);
        for (size_t i = 0; i < p->nsteps && !known; i++) {
                const struct snap_prove_step *st = &p->steps[i];
                if (!strcmp(st->status, "fail"))
                        judge_step(p, st, fs);
        }
        if (p->left_behind) {
                struct finding *f = finding_add(fs, "prove.left-behind", "processes of prove's run survived SIGKILL");
                finding_evidence(f, "they are in uninterruptible sleep (D state), usually inside the GPU driver");
                finding_fix(f, "ps -eo pid,stat,cmd | grep ' D'   # then dlrig health");
        }
}

/* How far apart two sizes are, as a factor >= 1 (no libm: dlrig links
 * only libc and jansson). */
static double size_factor(int64_t bytes)
{
        const double want = 64.0 * 1024 * 1024, r = bytes > 0 ? (double)bytes / want : 1e18;

        return r >= 1 ? r : 1 / r;
}

/* bench's NCCL bus bandwidth at the message size nearest torch's 64 MiB
 * (0: no bench, or no all-reduce in it). */
static double bench_busbw(const struct snap_bench *b)
{
        const struct snap_bench_ar_size *best = NULL;

        for (size_t i = 0; b->probe.st != FACT_UNSET && i < b->allreduce.nsizes; i++) {
                const struct snap_bench_ar_size *z = &b->allreduce.sizes[i];
                if (!best || size_factor(z->bytes) < size_factor(best->bytes))
                        best = z;
        }
        return best && best->bytes > 0 ? best->busbw_gbps : 0;
}

/* The slowest rank's all-reduce bus bandwidth (0: none passed). */
static double prove_busbw(const struct snap_prove *p)
{
        double bw = 0;

        for (size_t i = 0; i < p->nsteps; i++)
                if (!strcmp(p->steps[i].name, "allreduce") && !strcmp(p->steps[i].status, "pass") &&
                    (bw == 0 || p->steps[i].gbps < bw))
                        bw = p->steps[i].gbps;
        return bw;
}

/* torch's all-reduce against dlrig bench's NCCL, where both ran. */
static void judge_busbw(const struct snapshot *s, struct findings *fs)
{
        double want = bench_busbw(&s->bench), got = prove_busbw(&s->prove);
        struct finding *f;

        if (want <= 0 || got <= 0 || got >= CHECK_PROVE_SLOW_FRACTION * want || strcmp(s->prove.mode, "cuda"))
                return;
        f = finding_add(fs, "prove.allreduce-slow", "torch's all-reduce reaches %.1f GB/s, under half of dlrig bench's NCCL figure (%.1f GB/s)",
                        got, want);
        finding_evidence(f, "torch %s, NCCL %s: bus bandwidth %.1f GB/s at 64 MiB (the slowest rank)", s->prove.torch.version,
                         s->prove.torch.nccl ? s->prove.torch.nccl : "?", got);
        finding_evidence(f, "dlrig bench (NCCL %" PRId64 "): %.1f GB/s", s->bench.allreduce.nccl_version, want);
        finding_fix(f, "env | grep ^NCCL_   # a leftover NCCL_P2P_DISABLE, NCCL_P2P_LEVEL or NCCL_IB_DISABLE in the environment");
        finding_fix(f, "NCCL_DEBUG=INFO dlrig prove 2>&1 | grep -i 'via\\|channel'   # the transport torch's NCCL chose");
}

static void judge_ok(const struct snap_prove *p, struct findings *fs)
{
        const struct snap_prove_step *ar = snap_prove_step_of(p, "allreduce", "pass");
        const struct snap_prove_step *fsdp = snap_prove_step_of(p, "fsdp", "pass");
        struct finding *f = finding_add(fs, "prove.ok", "torch %s trains across %" PRId64 " %s: all-reduce, DDP%s",
                                        p->torch.version, p->nproc, strcmp(p->mode, "cpu") ? "GPUs" : "CPU processes (gloo)",
                                        fsdp ? " and FSDP" : "");

        if (ar)
                finding_evidence(f, "all-reduce bus bandwidth %.1f GB/s (the slowest rank)", prove_busbw(p));
        for (size_t i = 0; i < p->ngpus; i++)
                finding_evidence(f, "GPU %" PRId64 " %s: matmul checked, peak %" PRId64 " MiB", p->gpus[i].index,
                                 p->gpus[i].name, p->gpus[i].peak_bytes >> 20);
}

/* No GPU for the driver and none for torch: nothing was proven, which
 * must not read as a pass. */
static bool judge_no_gpus(const struct snapshot *s, struct findings *fs)
{
        const struct snap_prove *p = &s->prove;
        struct finding *f;

        if (!strcmp(p->mode, "cpu") || s->ngpus || p->torch.device_count > 0)
                return false;
        f = finding_add(fs, "prove.no-gpus", "no GPU to prove on: the driver shows none and torch %s sees none",
                        p->torch.version);
        finding_evidence(f, "NVML: %s", s->nvml.probe.why ? s->nvml.probe.why : "0 GPUs");
        finding_evidence(f, "torch.cuda.device_count(): %" PRId64 "%s", p->torch.device_count,
                         p->torch.cuda ? "" : " (a CPU-only build)");
        env_evidence(f, p);
        finding_fix(f, "dlrig doctor   # the PCI bus, the driver and the torch build, judged");
        return true;
}

void check_prove(const struct snapshot *s, struct findings *fs)
{
        const struct snap_prove *p = &s->prove;
        size_t before = fs->n;

        if (p->not_run) {
                struct finding *f = finding_add(fs, "prove.not-run", "prove could not run: %s", p->not_run);
                finding_fix(f, "dlrig prove --env /path/to/venv");
        } else if (judge_import(s, fs) && !judge_no_gpus(s, fs)) {
                judge_count(s, fs);
                if (s->ngpus)
                        judge_names(s, fs);
                judge_gpus(p, fs);
                judge_steps(s, fs);
                judge_busbw(s, fs);
                if (fs->n == before && p->nproc > 0 && snap_prove_step_of(p, "allreduce", "pass"))
                        judge_ok(p, fs);
        }
        if (!strcmp(p->mode ? p->mode : "", "cpu"))
                finding_add(fs, "prove.cpu-mode", "ran on the CPU with gloo (DLRIG_PROVE_CPU=1): the GPUs were not used");
        findings_sort(fs);
}
