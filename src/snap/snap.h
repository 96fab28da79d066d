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

#include "snap/snap-schema.h"
#include "util/strv.h"

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

/* Each struct of the snapshot is declared once, as an X-macro list of its
 * fields, one line each: X(KIND, name) or X(KIND, name, more...). The list is
 * expanded into the struct here, into the JSON table in snap-json.c, into the
 * release function in snap.c, and into the fill-and-compare unit test in
 * test-snap-json.c. Adding a fact is one line in its list, plus its row in
 * docs/json-schema.md (a unit test holds the two together). The order of a
 * list is the order of the JSON keys, which must not change.
 *
 *   X(NUM, name)                       struct fact_num: an observed integer
 *   X(STR, name)                       struct fact_str: an observed string
 *   X(ENV, name, "VAR")                struct fact_str: environment variable VAR
 *   X(INT, name)                       int64_t, always known (an index, an ID)
 *   X(REAL, name)                      double, always known (a measured figure)
 *   X(TEXT, name)                      char *, owned; NULL when none
 *   X(BOOL, name)                      bool
 *   X(STRV, name)                      struct strv of owned strings
 *   X(PROBE, name)                     struct probe_st: JSON "status", "reason"
 *   X(OBJ, name, tag, "key")           struct snap_<tag>, under JSON "key"
 *   X(ARRAY, name, count, tag, "key")  struct snap_<tag> *name, size_t count
 *
 * Only OBJ and ARRAY name their JSON key: for the rest it is the name. */
#define SNAP_DECL_NUM(name) struct fact_num name;
#define SNAP_DECL_STR(name) struct fact_str name;
#define SNAP_DECL_ENV(name, var) struct fact_str name;
#define SNAP_DECL_INT(name) int64_t name;
#define SNAP_DECL_REAL(name) double name;
#define SNAP_DECL_TEXT(name) char *name;
#define SNAP_DECL_BOOL(name) bool name;
#define SNAP_DECL_STRV(name) struct strv name;
#define SNAP_DECL_PROBE(name) struct probe_st name;
#define SNAP_DECL_OBJ(name, tag, key) struct snap_##tag name;
#define SNAP_DECL_ARRAY(name, count, tag, key) size_t count; struct snap_##tag *name;
#define SNAP_DECL(kind, ...) SNAP_DECL_##kind(__VA_ARGS__)

#define SNAP_OS(X)                                                             \
        X(PROBE, probe)                                                        \
        X(STR, distro_id)         /* os-release ID: "ubuntu" */                \
        X(STR, version_id)        /* "22.04" */                                \
        X(STR, pretty_name)                                                    \
        X(STR, kernel)            /* running kernel release */                 \
        X(STR, arch)              /* "x86_64" */                               \
        X(NUM, secure_boot)       /* 1 enabled, 0 disabled */                  \
        X(STR, cmdline)           /* /proc/cmdline */                          \
        X(NUM, hypervisor)        /* 1: cpuinfo's "hypervisor" flag (a VM); absent: no flags line */ \
        X(NUM, numa_nodes)        /* /sys/devices/system/node/node<N> folders */ \
        /* Secure Boot's keys for modules (probe-mok.c) */                     \
        X(NUM, enrolled_read)     /* lists read: MokListRT and/or db (1-2) */  \
        X(STRV, enrolled_keys)    /* subject CNs of their certificates */      \
        X(NUM, mok_pending)       /* 1: MokNew exists, an import awaits the reboot */ \
        X(STRV, signing_keys)     /* "/var/lib/dkms/mok.pub: CN" of key files present */ \
        X(STR, hostname)          /* /proc/sys/kernel/hostname, else /etc/hostname */

struct snap_os {
        SNAP_OS(SNAP_DECL)
};

