/* snap-prove.h - the prove section of the snapshot (dlrig prove,
 * docs/prove.md): what the user's PyTorch did when dlrig ran its harness
 * (src/prove/prove.py) in the chosen environment. Included by snap.h only
 * (it uses its SNAP_DECL), declared like every other section.
 *
 * The harness prints one record per line, "dlrig-prove KIND {json}": its
 * "torch", "gpu" and "step" records are snap_prove_torch, _gpu and _step
 * written by snap-json.c's tables, and the runner (prove/prove-take.c)
 * reads them back strictly: a record missing a key is an error, not a 0. */
#pragma once

/* What torch says about itself (the "torch" record, step 1). */
#define SNAP_PROVE_TORCH(X)                                                    \
        X(TEXT, version)          /* torch.__version__; NULL: import failed */ \
        X(TEXT, cuda)             /* torch.version.cuda; NULL: a CPU-only build */ \
        X(BOOL, cuda_available)   /* torch.cuda.is_available() */              \
        X(INT, device_count)      /* torch.cuda.device_count() */              \
        X(TEXT, arch_list)        /* torch.cuda.get_arch_list(), space separated */ \
        X(TEXT, nccl)             /* torch.cuda.nccl.version() "2.21.5"; NULL: none */ \
        X(TEXT, error)            /* the import's exception, "ImportError: ..." */

struct snap_prove_torch {
        SNAP_PROVE_TORCH(SNAP_DECL)
};

/* One GPU as torch sees it, and its matmul (the "gpu" record, step 2). */
#define SNAP_PROVE_GPU(X)                                                      \
        X(INT, index)             /* torch's device ordinal */                 \
        X(TEXT, name)             /* torch.cuda.get_device_name */             \
        X(TEXT, capability)       /* "8.6" */                                  \
        X(BOOL, arch_covered)     /* sm_XY (or an older compute_XY) is in the arch list */ \
        X(BOOL, matmul_ok)        /* the GPU's product matches the CPU's */    \
        X(REAL, max_err)          /* largest |gpu - cpu| / scale of the check */ \
        X(INT, peak_bytes)        /* torch.cuda.max_memory_reserved after the matmul */ \
        X(REAL, seconds)                                                       \
        X(TEXT, error)            /* the exception, or NULL */

struct snap_prove_gpu {
        SNAP_PROVE_GPU(SNAP_DECL)
};

/* One step of one rank (the "step" record), or a step the runner closed
 * itself (the launch that failed, the run that passed its deadline). */
#define SNAP_PROVE_STEP(X)                                                     \
        X(TEXT, name)             /* "allreduce", "ddp", "ddp-params", "fsdp", "launch", "local" */ \
        X(INT, rank)              /* -1: not one rank's */                     \
        X(TEXT, status)           /* "pass", "fail", "skip", "timeout" */      \
        X(REAL, seconds)                                                       \
        X(REAL, got)              /* allreduce: the sum; ddp: the last loss */ \
        X(REAL, expected)         /* allreduce: the right sum; ddp: the first loss */ \
        X(REAL, gbps)             /* allreduce: bus bandwidth, GB/s (0: none) */ \
        X(TEXT, error)            /* the exception or why it was skipped */

struct snap_prove_step {
        SNAP_PROVE_STEP(SNAP_DECL)
};

#define SNAP_PROVE(X)                                                          \
        X(PROBE, probe)           /* FACT_UNSET: no prove (not saved either) */ \
        X(TEXT, env)              /* the environment's prefix */               \
        X(TEXT, env_chosen_by)    /* "--env", "PATH", "best torch found", "PATH, no torch seen ..." */    \
        X(TEXT, python)           /* the interpreter run */                    \
        X(TEXT, mode)             /* "cuda" (NCCL) or "cpu" (gloo: tests, CPU-only machines) */ \
        X(INT, nproc)             /* processes torchrun started; 0: not launched */ \
        X(INT, timeout_s)         /* each run's deadline */                    \
        X(OBJ, torch, prove_torch, "torch")                                    \
        X(ARRAY, gpus, ngpus, prove_gpu, "gpus")                               \
        X(ARRAY, steps, nsteps, prove_step, "steps")                           \
        X(BOOL, hung)             /* a run passed its deadline and was killed */ \
        X(BOOL, left_behind)      /* processes of its group survived SIGKILL */ \
        X(TEXT, not_run)          /* why nothing could be run, or NULL */      \
        X(TEXT, log)              /* the last lines the failing run printed, or NULL */

struct snap_prove {
        SNAP_PROVE(SNAP_DECL)
};

void snap_prove_release(struct snap_prove *p);
void snap_prove_torch_release(struct snap_prove_torch *t);
void snap_prove_gpu_release(struct snap_prove_gpu *g);
void snap_prove_step_release(struct snap_prove_step *s);
struct snap_prove_gpu *snap_add_prove_gpu(struct snap_prove *p);
struct snap_prove_step *snap_add_prove_step(struct snap_prove *p);
/* The first step called name whose status is status (NULL: any), else NULL. */
const struct snap_prove_step *snap_prove_step_of(const struct snap_prove *p, const char *name,
                                                 const char *status);
