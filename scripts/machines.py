"""machines.py - the fixture machines of tests/machines/, described as data.

Each machine is the guide's own (8 x NVIDIA A10G on Ubuntu 22.04 with the
535 driver from DKMS, healthy) or another base, with the one thing wrong
that its fixture exists to prove. scripts/make-machine.py writes them out.
Values follow real machines: sysfs and NVML formats, kernel log lines and
driver return codes as the real stack prints and returns them."""
import copy
import hashlib

KERNEL = "5.15.0-105-generic"
DRIVER = "535.161.08"
LOG = "Mar 12 09:14:02 gpu-node kernel: [    5.104512]"

A10G = {"name": "NVIDIA A10G", "device": "0x2237", "subsys": "0x152f", "class": "0x030200",
        "mem": 24146608128, "cc": "8.6", "power_limit": 300000,
        "link": ["2.5 GT/s PCIe", 16, "16.0 GT/s PCIe", 16], "nvml_link": [1, 16, 4, 16]}
A100 = {"name": "NVIDIA A100-SXM4-80GB", "device": "0x20b2", "subsys": "0x1463",
        "class": "0x030200", "mem": 85899345920, "cc": "8.0", "power_limit": 400000,
        "link": ["16.0 GT/s PCIe", 16, "16.0 GT/s PCIe", 16], "nvml_link": [4, 16, 4, 16]}
RTX4090 = {"name": "NVIDIA GeForce RTX 4090", "device": "0x2684", "subsys": "0x16f6",
           "class": "0x030000", "mem": 25757220864, "cc": "8.9", "power_limit": 450000,
           "link": ["2.5 GT/s PCIe", 16, "16.0 GT/s PCIe", 16], "nvml_link": [1, 16, 4, 16]}
RTX2080TI = {"name": "NVIDIA GeForce RTX 2080 Ti", "device": "0x1e04", "subsys": "0x12fa",
             "class": "0x030000", "mem": 11811160064, "cc": "7.5", "power_limit": 250000,
             "link": ["2.5 GT/s PCIe", 16, "8.0 GT/s PCIe", 16], "nvml_link": [1, 16, 3, 16]}
RTX3090 = {"name": "NVIDIA GeForce RTX 3090", "device": "0x2204", "subsys": "0x403b",
           "class": "0x030000", "mem": 25769803776, "cc": "8.6", "power_limit": 350000,
           "link": ["2.5 GT/s PCIe", 16, "16.0 GT/s PCIe", 16], "nvml_link": [1, 16, 4, 16]}
SHM_64M = "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0\n"
OVERLAY = "overlay / overlay rw,relatime,lowerdir=/var/lib/docker/overlay2/l/X,upperdir=U,workdir=W 0 0\n"


def uuid(bus):
    h = hashlib.sha256(bus.encode()).hexdigest()
    return f"GPU-{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def gpus(model, buses, numa_split=4):
    out = []
    for i, bus in enumerate(buses):
        g = copy.deepcopy(model)
        g.update(bus=bus, uuid=uuid(bus), minor=i, numa=0 if i < numa_split else 1, driver="nvidia")
        out.append(g)
    return out


TORCH_CU121 = {"torch": "2.3.1+cu121", "torchvision": "0.18.1+cu121", "torchaudio": "2.3.1+cu121",
               "nvidia-cublas-cu12": "12.1.3.1", "nvidia-cuda-runtime-cu12": "12.1.105",
               "nvidia-cudnn-cu12": "8.9.2.26", "nvidia-nccl-cu12": "2.20.5", "exllamav2": "0.1.8"}
CUDA_LINES = ["export PATH=/usr/local/cuda-12.1/bin${PATH:+:${PATH}}",
              "export LD_LIBRARY_PATH=/usr/local/cuda-12.1/lib64${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}"]


def guide_software():
    """The guide's software steps done: CUDA 12.1 on PATH via ~/.bashrc,
    Miniconda with an environment holding torch 2.3.1 cu121 on Python 3.11."""
    return {
        "user": ("ubuntu", 1000, "/home/ubuntu", "/bin/bash"),
        "toolkits": {"12.1": "12.1.105"}, "cuda_link": "12.1",
        "bashrc": list(CUDA_LINES),
        "driver_libs": ["libcuda.so.1", "libnvidia-ml.so.1"],
        "system_python": "3.10",
        "conda": {"prefix": "/home/ubuntu/miniconda3", "envs": {
            "base": {"python": "3.12.4", "packages": {"conda": "24.5.0"}},
            "dl": {"python": "3.11.9", "torch_cuda": "12.1", "packages": dict(TORCH_CU121),
                   "conda_pkgs": ["cuda-nvcc-12.1.105-0.json"]}}},
    }


def dl_env(m):
    return m["software"]["conda"]["envs"]["dl"]


def set_driver(m, version, cuda, packages=None):
    """Another driver release everywhere the guide's machine names one: the
    module (loaded, built for the kernel, in DKMS), the packages (the guide's
    three of that branch unless given), the kernel log, NVML and CUDA."""
    m["kmod"].update(version=version, ko={KERNEL: {"version": version}},
                     dkms=[(version, KERNEL, "installed")])
    branch = version.split(".")[0]
    m["packages"] = packages if packages is not None else [
        (f"{name}-{branch}", f"{version}-0ubuntu1")
        for name in ("nvidia-driver", "nvidia-dkms", "libnvidia-compute")]
    m["kern_log"] = [line.replace(DRIVER, version) for line in m["kern_log"]]
    m["nvml"] = {"driver": version, "cuda": cuda}
    m["cuda"]["version"] = cuda


