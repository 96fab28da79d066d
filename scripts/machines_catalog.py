"""machines_catalog.py - fixture machines for doctor part 3 (the failure
catalogue of ../shared/reference/failures.md, docs/coverage.md).

Same form as machines.py: VARIANTS maps a machine name to a function that
takes the guide's machine (machines.guide()), changes it and returns the
README text. machines.py merges this table into its own."""
import struct
import uuid

import machines

from machines import OVERLAY, RTX2080TI, RTX3090, SHM_64M, in_docker


# ---- certificates and EFI signature lists (Secure Boot fixtures) ----

def _tlv(tag, body):
    n = len(body)
    head = bytes([n]) if n < 0x80 else bytes([0x81, n]) if n < 0x100 else bytes([0x82, n >> 8, n & 0xff])
    return bytes([tag]) + head + body


def _x509_name(cn, org=None):
    rdns = b""
    if org:
        rdns += _tlv(0x31, _tlv(0x30, _tlv(0x06, b"\x55\x04\x0a") + _tlv(0x0c, org.encode())))
    rdns += _tlv(0x31, _tlv(0x30, _tlv(0x06, b"\x55\x04\x03") + _tlv(0x0c, cn.encode())))
    return _tlv(0x30, rdns)


def x509_cert(cn, org=None, serial=1):
    """A self-signed X.509 certificate in DER with subject and issuer CN=cn:
    the structure of RFC 5280 (openssl reads it) with a fake key and
    signature, so the fixture bytes stay the same on every run."""
    alg = _tlv(0x30, _tlv(0x06, bytes.fromhex("2a864886f70d01010b")) + b"\x05\x00")
    validity = _tlv(0x30, _tlv(0x17, b"240101000000Z") + _tlv(0x17, b"340101000000Z"))
    spki = _tlv(0x30, _tlv(0x30, _tlv(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
                + _tlv(0x03, b"\x00" + bytes(range(32))))
    tbs = _tlv(0x30, _tlv(0xa0, _tlv(0x02, b"\x02")) + _tlv(0x02, bytes([serial])) + alg
               + _x509_name(cn, org) + validity + _x509_name(cn, org) + spki)
    return _tlv(0x30, tbs + alg + _tlv(0x03, b"\x00" + bytes(16)))


EFI_CERT_X509 = uuid.UUID("a5c059a1-94e4-4aa7-87b5-ab155c2bf072").bytes_le
SHIM_GUID = "605dab50-e046-4300-abb6-3dd810dd8b23"
DB_GUID = "d719b2cb-3d3a-4596-a3bc-dad00e67656f"


def efi_variable(attrs, certs):
    """An efivarfs file: the attribute bits, then one EFI_SIGNATURE_LIST of
    X.509 entries per certificate (UEFI 2.10, 32.4.1), owned by shim."""
    out = struct.pack("<I", attrs)
    for c in certs:
        sig = uuid.UUID(SHIM_GUID).bytes_le + c
        out += EFI_CERT_X509 + struct.pack("<III", 28 + len(sig), 0, len(sig)) + sig
    return out


def container_shm(m):
    in_docker(m)
    m["findings"] = ["container.inside", "container.shm-small", "driver.ok"]
    return ("The guide's machine seen from inside a Docker container started without --shm-size: "
            "/dev/shm is Docker's default 64 MiB, too small for NCCL and DataLoader workers "
            "(catalogue F33): container.shm-small.")


def container_revoked(m):
    in_docker(m, OVERLAY + SHM_64M.replace("size=65536k", "size=16777216k"))
    m["nvml"]["init"] = {"ret": "NVML_ERROR_UNKNOWN"}
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_NO_DEVICE"}
    m["findings"] = ["container.inside", "container.gpus-revoked", "driver.nvml-failed",
                     "!container.shm-small"]
    return ("Inside a Docker container after the host ran `systemctl daemon-reload`: the device "
            "files are still there but NVML says 'Unknown Error' (catalogue F35; "
            "https://github.com/NVIDIA/nvidia-container-toolkit/issues/48): "
            "container.gpus-revoked comes first.")


def docker_no_toolkit(m):
    m["files"] = {"usr/bin/dockerd": "", "usr/bin/containerd": ""}
    m["findings"] = ["container.toolkit-missing", "!container.inside"]
    return ("The guide's host with Docker installed but not NVIDIA's container toolkit: "
            "`docker run --gpus all` fails (catalogue F34): container.toolkit-missing.")


def toolkit_unconfigured(m):
    m["files"] = {"usr/bin/dockerd": "", "usr/bin/nvidia-ctk": "",
                  "etc/docker/daemon.json": '{ "log-driver": "journald" }\n'}
    m["packages"] = list(m.get("packages", [])) + [("nvidia-container-toolkit", "1.16.2-1")]
    m["findings"] = ["container.toolkit-unconfigured", "!container.toolkit-missing"]
    return ("Docker and nvidia-container-toolkit installed, but `nvidia-ctk runtime configure` "
            "never ran: daemon.json has no nvidia runtime, no CDI spec: "
            "container.toolkit-unconfigured.")


def auto_upgrade(m):
    m["packages"] = list(m.get("packages", [])) + [("unattended-upgrades", "2.8ubuntu1")]
    m["files"] = {"etc/apt/apt.conf.d/20auto-upgrades":
                  'APT::Periodic::Update-Package-Lists "1";\nAPT::Periodic::Unattended-Upgrade "1";\n',
                  "etc/apt/apt.conf.d/50unattended-upgrades":
                  'Unattended-Upgrade::Allowed-Origins {\n\t"${distro_id}:${distro_codename}-security";\n};\n'
                  'Unattended-Upgrade::Package-Blacklist {\n    // "nvidia-";\n};\n'}
    m["findings"] = ["upkeep.driver-auto-upgrade"]
    return ("Ubuntu's default unattended-upgrades with nothing held or blacklisted (the "
            "blacklist line is commented out): the next security upgrade of the driver "
            "breaks NVML until a reboot (catalogue F01): upkeep.driver-auto-upgrade.")


def fm_no_nvswitch(m):
    m["packages"] = list(m.get("packages", [])) + [("nvidia-fabricmanager-535", machines.DRIVER + "-1")]
    m["enabled_units"] = list(m.get("enabled_units", [])) + ["nvidia-fabricmanager.service"]
    m["findings"] = ["fabric.manager-unneeded", "!fabric.manager-stopped"]
    return ("The fabric manager installed and enabled on the PCIe-only A10G machine (no "
            "NVSwitch): it fails at every boot (catalogue F13): fabric.manager-unneeded.")


def mixed_gpus(m):
    buses = [g["bus"] for g in m["gpus"]]
    m["gpus"] = machines.gpus(machines.A10G, buses[:4]) + machines.gpus(machines.RTX4090, buses[4:])
    for i, g in enumerate(m["gpus"]):
        g["minor"] = i
    m["findings"] = ["gpu.order-differs"]
    return ("Four A10G and four RTX 4090 in one box without CUDA_DEVICE_ORDER=PCI_BUS_ID: CUDA "
            "puts the faster 4090s first, nvidia-smi lists by bus (catalogue F19): "
            "gpu.order-differs.")


def service_cvd(m):
    m["files"] = {"etc/systemd/system/ollama.service.d/override.conf":
                  '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0" "CUDA_VISIBLE_DEVICES=0,1"\n'}
    m["findings"] = ["service.cuda-visible-devices"]
    return ("A drop-in for ollama.service sets CUDA_VISIBLE_DEVICES=0,1: the service's jobs see "
            "two of the eight GPUs: service.cuda-visible-devices (a warning: every job it starts "
            "runs on a quarter of the machine).")


def profile_cvd(m):
    m["files"] = {"etc/profile.d/cuda-devices.sh":
                  "# pin CUDA jobs to the first two GPUs\nexport CUDA_VISIBLE_DEVICES=0,1\n"}
    m["findings"] = ["profile.cuda-visible-devices", "!gpu.cuda-visible-devices"]
    return ("/etc/profile.d/cuda-devices.sh exports CUDA_VISIBLE_DEVICES=0,1, so every login shell "
            "sees two of the eight GPUs (login shells source /etc/profile.d/*.sh: "
            "https://help.ubuntu.com/community/EnvironmentVariables ; the variable: "
            "https://docs.nvidia.com/cuda/cuda-c-programming-guide/#cuda-environment-variables). "
            "dlrig itself ran without it: profile.cuda-visible-devices, a warning.")


def shell_cvd(m):
    m["software"]["bashrc"] = list(m["software"]["bashrc"]) + [
        "# only my GPUs on the shared box", "export CUDA_VISIBLE_DEVICES=2,3"]
    m["findings"] = ["shell.cuda-visible-devices", "!gpu.cuda-visible-devices", "!profile.cuda-visible-devices"]
    return ("The user's ~/.bashrc exports CUDA_VISIBLE_DEVICES=2,3 (left from sharing the machine), so "
            "every CUDA program the user starts from a shell sees two of the eight GPUs (the variable: "
            "https://docs.nvidia.com/cuda/cuda-c-programming-guide/#cuda-environment-variables). "
            "dlrig itself ran without it (from cron, or after `unset`): shell.cuda-visible-devices, a "
            "warning naming ~/.bashrc, as profile.cuda-visible-devices does for /etc/profile.d.")


def mig_split(m):
    machines.dgx_mig(m)
    # seven 1g.10gb GPU instances (ids 7-13) with one compute instance each,
    # as /proc/driver/nvidia/capabilities shows them after
    # `nvidia-smi mig -cgi 19,19,19,19,19,19,19 -C` (NVIDIA's MIG user guide)
    caps = "proc/driver/nvidia/capabilities/gpu0/mig"
    m["files"] = {f"{caps}/gi{gi}/{part}access":
                  f"DeviceFileMinor: {minor}\nDeviceFileMode: 292\nDeviceFileModify: 1\n"
                  for gi in range(7, 14) for part, minor in (("", 66 + 9 * gi), ("ci0/", 67 + 9 * gi))}
    m["findings"] = ["fabric.manager-ok", "gpu.mig-several-instances", "!gpu.mig-enabled"]
    return ("DGX A100-like node with GPU 0 split into seven 1g.10gb MIG instances "
            "(https://docs.nvidia.com/datacenter/tesla/mig-user-guide/ , 'Device Nodes and "
            "Capabilities' for the /proc layout): a CUDA process enumerates only one of them, "
            "so gpu.mig-several-instances is a warning.")


def gcc_too_new(m):
    m["links"] = {"usr/bin/gcc": "gcc-13"}
    m["files"] = {"usr/bin/gcc-13": "", "usr/lib/gcc/x86_64-linux-gnu/13/.keep": ""}
    m["findings"] = ["toolkit.gcc-too-new"]
    return ("CUDA 12.1 on PATH with GCC 13 as the system compiler (Ubuntu 24.04's default): "
            "building exllamav2's kernels fails with 'unsupported GNU version' "
            "(catalogue F22): toolkit.gcc-too-new.")


def port_busy(m):
    head = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    m["files"] = {"proc/net/tcp": head +
                  "   0: 00000000:733C 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 81234 1\n"
                  "   1: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1\n"}
    m["findings"] = ["workload.torchrun-port-busy"]
    return ("A torchrun rendezvous from an earlier, crashed run still listens on port 29500: "
            "the next torchrun fails with 'address already in use' (catalogue F39): "
            "workload.torchrun-port-busy.")


def accelerate_cpu(m):
    m["files"] = {"home/ubuntu/.cache/huggingface/accelerate/default_config.yaml":
                  "compute_environment: LOCAL_MACHINE\ndistributed_type: 'NO'\nmixed_precision: 'no'\n"
                  "num_processes: 1\nuse_cpu: true\n"}
    m["findings"] = ["workload.accelerate-config"]
    return ("`accelerate config` was once answered on a laptop and the file came along: "
            "use_cpu: true, one process: `accelerate launch` ignores all eight GPUs "
            "(catalogue F41): workload.accelerate-config.")


def nvcc_cuda11(m):
    sw = m["software"]
    sw["toolkits"] = {"11.8": "11.8.89"}
    sw["cuda_link"] = "11.8"
    sw["bashrc"] = [line.replace("12.1", "11.8") for line in sw["bashrc"]]
    del machines.dl_env(m)["conda_pkgs"]
    m["findings"] = ["toolkit.torch-cuda-mismatch"]
    return ("CUDA 11.8 on PATH (left from an older guide), torch 2.3.1 built with CUDA 12.1 in "
            "the 'dl' environment: `pip install exllamav2` from source stops with 'The detected "
            "CUDA version (11.8) mismatches the version that was used to compile PyTorch (12.1)' "
            "(catalogue F20): toolkit.torch-cuda-mismatch.")


def extension_old_torch(m):
    machines.dl_env(m)["packages"]["exllamav2"] = "0.0.19+cu121.torch2.2.2"
    m["findings"] = ["torch.extension-mismatch"]
    return ("A prebuilt exllamav2 wheel for torch 2.2.2 stayed after torch was upgraded to 2.3.1: "
            "`import exllamav2` fails with 'undefined symbol' (catalogue F25): "
            "torch.extension-mismatch.")


def conda_libstdcxx(m):
    prefix = m["software"]["conda"]["prefix"].lstrip("/")
    m["links"] = {"usr/lib/x86_64-linux-gnu/libstdc++.so.6": "libstdc++.so.6.0.30",
                  f"{prefix}/envs/dl/lib/libstdc++.so.6": "libstdc++.so.6.0.29"}
    m["files"] = {"usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30": "",
                  f"{prefix}/envs/dl/lib/libstdc++.so.6.0.29": ""}
    m["findings"] = ["python.libstdcxx-old"]
    return ("The 'dl' conda environment carries libstdc++ 6.0.29 while Ubuntu 22.04's is 6.0.30: "
            "a system library loaded into its Python fails with 'GLIBCXX_3.4.30 not found' "
            "(catalogue F27): python.libstdcxx-old.")


def uvm_after_resume(m):
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_UNKNOWN"}
    m["kern_log"] = list(m["kern_log"]) + ["PM: suspend entry (deep)", "PM: suspend exit"]
    m["findings"] = ["cuda.init-failed", "!kmod.uvm-not-loaded", "driver.ok"]
    return ("A workstation after suspend and resume: nvidia_uvm is loaded but wedged, NVML works, "
            "cuInit returns 999 (catalogue F10; https://github.com/pytorch/pytorch/issues/49081): "
            "cuda.init-failed names the wedged nvidia_uvm and the reload.")


def display_server(m):
    m["processes"] = list(m.get("processes", [])) + ["Xorg", "gnome-shell"]
    m["findings"] = ["gpu.display-server"]
    return ("A workstation-style box with Xorg and GNOME running on the compute GPUs: GPU 0 "
            "runs out of memory first (catalogue F40): gpu.display-server.")


# ---- machines assembled from public bug reports: the facts as the
# reporter gave them, everything the report does not say is the guide's ----


def report_nccl473(m):
    buses = ["0000:18:00.0", "0000:3b:00.0", "0000:86:00.0", "0000:af:00.0"]
    m["gpus"] = machines.gpus(RTX2080TI, buses, numa_split=2)
    m["devnodes"] = ["nvidiactl", "nvidia-uvm", "nvidia-modeset"] + [f"nvidia{i}" for i in range(4)]
    container_shm(m)
    m["findings"] = ["container.shm-small", "container.inside"]
    return ("From https://github.com/NVIDIA/nccl/issues/473 : nccl-tests on 4 x GeForce RTX 2080 Ti "
            "(buses 0x18, 0x3b, 0x86, 0xaf) inside a Docker container fail with \"Test NCCL failure "
            "common.cu:777 'unhandled system error'\"; the reporter fixed it with --ipc=host. The "
            "container's /dev/shm is Docker's default 64 MiB. Doctor's first finding: "
            "container.shm-small.")


def report_vllm1060(m):
    sw = m["software"]
    sw["toolkits"] = {"12.2": "12.2.140"}
    sw["cuda_link"] = "12.2"
    sw["bashrc"] = [line.replace("12.1", "12.2") for line in machines.CUDA_LINES]
    env = machines.dl_env(m)
    env.update(python="3.10.12", torch_cuda="11.7", conda_pkgs=[])
    env["packages"] = {"torch": "2.0.1", "nvidia-cublas-cu11": "11.10.3.66",
                       "nvidia-cuda-runtime-cu11": "11.7.99", "nvidia-cudnn-cu11": "8.5.0.96",
                       "nvidia-nccl-cu11": "2.14.3"}
    m["findings"] = ["toolkit.torch-cuda-mismatch"]
    return ("From https://github.com/vllm-project/vllm/issues/1060 : `pip install -e .` of vLLM "
            "stops in torch.utils.cpp_extension with \"The detected CUDA version (12.2) mismatches "
            "the version that was used to compile PyTorch (11.7)\" (Python 3.10, torch 2.0.1 cu117, "
            "nvcc 12.2). Doctor's first finding: toolkit.torch-cuda-mismatch.")


def report_icra804(m):
    m["gpus"] = machines.gpus(RTX3090, ["0000:01:00.0"])
    m["devnodes"] = ["nvidiactl", "nvidia-uvm", "nvidia-modeset", "nvidia0"]
    machines.set_driver(m, "525.147.05", 12000)
    m["cuda"]["init"] = {"ret": "CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE"}
    m["files"] = {".dockerenv": ""}
    m["findings"] = ["cuda.init-failed", "container.inside", "toolkit.newer-than-driver"]
    return ("From https://github.com/AIR-DISCOVER/ICRA2024-Sim2Real-AXS/issues/5 : torch in the "
            "project's CUDA 12.1 Docker image on an RTX 3090 with the 525 driver raises \"Error 804: "
            "forward compatibility was attempted on non supported HW\"; fixed by updating the host "
            "driver. Doctor's first finding: cuda.init-failed (804) with that fix.")


def report_ogkm387(m):
    buses = ["0000:0a:00.0", "0000:0b:00.0", "0000:0c:00.0", "0000:0d:00.0"]
    m["os"].update(id="opensuse-leap", id_like="suse opensuse", name="openSUSE Leap", version_id="15.2",
                   pretty="openSUSE Leap 15.2", kernel="5.3.18-lp152.106-default")
    machines.set_driver(m, "520.61.05", 11080, packages=[])
    m["kmod"]["flavour"] = "open"
    m["kmod"]["ko"] = {"5.3.18-lp152.106-default": {"version": "520.61.05"}}
    m["kmod"]["dkms"] = [("520.61.05", "5.3.18-lp152.106-default", "installed")]
    m["gpus"] = machines.gpus(RTX2080TI, buses, numa_split=4)
    m["gpus"][1]["nvml_overrides"] = {"DeviceGetHandleByIndex": {"ret": "NVML_ERROR_UNKNOWN"}}
    m["devnodes"] = ["nvidiactl", "nvidia-uvm", "nvidia-modeset"] + [f"nvidia{i}" for i in range(4)]
    m["software"] = {"user": ("user", 1000, "/home/user", "/bin/bash"), "toolkits": {}, "bashrc": []}
    m["findings"] = ["driver.gpu-lost"]
    return ("From https://github.com/NVIDIA/open-gpu-kernel-modules/issues/387 : 4 x GeForce RTX 2080 Ti "
            "on openSUSE Leap 15.2 (kernel 5.3.18-lp152.106-default) with the open 520.61.05 modules; "
            "under load GPU 1 (0000:0B:00.0) drops out and nvidia-smi says \"Unable to determine the "
            "device handle for GPU 0000:0B:00.0: Unknown Error\"; fixed by reseating the GPU. The other "
            "three buses are not in the report (0x0a, 0x0c, 0x0d stand in). Doctor's first finding: "
            "driver.gpu-lost.")


def report_torchtune1025(m):
    head6 = ("  sl  local_address                         remote_address                        st tx_queue "
             "rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
    m["files"] = {"proc/net/tcp6": head6 +
                  "   0: 00000000000000000000000000000000:733C 00000000000000000000000000000000:0000 0A "
                  "00000000:00000000 00:00000000 00000000  1000        0 90211 1 0000000000000000 100 0 0 10 0\n"}
    m["processes"] = list(m.get("processes", [])) + ["tune"]
    m["findings"] = ["workload.torchrun-port-busy"]
    return ("From https://github.com/meta-pytorch/torchtune/issues/1025 : a second torchtune run on a "
            "machine where one already runs stops with \"DistNetworkError: The server socket has failed "
            "to listen on any local network address. The server socket has failed to bind to [::]:29500 "
            "(errno: 98 - Address already in use)\": the first run's rendezvous holds the default port "
            "(on IPv6 here). Doctor's first finding: workload.torchrun-port-busy, with another port as fix.")


def report_pytorch112553(m):
    old = "470.199.02"
    machines.set_driver(m, old, 11040)
    sw = m["software"]
    for key in ("conda", "toolkits", "cuda_link", "bashrc"):
        sw.pop(key, None)
    sw["pythons"] = {"/opt/asdf/installs/python/3.10.13": {
        "python": "3.10.13", "torch_cuda": "12.1",
        "packages": {"torch": "2.1.0+cu121", "nvidia-cuda-runtime-cu12": "12.1.105",
                     "nvidia-cudnn-cu12": "8.9.2.26", "nvidia-nccl-cu12": "2.18.1"}}}
    m["findings"] = ["torch.cuda-newer-than-driver"]
    return ("From https://github.com/pytorch/pytorch/issues/112553 : torch 2.1.0+cu121 installed "
            "with pip into a Python that asdf built (ASDF_DATA_DIR=/opt/asdf; the 3.10 patch "
            "release and the nvidia-* wheel versions are torch 2.1.0's, not the report's) on a "
            "470 driver (CUDA 11.4): torch.cuda.is_available() is False. Doctor's first "
            "finding: torch.cuda-newer-than-driver.")


def nvml_hang_xid79(m):
    machines.nvml_hang(m)
    # GPU 4 (0000:00:1a.0) fell off the bus before dlrig ran; the driver then
    # hangs when NVML asks for it, as nvidia-smi does on such a node
    m["kern_log"] += [
        "NVRM: Xid (PCI:0000:00:16): 13, pid=4211, name=python3, Graphics Exception: ESR 0x504648=0x10000",
        "NVRM: Xid (PCI:0000:00:1a): 79, pid=4211, name=python3, GPU has fallen off the bus.",
        "NVRM: GPU 0000:00:1a.0: GPU has fallen off the bus."]
    # read before the hang: GPU 1 has a row remap pending
    m["gpus"][1]["remap"] = [0, 1, 1, 0]
    m["findings"] = ["driver.gpu-lost", "health.remap-pending", "health.xid-app", "!driver.hung"]
    return ("NVML hangs on GPU 4 after the kernel logged Xid 79 (fallen off the bus) for it, the "
            "layout of https://github.com/NVIDIA/NVSentinel/issues/155 and NVIDIA's Xid catalogue "
            "(https://docs.nvidia.com/deploy/xid-errors/): the first failure is driver.gpu-lost "
            "naming the Xid, not the hang; what NVML read before the hang (a pending row remap "
            "on GPU 1, an application Xid on GPU 0) is still reported.")


def secure_boot_mok(m):
    machines.secure_boot(m)
    kernel = m["os"]["kernel"]
    m["kmod"]["ko"][kernel]["signer"] = "DKMS module signing key"
    m["kern_log"] = ["Loading of module with unavailable key is rejected"]
    efivars = "sys/firmware/efi/efivars"
    m["files"] = {
        # shim's MOK list: Canonical's CA (shim's built-in vendor key), no DKMS key
        f"{efivars}/MokListRT-{SHIM_GUID}": efi_variable(6, [x509_cert(
            "Canonical Ltd. Master Certificate Authority", "Canonical Ltd.", 3)]),
        f"{efivars}/db-{DB_GUID}": efi_variable(0x27, [
            x509_cert("Microsoft Windows Production PCA 2011", "Microsoft Corporation", 4),
            x509_cert("Microsoft Corporation UEFI CA 2011", "Microsoft Corporation", 5)]),
        # the key pair DKMS 3 made and signed nvidia.ko with
        "var/lib/dkms/mok.pub": x509_cert("DKMS module signing key", serial=7),
        "var/lib/dkms/mok.key": "",
    }
    m["findings"] = ["os.secure-boot-key-not-enrolled", "!os.secure-boot-unsigned",
                     "!kmod.not-loaded"]
    return ("Secure Boot on, nvidia.ko signed by DKMS's own key (/var/lib/dkms/mok.pub), which "
            "was never enrolled: MokListRT and db hold only Canonical's and Microsoft's "
            "certificates, the kernel logs 'Loading of module with unavailable key is rejected' "
            "and modprobe says 'Key was rejected by service' (the layout of "
            "https://github.com/linux-surface/linux-surface/issues/906 and "
            "https://github.com/awesometic/realtek-r8126-dkms/issues/3): "
            "os.secure-boot-key-not-enrolled, fixed by mokutil --import, not modprobe.")

def cudnn_shadowed(m):
    # NVIDIA's cuDNN tar install ("copy cudnn-*-archive/lib/* to /usr/local/cuda/lib64",
    # https://docs.nvidia.com/deeplearning/cudnn/installation/latest/linux.html#tar-file-installation)
    # left cuDNN 8.6.0 in the toolkit's lib64, which the guide's ~/.bashrc puts on
    # LD_LIBRARY_PATH; the wheel brings nvidia-cudnn-cu12 8.9.2.26.
    lib = "usr/local/cuda-12.1/lib64"
    m["files"] = {f"{lib}/libcudnn.so.8.6.0": "", f"{lib}/libcudnn_cnn_infer.so.8.6.0": ""}
    m["links"] = {f"{lib}/libcudnn.so.8": "libcudnn.so.8.6.0", f"{lib}/libcudnn.so": "libcudnn.so.8"}
    m["findings"] = ["torch.libs-shadowed", "!torch.ok"]
    return ("cuDNN 8.6.0 from a tar install sits in /usr/local/cuda-12.1/lib64, which ~/.bashrc puts on "
            "LD_LIBRARY_PATH ahead of the wheel's nvidia-cudnn-cu12 8.9.2.26: torch stops with 'cuDNN "
            "version incompatibility: PyTorch was compiled against (8, 9, 2) but found runtime version "
            "(8, 6, 0)' (catalogue F23, pytorch#80637): torch.libs-shadowed.")


VARIANTS = {
    "report-pytorch112553-asdf-driver470": report_pytorch112553,
    "report-nccl473-rtx2080ti-docker-shm": report_nccl473,
    "report-vllm1060-nvcc122-torch-cu117": report_vllm1060,
    "report-icra5-rtx3090-docker-804": report_icra804,
    "report-ogkm387-rtx2080ti-handle-unknown": report_ogkm387,
    "report-torchtune1025-port-29500": report_torchtune1025,
    "a10g-x8-uvm-after-resume": uvm_after_resume,
    "a10g-x8-display-server": display_server,
    "a10g-x8-nvcc118-torch-cu121": nvcc_cuda11,
    "a10g-x8-extension-old-torch": extension_old_torch,
    "a10g-x8-conda-libstdcxx": conda_libstdcxx,
    "a10g-x8-container-shm": container_shm,
    "a10g-x8-container-revoked": container_revoked,
    "a10g-x8-docker-no-toolkit": docker_no_toolkit,
    "a10g-x8-ctk-unconfigured": toolkit_unconfigured,
    "a10g-x8-auto-upgrade": auto_upgrade,
    "a10g-x8-fm-no-nvswitch": fm_no_nvswitch,
    "mixed-x8-device-order": mixed_gpus,
    "a10g-x8-service-cvd": service_cvd,
    "a10g-x8-gcc13-cuda121": gcc_too_new,
    "a10g-x8-torchrun-port": port_busy,
    "a10g-x8-accelerate-cpu": accelerate_cpu,
    "a10g-x8-nvml-hang-xid79": nvml_hang_xid79,
    "a10g-x8-profile-cvd": profile_cvd,
    "a10g-x8-shell-cvd": shell_cvd,
    "a100-x8-mig-split": mig_split,
    "a10g-x8-secure-boot-mok": secure_boot_mok,
    "a10g-x8-cudnn-shadowed": cudnn_shadowed,
}