#define SNAP_PCI_DEV(X)                                                        \
        X(TEXT, bus_id)           /* "0000:3b:00.0" */                         \
        X(TEXT, kind)             /* "gpu", "nvswitch" */                      \
        X(INT, vendor_id)                                                      \
        X(INT, device_id)                                                      \
        X(INT, subsys_vendor_id)                                               \
        X(INT, subsys_device_id)                                               \
        X(INT, class_code)        /* 0x030200 */                               \
        X(STR, name)              /* from pci.ids */                           \
        X(NUM, numa_node)                                                      \
        X(STR, driver)            /* bound kernel driver; absent: none */      \
        X(STR, link_speed_cur)    /* "16.0 GT/s PCIe" */                       \
        X(STR, link_speed_max)                                                 \
        X(NUM, link_gen_cur)      /* derived: 1..6 */                          \
        X(NUM, link_gen_max)                                                   \
        X(NUM, link_width_cur)                                                 \
        X(NUM, link_width_max)                                                 \
        X(NUM, bar0_bytes)        /* size of BAR0; 0 when unassigned */        \
        /* the way up from the device in the sysfs PCI tree: its host bridge */ \
        /* ("pci0000:00"), then the bridges down to its parent; empty when */  \
        /* the device's sysfs link does not show the tree */                   \
        X(STRV, upstream)                                                      \
        /* the type of the device's IOMMU group: "DMA", "DMA-FQ" (addresses */ \
        /* translated), "identity" (passthrough); absent: no IOMMU group */    \
        X(STR, iommu_type)

struct snap_pci_dev {
        SNAP_PCI_DEV(SNAP_DECL)
};

/* A bridge or switch port above a GPU or NVSwitch (docs/topo.md). */

#define SNAP_PCI_BRIDGE(X)                                                     \
        X(TEXT, bus_id)                                                        \
        X(INT, vendor_id)         /* from its config header; 0 when unread */  \
        X(INT, device_id)                                                      \
        X(NUM, acs_cap)           /* ACS Capability register; absent: no ACS */ \
        X(NUM, acs_ctrl)          /* ACS Control register (PCI_ACS_* bits) */

struct snap_pci_bridge {
        SNAP_PCI_BRIDGE(SNAP_DECL)
};

#define SNAP_PCI(X)                                                            \
        X(PROBE, probe)                                                        \
        X(ARRAY, devs, n, pci_dev, "devices")                                  \
        /* every bridge in some device's upstream */                           \
        X(ARRAY, bridges, nbridges, pci_bridge, "bridges")

struct snap_pci {
        SNAP_PCI(SNAP_DECL)
};

#define SNAP_DKMS(X)                                                           \
        X(TEXT, module)                                                        \
        X(TEXT, version)                                                       \
        X(TEXT, kernel)                                                        \
        X(TEXT, arch)                                                          \
        X(TEXT, state)

struct snap_dkms {
        SNAP_DKMS(SNAP_DECL)
};

#define SNAP_KMOD(X)                                                           \
        X(PROBE, probe)                                                        \
        X(BOOL, nvidia)           /* loaded modules */                         \
        X(BOOL, nvidia_uvm)                                                    \
        X(BOOL, nvidia_drm)                                                    \
        X(BOOL, nvidia_modeset)                                                \
        X(BOOL, nouveau)                                                       \
        X(BOOL, nova_core)                                                     \
        X(STR, loaded_version)    /* /sys/module/nvidia/version */             \
        X(STR, proc_version)      /* NVRM line of /proc/driver/nvidia/version */ \
        X(STR, flavour)           /* "open" or "proprietary" */                \
        X(STR, module_path)       /* nvidia.ko for the running kernel */       \
        X(STR, module_version)    /* version of that file */                   \
        X(STR, module_signer)     /* absent: unsigned */                       \
        X(STR, nouveau_blacklisted) /* file that blacklists it */              \
        X(STRV, kernels_installed) /* kernels under /lib/modules with a modules.dep */ \
        X(STRV, kernels_with_module) /* kernels under /lib/modules with nvidia.ko */ \
        X(ARRAY, dkms, ndkms, dkms, "dkms")

struct snap_kmod {
        SNAP_KMOD(SNAP_DECL)
};

