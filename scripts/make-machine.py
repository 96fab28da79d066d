#!/usr/bin/env python3
"""make-machine.py [--out DIR] NAME... | --all | --list

Writes the fixture machines of tests/machines/ from their descriptions in
scripts/machines.py: for each machine its root/ tree (the files dlrig reads:
os-release, /proc, /sys/bus/pci, /lib/modules, /dev, logs, dpkg status),
gpus.json (what the fake NVML and CUDA libraries answer), env, cases and
README. expect/ is left alone: goldens are written by the golden runner and
reviewed (tests/golden/run.sh, DLRIG_BLESS=1). --out DIR writes the machines
under DIR instead of tests/machines (tests/golden/regenerate.py compares such a
copy with the committed trees).

The committed trees are the truth the tests read; this script keeps the
seventeen of them consistent with each other, and a new broken machine is
"the guide's machine with one thing wrong" in a few lines of machines.py."""
import functools
import json
import os
import shutil
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MACHINES = os.path.join(REPO, "tests", "machines")
sys.path.insert(0, HERE)

import machines  # noqa: E402  (the descriptions, next to this file)

SECURE_BOOT_VAR = "sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"


def write(root, path, content, mode=0o644):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    data = content if isinstance(content, bytes) else content.encode()
    with open(full, "wb") as f:
        f.write(data)
    os.chmod(full, mode)


def link(root, path, target):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    os.symlink(target, full)


def os_files(m, root):
    o = m["os"]
    write(root, "etc/os-release",
          f'PRETTY_NAME="{o["pretty"]}"\nNAME="{o["name"]}"\nVERSION_ID="{o["version_id"]}"\n'
          f'ID={o["id"]}\nID_LIKE={o.get("id_like", "debian")}\n')
    write(root, "proc/sys/kernel/osrelease", o["kernel"] + "\n")
    write(root, "proc/sys/kernel/arch", o.get("arch", "x86_64") + "\n")
    if o.get("secure_boot") is not None:
        write(root, SECURE_BOOT_VAR, bytes([6, 0, 0, 0, 1 if o["secure_boot"] else 0]))
    if o.get("cmdline"):
        write(root, "proc/cmdline", o["cmdline"] + "\n")
    for n, cpus in enumerate(o.get("numa_nodes", [])):
        write(root, f"sys/devices/system/node/node{n}/cpulist", cpus + "\n")
    if o.get("numa_nodes"):
        write(root, "sys/devices/system/node/online", f"0-{len(o['numa_nodes']) - 1}\n")
    if o.get("cpu_flags"):
        # two logical CPUs are enough: every "flags" line is the same
        write(root, "proc/cpuinfo", "".join(
            f"processor\t: {i}\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) "
            f"Platinum 8480+\nflags\t\t: {o['cpu_flags']}\n\n" for i in range(2)))


def pci_dir(dev, bridges):
    """sys/devices/pciDDDD:BB/<bridges down>/BDF: a device below the bridges
    named by its "parent" chain, else straight on its own root bus."""
    chain = [dev["bus"]]
    parent = dev.get("parent")
    while parent:
        chain.insert(0, parent)
        parent = bridges[parent].get("parent")
    return f"sys/devices/pci{chain[0][:7]}/" + "/".join(chain)


# PCIe port types (PCI Express Capabilities register bits 7:4).
PORT_TYPES = {"root": 4, "upstream": 5, "downstream": 6}


def bridge_config(b):
    """A bridge's config space as sysfs gives it to root (4096 bytes): a
    type 1 header, the PCI Express capability at 0x40, AER at 0x100 and,
    when b["acs"] is set, the ACS capability at 0x148 with that control
    value; b["config_len"] cuts it (64: what a reader without root gets)."""
    cfg = bytearray(4096)
    struct.pack_into("<HHHH", cfg, 0, int(b.get("vendor", "0x10b5"), 16),
                     int(b.get("device", "0x8747"), 16), 0x0547, 0x0010)
    cfg[0x0a], cfg[0x0b], cfg[0x0e], cfg[0x34] = 0x04, 0x06, 0x01, 0x40
    struct.pack_into("<BBH", cfg, 0x40, 0x10, 0, 0x0002 | PORT_TYPES[b["port"]] << 4)
    acs = b.get("acs")
    struct.pack_into("<I", cfg, 0x100, 0x0001 | 2 << 16 | (0x148 if acs is not None else 0) << 20)
    if acs is not None:
        struct.pack_into("<IHH", cfg, 0x148, 0x000d | 1 << 16, b.get("acs_cap", 0x005f), acs)
    return bytes(cfg[:b.get("config_len", 4096)])


