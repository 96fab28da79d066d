/* kb.h - the knowledge base: facts about the world, compiled from the
 * readable data files src/kb/<name>.tsv (one fact a row, each with its
 * source). Lookups return borrowed pointers into static tables, or NULL. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum kb_xid_class {
        KB_XID_APP,       /* usually an application fault: restart the job */
        KB_XID_WARNING,   /* watch it: recurring means trouble */
        KB_XID_CRITICAL,  /* hardware or driver fault: reset, drain or RMA */
};

struct kb_xid {
        int code;
        const char *name;     /* NVIDIA's mnemonic */
        const char *meaning;  /* one line, our words */
        enum kb_xid_class cls;
        const char *action;   /* what to do, one line */
        const char *source;
};

const struct kb_xid *kb_xid_find(int code);

/* ---- CUDA toolkit -> driver (cuda_driver.tsv) ---- */

struct kb_cuda {
        const char *version;             /* "12.1" (major.minor) */
        const char *min_driver;          /* "530.30.02": the toolkit's own minimum */
        const char *minor_compat_driver; /* "525.60.13": floor with minor-version compatibility; NULL: none */
        const char *source;
};

/* Accepts "12.1", "12.1.105" or "12.1.1"; NULL when unknown. */
const struct kb_cuda *kb_cuda_find(const char *version);
/* The newest CUDA major.minor whose min_driver this driver meets, or NULL. */
const struct kb_cuda *kb_cuda_max_for_driver(const char *driver_version);
size_t kb_cuda_count(void);
/* A range of CUDA minor releases whose nvcc accepts the same newest GCC
 * major as host compiler (cc.tsv). */
struct kb_cc {
        const char *first_cuda, *last_cuda; /* "12.4", "12.6": inclusive */
        int max_gcc;
        const char *source;
};

/* The newest GCC major nvcc of this CUDA release accepts as host
 * compiler; 0 when unknown (kb-cc.c). */
int kb_cuda_max_gcc(const char *cuda_version);
const struct kb_cuda *kb_cuda_at(size_t i);

/* ---- PyTorch releases (pytorch.tsv) ---- */

struct kb_torch {
        const char *version;        /* "2.5.1" */
        const char *python_min;     /* "3.9" */
        const char *python_max;     /* "3.13" */
        const char *torchvision;    /* "0.20.1" */
        const char *torchaudio;     /* "2.5.1" */
        const char *default_variant;/* what `pip install torch` from PyPI gets on Linux: "cu124" */
        const char *source;
};

struct kb_torch_variant {
        const char *torch;          /* "2.5.1" */
        const char *variant;        /* "cu121", "cpu" */
        const char *index_url;      /* "https://download.pytorch.org/whl/cu121" */
        const char *archs;          /* "sm_50 sm_60 sm_70 sm_75 sm_80 sm_86 sm_90" */
        const char *source;
};

/* Accepts "2.5.1" or "2.5.1+cu121" (the local part is ignored). A
 * pre-release is judged as its series: "2.6.0.dev20241112+cu124" (a
 * nightly) and "2.5.0a0+872d972e41.nv24.10" (NGC's) give the 2.6.0 and 2.5.0
 * rows, or the series' first known release. */
const struct kb_torch *kb_torch_find(const char *version);
/* What kind of pre-release version is, with its article ("a nightly",
 * "an NVIDIA NGC build", "a pre-release"); NULL for a release. Static. */
const char *kb_torch_prerelease(const char *version);
/* The variant of a release: "cu121" (NULL: the release's default variant). */
const struct kb_torch_variant *kb_torch_variant_find(const char *torch, const char *variant);
/* Variants of a release in table order: i-th one or NULL past the end. */
const struct kb_torch_variant *kb_torch_variant_nth(const char *torch, size_t i);
size_t kb_torch_count(void);
const struct kb_torch *kb_torch_at(size_t i);
/* True when the variant's arch list runs code on compute capability cc
 * ("8.6"): an exact sm_86, or a same-major sm_80 binary, or PTX it can JIT. */
bool kb_torch_variant_runs_on(const struct kb_torch_variant *v, const char *cc);
/* A compute capability as a number: "8.6" -> 86, "12.0" -> 120; -1 when
 * malformed. */
int kb_cc_num(const char *cc);

/* ---- GPU architectures (cuda_arch.tsv) ---- */

enum kb_open_modules {
        KB_OPEN_UNAVAILABLE,  /* before Turing: proprietary modules only */
        KB_OPEN_ALLOWED,      /* Turing to Hopper: either flavour */
        KB_OPEN_REQUIRED,     /* Blackwell on: open modules only */
};

