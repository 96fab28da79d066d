"""machines_fabric.py - fixture machines for dlrig topo and the fabric checks (ACS, IOMMU, P2P, NVLink).

Same form as machines.py: VARIANTS maps a machine name to a function that
takes the guide's machine (machines.guide()), changes it and returns the
README text. machines.py merges this table into its own.

topology() writes the NVML topology calls into each GPU (make-machine.py's
nvml_topology): levels and P2P status per peer as NVML gives them
(nvmlGpuTopologyLevel_t 10 PIX .. 50 SYS; nvmlGpuP2PStatus_t 0 OK, 2 GPU
not supported, 5 not supported)."""
import machines

H100 = {"name": "NVIDIA H100 80GB HBM3", "device": "0x2330", "subsys": "0x16c1",
        "class": "0x030200", "mem": 85520809984, "cc": "9.0", "power_limit": 700000,
        "link": ["32.0 GT/s PCIe", 16, "32.0 GT/s PCIe", 16], "nvml_link": [5, 16, 5, 16]}
# Third-generation NVSwitch as lspci shows it on an HGX H100 board.
H100_SWITCHES = ["0000:05:00.0", "0000:06:00.0", "0000:07:00.0", "0000:08:00.0"]
NVLINK_GPU, NVLINK_SWITCH = 0, 2
CPUS = {0: "0-55,112-167", 1: "56-111,168-223"}


def level(a, b):
    """NVML's common ancestor from each GPU's (numa, host bridge, switch)."""
    if a[2] is not None and a[2] == b[2]:
        return 10  # PIX: one PCIe switch
    if a[1] == b[1]:
        return 30  # PHB
    return 40 if a[0] == b[0] else 50  # NODE, SYS


def topology(m, place, p2p=None, nvlinks=None):
    """place[i] = (numa, host bridge, switch or None); p2p(i, j, cap) -> status;
    nvlinks(i) -> [(up, remote kind, remote bus)] or None."""
    for i, g in enumerate(m["gpus"]):
        g["numa"] = place[i][0]
        g["topo"] = {
            "cpus": CPUS[place[i][0]],
            "level": [0 if i == j else level(place[i], place[j]) for j in range(len(place))],
            "p2p": {cap: [0 if i == j else (p2p(i, j, cap) if p2p else 0)
                          for j in range(len(place))]
                    for cap in ("read", "write", "nvlink", "atomics", "prop")},
            "nvlinks": nvlinks(i) if nvlinks else None,
        }


def _h100_links(i):
    # 18 links spread over the 4 switches 5/4/4/5, as on HGX H100
    per = [5, 4, 4, 5]
    return [(1, NVLINK_SWITCH, sw) for sw, n in zip(H100_SWITCHES, per) for _ in range(n)]