def in_docker(m, mounts=OVERLAY + SHM_64M):
    """dlrig run inside a Docker container: the marker file, PID 1's cgroup
    and the container's mounts (Docker's default 64 MiB /dev/shm)."""
    m["files"] = dict(m.get("files", {}))
    m["files"][".dockerenv"] = ""
    m["files"]["proc/1/cgroup"] = "0::/system.slice/docker-4f1c2a.scope\n"
    m["files"]["proc/mounts"] = mounts


def guide():
    """The guide's machine: AWS g5.48xlarge-like, healthy."""
    buses = [f"0000:00:{b:02x}.0" for b in range(0x16, 0x1e)]
    return {
        "os": {"id": "ubuntu", "name": "Ubuntu", "version_id": "22.04",
               "pretty": "Ubuntu 22.04.4 LTS", "kernel": KERNEL, "secure_boot": 0},
        "gpus": gpus(A10G, buses),
        "kmod": {"loaded": ["nvidia_uvm", "nvidia_drm", "nvidia_modeset", "nvidia"],
                 "version": DRIVER, "flavour": "proprietary",
                 "ko": {KERNEL: {"version": DRIVER}}, "dkms": [(DRIVER, KERNEL, "installed")]},
        "devnodes": ["nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset"]
                    + [f"nvidia{i}" for i in range(8)],
        "log_prefix": LOG,
        "kern_log": ["nvidia: loading out-of-tree module taints kernel.",
                     f"NVRM: loading NVIDIA UNIX x86_64 Kernel Module  {DRIVER}  Tue Mar  5 22:42:15 UTC 2024",
                     "nvidia-uvm: Loaded the UVM driver, major device number 509."],
        "packages": [("nvidia-driver-535", f"{DRIVER}-0ubuntu1"), ("nvidia-dkms-535", f"{DRIVER}-0ubuntu1"),
                     ("libnvidia-compute-535", f"{DRIVER}-0ubuntu1")],
        "processes": ["systemd", "sshd", "nvidia-persistenced"],
        "enabled_units": ["nvidia-persistenced.service"],
        "nvml": {"driver": DRIVER, "cuda": 12020},
        "cuda": {"version": 12020},
        "software": guide_software(),
        "readme": "",
        "findings": [],
    }


def _no_driver(m):
    m["kmod"] = {"loaded": [], "version": DRIVER}
    m["devnodes"] = []
    m["kern_log"] = []
    m["packages"] = []
    m["processes"] = ["systemd", "sshd"]
    m["enabled_units"] = []
    m["nvml"] = None
    m["cuda"] = None
    m["software"]["driver_libs"] = []
    for g in m["gpus"]:
        g["driver"] = None


def no_gpu_debian12(m):
    """A developer box: Debian 12, CUDA toolkit, no NVIDIA GPU, no driver."""
    _no_driver(m)
    m["os"].update(id="debian", name="Debian GNU/Linux", version_id="12",
                   pretty="Debian GNU/Linux 12 (bookworm)", kernel="6.1.0-27-amd64", secure_boot=None)
    m["gpus"] = []
    m["software"] = {"user": ("dev", 1000, "/home/dev", "/bin/bash"), "toolkits": {"13.0": "13.0.48"},
                     "cuda_link": "13.0", "bashrc": []}
    m["findings"] = ["pci.no-gpu", "!kmod.not-loaded", "!driver.nvml-missing"]
    return "No NVIDIA GPU on the bus, no driver, a CUDA toolkit: doctor says so plainly (pci.no-gpu)."


def no_driver(m):
    _no_driver(m)
    m["cases"] = ["doctor", "--json doctor", "snapshot",  # the snapshot's JSON form without a driver
                  "--format markdown doctor", "doctor --format prometheus"]
    m["findings"] = ["kmod.not-loaded", "!cuda.library-missing", "!gpu.count-pci-nvml"]
    return ("The guide's first step not done: 8 GPUs on the bus, no NVIDIA driver installed "
            "(no module, no libnvidia-ml): kmod.not-loaded, nothing piled on top.")


def nouveau(m):
    _no_driver(m)
    m["kmod"]["loaded"] = ["nouveau"]
    for g in m["gpus"]:
        g["driver"] = "nouveau"
    m["devnodes"] = ["dri/card0"]
    m["findings"] = ["kmod.nouveau-loaded", "!kmod.not-loaded"]
    return "nouveau is loaded and bound to the GPUs, no NVIDIA driver: kmod.nouveau-loaded."


def version_mismatch(m):
    m["kmod"]["version"] = "535.104.05"
    m["nvml"]["init"] = {"ret": "NVML_ERROR_LIB_RM_VERSION_MISMATCH"}
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH"}
    m["kern_log"].append("NVRM: API mismatch: the client has the version 535.161.08, but "
                         "NVRM: this kernel module has the version 535.104.05.  Please")
    m["findings"] = ["driver.version-mismatch", "!cuda.init-failed"]
    return ("Driver packages upgraded to 535.161.08 without a reboot: the loaded module is "
            "535.104.05 (NVML: Driver/library version mismatch): driver.version-mismatch.")


def kernel_updated(m):
    new = "5.15.0-107-generic"
    m["os"]["kernel"] = new
    m["kmod"]["loaded"] = []
    m["kmod"]["kernels_without"] = [new]
    m["kmod"]["dkms"] = [(DRIVER, KERNEL, "installed")]
    m["devnodes"] = []
    m["kern_log"] = []
    m["nvml"]["init"] = {"ret": "NVML_ERROR_DRIVER_NOT_LOADED"}
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_NO_DEVICE"}
    for g in m["gpus"]:
        g["driver"] = None
    m["findings"] = ["kmod.missing-for-kernel", "!kmod.not-loaded", "!cuda.init-failed"]
    return ("An unattended upgrade installed kernel 5.15.0-107 and DKMS did not build nvidia "
            "for it: after the reboot no module exists for the running kernel: kmod.missing-for-kernel.")