/* One GPU as NVML sees it: its index, then its NVML facts. check-util.c and
 * the tests walk SNAP_GPU_FIELDS alone, so it holds the facts and no more. */

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
        X(NUM, mig_instances)     /* MIG compute instances (CUDA devices) */   \
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

#define SNAP_GPU(X) X(INT, index) SNAP_GPU_FIELDS(X)

struct snap_gpu {
        SNAP_GPU(SNAP_DECL)
};

#define SNAP_NVML(X)                                                           \
        X(PROBE, probe)                                                        \
        X(TEXT, library)          /* file that was loaded */                   \
        X(NUM, init_result)       /* nvmlInit_v2 return code */                \
        X(STR, driver_version)                                                 \
        X(NUM, cuda_driver_version) /* 12020 */                                \
        X(NUM, device_count)

struct snap_nvml {
        SNAP_NVML(SNAP_DECL)
};

#define SNAP_CUDA_DEV(X)                                                       \
        X(INT, ordinal)                                                        \
        X(STR, name)                                                           \
        X(STR, pci_bus_id)                                                     \
        X(STR, uuid)                                                           \
        X(STR, compute_capability)                                             \
        X(NUM, memory_total_bytes)

struct snap_cuda_dev {
        SNAP_CUDA_DEV(SNAP_DECL)
};

#define SNAP_CUDA(X)                                                           \
        X(PROBE, probe)                                                        \
        X(TEXT, library)                                                       \
        X(NUM, init_result)       /* cuInit return code */                     \
        X(NUM, driver_version)                                                 \
        X(NUM, device_count)                                                   \
        X(STR, visible_devices)   /* CUDA_VISIBLE_DEVICES; absent: unset */    \
        X(STR, device_order)      /* CUDA_DEVICE_ORDER */                      \
        X(ARRAY, devs, n, cuda_dev, "devices")

struct snap_cuda {
        SNAP_CUDA(SNAP_DECL)
};

#define SNAP_XID(X)                                                            \
        X(TEXT, pci_bus_id)       /* as the kernel printed it, normalised */   \
        X(INT, code)                                                           \
        X(TEXT, detail)           /* the rest of the log line */

struct snap_xid {
        SNAP_XID(SNAP_DECL)
};

#define SNAP_KLOG(X)                                                           \
        X(PROBE, probe)                                                        \
        X(TEXT, source)           /* "/dev/kmsg", "/var/log/kern.log" */       \
        X(ARRAY, xids, nxid, xid, "xids")                                      \
        X(STRV, nvrm)             /* other NVRM: lines worth showing */

struct snap_klog {
        SNAP_KLOG(SNAP_DECL)
};

#define SNAP_FABRIC(X)                                                         \
        X(PROBE, probe)                                                        \
        X(STR, version)           /* installed package version; absent: not installed */ \
        X(NUM, running)           /* 1 a nv-fabricmanager process exists */    \
        X(NUM, enabled)           /* 1 unit enabled to start at boot */

struct snap_fabric {
        SNAP_FABRIC(SNAP_DECL)
};

#define SNAP_DEVNODES(X)                                                       \
        X(PROBE, probe)                                                        \
        X(BOOL, nvidiactl)                                                     \
        X(BOOL, nvidia_uvm)                                                    \
        X(STRV, gpus)             /* "nvidia0", "nvidia1", ... */

struct snap_devnodes {
        SNAP_DEVNODES(SNAP_DECL)
};

/* ---- the machine around the stack (doctor part 3) ---- */

/* Containers, upkeep and workload set-up: each fact absent when the thing
 * is not there (no container, no accelerate config, ...). */