def pci_device(root, dev, bridges=None):
    bdf = dev["bus"]
    d = pci_dir(dev, bridges or {})
    attrs = {
        "vendor": dev.get("vendor", "0x10de"), "device": dev["device"], "class": dev["class"],
        "subsystem_vendor": dev.get("subsys_vendor", "0x10de"),
        "subsystem_device": dev.get("subsys", "0x0000"), "numa_node": str(dev.get("numa", -1)),
    }
    if "link" in dev:
        cs, cw, ms, mw = dev["link"]
        attrs.update(current_link_speed=cs, current_link_width=str(cw),
                     max_link_speed=ms, max_link_width=str(mw))
    for name, value in attrs.items():
        write(root, f"{d}/{name}", value + "\n")
    bar0 = dev.get("bar0", 16 << 20)
    start = 0xf0000000 + (int(bdf[5:7], 16) << 24) if bar0 else 0
    end = start + bar0 - 1 if bar0 else 0
    write(root, f"{d}/resource",
          f"0x{start:016x} 0x{end:016x} 0x{0x40200 if bar0 else 0:016x}\n"
          + "0x0000000000000000 0x0000000000000000 0x0000000000000000\n")
    if "port" in dev:
        write(root, f"{d}/config", bridge_config(dev))
    if dev.get("iommu_group") is not None:
        group = f"sys/kernel/iommu_groups/{dev['iommu_group']}"
        write(root, f"{group}/type", dev["iommu_type"] + "\n")
        link(root, f"{d}/iommu_group", os.path.relpath(group, d))
    link(root, f"sys/bus/pci/devices/{bdf}", os.path.relpath(d, "sys/bus/pci/devices"))
    if dev.get("driver"):
        # A driver folder holds bind/unbind files (and keeps git from dropping it).
        for f in ("bind", "unbind"):
            write(root, f"sys/bus/pci/drivers/{dev['driver']}/{f}", "", 0o200)
        link(root, f"{d}/driver", os.path.relpath(f"sys/bus/pci/drivers/{dev['driver']}", d))