def secure_boot(m):
    m["os"]["secure_boot"] = 1
    m["kmod"]["loaded"] = []
    m["devnodes"] = []
    m["kern_log"] = ["Lockdown: modprobe: unsigned module loading is restricted; see man kernel_lockdown.7",
                     "Loading of unsigned module is rejected"]
    m["nvml"]["init"] = {"ret": "NVML_ERROR_DRIVER_NOT_LOADED"}
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_NO_DEVICE"}
    for g in m["gpus"]:
        g["driver"] = None
    m["findings"] = ["os.secure-boot-unsigned", "!kmod.not-loaded"]
    return ("Secure Boot is on and the DKMS-built nvidia module is unsigned (no MOK enrolled): "
            "the kernel refuses it: os.secure-boot-unsigned.")


def cuda_visible_devices(m):
    m["env"] = {"CUDA_VISIBLE_DEVICES": "0,1"}
    for g in m["gpus"][2:]:
        g["in_cuda"] = False
    m["findings"] = ["gpu.cuda-visible-devices", "!gpu.count-nvml-cuda"]
    return ("CUDA_VISIBLE_DEVICES=0,1 left in the environment: CUDA programs see 2 of 8 GPUs: "
            "gpu.cuda-visible-devices.")


def gpu_lost(m):
    g = m["gpus"][5]
    g["nvml_overrides"] = {"DeviceGetHandleByIndex": {"ret": "NVML_ERROR_GPU_IS_LOST"}}
    g["in_cuda"] = False
    m["kern_log"].append("NVRM: GPU at PCI:0000:00:1b: GPU-" + g["uuid"][4:])
    m["kern_log"].append("NVRM: Xid (PCI:0000:00:1b): 79, pid=2817, name=python3, "
                         "GPU has fallen off the bus.")
    m["findings"] = ["driver.gpu-lost", "!gpu.count-nvml-cuda", "!gpu.count-pci-nvml"]
    return "GPU 5 fell off the bus (Xid 79, NVML_ERROR_GPU_IS_LOST): driver.gpu-lost."


def pcie_x8(m):
    g = m["gpus"][2]
    g["link"] = ["16.0 GT/s PCIe", 8, "16.0 GT/s PCIe", 16]
    g["nvml_link"] = [4, 8, 4, 16]
    m["findings"] = ["pci.link-degraded"]
    return "GPU 2 trained at x8 of its x16 link (a riser or dirty slot): pci.link-degraded."


def ecc_remap(m):
    g = m["gpus"][3]
    g["ecc_unc_vol"] = 2
    g["ecc_unc_agg"] = 2
    g["remap"] = [0, 1, 1, 0]
    m["kern_log"].append("NVRM: Xid (PCI:0000:00:19): 63, pid=0, Row Remapper: New row marked for "
                         "remapping, reset gpu to activate.")
    m["findings"] = ["health.ecc-uncorrected", "health.remap-pending"]
    m["cases"] = ["doctor", "--json doctor", "health", "doctor --format prometheus"]
    return ("GPU 3 had an uncorrectable ECC error; the row is marked for remapping, pending a "
            "reset: health.ecc-uncorrected, health.remap-pending.")


def nvswitch_fm_stopped(m):
    buses = ["0000:07:00.0", "0000:0f:00.0", "0000:47:00.0", "0000:4e:00.0",
             "0000:87:00.0", "0000:90:00.0", "0000:b7:00.0", "0000:bd:00.0"]
    m["gpus"] = gpus(A100, buses)
    m["nvswitches"] = [{"bus": f"0000:{b:02x}:00.0", "device": "0x1af1", "class": "0x068000",
                        "subsys": "0x1463", "numa": 0 if b < 0x80 else 1, "driver": "nvidia",
                        "link": ["16.0 GT/s PCIe", 2, "16.0 GT/s PCIe", 2]}
                       for b in (0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9)]
    m["devnodes"] = (["nvidiactl", "nvidia-uvm", "nvidia-nvswitchctl"]
                     + [f"nvidia{i}" for i in range(8)])
    m["packages"].append(("nvidia-fabricmanager-535", f"{DRIVER}-1"))
    m["enabled_units"].append("nvidia-fabricmanager.service")
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_SYSTEM_NOT_READY"}
    m["findings"] = ["fabric.manager-stopped", "!cuda.init-failed"]
    return ("DGX A100-like node (8 x A100 SXM4, 6 NVSwitches): the fabric manager is installed "
            "but not running, so cuInit says 'system not ready' (802): fabric.manager-stopped.")


def nvml_hang(m):
    m["gpus"][4]["nvml_overrides"] = {"DeviceGetHandleByIndex": {"hang": True}}
    m["env"] = {"DLRIG_DRIVER_TIMEOUT_MS": "1500"}  # generous: a loaded CI box is slow to start the worker
    m["findings"] = ["driver.hung"]
    m["cases"] = ["doctor", "--json doctor", "health"]  # health: the hang is a failure, not a hang
    return ("An NVML call on GPU 4 never returns (a GPU wedged in the kernel): dlrig gives up "
            "after the deadline, keeps GPUs 0-3 and reports driver.hung.")


def bar_unassigned(m):
    g = m["gpus"][7]
    g["bar0"] = 0
    g["in_nvml"] = False
    g["in_cuda"] = False
    m["devnodes"].remove("nvidia7")
    m["kern_log"] += ["NVRM: This PCI I/O region assigned to your NVIDIA device is invalid:",
                      "NVRM: BAR0 is 0M @ 0x0 (PCI:0000:00:1d.0)",
                      "NVRM: GPU 0000:00:1d.0: RmInitAdapter failed! (0x22:0x56:742)"]
    m["findings"] = ["driver.gpu-not-initialized", "!gpu.count-pci-nvml"]
    return ("GPU 7 got no BAR0 address window (MMIO space exhausted; above-4G decoding off): "
            "the driver cannot bring it up: driver.gpu-not-initialized.")