#define SNAP_HOST(X)                                                           \
        X(PROBE, probe)                                                        \
        X(STR, container)         /* "docker", "podman", "kubernetes", "lxc" */ \
        X(NUM, shm_bytes)         /* /dev/shm size limit (size= of its mount) */ \
        X(STR, engines)           /* container engines installed: "docker containerd" */ \
        X(STR, ctk_version)       /* nvidia-container-toolkit package */       \
        X(NUM, ctk_configured)    /* 1: an nvidia runtime or CDI spec exists; absent with no engine */ \
        X(NUM, auto_upgrades)     /* 1: unattended-upgrades installs on its own */ \
        X(NUM, driver_guarded)    /* 1: driver packages held or blacklisted from it */ \
        X(NUM, port_busy)         /* 1: something listens on torchrun's port 29500 */ \
        X(STR, accel_config)      /* the user's accelerate default_config.yaml */ \
        X(NUM, accel_use_cpu)     /* its use_cpu: 1 true */                    \
        X(NUM, accel_processes)   /* its num_processes */                      \
        X(STR, cc_version)        /* the host C compiler nvcc would use: "13.2.0" */ \
        X(STR, service_cvd)       /* "unit: CUDA_VISIBLE_DEVICES=..." in a service drop-in */ \
        X(STR, profile_cvd)       /* "file: CUDA_VISIBLE_DEVICES=..." in /etc/environment or /etc/profile.d */ \
        X(STR, libstdcxx)         /* the system's libstdc++.so.6 version: "6.0.30" */ \
        X(STR, display_server)    /* "Xorg (pid 1234)": a display server running */

struct snap_host {
        SNAP_HOST(SNAP_DECL)
};

/* ---- software layers (doctor part 2) ---- */

/* The environment dlrig itself runs in, read from /proc/self/environ below
 * the root (a recording or fixture gives that file). A container image sets
 * PATH, CUDA_HOME and the venv through its ENV, which no rc file shows; the
 * login shell's view (snap_shell) is the other environment a finding may
 * speak of. Each fact is absent when the variable is unset; the probe status
 * is absent when the root records no environment. probe-procenv.c walks
 * SNAP_PROCENV_VARS alone. */
#define SNAP_PROCENV_VARS(X)                                                   \
        X(ENV, path, "PATH")                                                   \
        X(ENV, ld_library_path, "LD_LIBRARY_PATH")                             \
        X(ENV, cuda_home, "CUDA_HOME")                                         \
        X(ENV, cuda_path, "CUDA_PATH")                                         \
        X(ENV, virtual_env, "VIRTUAL_ENV")                                     \
        X(ENV, conda_prefix, "CONDA_PREFIX")                                   \
        X(ENV, pythonpath, "PYTHONPATH")                                       \
        X(ENV, pyenv_root, "PYENV_ROOT")                                       \
        X(ENV, asdf_data_dir, "ASDF_DATA_DIR")                                 \
        X(ENV, home, "HOME")                                                   \
        X(ENV, cuda_visible_devices, "CUDA_VISIBLE_DEVICES")                   \
        X(ENV, nvidia_visible_devices, "NVIDIA_VISIBLE_DEVICES")

#define SNAP_PROCENV(X) X(PROBE, probe) SNAP_PROCENV_VARS(X)

struct snap_procenv {
        SNAP_PROCENV(SNAP_DECL)
};

#define SNAP_TOOLKIT(X)                                                        \
        X(TEXT, path)             /* "/usr/local/cuda-12.1", or inside a conda env */ \
        /* what put it there: "system" (NVIDIA's installers under /usr/local or */ \
        /* /opt), "distro" (nvcc in /usr/bin), "env" (CUDA_HOME/CUDA_PATH), */ \
        /* "path" (only an nvcc on PATH) */                                    \
        X(TEXT, origin)                                                        \
        X(STR, version)           /* "12.1.105" */                             \
        /* what the version was read from: "version.json", */                  \
        /* "dpkg cuda-nvcc-13-0 13.0.88", "nvcc --version", ... */             \
        X(TEXT, evidence)

struct snap_toolkit {
        SNAP_TOOLKIT(SNAP_DECL)
};

