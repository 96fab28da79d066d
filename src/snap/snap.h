/* snap.h - the snapshot: every fact the probes gathered, as plain data.
 *
 * Probes fill it, checks and renderers only read it, and snap-json.c saves
 * and loads it (doctor --save / --from). The snapshot owns every string
 * reachable from it; snap_release() frees them all.
 *
 * A fact that could not be observed is still a fact: each fact_* carries a
 * status and, when not FACT_OK, a short reason ("NVML_ERROR_NOT_SUPPORTED",
 * "permission denied"). Each section carries the status of its probe. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strv.h"

#define SNAP_SCHEMA_VERSION 1

enum fact_st {
        FACT_UNSET = 0,   /* never asked (probe did not get this far) */
        FACT_OK,
        FACT_ABSENT,      /* the thing does not exist (file, module, GPU) */
        FACT_UNSUPPORTED, /* the driver or hardware cannot tell */
        FACT_DENIED,      /* no permission */
        FACT_TIMEOUT,     /* the call did not return in time */
        FACT_ERROR,       /* any other failure; see why */
        FACT_ST_MAX,
        FACT_ST_INVALID = -1,
};

struct fact_num {
        enum fact_st st;
        int64_t v;
        char *why;
};

struct fact_str {
        enum fact_st st;
        char *v;
        char *why;
};

struct probe_st {
        enum fact_st st;
        char *why;
};

struct snap_os {
        struct probe_st probe;
        struct fact_str distro_id;    /* os-release ID: "ubuntu" */
        struct fact_str version_id;   /* "22.04" */
        struct fact_str pretty_name;
        struct fact_str kernel;       /* running kernel release */
        struct fact_str arch;         /* "x86_64" */
        struct fact_num secure_boot;  /* 1 enabled, 0 disabled */
        struct fact_str cmdline;      /* /proc/cmdline */
        struct fact_num hypervisor;   /* 1: cpuinfo's "hypervisor" flag (a VM); absent: no flags line */
        struct fact_num numa_nodes;   /* /sys/devices/system/node/node<N> folders */
        /* Secure Boot's keys for modules (probe-mok.c) */
        struct fact_num enrolled_read; /* lists read: MokListRT and/or db (1-2) */
        struct strv enrolled_keys;    /* subject CNs of their certificates */
        struct fact_num mok_pending;  /* 1: MokNew exists, an import awaits the reboot */
        struct strv signing_keys;     /* "/var/lib/dkms/mok.pub: CN" of key files present */
};

struct snap_pci_dev {
        char *bus_id;                 /* "0000:3b:00.0" */
        char *kind;                   /* "gpu", "nvswitch" */
        int64_t vendor_id, device_id, subsys_vendor_id, subsys_device_id;
        int64_t class_code;           /* 0x030200 */
        struct fact_str name;         /* from pci.ids */
        struct fact_num numa_node;
        struct fact_str driver;       /* bound kernel driver; absent: none */
        struct fact_str link_speed_cur, link_speed_max; /* "16.0 GT/s PCIe" */
        struct fact_num link_gen_cur, link_gen_max;     /* derived: 1..6 */
        struct fact_num link_width_cur, link_width_max;
        struct fact_num bar0_bytes;   /* size of BAR0; 0 when unassigned */
        /* the way up from the device in the sysfs PCI tree: its host bridge
         * ("pci0000:00"), then the bridges down to its parent; empty when
         * the device's sysfs link does not show the tree */
        struct strv upstream;
        /* the type of the device's IOMMU group: "DMA", "DMA-FQ" (addresses
         * translated), "identity" (passthrough); absent: no IOMMU group */
        struct fact_str iommu_type;
};

/* A bridge or switch port above a GPU or NVSwitch (docs/topo.md). */
struct snap_pci_bridge {
        char *bus_id;
        int64_t vendor_id, device_id; /* from its config header; 0 when unread */
        struct fact_num acs_cap;      /* ACS Capability register; absent: no ACS */
        struct fact_num acs_ctrl;     /* ACS Control register (PCI_ACS_* bits) */
};

struct snap_pci {
        struct probe_st probe;
        size_t n;
        struct snap_pci_dev *devs;
        size_t nbridges;
        struct snap_pci_bridge *bridges; /* every bridge in some device's upstream */
};

struct snap_dkms {
        char *module, *version, *kernel, *arch, *state;
};