def devnodes_missing(m):
    m["kmod"]["loaded"].remove("nvidia_uvm")
    m["devnodes"] = [n for n in m["devnodes"] if not n.startswith("nvidia-uvm")]
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_UNKNOWN"}
    m["findings"] = ["devnodes.missing", "kmod.uvm-not-loaded"]
    return ("nvidia_uvm is not loaded and /dev/nvidia-uvm is missing (no nvidia-modprobe run as "
            "root): NVML works, cuInit fails with 999: devnodes.missing.")


def thermal(m):
    g = m["gpus"][6]
    g["temp"] = 93
    g["reasons"] = "0x60"
    g["power"] = 291000
    m["findings"] = ["health.throttle-hw"]
    return "GPU 6 at 93 C with hardware thermal slowdown (clock event reasons 0x60): health.throttle-hw."


def persistence_off(m):
    for g in m["gpus"]:
        g["persistence"] = 0
    m["processes"] = ["systemd", "sshd"]
    m["enabled_units"] = []
    m["findings"] = ["gpu.persistence-off"]
    return "Persistence mode off and no nvidia-persistenced on an 8-GPU machine: gpu.persistence-off."


def stub_libcuda(m):
    m["gpus"] = gpus(RTX4090, ["0000:01:00.0"])
    m["devnodes"] = ["nvidiactl", "nvidia-uvm", "nvidia-modeset", "nvidia0"]
    m["os"]["pretty"] = "Ubuntu 22.04.4 LTS"
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_STUB_LIBRARY"}
    m["findings"] = ["cuda.stub-library"]
    return ("One RTX 4090 workstation whose LD_LIBRARY_PATH puts the toolkit's stubs/libcuda.so "
            "first: cuInit returns CUDA_ERROR_STUB_LIBRARY (34): cuda.stub-library.")


V100 = {"name": "Tesla V100-SXM2-32GB", "device": "0x1db5", "subsys": "0x1249", "class": "0x030200",
        "mem": 34359738368, "cc": "7.0", "power_limit": 300000,
        "link": ["8.0 GT/s PCIe", 16, "8.0 GT/s PCIe", 16], "nvml_link": [3, 16, 3, 16]}


def xid_mixed(m):
    m["kern_log"] += [
        "NVRM: Xid (PCI:0000:00:16): 13, pid=4211, name=python3, Graphics Exception: ESR 0x504648=0x10000",
        "NVRM: Xid (PCI:0000:00:16): 13, pid=4211, name=python3, Graphics Exception: ESR 0x504648=0x10000",
        "NVRM: Xid (PCI:0000:00:16): 31, pid=4211, name=python3, Ch 00000008, intr 00000000. "
        "MMU Fault: ENGINE GRAPHICS GPCCLIENT_T1_0 faulted @ 0x7f1a_3c000000.",
        "NVRM: Xid (PCI:0000:00:18): 92, pid=0, name=, High single-bit ECC error rate",
        "NVRM: Xid (PCI:0000:00:1a): 119, pid=5120, name=python3, Timeout after 6s of waiting for "
        "RPC response from GPU4 GSP! Expected function 76 (GSP_RM_CONTROL).",
    ]
    m["findings"] = ["health.xid-critical", "health.xid-warning", "health.xid-app", "!health.ok"]
    m["cases"] = ["doctor", "--json doctor", "doctor --format prometheus"]  # Xids by GPU, counted
    return ("Xid errors of every class in this boot's kernel log: 13 and 31 from an application "
            "on GPU 0, 92 (high single-bit ECC rate) on GPU 2, 119 (GSP RPC timeout) on GPU 4.")


def unbound(m):
    g = m["gpus"][7]
    g["driver"] = None
    g["in_nvml"] = False
    g["in_cuda"] = False
    m["devnodes"].remove("nvidia7")
    m["kern_log"].append("NVRM: The NVIDIA GPU 0000:00:1d.0 (PCI ID: 10de:2237) installed in this "
                         "system is not supported by open nvidia.ko because it does not include")
    m["findings"] = ["kmod.no-driver-bound", "!gpu.count-pci-nvml"]
    return "The nvidia module is loaded but left GPU 7 without a driver: kmod.no-driver-bound."


def vfio(m):
    g = m["gpus"][7]
    g["driver"] = "vfio-pci"
    g["in_nvml"] = False
    g["in_cuda"] = False
    m["devnodes"].remove("nvidia7")
    m["findings"] = ["gpu.count-pci-nvml"]
    return ("GPU 7 is bound to vfio-pci (handed to a VM), so the driver sees 7 of the 8 GPUs on "
            "the bus: gpu.count-pci-nvml.")


def dkms_next_kernel(m):
    new = "5.15.0-107-generic"
    m["kmod"]["kernels_without"] = [new]
    m["kmod"]["dkms"] = [(DRIVER, KERNEL, "installed"), (DRIVER, new, "added")]
    m["findings"] = ["kmod.dkms-failed", "!kmod.missing-for-kernel"]
    return ("Kernel 5.15.0-107 is installed and will boot next, but DKMS has not built nvidia for "
            "it (its headers are missing): after the reboot there is no driver: kmod.dkms-failed.")


def no_libcuda(m):
    m["cuda"] = None
    m["software"]["driver_libs"] = ["libnvidia-ml.so.1"]
    m["findings"] = ["cuda.library-missing"]
    return ("NVML answers but libcuda.so.1 is not installed (nvidia-utils without "
            "libnvidia-compute): cuda.library-missing.")