#define SNAP_TOOLKITS(X)                                                       \
        X(PROBE, probe)                                                        \
        X(STR, cuda_link)         /* where /usr/local/cuda points */           \
        X(ARRAY, v, n, toolkit, "installed")                                   \
        X(STR, nvcc_path)         /* first nvcc on PATH, links resolved */     \
        X(STR, nvcc_env)          /* whose PATH found it: "process" or "login shell" */ \
        X(STR, nvcc_version)      /* its toolkit's version */                  \
        /* where the loader looks: LD_LIBRARY_PATH (the process's, then the */ \
        /* login shell's), then ld.so.conf(.d), then the defaults */           \
        X(STRV, loader_dirs)                                                   \
        X(STRV, libcuda)          /* libcuda.so* files on those dirs, in search order */ \
        X(STRV, libcudart)        /* libcudart.so* files on those dirs, in search order */ \
        X(STR, stub_libcuda)      /* a stubs/libcuda.so* that the loader finds; absent: none */ \
        /* cuDNN, NCCL and cuBLAS files ("libcudnn.so.8.6.0") in LD_LIBRARY_PATH's */ \
        /* folders, in search order: they come before a wheel's own copies */  \
        X(STRV, ld_path_libs)                                                  \
        /* "cuda-nvcc-12-8 12.8.93 /usr/local/cuda-12.8": a toolkit package the */ \
        /* package database lists whose folder is missing */                   \
        X(STRV, packaged_missing)

struct snap_toolkits {
        SNAP_TOOLKITS(SNAP_DECL)
};

#define SNAP_SHELL(X)                                                          \
        X(PROBE, probe)                                                        \
        X(STR, user)              /* invoking user (SUDO_USER under sudo) */   \
        X(STR, home)                                                           \
        X(STR, login_shell)       /* from /etc/passwd: "/bin/bash" */          \
        X(STR, path)              /* PATH as the user's login shell would have it */ \
        X(STR, ld_library_path)                                                \
        X(STRV, rc_files)         /* the rc files read, in the order the shell reads them */ \
        X(STRV, cuda_lines)       /* "file:line: text" of lines that add CUDA paths */ \
        X(STR, conda_init)        /* rc file with conda's init block; absent: none */ \
        X(STR, cuda_visible_devices) /* "file: CUDA_VISIBLE_DEVICES=value" the rc files leave set; absent: none */

struct snap_shell {
        SNAP_SHELL(SNAP_DECL)
};

#define SNAP_PYENV(X)                                                          \
        X(TEXT, kind)             /* "conda", "venv", "uv", "pyenv", "asdf", "system" */ \
        X(TEXT, path)             /* the environment's prefix */               \
        X(TEXT, name)             /* conda env name, or the folder's */        \
        X(STR, python_version)    /* "3.11.9" */                               \
        X(STR, torch_version)     /* "2.3.1+cu121"; absent: no torch */        \
        X(STR, torch_cuda)        /* "12.1" (torch/version.py); absent: a CPU build */ \
        X(STR, torch_site)        /* the folder with torch's dist-info or egg-info */ \
        X(STR, torchvision_version)                                            \
        X(STR, torchaudio_version)                                             \
        X(STRV, nvidia_wheels)    /* "nvidia-cudnn-cu12 8.9.2.26", sorted */   \
        X(STR, cuda_toolkit)      /* a toolkit inside the env (cuda-nvcc / cudatoolkit) */ \
        X(BOOL, exllamav2)                                                     \
        X(BOOL, torchtune)                                                     \
        X(STRV, extensions)       /* "exllamav2 0.1.8+cu121.torch2.3.1": wheels built for one torch */ \
        X(STR, libstdcxx)         /* "6.0.29": the env's own lib/libstdc++.so.6 (conda) */ \
        X(STR, base_python)       /* a venv's interpreter (bin/python resolved); absent: gone */ \
        /* doctor --live: what the environment's Python itself says */         \
        X(NUM, live_cuda_available)                                            \
        X(NUM, live_device_count)                                              \
        X(STR, live_arch_list)    /* torch.cuda.get_arch_list(), space separated */ \
        X(STRV, live_capabilities) /* "8.6" per visible device */              \
        X(STR, live_error)        /* the exception text when torch failed */