@functools.lru_cache(maxsize=None)
def pci_ids_index():
    """The host's pci.ids, read once: vendor id -> (its line, [(device id,
    the device's line and its subsystem lines)]), in the file's order."""
    index, devs, dev = {}, None, None
    with open("/usr/share/misc/pci.ids", encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if line.startswith("C "):
                break  # the class list follows the vendors
            if not line.startswith("\t"):
                devs, dev = [], None
                index[line[:4]] = (line, devs)
            elif not line.startswith("\t\t"):
                dev = [line]
                devs.append((line[1:5], dev))
            elif dev is not None:
                dev.append(line)
    return index


def pci_ids_subset(devices):
    """The host's pci.ids cut down to the vendors and devices of this machine,
    so that names in golden reports do not depend on the host's copy."""
    wanted = {}
    for d in devices:
        wanted.setdefault(d.get("vendor", "0x10de")[2:], set()).add(d["device"][2:])
    out = ["# pci.ids subset for a dlrig fixture (from Debian's pci.ids)"]
    for vendor, (line, devices_of) in pci_ids_index().items():
        if vendor in wanted:
            out.append(line)
            for device, lines in devices_of:
                if device in wanted[vendor]:
                    out.extend(lines)
    return "\n".join(out) + "\n"


def pci_files(m, root):
    pci_device(root, {"bus": "0000:00:00.0", "vendor": "0x8086", "device": "0x1237",
                      "class": "0x060000", "subsys_vendor": "0x1af4", "subsys": "0x1100"})
    bridges = {b["bus"]: b for b in m.get("bridges", [])}
    for b in m.get("bridges", []):
        pci_device(root, dict(b, **{"class": "0x060400"}), bridges)
    for g in m["gpus"]:
        pci_device(root, g, bridges)
    for sw in m.get("nvswitches", []):
        pci_device(root, sw, bridges)
    host_bridge = {"vendor": "0x8086", "device": "0x1237"}
    write(root, "usr/share/misc/pci.ids",
          pci_ids_subset([host_bridge] + m["gpus"] + m.get("nvswitches", [])))


def module_files(m, root):
    k = m["kmod"]
    lines = ["ext4 1007616 1 - Live 0x0000000000000000", "xfs 2080768 0 - Live 0x0000000000000000"]
    sizes = {"nvidia": 56823808, "nvidia_uvm": 1437696, "nvidia_drm": 77824,
             "nvidia_modeset": 1302528, "nouveau": 2433024, "nova_core": 90112}
    for mod in k.get("loaded", []):
        lines.append(f"{mod} {sizes.get(mod, 65536)} 0 - Live 0x0000000000000000 (POE)")
    write(root, "proc/modules", "\n".join(lines) + "\n")
    # Every loaded (not built-in) module has an initstate, as in a real /sys.
    for mod in k.get("loaded", []):
        write(root, f"sys/module/{mod}/initstate", "live\n")
    if "nvidia" in k.get("loaded", []):
        ver = k["version"]
        write(root, "sys/module/nvidia/version", ver + "\n")
        if k.get("flavour") == "open":
            line = (f"NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  {ver}  "
                    "Release Build  (dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 22:15:33 UTC 2024")
        else:
            line = f"NVRM version: NVIDIA UNIX x86_64 Kernel Module  {ver}  Tue Mar  5 22:42:15 UTC 2024"
        write(root, "proc/driver/nvidia/version",
              line + "\nGCC version:  gcc version 12.3.0 (Ubuntu 12.3.0-1ubuntu1~22.04)\n")
    for kernel, ko in k.get("ko", {}).items():
        path = os.path.join(root, "lib/modules", kernel, ko.get("path", "updates/dkms/nvidia.ko"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        args = [os.path.join(HERE, "make-fake-ko.sh"), ko["version"]]
        if ko.get("signer"):
            args.append(ko["signer"])
        env = dict(os.environ, LICENSE="Dual MIT/GPL" if k.get("flavour") == "open" else "NVIDIA")
        subprocess.run(args + [path], check=True, env=env, stdout=subprocess.DEVNULL)
    for kernel in k.get("kernels_without", []):
        write(root, f"lib/modules/{kernel}/modules.dep", "kernel/fs/xfs/xfs.ko:\n")
    for ver, kernel, state in k.get("dkms", []):
        write(root, f"var/lib/dkms/nvidia/{ver}/source/dkms.conf", f'PACKAGE_VERSION="{ver}"\n')
        if state in ("built", "installed"):
            write(root, f"var/lib/dkms/nvidia/{ver}/{kernel}/x86_64/module/nvidia.ko", "")
    if k.get("blacklist_nouveau"):
        write(root, "etc/modprobe.d/blacklist-nouveau.conf",
              "blacklist nouveau\noptions nouveau modeset=0\n")


def dev_files(m, root):
    # Stand-ins for device nodes; git keeps no empty folder, so /dev always
    # has its null.
    for node in ["null"] + m.get("devnodes", []):
        write(root, f"dev/{node}", "")


def log_files(m, root):
    lines = [f"{m['log_prefix']} Linux version {m['os']['kernel']} (buildd@lcy02-amd64) #115-Ubuntu SMP"]
    lines += [f"{m['log_prefix']} {line}" for line in m.get("kern_log", [])]
    write(root, "var/log/kern.log", "\n".join(lines) + "\n")


def dpkg_files(m, root):
    stanzas = []
    for name, version in m.get("packages", []):
        stanzas.append(f"Package: {name}\nStatus: install ok installed\nPriority: optional\n"
                       f"Architecture: amd64\nVersion: {version}\nDescription: {name}\n")
    write(root, "var/lib/dpkg/status", "\n".join(stanzas))
    for pid, comm in enumerate(m.get("processes", []), start=1000):
        write(root, f"proc/{pid}/comm", comm + "\n")
    for unit in m.get("enabled_units", []):
        link(root, f"etc/systemd/system/multi-user.target.wants/{unit}",
             f"/lib/systemd/system/{unit}")


CONDA_INIT = """# >>> conda initialize >>>
# !! Contents within this block are managed by 'conda init' !!
__conda_setup="$('{prefix}/bin/conda' 'shell.bash' 'hook' 2> /dev/null)"
if [ $? -eq 0 ]; then
    eval "$__conda_setup"
else
    if [ -f "{prefix}/etc/profile.d/conda.sh" ]; then
        . "{prefix}/etc/profile.d/conda.sh"
    else
        export PATH="{prefix}/bin:$PATH"
    fi
fi
unset __conda_setup
# <<< conda initialize <<<
"""


def dist_info(site, name, version):
    """A wheel's dist-info folder as pip leaves it (name normalised to _)."""
    folder = f"{name.replace('-', '_')}-{version}.dist-info"
    write(site, f"{folder}/METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    write(site, f"{folder}/INSTALLER", "pip\n")


def python_env(root, prefix, env, conda=True):
    py = env["python"]
    mm = ".".join(py.split(".")[:2])
    rel = prefix.lstrip("/")
    if conda:
        write(root, f"{rel}/conda-meta/python-{py}-h955ad1f_0.json",
              json.dumps({"name": "python", "version": py, "build": "h955ad1f_0"}) + "\n")
        write(root, f"{rel}/conda-meta/history", "==> 2024-05-02 10:11:12 <==\n")
    for pkg in env.get("conda_pkgs", []):
        write(root, f"{rel}/conda-meta/{pkg}", "{}\n")
    write(root, f"{rel}/bin/python{mm}", "", 0o755)
    link(root, f"{rel}/bin/python", f"python{mm}")
    site = os.path.join(root, rel, f"lib/python{mm}/site-packages")
    os.makedirs(site, exist_ok=True)
    for name, version in env.get("packages", {}).items():
        dist_info(site, name, version)
    if "torch" in env.get("packages", {}):
        cuda = env.get("torch_cuda")
        write(site, "torch/__init__.py", "")
        write(site, "torch/version.py",
              f"__version__ = '{env['packages']['torch']}'\ndebug = False\n"
              f"cuda: Optional[str] = {repr(cuda) if cuda else 'None'}\n"
              "git_version = '6ddf5cf85e3c27c596175ccf9fa15a6e5d6bb4ca'\nhip = None\n")
    if env.get("live"):
        write(root, f"{rel}/bin/python{mm}", "#!/bin/sh\n# stand-in for dlrig doctor --live\n"
              f"echo '{json.dumps(env['live'])}'\n", 0o755)


def software_files(m, root):
    sw = m.get("software")
    if not sw:
        return
    user, uid, home, shell = sw["user"]
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
          "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
          f"{user}:x:{uid}:{uid}:{user}:{home}:{shell}\n")
    write(root, f"{home.lstrip('/')}/.profile",
          'if [ -n "$BASH_VERSION" ]; then\n    if [ -f "$HOME/.bashrc" ]; then\n'
          '        . "$HOME/.bashrc"\n    fi\nfi\n')
    rc = ["# ~/.bashrc: executed by bash(1) for non-login shells.", "HISTSIZE=1000"]
    rc += sw.get("bashrc", [])
    conda = sw.get("conda")
    text = "\n".join(rc) + "\n"
    if conda and conda.get("init", True):
        text += CONDA_INIT.replace("{prefix}", conda["prefix"])
    write(root, f"{home.lstrip('/')}/.bashrc", text)
    for short, full in sw.get("toolkits", {}).items():
        tk = f"usr/local/cuda-{short}"
        write(root, f"{tk}/version.json",
              json.dumps({"cuda": {"name": "CUDA SDK", "version": full}}, indent=3) + "\n")
        write(root, f"{tk}/bin/nvcc", "", 0o755)
        write(root, f"{tk}/lib64/libcudart.so.{short.split('.')[0]}", "")
        write(root, f"{tk}/lib64/stubs/libcuda.so", "")
    if sw.get("cuda_link"):
        link(root, "usr/local/cuda", f"cuda-{sw['cuda_link']}")
    write(root, "etc/ld.so.conf", "include /etc/ld.so.conf.d/*.conf\n")
    write(root, "etc/ld.so.conf.d/x86_64-linux-gnu.conf",
          "# Multiarch support\n/usr/local/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu\n"
          "/usr/lib/x86_64-linux-gnu\n")
    if sw.get("system_python"):
        mm = sw["system_python"]
        write(root, "usr/bin/python3", "", 0o755)
        write(root, f"usr/lib/python{mm}/os.py", "")
        os.makedirs(os.path.join(root, "usr/lib/python3/dist-packages"), exist_ok=True)
        dist_info(os.path.join(root, "usr/lib/python3/dist-packages"), "numpy", "1.21.5")
    # Pythons a version manager built (pyenv, asdf): prefix -> env, no conda-meta
    for prefix, env in sw.get("pythons", {}).items():
        python_env(root, prefix, env, conda=False)
    for lib in sw.get("driver_libs", []):
        write(root, f"usr/lib/x86_64-linux-gnu/{lib}", "")
    if conda:
        write(root, f"{conda['prefix'].lstrip('/')}/bin/conda", "", 0o755)
        for name, env in conda.get("envs", {}).items():
            prefix = conda["prefix"] if name == "base" else f"{conda['prefix']}/envs/{name}"
            python_env(root, prefix, env)


def nvml_device(g):
    bus = g["bus"].upper().replace("0000:", "00000000:", 1)
    dev = {
        "DeviceGetName": g["name"],
        "DeviceGetPciInfo": {"busId": bus, "pciDeviceId": f"0x{g['device'][2:].upper()}10DE",
                             "pciSubSystemId": f"0x{g.get('subsys', '0x0000')[2:].upper()}10DE"},
        "DeviceGetUUID": g["uuid"],
        "DeviceGetMemoryInfo": g["mem"],
        "DeviceGetCudaComputeCapability": g["cc"],
        "DeviceGetMinorNumber": g["minor"],
        "DeviceGetPersistenceMode": g.get("persistence", 1),
        "DeviceGetMigMode": g.get("mig", {"ret": "NVML_ERROR_NOT_SUPPORTED"}),
        "DeviceGetEccMode": g.get("ecc_mode", {"current": 1, "pending": 1}),
        "DeviceGetTotalEccErrors:uncorrected:volatile": g.get("ecc_unc_vol", 0),
        "DeviceGetTotalEccErrors:uncorrected:aggregate": g.get("ecc_unc_agg", 0),
        "DeviceGetTotalEccErrors:corrected:volatile": g.get("ecc_cor_vol", 0),
        "DeviceGetRetiredPages:sbe": {"ret": "NVML_ERROR_NOT_SUPPORTED"},
        "DeviceGetRetiredPages:dbe": {"ret": "NVML_ERROR_NOT_SUPPORTED"},
        "DeviceGetRetiredPagesPendingStatus": {"ret": "NVML_ERROR_NOT_SUPPORTED"},
        "DeviceGetRemappedRows": g.get("remap", [0, 0, 0, 0]),
        "DeviceGetCurrPcieLinkGeneration": g["nvml_link"][0],
        "DeviceGetCurrPcieLinkWidth": g["nvml_link"][1],
        "DeviceGetMaxPcieLinkGeneration": g["nvml_link"][2],
        "DeviceGetMaxPcieLinkWidth": g["nvml_link"][3],
        "DeviceGetTemperature:gpu": g.get("temp", 31),
        "DeviceGetPowerUsage": g.get("power", 24000),
        "DeviceGetEnforcedPowerLimit": g["power_limit"],
        "DeviceGetCurrentClocksEventReasons": g.get("reasons", "0x1"),
        # the sysfs numa_node; -1 (no NUMA information) NVML answers with
        # an empty set, which the fake can only say as not supported
        "DeviceGetMemoryAffinity": g["numa"] if g.get("numa", -1) >= 0
        else {"ret": "NVML_ERROR_NOT_SUPPORTED"},
    }
    dev.update(nvml_topology(g))
    dev.update(g.get("nvml_overrides", {}))
    return dev


P2P_CAPS = ("read", "write", "nvlink", "atomics", "prop")


def nvml_topology(g):
    """The topology calls, for machines that describe them (g["topo"], set by
    machines_fabric.topology): without them the fake answers NOT_SUPPORTED,
    as for every machine described before dlrig topo."""
    t = g.get("topo")
    if t is None:
        return {}
    dev = {"DeviceGetCpuAffinity": t["cpus"], "DeviceGetTopologyCommonAncestor": t["level"]}
    for cap in P2P_CAPS:
        dev[f"DeviceGetP2PStatus:{cap}"] = t["p2p"][cap]
    links = t.get("nvlinks")
    if not links:
        dev["DeviceGetNvLinkState"] = {"ret": "NVML_ERROR_NOT_SUPPORTED"}
        return dev
    dev["DeviceGetNvLinkState"] = [up for up, _, _ in links]
    dev["DeviceGetNvLinkRemoteDeviceType"] = [kind for _, kind, _ in links]
    dev["DeviceGetNvLinkRemotePciInfo_v2"] = [bus.upper().replace("0000:", "00000000:", 1)
                                              for _, _, bus in links]
    return dev


def cuda_device(g):
    major, minor = g["cc"].split(".")
    return {
        "DeviceGetName": g["name"], "DeviceGetPCIBusId": g["bus"].upper(),
        "DeviceGetUuid": g["uuid"],
        "DeviceGetAttribute:COMPUTE_CAPABILITY_MAJOR": int(major),
        "DeviceGetAttribute:COMPUTE_CAPABILITY_MINOR": int(minor),
        "DeviceTotalMem": g["mem"] - 537133056,
        **g.get("cuda_extra", {}),
    }


def fake_description(m):
    desc = {}
    nv = m.get("nvml")
    if nv is not None:
        desc["nvml"] = {"Init": nv.get("init", {}), "SystemGetDriverVersion": nv["driver"],
                        "SystemGetCudaDriverVersion": nv["cuda"]}
        desc["nvml"].update(nv.get("extra", {}))
        desc["nvml"]["devices"] = [nvml_device(g) for g in m["gpus"] if g.get("in_nvml", True)]
    cu = m.get("cuda")
    if cu is not None:
        desc["cuda"] = {"Init": cu.get("init", {}), "DriverGetVersion": cu["version"]}
        desc["cuda"].update(cu.get("extra", {}))
        desc["cuda"]["devices"] = [cuda_device(g) for g in m["gpus"] if g.get("in_cuda", True)]
    for lib in ("cublas", "nccl"):  # bench's libraries (tests/fakes/README.md)
        if m.get(lib) is not None:
            desc[lib] = m[lib]
    return desc


def build(name, dest=MACHINES):
    m = machines.get(name)
    out = os.path.join(dest, name)
    root = os.path.join(out, "root")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    for step in (os_files, pci_files, module_files, dev_files, log_files, dpkg_files, software_files):
        step(m, root)
    for path, content in m.get("files", {}).items():
        write(root, path, content)
    for path, target in m.get("links", {}).items():
        link(root, path, target)
    for path in m.get("remove", []):
        shutil.rmtree(os.path.join(root, path))
    desc = fake_description(m)
    gpus_json = os.path.join(out, "gpus.json")
    if desc:
        with open(gpus_json, "w", encoding="utf-8") as f:
            json.dump(desc, f, indent=1)
            f.write("\n")
    elif os.path.exists(gpus_json):
        os.remove(gpus_json)
    write(out, "env", "".join(f"{k}={v}\n" for k, v in m.get("env", {}).items()))
    write(out, "cases", "\n".join(m.get("cases", ["doctor", "--json doctor"])) + "\n")
    write(out, "README", m["readme"].strip() + "\n")
    findings = m.get("findings", [])
    write(out, "expect/findings", "".join(f"{f}\n" for f in findings))


def main(argv):
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    dest = MACHINES
    if argv[0] == "--out":
        if len(argv) < 3:
            print(__doc__)
            return 2
        dest, argv = argv[1], argv[2:]
    if argv[0] == "--list":
        print("\n".join(machines.names()))
        return 0
    for name in machines.names() if argv[0] == "--all" else argv:
        build(name, dest)
        print(f"wrote {os.path.join(os.path.relpath(dest, REPO) if dest == MACHINES else dest, name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