def no_libnvml(m):
    m["nvml"] = None
    m["cuda"] = None
    m["software"]["driver_libs"] = []
    m["findings"] = ["driver.nvml-missing", "!cuda.library-missing"]
    return ("The nvidia module is loaded but the driver's user-space libraries are not installed "
            "(a half-removed driver): driver.nvml-missing.")


def nvml_no_permission(m):
    m["nvml"]["init"] = {"ret": "NVML_ERROR_NO_PERMISSION"}
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_NO_DEVICE"}
    m["findings"] = ["driver.nvml-failed"]
    return ("The user may not open /dev/nvidiactl (NVreg_DeviceFileMode=0660, user not in the "
            "group): NVML says NO_PERMISSION: driver.nvml-failed.")


def cuda_compat(m):
    stub_libcuda(m)
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE"}
    m["findings"] = ["cuda.init-failed", "!cuda.stub-library"]
    return ("A cuda-compat (forward compatibility) libcuda on LD_LIBRARY_PATH of a GeForce card, "
            "which forward compatibility does not support: cuInit returns 804: cuda.init-failed.")


def cuda_fewer(m):
    m["gpus"][3]["in_cuda"] = False
    m["findings"] = ["gpu.count-nvml-cuda", "!gpu.cuda-visible-devices"]
    return ("CUDA enumerates 7 of the driver's 8 GPUs with CUDA_VISIBLE_DEVICES unset: "
            "gpu.count-nvml-cuda.")


def _dgx(m):
    nvswitch_fm_stopped(m)
    m["processes"].append("nv-fabricmanager")
    m["cuda"]["init"] = {}


def dgx_mig(m):
    _dgx(m)
    m["gpus"][0]["mig"] = [1, 1]
    m["findings"] = ["fabric.manager-ok", "gpu.mig-enabled", "!fabric.manager-stopped"]
    return ("Healthy DGX A100-like node, fabric manager running, MIG on for GPU 0: "
            "fabric.manager-ok, gpu.mig-enabled.")


def dgx_remap_failed(m):
    _dgx(m)
    m["gpus"][2]["remap"] = [3, 12, 0, 1]
    m["findings"] = ["health.remap-failed"]
    m["cases"] = ["doctor", "--json doctor", "doctor --format prometheus"]
    return "A100 GPU 2 ran out of spare rows: its row remapping failed: health.remap-failed."


def dgx_fm_version(m):
    _dgx(m)
    m["packages"] = [p for p in m["packages"] if not p[0].startswith("nvidia-fabricmanager")]
    m["packages"].append(("nvidia-fabricmanager-535", "535.129.03-1"))
    m["processes"].remove("nv-fabricmanager")
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_SYSTEM_NOT_READY"}
    m["findings"] = ["fabric.manager-version"]
    return ("The driver was upgraded to 535.161.08 but the fabric manager stayed at 535.129.03; "
            "it refuses to start: fabric.manager-version.")


def dgx_fm_missing(m):
    _dgx(m)
    m["packages"] = [p for p in m["packages"] if not p[0].startswith("nvidia-fabricmanager")]
    m["processes"].remove("nv-fabricmanager")
    m["enabled_units"].remove("nvidia-fabricmanager.service")
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_SYSTEM_NOT_READY"}
    m["findings"] = ["fabric.manager-missing"]
    return ("NVSwitch node without the fabric manager installed: cuInit says system not ready: "
            "fabric.manager-missing.")


def v100_retired(m):
    m["gpus"] = gpus(V100, ["0000:1a:00.0", "0000:1c:00.0", "0000:88:00.0", "0000:8a:00.0"], 2)
    m["devnodes"] = ["nvidiactl", "nvidia-uvm"] + [f"nvidia{i}" for i in range(4)]
    for g in m["gpus"]:
        g["remap"] = {"ret": "NVML_ERROR_NOT_SUPPORTED"}
    m["gpus"][1]["nvml_overrides"] = {"DeviceGetRetiredPages:sbe": 2, "DeviceGetRetiredPages:dbe": 0,
                                      "DeviceGetRetiredPagesPendingStatus": 0}
    m["gpus"][2]["nvml_overrides"] = {"DeviceGetRetiredPages:sbe": 0, "DeviceGetRetiredPages:dbe": 1,
                                      "DeviceGetRetiredPagesPendingStatus": 1}
    for g in (m["gpus"][0], m["gpus"][3]):
        g["nvml_overrides"] = {"DeviceGetRetiredPages:sbe": 0, "DeviceGetRetiredPages:dbe": 0,
                               "DeviceGetRetiredPagesPendingStatus": 0}
    m["kern_log"].append("NVRM: Xid (PCI:0000:88:00): 63, pid=0, Dynamic Page Retirement: New page "
                         "retired, reboot to activate (0x00000000003a4b12).")
    m["findings"] = ["health.retired-pages-pending", "health.retired-pages", "health.xid-warning"]
    return ("Four V100s (Volta: page retirement, no row remapping): GPU 1 retired 2 pages, GPU 2 "
            "has a page pending retirement until the next reboot.")


def throttle_sw(m):
    for g in m["gpus"][1:3]:  # busy GPUs run their links at full speed
        g["link"] = ["16.0 GT/s PCIe", 16, "16.0 GT/s PCIe", 16]
        g["nvml_link"] = [4, 16, 4, 16]
    m["gpus"][1]["reasons"] = "0x4"
    m["gpus"][1]["power"] = 299000
    m["gpus"][2]["reasons"] = "0x20"
    m["gpus"][2]["temp"] = 86
    m["gpus"][2]["power"] = 214000
    m["findings"] = ["health.throttle-power", "health.throttle-thermal", "!health.throttle-hw"]
    return ("GPU 1 held at its power limit (a note), GPU 2 slowed by the driver to stay under its "
            "temperature limit (a warning).")