def _hgx_h100(m):
    buses = ["0000:18:00.0", "0000:2a:00.0", "0000:3a:00.0", "0000:5d:00.0",
             "0000:9a:00.0", "0000:ab:00.0", "0000:ba:00.0", "0000:db:00.0"]
    m["gpus"] = machines.gpus(H100, buses)
    m["nvswitches"] = [{"bus": b, "device": "0x22a3", "class": "0x068000", "subsys": "0x1796",
                        "numa": 0, "driver": "nvidia",
                        "link": ["2.5 GT/s PCIe", 1, "2.5 GT/s PCIe", 1]} for b in H100_SWITCHES]
    m["devnodes"] = (["nvidiactl", "nvidia-uvm", "nvidia-nvswitchctl"]
                     + [f"nvidia{i}" for i in range(8)])
    m["packages"].append(("nvidia-fabricmanager-535", f"{machines.DRIVER}-1"))
    m["enabled_units"].append("nvidia-fabricmanager.service")
    m["processes"].append("nv-fabricmanager")
    # each GPU on its own host bridge (root port), 4 per socket
    place = [(i // 4, f"hb{i}", None) for i in range(8)]
    topology(m, place, p2p=lambda i, j, cap: 0, nvlinks=_h100_links)
    m["cases"] = ["doctor", "--json doctor", "topo", "--json topo", "topo --dot"]


def hgx_h100(m):
    _hgx_h100(m)
    m["cases"].append("snapshot")  # the snapshot's JSON form: topology, NVLink, NVSwitches
    m["findings"] = ["fabric.manager-ok"]
    return ("Healthy HGX H100 node (8 x H100 SXM5, 4 NVSwitches, fabric manager running): "
            "dlrig topo shows NV18 between every pair, all P2P capabilities.")


def a10g_topology(m):
    """The guide's g5.48xlarge: 8 A10G on their own root ports, 4 per
    socket, no NVLink; P2P read/write over PCIe within and across sockets,
    no PCIe atomics between the sockets' root complexes."""
    place = [(i // 4, f"hb{i}", None) for i in range(8)]
    topology(m, place, p2p=lambda i, j, cap: 5 if cap == "nvlink" or
             (cap == "atomics" and i // 4 != j // 4) else 0)


def h100_nvlink_down(m):
    _hgx_h100(m)
    links = _h100_links(3)
    for k in (4, 9):
        links[k] = (0, NVLINK_SWITCH, links[k][2])
    m["gpus"][3]["topo"]["nvlinks"] = links
    m["findings"] = ["topo.nvlink-down", "fabric.manager-ok"]
    return ("HGX H100 whose GPU 3 has 2 of its 18 NVLink links down: topo shows NV16 for its "
            "pairs, doctor reports topo.nvlink-down.")


def rtx4090_no_p2p(m):
    buses = ["0000:03:00.0", "0000:04:00.0", "0000:83:00.0", "0000:84:00.0"]
    m["gpus"] = machines.gpus(machines.RTX4090, buses, numa_split=2)
    m["devnodes"] = (["nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset"]
                     + [f"nvidia{i}" for i in range(4)])
    # two GPUs per PCIe switch, one switch per socket; the driver refuses
    # P2P between GeForce cards (nvmlGpuP2PStatus_t 2: GPU not supported)
    place = [(i // 2, f"hb{i // 2}", f"sw{i // 2}") for i in range(4)]
    topology(m, place, p2p=lambda i, j, cap: 2)
    m["cases"] = ["doctor", "--json doctor", "topo"]
    m["findings"] = ["topo.p2p-consumer"]
    return ("4 x GeForce RTX 4090, two behind each socket's PCIe switch: the driver offers no "
            "P2P between GeForce cards. Expected, so a note (topo.p2p-consumer), not a warning.")


def rtx4090_p2p_claimed(m):
    """The 4 x RTX 4090 machine on a driver that reports P2P between them:
    NVIDIA/nccl-tests#117 (all_reduce_perf hangs on 4 x 4090, fine with
    NCCL_P2P_DISABLE=1) and tinygrad/open-gpu-kernel-modules#45 (8 x 4090 on
    a 570 open-module build: hangs with P2P, fine without)."""
    rtx4090_no_p2p(m)
    m["kmod"]["flavour"] = "open"
    machines.set_driver(m, machines.BW_DRIVER, 12080,
                        [("nvidia-driver-570-open", f"{machines.BW_DRIVER}-0ubuntu1")])
    place = [(i // 2, f"hb{i // 2}", f"sw{i // 2}") for i in range(4)]
    # read, write and atomics reported OK over PCIe; no NVLink on Ada GeForce
    topology(m, place, p2p=lambda i, j, cap: 5 if cap == "nvlink" else 0)
    m["cases"] = ["doctor", "topo"]
    m["findings"] = ["topo.p2p-geforce-claimed", "!topo.p2p-consumer"]
    return ("4 x GeForce RTX 4090 whose driver (570, open kernel modules) reports P2P between "
            "them, which NVIDIA does not support on GeForce 40-series: peer copies can arrive "
            "wrong or NCCL hangs (NVIDIA/nccl-tests#117, tinygrad/open-gpu-kernel-modules#45). "
            "doctor warns topo.p2p-geforce-claimed and points at dlrig bench's verified copies "
            "and NCCL_P2P_DISABLE=1.")


def _a100_x4(m):
    """4 x A100 PCIe, two per socket behind a PCIe switch; returns the places."""
    buses = ["0000:03:00.0", "0000:04:00.0", "0000:83:00.0", "0000:84:00.0"]
    m["gpus"] = machines.gpus(machines.A100, buses, numa_split=2)
    m["gpus"] = [dict(g, name="NVIDIA A100 80GB PCIe", device="0x20b5") for g in m["gpus"]]
    m["devnodes"] = (["nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset"]
                     + [f"nvidia{i}" for i in range(4)])
    return [(i // 2, f"hb{i // 2}", f"sw{i // 2}") for i in range(4)]


def a100_p2p_refused(m):
    place = _a100_x4(m)
    # the pair under switch 0 is refused (3: IOH topology not supported)
    topology(m, place, p2p=lambda i, j, cap: 3 if {i, j} == {0, 1} else
             (5 if cap == "nvlink" else 0))
    m["cases"] = ["doctor", "topo"]
    m["findings"] = ["topo.p2p-unsupported"]
    return ("4 x A100 PCIe, two per PCIe switch; the driver refuses P2P between GPUs 0 and 1 "
            "under the same switch: topo.p2p-unsupported.")


# Broadcom/PLX PEX 8747, a common 48-lane PCIe switch on GPU servers.
PEX_SWITCH = {"vendor": "0x10b5", "device": "0x8747"}
ACS_ON = 0x001d  # SV RR CR UF: what Linux turns on for IOMMU isolation


def pcie_switches(m, acs, config_len=4096):
    """Per socket a root port, a PCIe switch (upstream port, one downstream
    port per GPU) and two GPUs below it: 0000:00:01.0 > 01:00.0 > 02:0k.0 >
    0k+3:00.0 on socket 0, the same from bus 0x80 on socket 1. acs(socket)
    is the downstream ports' ACS control; the root ports have ACS on (not
    between GPUs: only the CPU is above them), the upstream ports none."""
    m["bridges"] = []
    for sock, base in enumerate((0x00, 0x80)):
        rp, up = f"0000:{base:02x}:01.0", f"0000:{base + 1:02x}:00.0"
        m["bridges"] += [dict(PEX_SWITCH, vendor="0x8086", device="0x347a", bus=rp,
                              port="root", acs=ACS_ON, config_len=config_len),
                         dict(PEX_SWITCH, bus=up, parent=rp, port="upstream", acs=None,
                              config_len=config_len)]
        for k in range(2):
            dp = f"0000:{base + 2:02x}:{k:02x}.0"
            m["bridges"].append(dict(PEX_SWITCH, bus=dp, parent=up, port="downstream",
                                     acs=acs(sock), config_len=config_len))
            m["gpus"][2 * sock + k]["parent"] = dp


def _a100_switched(m, acs, config_len=4096):
    place = _a100_x4(m)
    # the driver reports P2P as supported: ACS redirect is invisible to NVML
    topology(m, place, p2p=lambda i, j, cap: 5 if cap == "nvlink" else 0)
    pcie_switches(m, acs, config_len)


def a100_acs(m):
    _a100_switched(m, lambda sock: ACS_ON if sock == 0 else 0)
    m["cases"] = ["doctor", "--json doctor", "topo", "--format markdown doctor", "--format markdown topo"]
    m["findings"] = ["topo.acs-enabled"]
    return ("4 x A100 PCIe, two behind each socket's PCIe switch; the downstream ports of "
            "socket 0's switch have ACS P2P Request/Completion Redirect on (socket 1's are "
            "off): GPUs 0 and 1 talk through the root complex. NVML still says P2P is "
            "supported; doctor reports topo.acs-enabled from the bridges' config space.")


def a100_acs_unreadable(m):
    _a100_switched(m, lambda sock: ACS_ON, config_len=64)
    m["cases"] = ["doctor"]
    m["findings"] = ["topo.acs-unreadable"]
    return ("The ACS machine read without root: sysfs gives only the first 64 bytes of each "
            "bridge's config space, so ACS cannot be judged (topo.acs-unreadable, a note "
            "asking for sudo), never a false all-clear.")


# AMD EPYC Rome/Milan root ports ("Starship/Matisse GPP Bridge"): each GPU
# slot hangs off one, below the CPU's root complex, with no PCIe switch.
AMD_GPP = {"vendor": "0x1022", "device": "0x1483"}


def epyc_gpp_acs(m):
    """Two GPUs, each below a GPP bridge of its own root complex (pci0000:40,
    pci0000:60), as in https://github.com/NVIDIA/nccl/issues/2079 (2 GPUs at
    41:00.0 and 61:00.0 behind Starship/Matisse GPP bridges with ACSCtl
    0x001d; NCCL deadlocked until ACS was turned off on those bridges)."""
    buses = ["0000:41:00.0", "0000:61:00.0"]
    m["gpus"] = machines.gpus(machines.A100, buses)
    m["gpus"] = [dict(g, name="NVIDIA A100 80GB PCIe", device="0x20b5") for g in m["gpus"]]
    m["devnodes"] = (["nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset"]
                     + [f"nvidia{i}" for i in range(2)])
    m["bridges"] = []
    for g, rp in zip(m["gpus"], ("0000:40:01.1", "0000:60:01.1")):
        m["bridges"].append(dict(AMD_GPP, bus=rp, port="root", acs=ACS_ON))
        g["parent"] = rp
    # one socket: the driver offers P2P across its root complexes (NODE)
    topology(m, [(0, "hb0", None), (0, "hb1", None)],
             p2p=lambda i, j, cap: 5 if cap == "nvlink" else 0)
    m["cases"] = ["doctor", "--json doctor", "topo"]
    m["findings"] = ["topo.acs-enabled"]
    return ("AMD EPYC with 2 x A100 PCIe, each below a Starship/Matisse GPP bridge (1022:1483, a "
            "root port) with ACS SV RR CR UF on (0x001d), the layout of "
            "https://github.com/NVIDIA/nccl/issues/2079: on AMD the root complex carries P2P "
            "between root ports, so the redirect sends it through the IOMMU: topo.acs-enabled.")


# A Sapphire Rapids host's cpuinfo flags (shortened); a guest adds "hypervisor".
XEON_FLAGS = ("fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 "
              "clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm "
              "constant_tsc nonstop_tsc pni pclmulqdq vmx est ssse3 fma cx16 sse4_1 sse4_2 "
              "x2apic movbe popcnt aes xsave avx f16c rdrand lahf_lm abm avx2 avx512f "
              "avx512bw amx_bf16 amx_tile amx_int8")


def iommu(m, kind, cmdline, flags=XEON_FLAGS):
    """Every GPU in its own IOMMU group of type kind, the kernel command
    line and the CPU flags (bare metal unless flags has "hypervisor")."""
    m["os"]["cmdline"] = cmdline
    m["os"]["cpu_flags"] = flags
    for i, g in enumerate(m["gpus"]):
        g["iommu_group"], g["iommu_type"] = 20 + i, kind


def h100_iommu_dma(m):
    _hgx_h100(m)
    iommu(m, "DMA-FQ", f"BOOT_IMAGE=/boot/vmlinuz-{m['os']['kernel']} "
          "root=UUID=5f1c7c2e-3d5b-4b8e-9a51-0c8e2f6b1a77 ro intel_iommu=on quiet splash")
    m["cases"] = ["doctor", "--json doctor"]
    m["findings"] = ["topo.iommu-translated", "fabric.manager-ok"]
    return ("Bare-metal HGX H100 booted with intel_iommu=on and no iommu=pt: every GPU sits "
            "in an IOMMU group of type DMA-FQ, so P2P DMA is translated: "
            "topo.iommu-translated.")


def h100_iommu_pt(m):
    _hgx_h100(m)
    iommu(m, "identity", f"BOOT_IMAGE=/boot/vmlinuz-{m['os']['kernel']} "
          "root=UUID=5f1c7c2e-3d5b-4b8e-9a51-0c8e2f6b1a77 ro intel_iommu=on iommu=pt")
    m["cases"] = ["doctor"]
    m["findings"] = ["fabric.manager-ok", "!topo.iommu-translated"]
    return ("The same HGX H100 booted with iommu=pt: IOMMU groups of type identity, no "
            "finding (the IOMMU stays on for VFIO).")


def a10g_vm_iommu(m):
    """The guide's g5.48xlarge is a virtual machine: translation there is the
    hypervisor's isolation, not something to fix."""
    a10g_topology(m)
    iommu(m, "DMA", f"BOOT_IMAGE=/boot/vmlinuz-{m['os']['kernel']} root=LABEL=cloudimg-rootfs "
          "ro console=tty1 console=ttyS0 nvme_core.io_timeout=4294967295",
          XEON_FLAGS + " hypervisor")
    m["cases"] = ["doctor"]
    m["findings"] = ["!topo.iommu-translated"]
    return ("The guide's A10G virtual machine with every GPU in a translated (DMA) IOMMU group: "
            "a guest, so no IOMMU finding.")


def a100_numa_unknown(m):
    place = _a100_x4(m)
    topology(m, place, p2p=lambda i, j, cap: 5 if cap == "nvlink" else 0)
    # the firmware places socket 1's PCIe root in no proximity domain
    for g in m["gpus"][2:]:
        g["numa"] = -1
    m["os"]["numa_nodes"] = [CPUS[0], CPUS[1]]
    m["cases"] = ["doctor", "topo"]
    m["findings"] = ["topo.numa-unknown"]
    return ("4 x A100 PCIe on a two-socket machine whose firmware gives socket 1's GPUs no NUMA "
            "node (sysfs numa_node -1, NVML's memory affinity empty): topo.numa-unknown; topo "
            "shows N/A for their NUMA node.")


def a100_switch_no_driver(m):
    _a100_switched(m, lambda sock: 0)
    machines._no_driver(m)
    m["cases"] = ["topo", "--json topo", "topo --dot"]
    m["findings"] = []  # no doctor case: a10g-x8-no-driver has the driver findings
    return ("The 4 x A100 PCIe machine with its two PCIe switches and no NVIDIA driver: "
            "dlrig topo falls back to the PCI tree in sysfs (PIX under each switch, SYS "
            "across the sockets' host bridges), without NVLink or P2P information.")


VARIANTS = {
    "a100-x4-switch-no-driver": a100_switch_no_driver,
    "a100-x4-numa-unknown": a100_numa_unknown,
    "h100-x8-iommu-dma": h100_iommu_dma,
    "h100-x8-iommu-pt": h100_iommu_pt,
    "a10g-x8-vm-iommu": a10g_vm_iommu,
    "a100-x4-acs": a100_acs,
    "a100-x4-acs-unreadable": a100_acs_unreadable,
    "epyc-a100-x2-gpp-acs": epyc_gpp_acs,
    "h100-x8-nvlink-down": h100_nvlink_down,
    "rtx4090-x4-no-p2p": rtx4090_no_p2p,
    "rtx4090-x4-p2p-claimed": rtx4090_p2p_claimed,
    "a100-x4-p2p-refused": a100_p2p_refused,
    "h100-x8-nvswitch": hgx_h100,
}
