"""machines_real.py - the real shapes of deep-learning machines (issue 12,
item 8): one healthy fixture per common way a GPU machine's software is set
up, each following the public recipe of that shape (named in a comment and
in the README), and broken variants of them.

Same form as machines.py: VARIANTS maps a machine name to a function that
takes the guide's machine (machines.guide()), changes it and returns the
README text. The hardware is the guide's A10G as AWS sells it alone
(g5.xlarge: one A10G) with a 570 driver (CUDA 12.8); only the software layer
differs. The software is written here file by file (m["files"],
m["links"]), not by make-machine's guide layout (m["software"] is None), so
each file has the reason its shape gives. Binaries are empty placeholders."""
import json

import machines

DRIVER = "570.133.20"
LOG = machines.LOG
CASES = ["doctor", "--json doctor", "plan", "env"]
SHM_16G = "shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=16777216k 0 0\n"
UBUNTU2404 = {"version_id": "24.04", "pretty": "Ubuntu 24.04.2 LTS", "kernel": "6.8.0-60-generic"}

# torch's CUDA 12.8 wheels (download.pytorch.org/whl/cu128) and their
# nvidia-* dependencies as torch 2.7.1's METADATA pins them
CU128_WHEELS = {"nvidia-cublas-cu12": "12.8.3.14", "nvidia-cuda-runtime-cu12": "12.8.57",
                "nvidia-cudnn-cu12": "9.7.1.26", "nvidia-nccl-cu12": "2.26.2",
                "nvidia-cuda-nvrtc-cu12": "12.8.61"}
# PyPI's default torch 2.7.1 wheel is the CUDA 12.6 build
CU126_WHEELS = {"nvidia-cublas-cu12": "12.6.4.1", "nvidia-cuda-runtime-cu12": "12.6.77",
                "nvidia-cudnn-cu12": "9.5.1.17", "nvidia-nccl-cu12": "2.26.2",
                "nvidia-cuda-nvrtc-cu12": "12.6.77"}


def _base(m, os_update=None, kernel=None):
    """One A10G (g5.xlarge), driver 570 from Ubuntu's packages via DKMS,
    no software layer yet."""
    m["gpus"] = machines.gpus(machines.A10G, ["0000:00:1e.0"])
    m["devnodes"] = ["nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset", "nvidia0"]
    if os_update:
        m["os"].update(os_update)
    k = m["os"]["kernel"]
    machines.set_driver(m, DRIVER, 12080)
    m["kmod"].update(ko={k: {"version": DRIVER}}, dkms=[(DRIVER, k, "installed")])
    m["kern_log"] = [l.replace(machines.DRIVER, DRIVER) for l in machines.guide()["kern_log"]]
    m["software"] = None
    m["files"] = {"etc/ld.so.conf": "include /etc/ld.so.conf.d/*.conf\n",
                  "etc/ld.so.conf.d/x86_64-linux-gnu.conf":
                  "/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n",
                  f"usr/lib/x86_64-linux-gnu/libcuda.so.{DRIVER}": "",
                  f"usr/lib/x86_64-linux-gnu/libnvidia-ml.so.{DRIVER}": ""}
    m["links"] = {"usr/lib/x86_64-linux-gnu/libcuda.so.1": f"libcuda.so.{DRIVER}",
                  "usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1": f"libnvidia-ml.so.{DRIVER}"}
    m["cases"] = list(CASES)
    m["findings"] = []


def _user(m, user, uid, home):
    m["files"]["etc/passwd"] = ("root:x:0:0:root:/root:/bin/bash\n"
                                + (f"{user}:x:{uid}:{uid}:{user}:{home}:/bin/bash\n" if uid else ""))
    # Ubuntu's /etc/skel/.profile: ~/.local/bin on PATH when it exists
    m["files"][f"{home.lstrip('/')}/.profile"] = (
        'if [ -n "$BASH_VERSION" ]; then\n    if [ -f "$HOME/.bashrc" ]; then\n'
        '        . "$HOME/.bashrc"\n    fi\nfi\n'
        'if [ -d "$HOME/.local/bin" ] ; then\n    PATH="$HOME/.local/bin:$PATH"\nfi\n')
    m["files"][f"{home.lstrip('/')}/.bashrc"] = "# ~/.bashrc: executed by bash(1) for non-login shells.\nHISTSIZE=1000\n"


def _environ(m, **env):
    """The process environment (a container's Dockerfile ENV, or a login
    session's), where dlrig reads it: /proc/self/environ."""
    m["files"]["proc/self/environ"] = "".join(f"{k}={v}\0" for k, v in env.items())


def _container(m, mounts=machines.OVERLAY + SHM_16G):
    """Inside a container started with --gpus all and --ipc=host or a big
    --shm-size: the host's module and GPUs, the container toolkit's mounted
    driver libraries, no driver packages or modules in the image."""
    machines.in_docker(m, mounts)
    m["packages"] = []
    m["kmod"].update(ko={}, dkms=[])
    m["kern_log"] = []  # the host's kernel log is not readable in a container
    m["enabled_units"] = []
    m["processes"] = []
    m["remove"] = ["var/log"]  # no kernel log in the image