def no_sysfs(m):
    m["remove"] = ["sys"]
    m["findings"] = ["pci.unreadable", "driver.ok"]
    return ("A root without /sys (an image or a container that does not mount it): the PCI layer "
            "cannot be read; dlrig judges from the driver and says so.")


# ---- doctor part 2: toolkit and Python layers ----

def nvcc_not_on_path(m):
    m["software"]["bashrc"] = []
    m["findings"] = ["toolkit.nvcc-not-on-path"]
    return ("CUDA 12.1 installed under /usr/local/cuda-12.1 but the guide's PATH step skipped: "
            "toolkit.nvcc-not-on-path.")


def stub_on_path(m):
    m["software"]["bashrc"] = [CUDA_LINES[0], "export LD_LIBRARY_PATH=/usr/local/cuda-12.1/lib64/stubs:"
                               "/usr/local/cuda-12.1/lib64${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}"]
    m["findings"] = ["toolkit.stub-libcuda"]
    return ("~/.bashrc puts the toolkit's lib64/stubs first on LD_LIBRARY_PATH (copied from a build "
            "recipe): every CUDA program started from a login shell loads the stub: toolkit.stub-libcuda.")


def toolkits_disagree(m):
    m["software"]["toolkits"]["11.8"] = "11.8.89"
    m["software"]["bashrc"] = [CUDA_LINES[0], "export LD_LIBRARY_PATH=/usr/local/cuda-11.8/lib64${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}"]
    m["findings"] = ["toolkit.paths-disagree"]
    return ("CUDA 12.1 and 11.8 installed; PATH names 12.1's nvcc, LD_LIBRARY_PATH 11.8's runtime: "
            "toolkit.paths-disagree.")


def toolkit_newer(m):
    sw = m["software"]
    sw["toolkits"] = {"12.4": "12.4.131"}
    sw["cuda_link"] = "12.4"
    sw["bashrc"] = [l.replace("12.1", "12.4") for l in CUDA_LINES]
    m["findings"] = ["toolkit.newer-than-driver", "!torch.cuda-newer-than-driver"]
    return ("CUDA 12.4 toolkit with the 535 driver (CUDA 12.2): nvcc builds code the driver runs "
            "only through minor-version compatibility: toolkit.newer-than-driver.")


def torch_cpu(m):
    env = dl_env(m)
    env["packages"].update(torch="2.3.1+cpu", torchvision="0.18.1+cpu", torchaudio="2.3.1+cpu")
    for k in [k for k in env["packages"] if k.startswith("nvidia-")]:
        del env["packages"][k]
    env["torch_cuda"] = None
    m["cases"] = ["doctor", "--json doctor", "--format markdown doctor"]
    m["findings"] = ["torch.cpu-only"]
    return "torch installed from the CPU index (2.3.1+cpu) on an 8-GPU machine: torch.cpu-only."


def torch_driver_old(m):
    old = "520.61.05"
    set_driver(m, old, 11080, [("nvidia-driver-520", f"{old}-0ubuntu1")])
    m["software"]["toolkits"] = {"11.8": "11.8.89"}
    m["software"]["cuda_link"] = "11.8"
    m["software"]["bashrc"] = [l.replace("12.1", "11.8") for l in CUDA_LINES]
    m["findings"] = ["torch.cuda-newer-than-driver", "!toolkit.newer-than-driver"]
    return ("Driver 520 (CUDA 11.8) with torch 2.3.1+cu121, which needs 525.60.13 at least: "
            "torch.cuda-newer-than-driver.")


RTX5090 = {"name": "NVIDIA GeForce RTX 5090", "device": "0x2b85", "subsys": "0x5300", "class": "0x030000",
           "mem": 34190917632, "cc": "12.0", "power_limit": 575000,
           "link": ["2.5 GT/s PCIe", 16, "32.0 GT/s PCIe", 16], "nvml_link": [1, 16, 5, 16]}
BW_DRIVER = "570.133.07"


def _rtx5090(m, flavour="open"):
    m["gpus"] = gpus(RTX5090, ["0000:01:00.0"])
    m["devnodes"] = ["nvidiactl", "nvidia-uvm", "nvidia-modeset", "nvidia0"]
    m["kmod"]["flavour"] = flavour
    set_driver(m, BW_DRIVER, 12080, [("nvidia-driver-570-open", f"{BW_DRIVER}-0ubuntu1")])


def rtx5090_torch_cu124(m):
    _rtx5090(m)
    env = dl_env(m)
    env["packages"].update(torch="2.5.1+cu124", torchvision="0.20.1+cu124", torchaudio="2.5.1+cu124",
                           **{"nvidia-cublas-cu12": "12.4.5.8", "nvidia-cudnn-cu12": "9.1.0.70",
                              "nvidia-cuda-runtime-cu12": "12.4.127", "nvidia-nccl-cu12": "2.21.5"})
    env["torch_cuda"] = "12.4"
    m["findings"] = ["torch.arch-unsupported", "!kmod.flavour-wrong"]
    return ("RTX 5090 (Blackwell, sm_120) with torch 2.5.1+cu124, whose wheels stop at sm_90: "
            "'no kernel image is available': torch.arch-unsupported.")