struct kb_arch {
        const char *name;           /* "Ampere" */
        const char *ccs;            /* "8.0 8.6 8.7" */
        const char *first_cuda;     /* "11.0" */
        const char *last_cuda;      /* NULL while supported */
        const char *first_branch;   /* first driver branch: "450"; NULL: unknown */
        const char *last_branch;    /* last driver branch supporting it; NULL while supported */
        enum kb_open_modules open_modules;
        const char *source;
};

const struct kb_arch *kb_arch_for_cc(const char *cc);
const struct kb_arch *kb_arch_find(const char *name);
size_t kb_arch_count(void);
const struct kb_arch *kb_arch_at(size_t i);

/* ---- GPU models (gpus.tsv) ---- */

struct kb_gpu {
        const char *name;           /* "NVIDIA A10G" */
        const char *pci_ids;        /* "2237" or "20b0 20b2" (device ids, vendor 10de) */
        const char *arch;           /* "Ampere" */
        const char *cc;             /* "8.6" */
        int mem_gib;
        int mem_bw_gbps;            /* GB/s */
        double bf16_tflops;         /* dense; 0 when the GPU has no BF16 */
        double fp32_tflops;
        double nvlink_gbps;         /* total GB/s, 0 without NVLink */
        int pcie_gen;
        const char *source;
};

const struct kb_gpu *kb_gpu_by_pci(unsigned device_id);
/* What a model should reach (kb-gpu.c), each 0 when the table does not say:
 * the dense GEMM peak of a data type ("bf16", "fp32": the columns
 * bf16_tflops, fp32_tflops), in TFLOP/s; */
double kb_gpu_peak_tflops(const struct kb_gpu *g, const char *dtype);
/* an on-GPU copy's rate, GB/s: half the memory bandwidth (each byte is read
 * and written); */
double kb_gpu_copy_gbps(const struct kb_gpu *g);
/* one direction of its NVLink, GB/s: half the table's total; */
double kb_gpu_nvlink_gbps(const struct kb_gpu *g);
/* one direction of its PCIe link at the model's generation, x16, GB/s. */
double kb_gpu_pcie_gbps(const struct kb_gpu *g);

/* ---- PCIe generations (kb-pcie.c) ---- */

/* The per-lane transfer rate of PCIe generation gen in GT/s (2.5, 5, 8,
 * 16, 32, 64 for gen 1..6); 0 for any other gen. */
double kb_pcie_gts(int gen);
/* One direction of a link of speed_gts GT/s per lane and width lanes, in
 * GB/s: 8b/10b coding below 8 GT/s (gen 1-2), 128b/130b from 8 GT/s (gen 3
 * on). PCIe 4.0 x16 = 31.5 GB/s, 5.0 x16 = 63.0 GB/s. */
double kb_pcie_gbps(double speed_gts, int width);
/* The generation whose rate the n bytes of text spell as Linux prints it in
 * sysfs: "16.0" (since Linux 5.7) or "16" (before); "2.5" either way.
 * 0 when no generation has that rate. */
int kb_pcie_gen_of_rate(const char *rate, size_t n);
/* The GPU models a query names, in table order (the nth; NULL past the
 * last): every word of the query in the name, any case, and where some
 * models have them all as whole words ("H20" in "NVIDIA H20", not in
 * "NVIDIA H200 SXM"), only those. */
const struct kb_gpu *kb_gpu_match(const char *query, size_t n);
/* The model whose name is query (any case), else the only match; NULL when
 * none or several match. */
const struct kb_gpu *kb_gpu_find(const char *query);
size_t kb_gpu_count(void);
const struct kb_gpu *kb_gpu_at(size_t i);

/* ---- driver branches (branches.tsv) ---- */

enum kb_branch_kind {
        KB_BRANCH_LTSB,  /* long-term support branch */
        KB_BRANCH_PB,    /* production branch */
        KB_BRANCH_NFB,   /* new feature branch: short-lived */
};

struct kb_branch {
        const char *branch;         /* "580" */
        enum kb_branch_kind kind;
        bool supported;             /* not end of life when the table was written */
        const char *max_cuda;       /* newest CUDA it runs without forward compatibility: "13.0" */
        const char *source;
};

size_t kb_branch_count(void);
const struct kb_branch *kb_branch_at(size_t i);   /* oldest first */
const struct kb_branch *kb_branch_find(const char *branch);

/* ---- installers of Python environment managers (installers.tsv) ---- */

struct kb_installer {
        const char *name;           /* "miniforge", "miniconda", "uv" */
        const char *url;
        const char *sha256_url;     /* the published checksum file; NULL: none */
        const char *dir;            /* where it goes below $HOME: "miniforge3" */
        const char *source;
};

const struct kb_installer *kb_installer_find(const char *name);