def _site(m, site, pkgs, torch_version=None, cuda=None, installer="pip"):
    """A site-packages folder: dist-info folders and torch/version.py as the
    wheel (or Debian package) leaves them."""
    site = site.lstrip("/")
    for name, version in pkgs.items():
        d = f"{site}/{name.replace('-', '_')}-{version}.dist-info"
        m["files"][f"{d}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        m["files"][f"{d}/INSTALLER"] = installer + "\n"
    if torch_version:
        m["files"][f"{site}/torch/__init__.py"] = ""
        m["files"][f"{site}/torch/version.py"] = (
            f"from typing import Optional\n\n__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip']\n"
            f"__version__ = '{torch_version}'\ndebug = False\ncuda: Optional[str] = {cuda!r}\n"
            "git_version = 'e2d141dbde55c2a4370fac5165b0561b6af4798b'\nhip: Optional[str] = None\n")


def _egg_info(m, site, name, version, dpkg_version=None):
    """A Debian python3-* package's egg-info folder (pybuild runs setup.py
    install: NAME-VERSION.egg-info with PKG-INFO; no dist-info), as
    `dpkg -L python3-torch` on Debian 12 lists it."""
    d = f"{site.lstrip('/')}/{name}-{version}.egg-info"
    m["files"][f"{d}/PKG-INFO"] = (f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                                   "Summary: Tensors and Dynamic neural networks in Python with strong GPU acceleration\n"
                                   "\nVersion: 0.0 (a description line, not a header)\n")
    for f in ("dependency_links.txt", "top_level.txt"):
        m["files"][f"{d}/{f}"] = "\n"


def _debian_torch_version_py(m, site, version, cuda):
    """torch/version.py as Debian's build writes it (no typing, git unknown)."""
    m["files"][f"{site.lstrip('/')}/torch/__init__.py"] = ""
    m["files"][f"{site.lstrip('/')}/torch/version.py"] = (
        f"__version__ = '{version}'\ndebug = False\ncuda = {cuda!r}\ngit_version = 'Unknown'\nhip = None\n")


def _toolkit(m, short, full, version_json=True, link=True):
    """/usr/local/cuda-X.Y as NVIDIA's installers leave it: bin/nvcc,
    lib64 -> targets/x86_64-linux/lib with the runtime library;
    version.json only from the runfile and the cuda-toolkit meta package."""
    tk = f"usr/local/cuda-{short}"
    if version_json:
        m["files"][f"{tk}/version.json"] = json.dumps(
            {"cuda": {"name": "CUDA SDK", "version": full},
             "cuda_nvcc": {"name": "CUDA NVCC", "version": full}}, indent=3) + "\n"
    m["files"][f"{tk}/bin/nvcc"] = ""
    lib = f"{tk}/targets/x86_64-linux/lib"
    m["files"][f"{lib}/libcudart.so.{full}"] = ""
    m["files"][f"{lib}/stubs/libcuda.so"] = ""
    m["links"][f"{lib}/libcudart.so.{short.split('.')[0]}"] = f"libcudart.so.{full}"
    m["links"][f"{tk}/lib64"] = "targets/x86_64-linux/lib"
    if link:
        # the cuda-toolkit-config-common package: /usr/local/cuda through alternatives
        m["links"]["usr/local/cuda"] = "/etc/alternatives/cuda"
        m["links"]["etc/alternatives/cuda"] = f"/usr/local/cuda-{short}"


def _cuda_debs(short, full):
    """The component packages NVIDIA's CUDA images install (no cuda-toolkit
    meta package, so no version.json): nvidia/cuda's Dockerfiles."""
    s = short.replace(".", "-")
    return [(f"cuda-nvcc-{s}", f"{full}-1"), (f"cuda-cudart-{s}", f"{full}-1"),
            (f"cuda-cudart-dev-{s}", f"{full}-1"), (f"cuda-toolkit-config-common", "12.8.90-1"),
            (f"cuda-toolkit-{s}-config-common", f"{full}-1")]


def _system_python(m, mm, patch):
    """Ubuntu's python3 (python3-minimal): /usr/bin/python3 -> python3.X."""
    m["files"][f"usr/bin/python{mm}"] = ""
    m["links"]["usr/bin/python3"] = f"python{mm}"
    m["files"][f"usr/lib/python{mm}/os.py"] = ""
    m["packages"] = m.get("packages", []) + [("python3", f"{patch}-0ubuntu1"),
                                             (f"python{mm}", f"{patch}-1ubuntu0.1")]


def _venv(m, prefix, mm, version, base="/usr/bin", uv=None):
    """A venv as `python3 -m venv` (or `uv venv`) writes it: pyvenv.cfg,
    bin/python -> the base interpreter, lib/pythonX.Y/site-packages."""
    p = prefix.lstrip("/")
    cfg = f"home = {base}\nimplementation = CPython\n"
    if uv:
        cfg += f"uv = {uv}\nversion_info = {version}\ninclude-system-site-packages = false\nprompt = proj\n"
    else:
        cfg += f"include-system-site-packages = false\nversion = {version}\n"
        cfg += f"executable = {base}/python{mm}\ncommand = {base}/python{mm} -m venv {prefix}\n"
    m["files"][f"{p}/pyvenv.cfg"] = cfg
    m["links"][f"{p}/bin/python"] = f"{base}/python{mm}"
    m["links"][f"{p}/bin/python3"] = "python"
    m["links"][f"{p}/bin/python{mm}"] = "python"
    m["files"][f"{p}/bin/activate"] = f'VIRTUAL_ENV="{prefix}"\nexport VIRTUAL_ENV\n'
    return f"{prefix}/lib/python{mm}/site-packages"


# ---- 1. pytorch/pytorch runtime image --------------------------------------

def pytorch_image(m):
    # https://github.com/pytorch/pytorch/blob/v2.7.1/Dockerfile (the "official"
    # stage): FROM ubuntu:22.04, Miniconda into /opt/conda with PYTHON_VERSION
    # 3.11, torch from pip (--index-url .../whl/cu128) into conda's base,
    # ENV PATH /opt/conda/bin:$PATH, NVIDIA_VISIBLE_DEVICES=all,
    # NVIDIA_DRIVER_CAPABILITIES=compute,utility, LD_LIBRARY_PATH
    # /usr/local/nvidia/lib:/usr/local/nvidia/lib64; no CUDA toolkit (runtime).
    _base(m)
    _container(m)
    _user(m, "root", 0, "/root")
    _environ(m, PATH="/opt/conda/bin:/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:"
             "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", HOSTNAME="4f1c2a9e0b7d",
             NVIDIA_VISIBLE_DEVICES="all", NVIDIA_DRIVER_CAPABILITIES="compute,utility",
             LD_LIBRARY_PATH="/usr/local/nvidia/lib:/usr/local/nvidia/lib64",
             PYTORCH_VERSION="2.7.1", LANG="C.UTF-8", LC_ALL="C.UTF-8", HOME="/root")
    c = "opt/conda"
    m["files"][f"{c}/conda-meta/python-3.11.13-h9e4cc4f_0_cpython.json"] = json.dumps(
        {"name": "python", "version": "3.11.13", "build": "h9e4cc4f_0_cpython"}) + "\n"
    m["files"][f"{c}/conda-meta/conda-25.5.1-py311h06a4308_0.json"] = json.dumps(
        {"name": "conda", "version": "25.5.1"}) + "\n"
    m["files"][f"{c}/conda-meta/history"] = "==> 2025-06-04 18:02:11 <==\n"
    m["files"][f"{c}/bin/conda"] = ""
    m["files"][f"{c}/bin/python3.11"] = ""
    m["links"][f"{c}/bin/python"] = "python3.11"
    m["links"][f"{c}/bin/python3"] = "python3.11"
    _site(m, f"{c}/lib/python3.11/site-packages",
          dict({"torch": "2.7.1+cu128", "torchvision": "0.22.1+cu128", "torchaudio": "2.7.1+cu128"},
               **CU128_WHEELS), "2.7.1+cu128", "12.8")
    m["findings"] = ["container.inside", "torch.ok", "!container.shm-small"]
    return """The pytorch/pytorch:2.7.1-cuda12.8-cudnn9-runtime image on a g5.xlarge (one A10G, driver 570.133.20 on the host), run with --gpus all --ipc=host.
Recipe: https://github.com/pytorch/pytorch/blob/v2.7.1/Dockerfile (official stage: ubuntu:22.04, Miniconda in /opt/conda with Python 3.11, torch 2.7.1 from https://download.pytorch.org/whl/cu128 by pip into conda's base, ENV PATH=/opt/conda/bin:..., NVIDIA_VISIBLE_DEVICES=all); the runtime image has no CUDA toolkit.
Truth: healthy. torch 2.7.1+cu128 in /opt/conda (the env PATH selects) runs on driver 570 and the A10G (sm_86); there is no nvcc (a note: only extension builds need it); dlrig runs inside a container. plan has nothing to do but offers the toolkit."""


# ---- 2. NGC PyTorch container ----------------------------------------------

NGC_TORCH = "2.5.0a0+e000cf0ad9.nv24.10"


def ngc_pytorch(m):
    # nvcr.io/nvidia/pytorch:24.10-py3, per NVIDIA's PyTorch release notes 24.10
    # (https://docs.nvidia.com/deeplearning/frameworks/pytorch-release-notes/rel-24-10.html):
    # Ubuntu 22.04, Python 3.10, CUDA 12.6.2 (nvcc 12.6.77) as component .debs
    # from the nvidia/cuda base image, torch 2.5.0a0+e000cf0ad9 built from source
    # and pip-installed as root into /usr/local/lib/python3.10/dist-packages;
    # ENV PATH with /usr/local/cuda/bin, CUDA_HOME=/usr/local/cuda.
    _base(m)
    _container(m)
    _user(m, "root", 0, "/root")
    _environ(m, PATH="/usr/local/lib/python3.10/dist-packages/torch_tensorrt/bin:/usr/local/mpi/bin:"
             "/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:"
             "/usr/bin:/sbin:/bin:/usr/local/ucx/bin:/opt/tensorrt/bin",
             CUDA_HOME="/usr/local/cuda", CUDA_VERSION="12.6.2.004", CUDA_DRIVER_VERSION="560.35.03",
             NVIDIA_VISIBLE_DEVICES="all", NVIDIA_DRIVER_CAPABILITIES="compute,utility,video",
             LD_LIBRARY_PATH="/usr/local/lib/python3.10/dist-packages/torch/lib:"
             "/usr/local/lib/python3.10/dist-packages/torch_tensorrt/lib:/usr/local/nvidia/lib:"
             "/usr/local/nvidia/lib64",
             NVIDIA_PYTORCH_VERSION="24.10", PYTORCH_VERSION="2.5.0a0+e000cf0", PYTORCH_BUILD_VERSION="2.5.0a0+e000cf0",
             PYTHONIOENCODING="utf-8", LC_ALL="C.UTF-8", HOME="/root")
    _toolkit(m, "12.6", "12.6.77", version_json=False)
    m["packages"] = _cuda_debs("12.6", "12.6.77")
    _system_python(m, "3.10", "3.10.12")
    _site(m, "/usr/local/lib/python3.10/dist-packages",
          {"torch": NGC_TORCH, "torchvision": "0.20.0a0", "numpy": "1.24.4"}, NGC_TORCH, "12.6")
    m["findings"] = ["container.inside", "toolkit.ok", "torch.ok"]
    return f"""NVIDIA's NGC PyTorch container nvcr.io/nvidia/pytorch:24.10-py3 on a g5.xlarge (one A10G, driver 570.133.20 on the host).
Recipe: the 24.10 release notes (https://docs.nvidia.com/deeplearning/frameworks/pytorch-release-notes/rel-24-10.html) and the nvidia/cuda 12.6 base Dockerfiles (https://gitlab.com/nvidia/container-images/cuda): CUDA 12.6 Update 2 as component packages (cuda-nvcc-12-6 ...: no version.json), /usr/local/cuda through alternatives, torch {NGC_TORCH} pip-installed as root in /usr/local/lib/python3.10/dist-packages, ENV PATH with /usr/local/cuda/bin, CUDA_HOME=/usr/local/cuda.
Truth: healthy. CUDA 12.6.77 (from dpkg cuda-nvcc-12-6) is on the process PATH; the system Python's torch {NGC_TORCH} (CUDA 12.6) runs on driver 570 and the A10G; plan has nothing to do."""


def ngc_cuda_link_dangling(m):
    ngc_pytorch(m)
    for p in [p for p in m["files"] if p.startswith("usr/local/cuda-12.6/")]:
        del m["files"][p]
    for p in [p for p in m["links"] if p.startswith("usr/local/cuda-12.6/")]:
        del m["links"][p]
    m["packages"] = [p for p in m["packages"] if not p[0].startswith("cuda-")]
    m["findings"] = ["toolkit.cuda-link-dangling"]
    return """The NGC container of shape-ngc-pytorch after the CUDA 12.6 folder was deleted (rm -rf /usr/local/cuda-12.6 and its packages purged to slim an image) while /usr/local/cuda -> /etc/alternatives/cuda -> /usr/local/cuda-12.6 stayed: CUDA_HOME=/usr/local/cuda and PATH's /usr/local/cuda/bin lead nowhere.
Truth: no toolkit is installed; /usr/local/cuda dangles, so every extension build that reads CUDA_HOME fails: toolkit.cuda-link-dangling (warn). torch itself still works."""


# ---- 3. cloud deep-learning VM image ----------------------------------------

def cloud_dlami(m, tk_debs=False):
    # AWS "Deep Learning OSS Nvidia Driver AMI GPU PyTorch 2.7 (Ubuntu 22.04)",
    # release notes https://docs.aws.amazon.com/dlami/latest/devguide/aws-deep-learning-x86-gpu-pytorch-2.7-ubuntu-22-04.html:
    # the 570 driver, CUDA 12.8 in /usr/local/cuda-12.8 (runfile: version.json),
    # /usr/local/cuda -> cuda-12.8, PyTorch in the venv /opt/pytorch
    # ("source /opt/pytorch/bin/activate"), Python 3.12.
    _base(m)
    m["os"]["pretty"] = "Ubuntu 22.04.5 LTS"
    m["packages"] = [(f"nvidia-driver-570-open", f"{DRIVER}-0ubuntu1"), (f"nvidia-dkms-570-open", f"{DRIVER}-0ubuntu1"),
                     (f"libnvidia-compute-570", f"{DRIVER}-0ubuntu1")]
    m["kmod"]["flavour"] = "open"
    _user(m, "ubuntu", 1000, "/home/ubuntu")
    _toolkit(m, "12.8", "12.8.93", version_json=True, link=False)
    m["links"]["usr/local/cuda"] = "/usr/local/cuda-12.8"
    m["files"]["etc/profile.d/dlami.sh"] = (
        "export PATH=/usr/local/cuda/bin:$PATH\n"
        "export LD_LIBRARY_PATH=/usr/local/cuda/lib64:$LD_LIBRARY_PATH\n")
    m["files"]["etc/ld.so.conf.d/cuda.conf"] = "/usr/local/cuda/lib64\n"
    _system_python(m, "3.10", "3.10.12")
    m["files"]["usr/bin/python3.12"] = ""
    site = _venv(m, "/opt/pytorch", "3.12", "3.12.10")
    _site(m, site, dict({"torch": "2.7.1+cu128", "torchvision": "0.22.1+cu128", "torchaudio": "2.7.1+cu128"},
                        **CU128_WHEELS), "2.7.1+cu128", "12.8")
    _environ(m, PATH="/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
             "/usr/games:/usr/local/games:/snap/bin", LD_LIBRARY_PATH="/usr/local/cuda/lib64:",
             HOME="/home/ubuntu", USER="ubuntu", SHELL="/bin/bash", LANG="C.UTF-8")
    m["findings"] = ["toolkit.ok", "torch.ok"]
    return """A cloud deep-learning VM image on a g5.xlarge (one A10G): AWS's Deep Learning OSS Nvidia Driver AMI GPU PyTorch 2.7 (Ubuntu 22.04), logged in over ssh as ubuntu.
Recipe: the AMI's release notes (https://docs.aws.amazon.com/dlami/latest/devguide/aws-deep-learning-x86-gpu-pytorch-2.7-ubuntu-22-04.html): driver 570 (open modules), CUDA 12.8 in /usr/local/cuda-12.8 with version.json, /usr/local/cuda -> cuda-12.8 put on the login PATH by /etc/profile.d, PyTorch 2.7 in the venv /opt/pytorch (Python 3.12, activated with `source /opt/pytorch/bin/activate`).
Truth: healthy. CUDA 12.8.93 is on PATH; /opt/pytorch's torch 2.7.1+cu128 runs on driver 570 and the A10G; the venv is not on PATH until activated (the AMI's own instructions)."""


def cloud_dlami_dpkg_no_folder(m):
    cloud_dlami(m)
    for p in [p for p in m["files"] if p.startswith("usr/local/cuda-12.8/")]:
        del m["files"][p]
    for p in [p for p in m["links"] if p.startswith("usr/local/cuda-12.8/")]:
        del m["links"][p]
    m["packages"] += _cuda_debs("12.8", "12.8.93")
    m["findings"] = ["toolkit.cuda-link-dangling", "toolkit.package-without-files", "!toolkit.none", "!toolkit.ok"]
    return """The cloud image of shape-cloud-dlami where the package database says CUDA 12.8 is installed (cuda-nvcc-12-8 12.8.93-1 ...) but /usr/local/cuda-12.8 is gone (deleted by hand to free disk; dpkg was never told).
Truth: there is no toolkit (dpkg is wrong about it; `sudo apt-get install --reinstall cuda-nvcc-12-8 cuda-cudart-12-8` or a purge repairs it) and /usr/local/cuda -> /usr/local/cuda-12.8 dangles: dlrig reports toolkit.cuda-link-dangling (warn) and toolkit.package-without-files (warn: dpkg lists cuda-nvcc-12-8 without its folder; the fix reinstalls every cuda-*-12-8 package) instead of toolkit.none."""


def cuda_home_differs(m):
    cloud_dlami(m)
    _toolkit(m, "12.4", "12.4.131", version_json=True, link=False)
    m["files"]["home/ubuntu/.bashrc"] += "export CUDA_HOME=/usr/local/cuda-12.4\n"
    _environ(m, PATH="/usr/local/cuda-12.8/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
             "/usr/games:/usr/local/games:/snap/bin", LD_LIBRARY_PATH="/usr/local/cuda-12.8/lib64",
             CUDA_HOME="/usr/local/cuda-12.4",
             HOME="/home/ubuntu", USER="ubuntu", SHELL="/bin/bash", LANG="C.UTF-8")
    m["findings"] = ["toolkit.cuda-home-differs"]
    return """The cloud image of shape-cloud-dlami with two toolkits (DLAMIs ship several CUDA versions): PATH's nvcc is /usr/local/cuda-12.8's while CUDA_HOME=/usr/local/cuda-12.4 (left in ~/.bashrc from an older project).
Truth: torch.utils.cpp_extension and most build systems take CUDA_HOME (12.4) while `nvcc` on the command line is 12.8: an extension builds against another toolkit than the one on PATH: toolkit.cuda-home-differs (warn), naming both."""


# ---- 4. Lambda Stack --------------------------------------------------------

def lambda_stack(m):
    # Lambda Stack (https://lambdalabs.com/lambda-stack-deep-learning-software):
    # `sudo apt-get install lambda-stack-cuda` on Ubuntu 24.04: the driver, torch
    # as a Debian package (python3-torch-cuda) in /usr/lib/python3/dist-packages
    # for the system Python, nvcc from the nvidia-cuda-toolkit package
    # (/usr/bin/nvcc, /usr/lib/nvidia-cuda-toolkit); no /usr/local/cuda.
    _base(m, dict(UBUNTU2404))
    m["packages"] += [("lambda-stack-cuda", "0.1.22~24.04.1"),
                      ("nvidia-cuda-toolkit", "12.0.140~12.0.1-4build4"),
                      ("libcudart12", "12.0.146~12.0.1-4build4"),
                      ("python3-torch-cuda", "2.4.1+ds-0lambda0.24.04.1")]
    _user(m, "ubuntu", 1000, "/home/ubuntu")
    _system_python(m, "3.12", "3.12.3")
    m["files"]["usr/bin/nvcc"] = ""
    m["files"]["usr/lib/nvidia-cuda-toolkit/bin/nvcc"] = ""
    m["files"]["usr/lib/x86_64-linux-gnu/libcudart.so.12.0.146"] = ""
    m["links"]["usr/lib/x86_64-linux-gnu/libcudart.so.12"] = "libcudart.so.12.0.146"
    # Lambda's python3-torch-cuda is Debian's pytorch source package rebuilt
    # with CUDA ("+ds-0lambda"): the same pybuild install, so an egg-info
    # folder, no dist-info (the version string in it is assumed "2.4.1")
    _egg_info(m, "/usr/lib/python3/dist-packages", "torch", "2.4.1")
    _egg_info(m, "/usr/lib/python3/dist-packages", "numpy", "1.26.4")
    m["files"]["usr/lib/python3/dist-packages/six-1.16.0.egg-info"] = (
        "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n")  # a file, as some packages leave it
    _debian_torch_version_py(m, "/usr/lib/python3/dist-packages", "2.4.1", "12.0")
    _environ(m, PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/games:/usr/local/games:/snap/bin",
             HOME="/home/ubuntu", USER="ubuntu", SHELL="/bin/bash", LANG="C.UTF-8")
    m["findings"] = ["toolkit.ok", "torch.ok"]
    return """Lambda Stack on Ubuntu 24.04 on a g5.xlarge (one A10G), driver 570.
Recipe: https://lambdalabs.com/lambda-stack-deep-learning-software (`sudo apt-get install lambda-stack-cuda`): torch as a Debian package (python3-torch-cuda 2.4.1+ds-0lambda0.24.04.1) in /usr/lib/python3/dist-packages for the system Python 3.12, nvcc from Ubuntu's nvidia-cuda-toolkit (/usr/bin/nvcc, dpkg 12.0.140~12.0.1-4build4), no /usr/local/cuda.
Layout: Lambda's python3-torch-cuda is Debian's pytorch source package rebuilt with CUDA (the "+ds-0lambda" version; public `dpkg -l` listings show python3-torch-cuda 2.7.0+ds-0lambda0.22.04.1), so it is installed as Debian's python3-torch is: torch/ and torch-VERSION.egg-info/PKG-INFO, no dist-info (`dpkg -L python3-torch` 1.13.1+dfsg-4 on Debian 12 lists /usr/lib/python3/dist-packages/torch-1.13.0a0+gitunknown.egg-info). The layout is inferred from Debian's package, not read from a Lambda machine; the version inside the egg-info (2.4.1) is assumed.
Truth: healthy. CUDA 12.0.140 (from dpkg nvidia-cuda-toolkit) is on PATH as /usr/bin/nvcc; the system Python's torch 2.4.1 (CUDA 12.0) runs on driver 570 and the A10G."""


# ---- 4b. Debian 12 with apt's python3-torch ---------------------------------

def debian12_apt_torch(m):
    # Debian 12's own torch: `apt install python3-torch` (1.13.1+dfsg-4, a
    # CPU-only build) for the system Python 3.11; the driver 570 from
    # NVIDIA's CUDA repository for debian12. What the package ships was
    # read with `dpkg -L python3-torch` on Debian 12 (bookworm): torch/,
    # torch-1.13.0a0+gitunknown.egg-info/PKG-INFO (Version: 1.13.0a0+gitunknown)
    # and torch/version.py with __version__ = '1.13.0a0', cuda = None.
    _base(m, {"id": "debian", "name": "Debian GNU/Linux", "version_id": "12",
              "pretty": "Debian GNU/Linux 12 (bookworm)", "kernel": "6.1.0-28-amd64"})
    m["packages"] += [("python3", "3.11.2-1+b1"), ("python3.11", "3.11.2-6+deb12u5"),
                      ("python3-torch", "1.13.1+dfsg-4"), ("libtorch1.13", "1.13.1+dfsg-4")]
    _user(m, "debian", 1000, "/home/debian")
    m["files"]["usr/bin/python3.11"] = ""
    m["links"]["usr/bin/python3"] = "python3.11"
    m["files"]["usr/lib/python3.11/os.py"] = ""
    site = "/usr/lib/python3/dist-packages"
    _egg_info(m, site, "torch", "1.13.0a0+gitunknown")
    m["files"][f"{site.lstrip('/')}/sympy-1.11.1.egg-info"] = (
        "Metadata-Version: 2.1\nName: sympy\nVersion: 1.11.1\n")  # python3-sympy: an egg-info file
    _debian_torch_version_py(m, site, "1.13.0a0", None)
    _environ(m, PATH="/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games",
             HOME="/home/debian", USER="debian", SHELL="/bin/bash", LANG="C.UTF-8")
    m["findings"] = ["torch.cpu-only", "!torch.python-unsupported"]
    return """Debian 12 (bookworm) on a g5.xlarge (one A10G), driver 570 from NVIDIA's CUDA repository for debian12, and Debian's own torch: `sudo apt install python3-torch` (1.13.1+dfsg-4).
Layout, read with `dpkg -L python3-torch` on a Debian 12 machine: /usr/lib/python3/dist-packages/torch/ and torch-1.13.0a0+gitunknown.egg-info/ (PKG-INFO says Version: 1.13.0a0+gitunknown; Debian builds from a tarball without git, so the version is the source tree's 1.13.0a0), no dist-info; torch/version.py says __version__ = '1.13.0a0' and cuda = None: Debian's python3-torch is built without CUDA.
Truth: the system Python's torch cannot use the GPU: torch.cpu-only (fail), as for pip's CPU wheel; the fix puts a CUDA build in a venv (pip into /usr would fight apt and PEP 668). Debian built the package for its own Python 3.11, so no torch.python-unsupported (PyPI's 1.13 wheels stop at 3.10)."""


# ---- 5. pip install --user --------------------------------------------------

def pip_user(m):
    # Ubuntu 24.04 and `pip install --user --break-system-packages torch`
    # (PEP 668 needs the flag): PyPI's default torch 2.7.1 wheel (CUDA 12.6)
    # and its nvidia-*-cu12 wheels in ~/.local/lib/python3.12/site-packages
    # (https://pip.pypa.io/en/stable/user_guide/#user-installs,
    # https://pytorch.org/get-started/locally/); no CUDA toolkit.
    _base(m, dict(UBUNTU2404))
    _user(m, "ubuntu", 1000, "/home/ubuntu")
    _system_python(m, "3.12", "3.12.3")
    m["files"]["home/ubuntu/.local/bin/torchrun"] = ""
    _site(m, "/home/ubuntu/.local/lib/python3.12/site-packages",
          dict({"torch": "2.7.1", "triton": "3.3.1"}, **CU126_WHEELS), "2.7.1+cu126", "12.6")
    _environ(m, PATH="/home/ubuntu/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
             "/usr/games:/usr/local/games:/snap/bin",
             HOME="/home/ubuntu", USER="ubuntu", SHELL="/bin/bash", LANG="C.UTF-8")
    m["findings"] = ["torch.ok", "toolkit.none"]
    return """Ubuntu 24.04 on a g5.xlarge (one A10G), driver 570, with `pip install --user --break-system-packages torch`.
Recipe: https://pytorch.org/get-started/locally/ (PyPI's default Linux wheel, torch 2.7.1 built with CUDA 12.6; the dist-info has no local tag, torch/version.py says 2.7.1+cu126) and pip's user installs (https://pip.pypa.io/en/stable/user_guide/#user-installs): ~/.local/lib/python3.12/site-packages with the nvidia-*-cu12 wheels; no toolkit.
Truth: healthy. torch 2.7.1+cu126 in ~/.local, used by the system python3, runs on driver 570 and the A10G; no nvcc (a note)."""


# ---- 6. uv project ----------------------------------------------------------

def uv_project(m):
    # uv's project layout (https://docs.astral.sh/uv/guides/integration/pytorch/):
    # `uv init proj && uv add torch` with the pytorch-cu128 index in
    # pyproject.toml: ~/proj/.venv, pyvenv.cfg with "uv = ...", bin/python ->
    # the interpreter uv found (/usr/bin/python3.12), torch 2.9.0+cu128.
    _base(m, dict(UBUNTU2404))
    _user(m, "ubuntu", 1000, "/home/ubuntu")
    _system_python(m, "3.12", "3.12.3")
    site = _venv(m, "/home/ubuntu/proj/.venv", "3.12", "3.12.3", uv="0.8.22")
    wheels = dict(CU128_WHEELS, **{"nvidia-nccl-cu12": "2.27.5", "nvidia-cudnn-cu12": "9.10.2.21",
                                   "nvidia-cublas-cu12": "12.8.4.1", "nvidia-cuda-runtime-cu12": "12.8.90"})
    _site(m, site, dict({"torch": "2.9.0+cu128", "torchvision": "0.24.0+cu128"}, **wheels),
          "2.9.0+cu128", "12.8", installer="uv")
    _environ(m, PATH="/home/ubuntu/proj/.venv/bin:/home/ubuntu/.local/bin:/usr/local/sbin:/usr/local/bin:"
             "/usr/sbin:/usr/bin:/sbin:/bin", VIRTUAL_ENV="/home/ubuntu/proj/.venv",
             HOME="/home/ubuntu", USER="ubuntu", SHELL="/bin/bash", LANG="C.UTF-8")
    m["findings"] = ["torch.ok"]
    return """Ubuntu 24.04 on a g5.xlarge (one A10G), driver 570, with a uv project: `uv init proj && uv add torch torchvision` with the pytorch-cu128 index, then `source .venv/bin/activate`.
Recipe: https://docs.astral.sh/uv/guides/integration/pytorch/ : ~/proj/.venv with pyvenv.cfg (uv = 0.8.22), bin/python -> /usr/bin/python3.12, torch 2.9.0+cu128; no toolkit.
Truth: healthy. The venv (first on PATH, VIRTUAL_ENV) has torch 2.9.0+cu128, which runs on driver 570 and the A10G; no nvcc (a note)."""


def uv_project_venv_gone(m):
    uv_project(m)
    del m["files"]["usr/bin/python3.12"]
    del m["links"]["usr/bin/python3"]
    m["files"]["usr/bin/env"] = ""
    m["findings"] = ["python.venv-broken"]
    return """The uv project of shape-uv-project after a release upgrade removed Python 3.12 (/usr/bin/python3.12 is gone, /usr/bin is there): ~/proj/.venv/bin/python -> /usr/bin/python3.12 dangles.
Truth: the venv cannot start; its torch files are still there but no program can import them: python.venv-broken (warn), fixed by recreating the venv (`uv venv --python 3.12 PATH` then `uv sync`)."""


# ---- 6b. PyTorch built from source, installed for development --------------

SRC_TORCH = "2.8.0a0+git5228986"


def _torch_source(m, how):
    """PyTorch's "from source" recipe (https://github.com/pytorch/pytorch#from-source):
    a clone in ~/pytorch, built with CUDA 12.8 into a venv. The checkout
    keeps torch/ (with the generated torch/version.py); the venv's
    site-packages only points at it, by how it was installed."""
    _base(m, dict(UBUNTU2404))
    _user(m, "ubuntu", 1000, "/home/ubuntu")
    _system_python(m, "3.12", "3.12.3")
    _toolkit(m, "12.8", "12.8.93")
    m["files"]["home/ubuntu/.bashrc"] += "export PATH=/usr/local/cuda/bin:$PATH\n"
    site = _venv(m, "/home/ubuntu/venvs/dev", "3.12", "3.12.3")
    src = "home/ubuntu/pytorch"
    m["files"][f"{src}/setup.py"] = ""
    m["files"][f"{src}/torch/__init__.py"] = ""
    m["files"][f"{src}/torch/version.py"] = (
        f"from typing import Optional\n\n__all__ = ['__version__', 'debug', 'cuda', 'git_version', 'hip']\n"
        f"__version__ = '{SRC_TORCH}'\ndebug = False\ncuda: Optional[str] = '12.8'\n"
        "git_version = '5228986c395dc79f90d2a2b991deea1eef188260'\nhip: Optional[str] = None\n")
    s = site.lstrip("/")
    if how == "develop":
        # `python setup.py develop`: NAME.egg-link and easy-install.pth in the
        # site, torch.egg-info in the checkout
        m["files"][f"{s}/torch.egg-link"] = "/home/ubuntu/pytorch\n."
        m["files"][f"{s}/easy-install.pth"] = "/home/ubuntu/pytorch\n"
        m["files"][f"{src}/torch.egg-info/PKG-INFO"] = (
            f"Metadata-Version: 2.1\nName: torch\nVersion: {SRC_TORCH}\n")
    else:
        # `pip install -e . -v --no-build-isolation` (setuptools' PEP 660
        # editable wheel): a dist-info, and a .pth that imports a finder
        # mapping the package to the checkout
        tag = SRC_TORCH.replace(".", "_").replace("+", "_")
        _site(m, site, {"torch": SRC_TORCH})
        m["files"][f"{s}/__editable__.torch-{SRC_TORCH}.pth"] = (
            f"import __editable___torch_{tag}_finder; __editable___torch_{tag}_finder.install()")
        m["files"][f"{s}/__editable___torch_{tag}_finder.py"] = (
            "import sys\nfrom importlib.machinery import ModuleSpec\n\n"
            "MAPPING: dict[str, str] = {'functorch': '/home/ubuntu/pytorch/functorch', "
            "'torch': '/home/ubuntu/pytorch/torch', 'torchgen': '/home/ubuntu/pytorch/torchgen'}\n"
            "NAMESPACES: dict[str, list[str]] = {}\n")
    _environ(m, PATH="/home/ubuntu/venvs/dev/bin:/usr/local/cuda/bin:/usr/local/sbin:/usr/local/bin:"
             "/usr/sbin:/usr/bin:/sbin:/bin", VIRTUAL_ENV="/home/ubuntu/venvs/dev",
             HOME="/home/ubuntu", USER="ubuntu", SHELL="/bin/bash", LANG="C.UTF-8")
    m["findings"] = ["torch.ok", "!torch.cpu-only"]


def torch_source_develop(m):
    _torch_source(m, "develop")
    return f"""Ubuntu 24.04 on a g5.xlarge (one A10G), driver 570, CUDA 12.8 in /usr/local/cuda-12.8, and PyTorch built from a clone in ~/pytorch into the venv ~/venvs/dev with `python setup.py develop` (PyTorch's from-source recipe before pip install -e: https://github.com/pytorch/pytorch#from-source).
Layout (setuptools' develop command): the venv's site-packages holds torch.egg-link (first line /home/ubuntu/pytorch) and easy-install.pth, no dist-info; the checkout holds torch.egg-info/PKG-INFO (Version: {SRC_TORCH}) and torch/version.py (cuda = '12.8').
Truth: torch {SRC_TORCH} (a source build of the 2.8 series, CUDA 12.8) is in the venv: dlrig reads it through the egg-link, not "no torch"."""


def torch_source_editable(m):
    _torch_source(m, "editable")
    return f"""Ubuntu 24.04 on a g5.xlarge (one A10G), driver 570, CUDA 12.8 in /usr/local/cuda-12.8, and PyTorch built from a clone in ~/pytorch into the venv ~/venvs/dev with `pip install -e . -v --no-build-isolation` (https://github.com/pytorch/pytorch#from-source).
Layout (setuptools' PEP 660 editable wheel, https://setuptools.pypa.io/en/latest/userguide/development_mode.html): the site holds torch-{SRC_TORCH}.dist-info, __editable__.torch-{SRC_TORCH}.pth importing __editable___torch_..._finder.py, whose MAPPING sends torch to /home/ubuntu/pytorch/torch; torch/version.py (cuda = '12.8') is only in the checkout.
Truth: torch {SRC_TORCH} with CUDA 12.8 in the venv: dlrig reads its version.py through the finder's mapping (without it torch's CUDA build would be unknown)."""


# ---- 7. Rocky Linux 9 with NVIDIA's rpm repository --------------------------

def rocky9_rpm(m):
    # NVIDIA's CUDA installation guide for RHEL 9 / Rocky 9, network repo
    # (https://docs.nvidia.com/cuda/cuda-installation-guide-linux/#rhel-9-rocky-9):
    # `dnf module install nvidia-driver:570-open`, `dnf install cuda-toolkit-12-6`
    # -> /usr/local/cuda-12.6 (rpm list gives the version), post-install PATH
    # in ~/.bashrc; torch 2.7.1+cu126 in a venv made with Rocky's python3.11.
    _base(m, {"id": "rocky", "name": "Rocky Linux", "version_id": "9.5", "id_like": "rhel centos fedora",
              "pretty": "Rocky Linux 9.5 (Blue Onyx)", "kernel": "5.14.0-503.14.1.el9_5.x86_64"})
    m["packages"] = []
    m["remove"] = ["var/lib/dpkg"]
    m["files"]["etc/ld.so.conf.d/x86_64-linux-gnu.conf"] = "/usr/lib64\n"
    for lib in ("libcuda", "libnvidia-ml"):
        del m["files"][f"usr/lib/x86_64-linux-gnu/{lib}.so.{DRIVER}"]
        del m["links"][f"usr/lib/x86_64-linux-gnu/{lib}.so.1"]
        m["files"][f"usr/lib64/{lib}.so.{DRIVER}"] = ""
        m["links"][f"usr/lib64/{lib}.so.1"] = f"{lib}.so.{DRIVER}"
    rpms = [("nvidia-driver", f"{DRIVER}-1.el9"), ("kmod-nvidia-open-dkms", f"{DRIVER}-1.el9"),
            ("nvidia-driver-cuda-libs", f"{DRIVER}-1.el9"),
            ("cuda-toolkit-12-6", "12.6.3-1"), ("cuda-nvcc-12-6", "12.6.85-1"), ("cuda-cudart-12-6", "12.6.77-1"),
            ("cuda-cudart-devel-12-6", "12.6.77-1"), ("cuda-toolkit-config-common", "12.8.90-1"),
            ("python3.11", "3.11.9-7.el9_5")]
    m["files"]["var/lib/rpm-dlrig-list.txt"] = "".join(f"{n} {v} x86_64\n" for n, v in rpms)
    m["kmod"]["flavour"] = "open"
    _user(m, "rocky", 1000, "/home/rocky")
    m["files"]["home/rocky/.profile"] = ""
    del m["files"]["home/rocky/.profile"]
    m["files"]["home/rocky/.bash_profile"] = "if [ -f ~/.bashrc ]; then\n\t. ~/.bashrc\nfi\n"
    m["files"]["home/rocky/.bashrc"] = (
        "# .bashrc\nif [ -f /etc/bashrc ]; then\n\t. /etc/bashrc\nfi\n"
        "export PATH=/usr/local/cuda-12.6/bin${PATH:+:${PATH}}\n"
        "export LD_LIBRARY_PATH=/usr/local/cuda-12.6/lib64${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}\n")
    _toolkit(m, "12.6", "12.6.77", version_json=False)
    m["files"]["usr/bin/python3.11"] = ""
    m["files"]["usr/bin/python3.9"] = ""
    m["links"]["usr/bin/python3"] = "python3.9"
    m["files"]["usr/lib64/python3.9/os.py"] = ""
    site = _venv(m, "/home/rocky/venvs/torch", "3.11", "3.11.9")
    _site(m, site, dict({"torch": "2.7.1+cu126", "torchvision": "0.22.1+cu126"}, **CU126_WHEELS),
          "2.7.1+cu126", "12.6")
    _environ(m, PATH="/home/rocky/venvs/torch/bin:/usr/local/cuda-12.6/bin:/home/rocky/.local/bin:/home/rocky/bin:"
             "/usr/local/bin:/usr/bin:/usr/local/sbin:/usr/sbin",
             LD_LIBRARY_PATH="/usr/local/cuda-12.6/lib64", VIRTUAL_ENV="/home/rocky/venvs/torch",
             HOME="/home/rocky", USER="rocky", SHELL="/bin/bash", LANG="en_US.UTF-8")
    m["findings"] = ["toolkit.ok", "torch.ok"]
    return """Rocky Linux 9.5 on a g5.xlarge (one A10G) set up by NVIDIA's CUDA installation guide with the network rpm repository (https://docs.nvidia.com/cuda/cuda-installation-guide-linux/ , RHEL 9 / Rocky 9): `dnf module install nvidia-driver:570-open`, `dnf install cuda-toolkit-12-6`, the post-install PATH lines in ~/.bashrc; torch 2.7.1+cu126 (https://download.pytorch.org/whl/cu126) in a venv made with `python3.11 -m venv ~/venvs/torch`, activated.
The rpm database is a SQLite file; the recorder's `rpm -qa` copy is root/var/lib/rpm-dlrig-list.txt. /usr/local/cuda-12.6 has no version.json (the fixture keeps only nvcc and the runtime library).
Truth: healthy. CUDA 12.6.85 (from rpm cuda-nvcc-12-6) is on PATH; the venv's torch 2.7.1+cu126 runs on driver 570 and the A10G."""


VARIANTS = {
    "shape-pytorch-image": pytorch_image,
    "shape-ngc-pytorch": ngc_pytorch,
    "shape-cloud-dlami": cloud_dlami,
    "shape-lambda-stack": lambda_stack,
    "shape-debian12-apt-torch": debian12_apt_torch,
    "shape-torch-source-develop": torch_source_develop,
    "shape-torch-source-editable": torch_source_editable,
    "shape-pip-user": pip_user,
    "shape-uv-project": uv_project,
    "shape-rocky9-rpm": rocky9_rpm,
    "shape-uv-project-venv-gone": uv_project_venv_gone,
    "shape-ngc-cuda-link-dangling": ngc_cuda_link_dangling,
    "shape-cloud-dlami-dpkg-no-folder": cloud_dlami_dpkg_no_folder,
    "shape-cuda-home-differs": cuda_home_differs,
}