struct snap_kmod {
        struct probe_st probe;
        bool nvidia, nvidia_uvm, nvidia_drm, nvidia_modeset, nouveau, nova_core;
        struct fact_str loaded_version;  /* /sys/module/nvidia/version */
        struct fact_str proc_version;    /* NVRM line of /proc/driver/nvidia/version */
        struct fact_str flavour;         /* "open" or "proprietary" */
        struct fact_str module_path;     /* nvidia.ko for the running kernel */
        struct fact_str module_version;  /* version of that file */
        struct fact_str module_signer;   /* absent: unsigned */
        struct fact_str nouveau_blacklisted; /* file that blacklists it */
        struct strv kernels_installed;   /* kernels under /lib/modules with a modules.dep */
        struct strv kernels_with_module; /* kernels under /lib/modules with nvidia.ko */
        size_t ndkms;
        struct snap_dkms *dkms;
};

/* One GPU as NVML sees it. Field order is the JSON order. */
#define SNAP_GPU_FIELDS(X)                                                     \
        X(STR, name)                                                           \
        X(STR, pci_bus_id)                                                     \
        X(STR, uuid)                                                           \
        X(NUM, memory_total_bytes)                                             \
        X(STR, compute_capability)                                             \
        X(NUM, pci_device_id)                                                  \
        X(NUM, minor_number)                                                   \
        X(NUM, persistence_mode)                                               \
        X(NUM, mig_mode_current)                                               \
        X(NUM, mig_mode_pending)                                               \
        X(NUM, mig_instances)    /* MIG compute instances (CUDA devices) */   \
        X(NUM, ecc_mode_current)                                               \
        X(NUM, ecc_mode_pending)                                               \
        X(NUM, ecc_uncorrected_volatile)                                       \
        X(NUM, ecc_uncorrected_aggregate)                                      \
        X(NUM, ecc_corrected_volatile)                                         \
        X(NUM, retired_pages_sbe)                                              \
        X(NUM, retired_pages_dbe)                                              \
        X(NUM, retired_pages_pending)                                          \
        X(NUM, remap_correctable)                                              \
        X(NUM, remap_uncorrectable)                                            \
        X(NUM, remap_pending)                                                  \
        X(NUM, remap_failed)                                                   \
        X(NUM, pcie_gen_cur)                                                   \
        X(NUM, pcie_gen_max)                                                   \
        X(NUM, pcie_width_cur)                                                 \
        X(NUM, pcie_width_max)                                                 \
        X(NUM, temperature_c)                                                  \
        X(NUM, power_draw_mw)                                                  \
        X(NUM, power_limit_mw)                                                 \
        X(NUM, clock_event_reasons)                                            \
        X(NUM, numa_node)

#define SNAP_FIELD_NUM(name) struct fact_num name;
#define SNAP_FIELD_STR(name) struct fact_str name;
#define SNAP_FIELD(kind, name) SNAP_FIELD_##kind(name)

struct snap_gpu {
        int64_t index;
        SNAP_GPU_FIELDS(SNAP_FIELD)
};

struct snap_nvml {
        struct probe_st probe;
        char *library;                   /* file that was loaded */
        struct fact_num init_result;     /* nvmlInit_v2 return code */
        struct fact_str driver_version;
        struct fact_num cuda_driver_version; /* 12020 */
        struct fact_num device_count;
};

struct snap_cuda_dev {
        int64_t ordinal;
        struct fact_str name, pci_bus_id, uuid, compute_capability;
        struct fact_num memory_total_bytes;
};

struct snap_cuda {
        struct probe_st probe;
        char *library;
        struct fact_num init_result;     /* cuInit return code */
        struct fact_num driver_version;
        struct fact_num device_count;
        struct fact_str visible_devices; /* CUDA_VISIBLE_DEVICES; absent: unset */
        struct fact_str device_order;    /* CUDA_DEVICE_ORDER */
        size_t n;
        struct snap_cuda_dev *devs;
};

struct snap_xid {
        char *pci_bus_id;                /* as the kernel printed it, normalised */
        int64_t code;
        char *detail;                    /* the rest of the log line */
};

struct snap_klog {
        struct probe_st probe;
        char *source;                    /* "/dev/kmsg", "/var/log/kern.log" */
        size_t nxid;
        struct snap_xid *xids;
        struct strv nvrm;                /* other NVRM: lines worth showing */
};

struct snap_fabric {
        struct probe_st probe;
        struct fact_str version;         /* installed package version; absent: not installed */
        struct fact_num running;         /* 1 a nv-fabricmanager process exists */
        struct fact_num enabled;         /* 1 unit enabled to start at boot */
};