def rtx5090_proprietary(m):
    _rtx5090(m, "proprietary")
    m["packages"] = [("nvidia-driver-570", f"{BW_DRIVER}-0ubuntu1")]
    g = m["gpus"][0]
    g["driver"] = None
    g["in_nvml"] = False
    g["in_cuda"] = False
    m["devnodes"] = ["nvidiactl", "nvidia-uvm", "nvidia-modeset"]
    m["nvml"]["extra"] = {"DeviceGetCount": 0}
    m["kern_log"].append("NVRM: The NVIDIA GPU 0000:01:00.0 (PCI ID: 10de:2b85)")
    m["kern_log"].append("NVRM: installed in this system requires use of the NVIDIA open kernel modules.")
    m["kern_log"].append("NVRM: GPU 0000:01:00.0: RmInitAdapter failed! (0x22:0x56:884)")
    m["findings"] = ["kmod.flavour-wrong", "!kmod.no-driver-bound", "!gpu.count-pci-nvml"]
    return ("RTX 5090 (Blackwell) with the proprietary 570 kernel modules, which cannot drive it: "
            "kmod.flavour-wrong.")


P100 = {"name": "Tesla P100-PCIE-16GB", "device": "0x15f8", "subsys": "0x118f", "class": "0x030200",
        "mem": 17179869184, "cc": "6.0", "power_limit": 250000,
        "link": ["8.0 GT/s PCIe", 16, "8.0 GT/s PCIe", 16], "nvml_link": [3, 16, 3, 16]}


def p100_new_branch(m):
    new = "590.44.01"
    m["gpus"] = gpus(P100, ["0000:04:00.0", "0000:05:00.0", "0000:84:00.0", "0000:85:00.0"], 2)
    for g in m["gpus"]:
        g["driver"] = None
        g["in_nvml"] = False
        g["in_cuda"] = False
    m["devnodes"] = ["nvidiactl", "nvidia-uvm"]
    set_driver(m, new, 13010, [("nvidia-driver-590", f"{new}-0ubuntu1")])
    m["kern_log"].append("NVRM: The NVIDIA Tesla P100-PCIE-16GB GPU installed in this system is")
    m["kern_log"].append("NVRM:  supported through the NVIDIA 580.xx Legacy drivers.")
    m["nvml"]["extra"] = {"DeviceGetCount": 0}
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_NO_DEVICE"}
    m["findings"] = ["driver.branch-unsupported", "!kmod.no-driver-bound", "!gpu.count-pci-nvml"]
    return ("Four Tesla P100s (Pascal) after an upgrade to driver branch 590, which dropped Pascal "
            "(580 is its last): the driver ignores them: driver.branch-unsupported.")


def python313(m):
    env = dl_env(m)
    env["python"] = "3.13.1"
    m["findings"] = ["torch.python-unsupported"]
    return "torch 2.3.1 force-installed into a Python 3.13 environment (2.3 supports 3.8-3.12)."


def torchvision_mismatch(m):
    dl_env(m)["packages"]["torchvision"] = "0.17.2+cu121"
    m["findings"] = ["torch.companions-mismatch"]
    return "torch upgraded to 2.3.1 alone; torchvision stayed at 0.17.2: torch.companions-mismatch."


def mixed_wheels(m):
    dl_env(m)["packages"]["nvidia-cudnn-cu11"] = "8.7.0.84"
    dl_env(m)["packages"]["nvidia-cublas-cu11"] = "11.11.3.6"
    m["findings"] = ["torch.mixed-cuda-wheels"]
    return "cu11 NVIDIA wheels left beside torch's cu12 ones: torch.mixed-cuda-wheels."


def conda_no_init(m):
    m["software"]["conda"]["init"] = False
    m["findings"] = ["python.conda-not-initialised"]
    return "Miniconda installed with -b and never initialised: python.conda-not-initialised."


def no_torch(m):
    del dl_env(m)["packages"]["torch"]
    for k in ("torchvision", "torchaudio"):
        del dl_env(m)["packages"][k]
    m["findings"] = ["python.no-torch", "!torch.ok"]
    return "The environment is made but pip install torch is still to do: python.no-torch (a note)."


def torch_unknown(m):
    dl_env(m)["packages"].update(torch="2.99.0+cu121", torchvision="0.99.0+cu121", torchaudio="2.99.0+cu121")
    m["findings"] = ["torch.unknown-release"]
    return "A torch release newer than dlrig's knowledge base: torch.unknown-release (a note)."


def no_toolkit(m):
    sw = m["software"]
    sw["toolkits"] = {}
    sw["cuda_link"] = None
    sw["bashrc"] = []
    m["findings"] = ["toolkit.none", "torch.ok"]
    return "No CUDA toolkit: torch wheels bring their runtime; a note that nvcc is missing."


def live_cvd(m):
    dl_env(m)["live"] = {"cuda_available": True, "device_count": 2, "capabilities": ["8.6", "8.6"],
                         "arch_list": ["sm_50", "sm_60", "sm_70", "sm_75", "sm_80", "sm_86", "sm_90"]}
    m["env"] = {"CUDA_VISIBLE_DEVICES": "0,1", "DLRIG_LIVE_PYTHON_IN_ROOT": "1"}
    for g in m["gpus"][2:]:
        g["in_cuda"] = False
    m["cases"] = ["doctor --live", "--json doctor --live"]
    m["findings"] = ["torch.live-device-count", "gpu.cuda-visible-devices"]
    return ("doctor --live: torch in env dl sees 2 GPUs (CUDA_VISIBLE_DEVICES=0,1): "
            "torch.live-device-count.")


def live_failed(m):
    dl_env(m)["live"] = {"error": "RuntimeError: Unexpected error from cudaGetDeviceCount(). "
                         "Did you run some cuda functions before calling NumCudaDevices() that might "
                         "have already set an error? Error 804: forward compatibility was attempted "
                         "on non supported HW"}
    m["env"] = {"DLRIG_LIVE_PYTHON_IN_ROOT": "1"}
    m["cases"] = ["doctor --live", "--json doctor --live", "snapshot"]  # with the live section
    m["findings"] = ["torch.live-failed"]
    return "doctor --live: torch raises on CUDA initialisation in env dl: torch.live-failed."