struct snap_pyenv {
        SNAP_PYENV(SNAP_DECL)
};

#define SNAP_PYTHON(X)                                                         \
        X(PROBE, probe)                                                        \
        X(BOOL, live)             /* doctor --live ran the interpreters */     \
        X(STR, selected)          /* the environment whose python PATH finds first */ \
        X(STR, selected_by)       /* "process PATH", "login shell PATH" */     \
        X(STRV, conda_installs)   /* prefixes of conda/mamba installations */  \
        X(ARRAY, envs, n, pyenv, "environments")

struct snap_python {
        SNAP_PYTHON(SNAP_DECL)
};

/* ---- topology (dlrig topo, docs/topo.md) ---- */

#define SNAP_TOPO_GPU(X)                                                       \
        X(INT, index)             /* NVML index */                             \
        X(STR, cpu_affinity)      /* "0-47,96-143", from nvmlDeviceGetCpuAffinity */ \
        X(NUM, nvlink_links)      /* NVLink links the GPU has (up or down) */  \
        X(NUM, nvlink_up)         /* of those, active */                       \
        X(STRV, nvlink_remotes)   /* per active link: "switch 0000:c4:00.0", "gpu 0000:0f:00.0" */

struct snap_topo_gpu {
        SNAP_TOPO_GPU(SNAP_DECL)
};

/* One unordered GPU pair: NVML indexes a < b, then its facts. The p2p_*
 * facts hold nvmlGpuP2PStatus_t: 0 supported, else the reason it is not. */
#define SNAP_TOPO_PAIR(X)                                                      \
        X(INT, a)                                                              \
        X(INT, b)                                                              \
        X(NUM, level)             /* nvmlGpuTopologyLevel_t: 0 board .. 50 system */ \
        X(NUM, p2p_read)                                                       \
        X(NUM, p2p_write)                                                      \
        X(NUM, p2p_atomics)                                                    \
        X(NUM, p2p_nvlink)                                                     \
        X(NUM, p2p_pci)

struct snap_topo_pair {
        SNAP_TOPO_PAIR(SNAP_DECL)
};

#define SNAP_TOPO(X)                                                           \
        X(PROBE, probe)           /* FACT_UNSET: not gathered (not saved either) */ \
        X(ARRAY, gpus, ngpus, topo_gpu, "gpus")                                \
        X(ARRAY, pairs, npairs, topo_pair, "pairs")

struct snap_topo {
        SNAP_TOPO(SNAP_DECL)
};

/* ---- bench (dlrig bench, docs/bench.md) ---- */

#include "snap-bench.h"

/* ---- prove (dlrig prove, docs/prove.md) ---- */

#include "snap-prove.h"

/* ---- the whole snapshot ---- */

#define SNAP_ROOT(X)                                                           \
        X(TEXT, dlrig_version)                                                 \
        X(OBJ, os, os, "os")                                                   \
        X(OBJ, pci, pci, "pci")                                                \
        X(OBJ, kmod, kmod, "modules")                                          \
        X(OBJ, nvml, nvml, "nvml")                                             \
        X(ARRAY, gpus, ngpus, gpu, "gpus") /* NVML's GPUs, by NVML index */    \
        X(OBJ, cuda, cuda, "cuda")                                             \
        X(OBJ, klog, klog, "kernel_log")                                       \
        X(OBJ, fabric, fabric, "fabric_manager")                               \
        X(OBJ, devnodes, devnodes, "device_nodes")                             \
        X(OBJ, procenv, procenv, "process_env")                                \
        X(OBJ, toolkits, toolkits, "toolkits")                                 \
        X(OBJ, shell, shell, "shell")                                          \
        X(OBJ, python, python, "python")                                       \
        X(OBJ, host, host, "host")                                             \
        X(OBJ, topo, topo, "topology")                                         \
        X(OBJ, bench, bench, "bench") /* dlrig bench's figures */              \
        X(OBJ, prove, prove, "prove") /* dlrig prove's runs */

struct snapshot {
        SNAP_ROOT(SNAP_DECL)
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