struct snap_devnodes {
        struct probe_st probe;
        bool nvidiactl, nvidia_uvm;
        struct strv gpus;                /* "nvidia0", "nvidia1", ... */
};

/* ---- the machine around the stack (doctor part 3) ---- */

/* Containers, upkeep and workload set-up: each fact absent when the thing
 * is not there (no container, no accelerate config, ...). */
#define SNAP_HOST_FIELDS(X)                                                    \
        X(STR, container)        /* "docker", "podman", "kubernetes", "lxc" */ \
        X(NUM, shm_bytes)        /* /dev/shm size limit (size= of its mount) */ \
        X(STR, engines)          /* container engines installed: "docker containerd" */ \
        X(STR, ctk_version)      /* nvidia-container-toolkit package */        \
        X(NUM, ctk_configured)   /* 1: an nvidia runtime or CDI spec exists; absent with no engine */ \
        X(NUM, auto_upgrades)    /* 1: unattended-upgrades installs on its own */ \
        X(NUM, driver_guarded)   /* 1: driver packages held or blacklisted from it */ \
        X(NUM, port_busy)        /* 1: something listens on torchrun's port 29500 */ \
        X(STR, accel_config)     /* the user's accelerate default_config.yaml */ \
        X(NUM, accel_use_cpu)    /* its use_cpu: 1 true */                     \
        X(NUM, accel_processes)  /* its num_processes */                       \
        X(STR, cc_version)       /* the host C compiler nvcc would use: "13.2.0" */ \
        X(STR, service_cvd)      /* "unit: CUDA_VISIBLE_DEVICES=..." in a service drop-in */ \
        X(STR, profile_cvd)      /* "file: CUDA_VISIBLE_DEVICES=..." in /etc/environment or /etc/profile.d */ \
        X(STR, libstdcxx)        /* the system's libstdc++.so.6 version: "6.0.30" */ \
        X(STR, display_server)   /* "Xorg (pid 1234)": a display server running */

struct snap_host {
        struct probe_st probe;
        SNAP_HOST_FIELDS(SNAP_FIELD)
};

/* ---- software layers (doctor part 2) ---- */

/* The environment dlrig itself runs in, read from /proc/self/environ below
 * the root (a recording or fixture gives that file). A container image sets
 * PATH, CUDA_HOME and the venv through its ENV, which no rc file shows; the
 * login shell's view (snap_shell) is the other environment a finding may
 * speak of. Each fact is absent when the variable is unset. */
#define SNAP_PROCENV_VARS(X)                                                   \
        X(path, "PATH")                                                        \
        X(ld_library_path, "LD_LIBRARY_PATH")                                  \
        X(cuda_home, "CUDA_HOME")                                              \
        X(cuda_path, "CUDA_PATH")                                              \
        X(virtual_env, "VIRTUAL_ENV")                                          \
        X(conda_prefix, "CONDA_PREFIX")                                        \
        X(pythonpath, "PYTHONPATH")                                            \
        X(pyenv_root, "PYENV_ROOT")                                            \
        X(asdf_data_dir, "ASDF_DATA_DIR")                                      \
        X(home, "HOME")                                                        \
        X(cuda_visible_devices, "CUDA_VISIBLE_DEVICES")                        \
        X(nvidia_visible_devices, "NVIDIA_VISIBLE_DEVICES")

#define SNAP_PROCENV_FIELD(name, var) struct fact_str name;

struct snap_procenv {
        struct probe_st probe;        /* absent: the root records no environment */
        SNAP_PROCENV_VARS(SNAP_PROCENV_FIELD)
};

struct snap_toolkit {
        char *path;                   /* "/usr/local/cuda-12.1", or inside a conda env */
        char *origin;                 /* what put it there: "system" (NVIDIA's installers under
                                       * /usr/local or /opt), "distro" (nvcc in /usr/bin), "env"
                                       * (CUDA_HOME/CUDA_PATH), "path" (only an nvcc on PATH) */
        struct fact_str version;      /* "12.1.105" */
        char *evidence;               /* what the version was read from: "version.json",
                                       * "dpkg cuda-nvcc-13-0 13.0.88", "nvcc --version", ... */
};

