/* finding-catalog.c - every finding dlrig can report, in layer order.
 *
 * Ids are stable: never rename or reuse one (keep an old id as an alias
 * entry instead). The order is the stack from the hardware up, which is
 * also the order in which root causes are reported. docs/findings.md
 * explains each id; tests/unit/test-catalog.c keeps the two in step. */
#include "finding.h"

const struct catalog_entry finding_catalog[] = {
        /* what was judged: a report (doctor --from collect_env / nvidia-smi -q -x) */
        { "report.partial", SEV_INFO, "hardware", "judged from a collect_env or nvidia-smi report: only the facts it holds" },
        /* hardware */
        { "pci.no-gpu", SEV_FAIL, "hardware", "no NVIDIA GPU on the PCI bus" },
        { "pci.gpus-present", SEV_OK, "hardware", "NVIDIA GPUs found on the PCI bus" },
        { "pci.unreadable", SEV_WARN, "hardware", "the PCI devices could not be read" },
        { "pci.link-degraded", SEV_WARN, "hardware", "a GPU's PCIe link is narrower or slower than it can be" },
        { "pci.link-power-saving", SEV_INFO, "hardware", "a GPU's PCIe link runs at a lower speed at idle (power saving)" },
        /* kernel */
        { "os.secure-boot-unsigned", SEV_FAIL, "kernel", "Secure Boot is on and the nvidia module is not signed for it" },
        { "os.secure-boot-key-not-enrolled", SEV_FAIL, "kernel", "Secure Boot is on and the key that signed the nvidia module is not enrolled" },
        { "kmod.nouveau-loaded", SEV_FAIL, "kernel", "the nouveau (or nova) driver is loaded and holds the GPUs" },
        { "kmod.missing-for-kernel", SEV_FAIL, "kernel", "no nvidia kernel module is built for the running kernel" },
        { "kmod.dkms-failed", SEV_WARN, "kernel", "DKMS has not built the nvidia module for a kernel" },
        { "kmod.not-loaded", SEV_FAIL, "kernel", "the nvidia kernel module is not loaded" },
        { "kmod.flavour-wrong", SEV_FAIL, "kernel", "the kernel module flavour (open or proprietary) cannot drive a GPU present" },
        { "driver.branch-unsupported", SEV_FAIL, "kernel", "the driver branch does not support a GPU present" },
        { "kmod.no-driver-bound", SEV_FAIL, "kernel", "GPUs on the bus have no driver bound" },
        { "kmod.uvm-not-loaded", SEV_WARN, "kernel", "nvidia_uvm is not loaded (CUDA needs it)" },
        { "kmod.loaded", SEV_OK, "kernel", "the nvidia kernel module is loaded" },
        { "devnodes.missing", SEV_FAIL, "kernel", "NVIDIA device nodes in /dev are missing" },
        /* container: before the driver, whose failures it explains */
        { "container.inside", SEV_INFO, "container", "dlrig runs inside a container" },
        { "container.gpus-revoked", SEV_FAIL, "container", "the container has the GPU device files but lost access to them" },
        { "container.shm-small", SEV_WARN, "container", "/dev/shm is too small for NCCL and DataLoader workers" },
        { "container.toolkit-missing", SEV_WARN, "container", "a container engine without the NVIDIA container toolkit" },
        { "container.toolkit-unconfigured", SEV_WARN, "container", "the NVIDIA container toolkit is not wired to any container engine" },
        /* driver */
        { "driver.version-mismatch", SEV_FAIL, "driver", "the kernel module and the user-space driver libraries differ in version" },
        { "driver.nvml-missing", SEV_FAIL, "driver", "the NVIDIA driver's user-space library (libnvidia-ml) is not installed" },
        { "driver.nvml-failed", SEV_FAIL, "driver", "NVML could not talk to the driver" },
        { "driver.hung", SEV_FAIL, "driver", "a driver call did not return in time (hung GPU or driver)" },
        { "driver.gpu-lost", SEV_FAIL, "driver", "a GPU has fallen off the bus or needs a reset" },
        { "driver.gpu-not-initialized", SEV_FAIL, "driver", "a GPU on the bus was not brought up by the driver" },
        { "driver.ok", SEV_OK, "driver", "the NVIDIA driver answers" },
        { "fabric.manager-missing", SEV_FAIL, "driver", "NVSwitch system without the fabric manager installed" },
        { "fabric.manager-stopped", SEV_FAIL, "driver", "the fabric manager is not running on an NVSwitch system" },
        { "fabric.manager-version", SEV_FAIL, "driver", "the fabric manager's version differs from the driver's" },
        { "fabric.manager-ok", SEV_OK, "driver", "the fabric manager is running and matches the driver" },
        { "fabric.manager-unneeded", SEV_INFO, "driver", "the fabric manager is enabled on a machine without NVSwitch" },
        { "upkeep.driver-auto-upgrade", SEV_WARN, "driver", "automatic upgrades can replace the driver under the loaded module" },
        /* cuda */
        { "cuda.library-missing", SEV_FAIL, "cuda", "the CUDA driver library (libcuda.so.1) is not installed" },
        { "cuda.stub-library", SEV_FAIL, "cuda", "the CUDA stub library is loaded instead of the driver's libcuda" },
        { "cuda.init-failed", SEV_FAIL, "cuda", "cuInit failed" },
        { "cuda.ok", SEV_OK, "cuda", "the CUDA driver API initialises and sees the GPUs" },
        /* gpus */
        { "gpu.count-pci-nvml", SEV_FAIL, "gpus", "fewer GPUs in the driver than on the PCI bus" },
        { "gpu.cuda-visible-devices", SEV_WARN, "gpus", "CUDA_VISIBLE_DEVICES hides GPUs from CUDA programs" },
        { "gpu.count-nvml-cuda", SEV_FAIL, "gpus", "CUDA sees fewer GPUs than the driver" },
        /* MIG on with at most one instance per GPU: each job still gets
         * what the GPU offers, so a note. Several instances on one GPU: a
         * CUDA process enumerates only one of them (NVIDIA's MIG user
         * guide, "CUDA Device Enumeration"), so a job that expects the
         * whole GPU runs on a slice: a warning. */
        { "gpu.mig-enabled", SEV_INFO, "gpus", "MIG mode is on: CUDA sees MIG instances, not whole GPUs" },
        { "gpu.mig-several-instances", SEV_WARN, "gpus", "a GPU is split into several MIG instances: one CUDA process sees only one of them" },
        { "gpu.counts-agree", SEV_OK, "gpus", "PCI, driver and CUDA agree on the GPUs" },
        { "gpu.persistence-off", SEV_WARN, "gpus", "persistence mode is off on a multi-GPU machine" },
        { "gpu.order-differs", SEV_WARN, "gpus", "GPU numbering differs between nvidia-smi (PCI order) and CUDA (fastest first)" },
        { "gpu.display-server", SEV_WARN, "gpus", "a display server runs on a multi-GPU compute machine" },
        /* Warnings, not notes: every job the service or the login shells
         * start runs on fewer GPUs than the machine has, silently (the
         * same effect as gpu.cuda-visible-devices). Reported only when the
         * value hides a GPU. */
        { "service.cuda-visible-devices", SEV_WARN, "gpus", "a systemd service sets CUDA_VISIBLE_DEVICES and hides GPUs from its jobs" },
        { "profile.cuda-visible-devices", SEV_WARN, "gpus", "a login profile (/etc/environment, /etc/profile.d) sets CUDA_VISIBLE_DEVICES and hides GPUs" },
        { "shell.cuda-visible-devices", SEV_WARN, "gpus", "the user's shell rc file (~/.bashrc, ~/.profile, ~/.zshrc) sets CUDA_VISIBLE_DEVICES and hides GPUs" },
        /* health */
        { "health.ecc-uncorrected", SEV_FAIL, "health", "a GPU reports uncorrected ECC memory errors" },
        { "health.remap-failed", SEV_FAIL, "health", "a GPU's memory row remapping failed (RMA candidate)" },
        { "health.remap-pending", SEV_WARN, "health", "a GPU has memory row remaps pending a reset" },
        { "health.retired-pages-pending", SEV_WARN, "health", "a GPU has memory pages pending retirement" },
        { "health.retired-pages", SEV_INFO, "health", "a GPU has retired memory pages" },
        { "health.throttle-hw", SEV_FAIL, "health", "a GPU is throttled by hardware (thermal or power brake)" },
        { "health.throttle-thermal", SEV_WARN, "health", "a GPU is throttled to stay under its temperature limit" },
        { "health.throttle-power", SEV_INFO, "health", "a GPU is held at its power limit" },
        { "health.xid-critical", SEV_FAIL, "health", "the kernel log has Xid errors that mean a hardware or driver fault" },
        { "health.xid-warning", SEV_WARN, "health", "the kernel log has Xid errors worth watching" },
        { "health.xid-app", SEV_INFO, "health", "the kernel log has Xid errors usually caused by applications" },
        { "health.ok", SEV_OK, "health", "no memory errors, throttling or Xid errors" },
        /* topology (check-topo.c) */
        { "topo.nvlink-down", SEV_WARN, "health", "NVLink links are down compared with what the GPU model has" },
        { "topo.p2p-unsupported", SEV_WARN, "health", "P2P is not supported between GPUs that share a PCIe switch" },
        { "topo.acs-enabled", SEV_FAIL, "health", "PCIe ACS redirects P2P at a bridge between GPUs (traffic through the root complex)" },
        { "topo.acs-unreadable", SEV_INFO, "health", "PCIe ACS on the bridges between GPUs could not be read (needs root)" },
        { "topo.iommu-translated", SEV_WARN, "health", "the IOMMU translates GPU DMA on a bare-metal multi-GPU machine (not iommu=pt)" },
        { "topo.numa-unknown", SEV_WARN, "health", "a GPU has no NUMA node on a machine with several (firmware ACPI tables)" },
        { "topo.p2p-consumer", SEV_INFO, "health", "GeForce cards without P2P between them, as the driver ships them" },
        { "topo.p2p-geforce-claimed", SEV_WARN, "health", "the driver reports P2P between GeForce RTX 40-series cards, which NVIDIA does not support" },
        /* bench: measured by dlrig bench */
        { "bench.not-run", SEV_FAIL, "bench", "bench could not measure anything (CUDA unavailable)" },
        { "bench.hung", SEV_FAIL, "bench", "a GPU operation did not finish in time during bench" },
        { "bench.failed", SEV_FAIL, "bench", "a CUDA call failed during bench" },
        { "bench.copy-wrong", SEV_FAIL, "bench", "a copy delivered wrong data" },
        { "bench.link-degraded-under-load", SEV_WARN, "bench", "a GPU's PCIe link stays below its maximum under load" },
        { "bench.p2p-slower-than-host", SEV_WARN, "bench", "P2P between two GPUs is slower than copying through the host" },
        { "bench.gpu-slow", SEV_WARN, "bench", "a GPU copies far slower than its siblings" },
        { "bench.pair-slow", SEV_WARN, "bench", "a GPU pair copies far slower than the other pairs of its link kind" },
        { "bench.allreduce-hung", SEV_FAIL, "bench", "an NCCL all-reduce did not complete before its deadline" },
        { "bench.gemm-wrong", SEV_FAIL, "bench", "a GPU's matrix multiply returned wrong results" },
        { "bench.allreduce-wrong", SEV_FAIL, "bench", "an NCCL all-reduce returned wrong sums" },
        { "bench.gemm-slow", SEV_WARN, "bench", "a GPU multiplies matrices far slower than its siblings or its peak" },
        { "bench.allreduce-slow", SEV_WARN, "bench", "NCCL all-reduce is far below what the slowest link allows" },
        { "bench.gemm-not-run", SEV_INFO, "bench", "no GEMM figure (cuBLAS missing, or the GPU lacks the type)" },
        { "bench.allreduce-not-run", SEV_INFO, "bench", "no all-reduce figure (NCCL missing, or one GPU)" },
        { "bench.ok", SEV_OK, "bench", "every copy verified, no outlier among the measured figures" },
        /* prove (dlrig prove, check-prove.c): the user's PyTorch, run for real */
        { "prove.not-run", SEV_FAIL, "prove", "prove found no environment to run, or could not start its interpreter" },
        { "prove.import-failed", SEV_FAIL, "prove", "torch does not import in the environment" },
        { "prove.no-gpus", SEV_FAIL, "prove", "neither the driver nor torch sees a GPU: nothing was proven" },
        { "prove.cpu-only-wheel", SEV_FAIL, "prove", "the environment's torch is a CPU-only build on a machine with GPUs" },
        { "prove.cuda-unavailable", SEV_FAIL, "prove", "torch.cuda.is_available() is False although torch is a CUDA build" },
        { "prove.device-count", SEV_FAIL, "prove", "torch.cuda.device_count() differs from the GPUs the driver shows" },
        { "prove.device-differs", SEV_WARN, "prove", "a GPU torch sees is not one the driver shows (name or compute capability)" },
        { "prove.arch-missing", SEV_FAIL, "prove", "torch has no code for a GPU's compute capability (no kernel image)" },
        { "prove.matmul-wrong", SEV_FAIL, "prove", "a GPU's matmul in torch failed or differs from the CPU's" },
        { "prove.port-in-use", SEV_FAIL, "prove", "torchrun's rendezvous port is in use (EADDRINUSE)" },
        { "prove.nccl-shm", SEV_FAIL, "prove", "NCCL failed with 'unhandled system error': /dev/shm too small" },
        { "prove.nccl-p2p", SEV_FAIL, "prove", "the all-reduce hangs where peer-to-peer traffic is redirected (ACS)" },
        { "prove.hung", SEV_FAIL, "prove", "a prove run did not end before its deadline and was killed" },
        { "prove.allreduce-wrong", SEV_FAIL, "prove", "torch.distributed's all-reduce returned a wrong sum" },
        { "prove.allreduce-slow", SEV_WARN, "prove", "torch's all-reduce is under half of dlrig bench's NCCL bus bandwidth" },
        { "prove.ddp-failed", SEV_FAIL, "prove", "DDP training failed, its loss did not go down, or the ranks' parameters differ" },
        { "prove.fsdp-failed", SEV_FAIL, "prove", "FSDP training failed or its loss did not go down" },
        { "prove.step-failed", SEV_FAIL, "prove", "a step of prove raised an exception or its process failed" },
        { "prove.left-behind", SEV_WARN, "prove", "processes of prove's run survived SIGKILL" },
        { "prove.cpu-mode", SEV_INFO, "prove", "prove ran on the CPU with gloo (DLRIG_PROVE_CPU=1): no GPU was used" },
        { "prove.ok", SEV_OK, "prove", "the environment's torch trains across all GPUs: all-reduce, DDP and FSDP passed" },
        /* toolkit */
        { "toolkit.stub-libcuda", SEV_FAIL, "toolkit", "the login shell's library path finds the CUDA stub libcuda before the driver's" },
        { "toolkit.newer-than-driver", SEV_WARN, "toolkit", "the CUDA toolkit in use needs a newer driver" },
        { "toolkit.nvcc-not-on-path", SEV_WARN, "toolkit", "a CUDA toolkit is installed but nvcc is not on the login shell's PATH" },
        { "toolkit.paths-disagree", SEV_WARN, "toolkit", "PATH, LD_LIBRARY_PATH and /usr/local/cuda point at different toolkits" },
        { "toolkit.cuda-link-dangling", SEV_WARN, "toolkit", "/usr/local/cuda points at a folder that does not exist" },
        { "toolkit.cuda-home-differs", SEV_WARN, "toolkit", "CUDA_HOME names another toolkit than the nvcc on PATH" },
        /* warn, not info like toolkit.none: something is half installed and apt hides it */
        { "toolkit.package-without-files", SEV_WARN, "toolkit", "the package database lists a CUDA toolkit whose folder is missing" },
        { "toolkit.none", SEV_INFO, "toolkit", "no CUDA toolkit installed (needed only to compile CUDA code)" },
        { "toolkit.torch-cuda-mismatch", SEV_WARN, "toolkit", "nvcc's CUDA major differs from the one torch was built with" },
        { "toolkit.gcc-too-new", SEV_WARN, "toolkit", "the host gcc is newer than the toolkit's nvcc accepts" },
        { "toolkit.ok", SEV_OK, "toolkit", "the CUDA toolkit is on PATH and the driver supports it" },
        /* python */
        { "python.conda-not-initialised", SEV_WARN, "python", "conda is installed but not initialised for the user's shell" },
        { "python.venv-broken", SEV_WARN, "python", "a venv's interpreter is gone: nothing starts in it" },
        { "python.no-torch", SEV_INFO, "python", "no Python environment has PyTorch installed" },
        { "torch.cpu-only", SEV_FAIL, "python", "a CPU-only PyTorch build on a GPU machine" },
        { "torch.cuda-newer-than-driver", SEV_FAIL, "python", "PyTorch's CUDA build needs a newer driver" },
        { "torch.arch-unsupported", SEV_FAIL, "python", "PyTorch was not compiled for a GPU's architecture" },
        { "torch.python-unsupported", SEV_FAIL, "python", "the Python version is outside the PyTorch release's range" },
        { "torch.companions-mismatch", SEV_WARN, "python", "torchvision or torchaudio are from another release than torch" },
        { "torch.mixed-cuda-wheels", SEV_WARN, "python", "NVIDIA runtime wheels for different CUDA majors in one environment" },
        /* warn: torch fails at import or first use (cuDNN's version check, NCCL's missing symbols) */
        { "torch.libs-shadowed", SEV_WARN, "python", "an older cuDNN, NCCL or cuBLAS on LD_LIBRARY_PATH comes before the wheel's own" },
        { "torch.extension-mismatch", SEV_FAIL, "python", "a prebuilt CUDA extension was built for another torch release" },
        { "python.libstdcxx-old", SEV_WARN, "python", "a conda environment's C++ runtime is older than the system's" },
        { "torch.unknown-release", SEV_INFO, "python", "a PyTorch release the knowledge base does not know" },
        { "torch.live-failed", SEV_FAIL, "python", "torch in this environment cannot use CUDA (live check)" },
        { "torch.live-device-count", SEV_FAIL, "python", "torch sees fewer GPUs than the machine has (live check)" },
        { "torch.ok", SEV_OK, "python", "PyTorch matches the driver and every GPU" },
        /* workload */
        { "workload.torchrun-port-busy", SEV_WARN, "workload", "torchrun's default port 29500 is already in use" },
        { "workload.accelerate-config", SEV_WARN, "workload", "a saved accelerate configuration forces the CPU or a wrong process count" },
};

const size_t finding_catalog_size = sizeof(finding_catalog) / sizeof(finding_catalog[0]);