def healthy(m):
    import machines_fabric  # the topology of g5.48xlarge, and the topo cases
    machines_fabric.a10g_topology(m)
    m["findings"] = ["pci.gpus-present", "pci.link-power-saving", "kmod.loaded", "driver.ok", "cuda.ok",
                     "gpu.counts-agree", "health.ok", "toolkit.ok", "torch.ok", "!pci.link-degraded", "!gpu.persistence-off"]
    # dlrig fit on the guide's machine (scripts/machines_fit.py has the rest).
    m["cases"] = ["doctor", "--json doctor", "topo", "--json topo", "topo --dot", "plan",
                  "doctor --format prometheus",
                  "fit meta-llama/Meta-Llama-3-8B --bpw 4.0 --ctx 8192",
                  "fit meta-llama/Meta-Llama-3-8B --task lora --activation-checkpointing --batch 4",
                  "fit meta-llama/Meta-Llama-3-8B --task full",
                  "fit meta-llama/Meta-Llama-3-70B --bpw 4.0 --ctx 8192",
                  "fit meta-llama/Meta-Llama-3-70B --task qlora --activation-checkpointing",
                  "--json fit meta-llama/Meta-Llama-3-8B --task full --activation-checkpointing",
                  "snapshot",  # the snapshot's JSON form, in full (tests/golden/run.sh)
                  "health"]    # the Slurm health check's verdict (docs/fleet.md)
    return ("The guide's machine: 8 x NVIDIA A10G (AWS g5.48xlarge-like), Ubuntu 22.04, driver "
            "535.161.08 via DKMS, CUDA 12.2 driver API, healthy. Links idle at Gen1: power saving, "
            "a note, not a warning.")


VARIANTS = {
    "a10g-x8-ubuntu2204": healthy,
    "no-gpu-debian12": no_gpu_debian12,
    "a10g-x8-no-driver": no_driver,
    "a10g-x8-nouveau": nouveau,
    "a10g-x8-version-mismatch": version_mismatch,
    "a10g-x8-kernel-updated": kernel_updated,
    "a10g-x8-secure-boot": secure_boot,
    "a10g-x8-cuda-visible-devices": cuda_visible_devices,
    "a10g-x8-gpu-lost": gpu_lost,
    "a10g-x8-pcie-x8": pcie_x8,
    "a10g-x8-ecc-remap": ecc_remap,
    "a100-x8-nvswitch-fm-stopped": nvswitch_fm_stopped,
    "a10g-x8-nvml-hang": nvml_hang,
    "a10g-x8-bar-unassigned": bar_unassigned,
    "a10g-x8-devnodes-missing": devnodes_missing,
    "a10g-x8-thermal": thermal,
    "a10g-x8-persistence-off": persistence_off,
    "rtx4090-x1-stub-libcuda": stub_libcuda,
    "a10g-x8-xid-mixed": xid_mixed,
    "a10g-x8-unbound": unbound,
    "a10g-x8-vfio": vfio,
    "a10g-x8-dkms-next-kernel": dkms_next_kernel,
    "a10g-x8-no-libcuda": no_libcuda,
    "a10g-x8-no-libnvml": no_libnvml,
    "a10g-x8-nvml-no-permission": nvml_no_permission,
    "rtx4090-x1-cuda-compat": cuda_compat,
    "a10g-x8-cuda-fewer": cuda_fewer,
    "a100-x8-mig": dgx_mig,
    "a100-x8-remap-failed": dgx_remap_failed,
    "a100-x8-fm-version": dgx_fm_version,
    "a100-x8-fm-missing": dgx_fm_missing,
    "v100-x4-retired-pages": v100_retired,
    "a10g-x8-throttle-sw": throttle_sw,
    "image-no-sysfs": no_sysfs,
    "a10g-x8-nvcc-not-on-path": nvcc_not_on_path,
    "a10g-x8-stub-on-path": stub_on_path,
    "a10g-x8-toolkits-disagree": toolkits_disagree,
    "a10g-x8-toolkit-newer": toolkit_newer,
    "a10g-x8-torch-cpu": torch_cpu,
    "a10g-x8-driver520-torch-cu121": torch_driver_old,
    "rtx5090-x1-torch-cu124": rtx5090_torch_cu124,
    "rtx5090-x1-proprietary": rtx5090_proprietary,
    "p100-x4-driver590": p100_new_branch,
    "a10g-x8-python313": python313,
    "a10g-x8-torchvision-mismatch": torchvision_mismatch,
    "a10g-x8-mixed-wheels": mixed_wheels,
    "a10g-x8-conda-no-init": conda_no_init,
    "a10g-x8-no-torch": no_torch,
    "a10g-x8-torch-unknown": torch_unknown,
    "a10g-x8-no-toolkit": no_toolkit,
    "a10g-x8-live-cvd": live_cvd,
    "a10g-x8-live-failed": live_failed,
}


# Each command's fixture machines live in their own module (same form:
# NAME -> function(m) returning the README text), merged here.
import machines_plan  # noqa: E402  dlrig plan / setup
import machines_fabric  # noqa: E402  dlrig topo and the fabric checks
import machines_bench  # noqa: E402  dlrig bench
import machines_fit  # noqa: E402  dlrig fit
import machines_catalog  # noqa: E402  doctor part 3: the failure catalogue
import machines_real  # noqa: E402  issue 12: the real shapes of deep-learning machines

for _module in (machines_plan, machines_fabric, machines_bench, machines_fit, machines_catalog,
                machines_real):
    for _name, _fn in _module.VARIANTS.items():
        assert _name not in VARIANTS, f"machine {_name} defined twice"
        VARIANTS[_name] = _fn


def names():
    return list(VARIANTS)


def get(name):
    m = guide()
    m["readme"] = VARIANTS[name](m)
    return m