struct snap_toolkits {
        struct probe_st probe;
        struct fact_str cuda_link;    /* where /usr/local/cuda points */
        size_t n;
        struct snap_toolkit *v;
        struct fact_str nvcc_path;    /* first nvcc on PATH, links resolved */
        struct fact_str nvcc_env;     /* whose PATH found it: "process" or "login shell" */
        struct fact_str nvcc_version; /* its toolkit's version */
        struct strv loader_dirs;      /* where the loader looks: LD_LIBRARY_PATH (the process's, then
                                       * the login shell's), then ld.so.conf(.d), then the defaults */
        struct strv libcuda;          /* libcuda.so* files on those dirs, in search order */
        struct strv libcudart;        /* libcudart.so* files on those dirs, in search order */
        struct fact_str stub_libcuda; /* a stubs/libcuda.so* that the loader finds; absent: none */
        /* cuDNN, NCCL and cuBLAS files ("libcudnn.so.8.6.0") in LD_LIBRARY_PATH's
         * folders, in search order: they come before a wheel's own copies */
        struct strv ld_path_libs;
        /* "cuda-nvcc-12-8 12.8.93 /usr/local/cuda-12.8": a toolkit package the
         * package database lists whose folder is missing */
        struct strv packaged_missing;
};

struct snap_shell {
        struct probe_st probe;
        struct fact_str user;         /* invoking user (SUDO_USER under sudo) */
        struct fact_str home;
        struct fact_str login_shell;  /* from /etc/passwd: "/bin/bash" */
        struct fact_str path;         /* PATH as the user's login shell would have it */
        struct fact_str ld_library_path;
        struct strv rc_files;         /* the rc files read, in the order the shell reads them */
        struct strv cuda_lines;       /* "file:line: text" of lines that add CUDA paths */
        struct fact_str conda_init;   /* rc file with conda's init block; absent: none */
};

struct snap_pyenv {
        char *kind;                   /* "conda", "venv", "uv", "pyenv", "asdf", "system" */
        char *path;                   /* the environment's prefix */
        char *name;                   /* conda env name, or the folder's */
        struct fact_str python_version;   /* "3.11.9" */
        struct fact_str torch_version;    /* "2.3.1+cu121"; absent: no torch */
        struct fact_str torch_cuda;       /* "12.1" (torch/version.py); absent: a CPU build */
        struct fact_str torchvision_version;
        struct fact_str torchaudio_version;
        struct strv nvidia_wheels;        /* "nvidia-cudnn-cu12 8.9.2.26", sorted */
        struct fact_str cuda_toolkit;     /* a toolkit inside the env (cuda-nvcc / cudatoolkit) */
        bool exllamav2, torchtune;
        struct strv extensions;           /* "exllamav2 0.1.8+cu121.torch2.3.1": wheels built for one torch */
        struct fact_str libstdcxx;        /* "6.0.29": the env's own lib/libstdc++.so.6 (conda) */
        struct fact_str base_python;      /* a venv's interpreter (bin/python resolved); absent: gone */
        /* doctor --live: what the environment's Python itself says */
        struct fact_num live_cuda_available;
        struct fact_num live_device_count;
        struct fact_str live_arch_list;   /* torch.cuda.get_arch_list(), space separated */
        struct strv live_capabilities;    /* "8.6" per visible device */
        struct fact_str live_error;       /* the exception text when torch failed */
};

struct snap_python {
        struct probe_st probe;
        bool live;                    /* doctor --live ran the interpreters */
        struct fact_str selected;     /* the environment whose python PATH finds first */
        struct fact_str selected_by;  /* "process PATH", "login shell PATH" */
        struct strv conda_installs;   /* prefixes of conda/mamba installations */
        size_t n;
        struct snap_pyenv *envs;
};

/* ---- topology (dlrig topo, docs/topo.md) ---- */

struct snap_topo_gpu {
        int64_t index;                /* NVML index */
        struct fact_str cpu_affinity; /* "0-47,96-143", from nvmlDeviceGetCpuAffinity */
        struct fact_num nvlink_links; /* NVLink links the GPU has (up or down) */
        struct fact_num nvlink_up;    /* of those, active */
        struct strv nvlink_remotes;   /* per active link: "switch 0000:c4:00.0", "gpu 0000:0f:00.0" */
};

/* One unordered GPU pair. Field order is the JSON order. The p2p_* facts
 * hold nvmlGpuP2PStatus_t: 0 supported, else the reason it is not. */
#define SNAP_TOPO_PAIR_FIELDS(X)                                               \
        X(NUM, level)       /* nvmlGpuTopologyLevel_t: 0 board .. 50 system */ \
        X(NUM, p2p_read)                                                       \
        X(NUM, p2p_write)                                                      \
        X(NUM, p2p_atomics)                                                    \
        X(NUM, p2p_nvlink)                                                     \
        X(NUM, p2p_pci)

