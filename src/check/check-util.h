/* check-util.h - what the checks share: where the stack is broken (so each
 * layer stays silent above a lower failure), GPU naming, error-code names
 * and distribution-specific fix commands.
 *
 * Everything here reads only the snapshot; returned strings are borrowed
 * from the snapshot or static tables unless said otherwise. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check/finding.h"
#include "kb/kb-codes.h"
#include "kb/kb-distro.h"
#include "snap/snap.h"
#include "util/strbuf.h"
#include "util/versions.h"

/* Clock event reason bits (nvml.h nvmlClocksEventReason*). */
#define CHECK_CLK_GPU_IDLE 0x1
#define CHECK_CLK_SW_POWER_CAP 0x4
#define CHECK_CLK_HW_SLOWDOWN 0x8
#define CHECK_CLK_SW_THERMAL 0x20
#define CHECK_CLK_HW_THERMAL 0x40
#define CHECK_CLK_HW_POWER_BRAKE 0x80

/* The distribution's family, from its kb/distro.tsv row. */
enum check_distro {
        CHECK_DISTRO_DEBIAN, /* apt-get, update-initramfs */
        CHECK_DISTRO_RHEL,   /* dnf, dracut */
        CHECK_DISTRO_OTHER,  /* not in the table: say the step as a '#' comment */
        CHECK_DISTRO_MAX,
        CHECK_DISTRO_INVALID = -1,
};

/* The distribution's kb row, or NULL when unknown or not in the table. */
const struct kb_distro *check_util_os(const struct snapshot *s);
enum check_distro check_util_distro(const struct snapshot *s);
bool check_util_is_ubuntu(const struct snapshot *s);

/* A buffer big enough for any name below. */
#define CHECK_NAME_MAX 96

/* "GPU 3 (0000:b1:00.0)" for an NVML GPU; "GPU 3" when its bus is unknown. */
const char *check_util_gpu_name(const struct snap_gpu *g, char buf[CHECK_NAME_MAX]);
/* The NVML name of the GPU at bus when NVML has it, else "GPU at <bus>". */
const char *check_util_bus_name(const struct snapshot *s, const char *bus,
                                char buf[CHECK_NAME_MAX]);
/* Bus ids in any of the kernel's, NVML's or CUDA's spellings. */
bool check_util_bus_eq(const char *a, const char *b);
const struct snap_gpu *check_util_gpu_at(const struct snapshot *s, const char *bus);

/* ---- where the stack is broken, lowest layer first ---- */

/* GPUs on the PCI bus (0 when the scan failed: see gpus_expected); when
 * the bus was never scanned (a report judged by doctor --from), NVML's. */
size_t check_util_pci_gpus(const struct snapshot *s);
/* The bus has GPUs, or could not be read (then assume it does). */
bool check_util_gpus_expected(const struct snapshot *s);
/* The nvidia module is loaded and no in-tree driver holds the GPUs (true
 * when the module facts are unknown, so the driver layer can speak). */
bool check_util_kernel_ok(const struct snapshot *s);
/* /dev/nvidiactl and every GPU's /dev/nvidiaN exist (or cannot be told);
 * with uvm, also /dev/nvidia-uvm, without which cuInit fails. */
bool check_util_nodes_ok(const struct snapshot *s, bool uvm);
/* Counts the missing nodes and, when ret is not NULL, pushes their paths. */
size_t check_util_missing_nodes(const struct snapshot *s, bool uvm, struct strv *ret);
/* The NVML library is not installed at all. */
bool check_util_nvml_missing(const struct snapshot *s);
/* nvmlInit succeeded and the library's version is the module's. */
bool check_util_nvml_init_ok(const struct snapshot *s);
/* ... and the NVML probe finished (no hang, no crash). */
bool check_util_nvml_ok(const struct snapshot *s);
/* The user-space driver version ("535.161.08") and the loaded module's,
 * or NULL when unknown; they differ on a version mismatch. */
const char *check_util_lib_version(const struct snapshot *s, char buf[CHECK_NAME_MAX]);
const char *check_util_module_version(const struct snapshot *s, char buf[CHECK_NAME_MAX]);
/* The driver version to quote: NVML's, else the module's, else NULL. */
const char *check_util_driver_version(const struct snapshot *s, char buf[CHECK_NAME_MAX]);
/* The version part of a library file name ("libcuda.so.535.161.08"). */
const char *check_util_so_version(const char *path, char buf[CHECK_NAME_MAX]);
/* "12.2" from 12020. */
const char *check_util_cuda_version(int64_t v, char buf[CHECK_NAME_MAX]);

/* A GPU that NVML reports as fallen off the bus (GPU_IS_LOST anywhere). */
bool check_util_gpu_lost(const struct snap_gpu *g);
/* The reason of the first NVML fact of g in status st (FACT_ST_INVALID:
 * any) whose reason contains needle (NULL: any), or NULL; *field names it. */
const char *check_util_gpu_fault(const struct snap_gpu *g, enum fact_st st, const char *needle,
                                 const char **field);