struct snap_topo_pair {
        int64_t a, b;                 /* NVML indexes, a < b */
        SNAP_TOPO_PAIR_FIELDS(SNAP_FIELD)
};

struct snap_topo {
        struct probe_st probe;        /* FACT_UNSET: not gathered (not saved either) */
        size_t ngpus;
        struct snap_topo_gpu *gpus;
        size_t npairs;
        struct snap_topo_pair *pairs;
};

struct snapshot {
        char *dlrig_version;
        struct snap_os os;
        struct snap_pci pci;
        struct snap_kmod kmod;
        struct snap_nvml nvml;
        size_t ngpus;
        struct snap_gpu *gpus;           /* NVML's GPUs, by NVML index */
        struct snap_cuda cuda;
        struct snap_klog klog;
        struct snap_fabric fabric;
        struct snap_devnodes devnodes;
        struct snap_procenv procenv;
        struct snap_toolkits toolkits;
        struct snap_shell shell;
        struct snap_python python;
        struct snap_host host;
        struct snap_topo topo;
};

void snap_init(struct snapshot *s);
void snap_release(struct snapshot *s);

/* Setters: they replace (and free) what the fact held. why may be NULL. */
void fact_set_num(struct fact_num *f, int64_t v);
void fact_set_str(struct fact_str *f, const char *v);
void fact_take_str(struct fact_str *f, char *v);
void fact_fail_num(struct fact_num *f, enum fact_st st, const char *why);
void fact_fail_str(struct fact_str *f, enum fact_st st, const char *why);
void probe_set(struct probe_st *p, enum fact_st st, const char *why);
void fact_num_release(struct fact_num *f);
void fact_str_release(struct fact_str *f);

static inline bool fact_ok(const void *fact)
{
        return *(const enum fact_st *)fact == FACT_OK;
}

const char *fact_st_name(enum fact_st st);
enum fact_st fact_st_from_name(const char *name);

/* Grow helpers for the snapshot's arrays; return the new zeroed element. */
struct snap_pci_dev *snap_add_pci_dev(struct snap_pci *pci);
struct snap_pci_bridge *snap_add_pci_bridge(struct snap_pci *pci);
struct snap_gpu *snap_add_gpu(struct snapshot *s);
struct snap_cuda_dev *snap_add_cuda_dev(struct snap_cuda *c);
struct snap_xid *snap_add_xid(struct snap_klog *k);
struct snap_dkms *snap_add_dkms(struct snap_kmod *k);
struct snap_toolkit *snap_add_toolkit(struct snap_toolkits *t);
struct snap_pyenv *snap_add_pyenv(struct snap_python *p);
struct snap_topo_gpu *snap_add_topo_gpu(struct snap_topo *t);
struct snap_topo_pair *snap_add_topo_pair(struct snap_topo *t);
void snap_topo_release(struct snap_topo *t);
void snap_gpu_release(struct snap_gpu *g);
void snap_cuda_dev_release(struct snap_cuda_dev *d);

/* Lookups (borrowed results, NULL when not found). */
const struct snap_gpu *snap_gpu_by_bus(const struct snapshot *s, const char *bus_id);
const struct snap_pci_dev *snap_pci_by_bus(const struct snapshot *s, const char *bus_id);
const struct snap_pci_bridge *snap_pci_bridge_of(const struct snap_pci *pci, const char *bus_id);
bool snap_pci_is_gpu(const struct snap_pci_dev *d);
/* How many leading entries the ways up of a and b share: 0 different host
 * bridges, 1 the same host bridge only, 2 or more a common bridge. */
size_t snap_pci_common_upstream(const struct snap_pci_dev *a, const struct snap_pci_dev *b);
size_t snap_pci_count(const struct snapshot *s, const char *kind);
/* The toolkit folder that holds path ("/usr/local/cuda-12.1/bin/nvcc"): the
 * longest match, so that a distro toolkit at /usr does not claim
 * /usr/local/cuda-12.1's files. NULL for none, or a NULL path. */
const struct snap_toolkit *snap_toolkit_holding(const struct snap_toolkits *t, const char *path);
const struct snap_topo_pair *snap_topo_pair_of(const struct snap_topo *t, int64_t a, int64_t b);
const struct snap_topo_gpu *snap_topo_gpu_of(const struct snap_topo *t, int64_t index);