/* The firmware left the GPU without its memory window: BAR0 of size 0, or
 * the kernel log says so for this bus (RmInitAdapter, invalid I/O region). */
bool check_util_bar_broken(const struct snapshot *s, const struct snap_pci_dev *d);
/* The first NVRM kernel log line containing needle (case-insensitive) and,
 * when bus is not NULL, that bus; NULL when none. */
const char *check_util_klog_find(const struct snapshot *s, const char *needle, const char *bus);
/* The kernel log has Xid code for bus. */
bool check_util_xid_on(const struct snapshot *s, const char *bus, int64_t code);

/* A driver call that did not return: its breadcrumb, the NVML fact that
 * timed out (NULL: the probe as a whole), and the GPU it was about. */
struct check_hang {
        const char *why;            /* "nvmlDeviceGetHandleByIndex_v2(4) did not return ..." */
        const char *field;          /* the snap_gpu field, or NULL */
        const struct snap_gpu *gpu; /* the NVML GPU, or NULL (not listed yet) */
        int64_t index;              /* its NVML index, or -1 */
        const char *bus;            /* its PCI bus, or NULL when it cannot be told */
};
/* Fills *ret and returns true when an NVML call hung. */
bool check_util_hang(const struct snapshot *s, struct check_hang *ret);
/* NVSwitch system whose fabric manager is missing, stopped or mismatched. */
bool check_util_fabric_broken(const struct snapshot *s);

/* "NVML_ERROR_GPU_IS_LOST" / "CUDA_ERROR_STUB_LIBRARY" (kb/kb-codes.h);
 * unknown codes as "error 42" in buf. */
const char *check_util_nvml_error(int64_t code, char buf[CHECK_NAME_MAX]);
const char *check_util_cuda_error(int64_t code, char buf[CHECK_NAME_MAX]);

/* Appends "8 × NVIDIA A10G" (or "4 × A100, 4 × A10G") for names[0..n). */
void check_util_tally(struct strbuf *sb, const char *const *names, size_t n);

/* Severity of the worst finding added since fs->n was start. */
enum severity check_util_worst_since(const struct findings *fs, size_t start);

/* ---- CUDA_VISIBLE_DEVICES ---- */
/* The value cvd names g (by index or UUID). */
bool check_util_cvd_names(const char *cvd, const struct snap_gpu *g);
/* How many NVML GPUs the value hides; appends their indices ("2, 3") to
 * idx when not NULL. */
size_t check_util_cvd_hidden(const struct snapshot *s, const char *cvd, struct strbuf *idx);

/* ---- fix commands ---- */

/* "sudo apt-get install -y DEB" or "sudo dnf install -y RHEL"; elsewhere a
 * comment asking to install WHAT. */
void check_util_fix_install(struct finding *f, const struct snapshot *s, const char *deb,
                            const char *rhel, const char *what);
void check_util_fix_initramfs(struct finding *f, const struct snapshot *s);
/* kb/kb-distro.c's commands (the ones plan's steps run) as fix lines:
 * "sudo apt-get install -y PKGS" / "sudo dnf install -y PKGS" for a package
 * list, "sudo CMD" for a command. The last line gets suffix (NULL: none). */
void check_util_fix_cmds(struct finding *f, const struct snapshot *s, const struct kb_cmds *c,
                         const char *suffix);
/* Installs the driver the way plan does: NVIDIA's repository first where
 * the distribution's archive lacks the driver, then kb_cmds_driver() of
 * branch (NULL: the newest), open or not, with the headers of kernel
 * (NULL: none). False, and nothing added, on a distribution not in the
 * table. */
bool check_util_fix_driver(struct finding *f, const struct snapshot *s, const char *branch, bool open,
                           const char *kernel, const char *suffix);
/* Headers for the running kernel, which DKMS needs to build a module. */
void check_util_fix_headers(struct finding *f, const struct snapshot *s);
/* The same for another kernel than the running one (NULL: the running one). */
void check_util_fix_headers_for(struct finding *f, const struct snapshot *s, const char *kernel);

/* ---- shared between check files ---- */

/* The driver cannot drive the GPUs at all (a branch that does not support
 * them, a wrong module flavour): everything above is a consequence. */
bool check_util_driver_unfit(const struct findings *fs);

/* The version of the nvidia DKMS tree, for "dkms install nvidia/VER", or
 * NULL (check-kmod.c). */
const char *check_kmod_dkms_version(const struct snapshot *s);
/* Secure Boot refuses the installed module: reports why and returns true
 * (check-secure-boot.c). */
bool check_kmod_secure_boot(const struct snapshot *s, struct findings *fs);
/* The --live facts of one environment with torch (check-python.c). */
void check_python_live(const struct snapshot *s, const struct snap_pyenv *e, struct findings *fs);
/* check-torch-libs.c: an older cuDNN/NCCL/cuBLAS first on LD_LIBRARY_PATH. */
void check_torch_libs(const struct snapshot *s, const struct snap_pyenv *e, struct findings *fs);
