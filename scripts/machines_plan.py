"""machines_plan.py - fixture machines for dlrig plan / dlrig setup.

Same form as machines.py: VARIANTS maps a machine name to a function that
takes the guide's machine (machines.guide()), changes it and returns the
README text. machines.py merges this table into its own.

They are "bare" machines: the GPUs are on the bus and nothing of the guide
is done yet (no driver, toolkit or conda), each proving one way dlrig plan
chooses the stack; the guide's finished machine (a10g-x8-ubuntu2204) has a
plan case of its own, where every step is done."""
import machines

H100 = {"name": "NVIDIA H100 80GB HBM3", "device": "0x2330", "subsys": "0x16c1", "class": "0x030200",
        "mem": 85520809984, "cc": "9.0", "power_limit": 700000,
        "link": ["32.0 GT/s PCIe", 16, "32.0 GT/s PCIe", 16], "nvml_link": [5, 16, 5, 16]}
RTX4090 = machines.RTX4090
PLAN_CASES = ["plan", "plan --script"]


def _bare(m, user=("ubuntu", 1000, "/home/ubuntu", "/bin/bash")):
    """Only the GPUs: no driver, no toolkit, no conda, a stock ~/.bashrc."""
    machines._no_driver(m)
    m["software"] = {"user": user, "toolkits": {}, "cuda_link": None, "bashrc": [],
                     "driver_libs": [], "system_python": "3.10"}
    m["cases"] = list(PLAN_CASES)
    m["findings"] = ["kmod.not-loaded"]


def _cards(m, model, buses):
    """The machine's GPUs, bound to no driver yet."""
    m["gpus"] = machines.gpus(model, buses)
    for g in m["gpus"]:
        g["driver"] = None


def a10g_bare(m):
    _bare(m)
    m["cases"] += ["plan --torch 2.5.1", "plan --cuda 13.0 --installer uv --env train",
                   "plan --torch 2.3.1 --python 3.13", "plan --installer miniconda",
                   "plan --hold-kernel --script", "setup --dry-run", "setup --yes", "setup",
                   "plan --yes", "setup --script", "plan --installer pip", "plan --user alice",
                   "plan --from /nonexistent/snap.json", "plan --env ../dl",
                   "plan --profile-d --script", "plan --format markdown"]
    return ("The guide's bare machine: 8 x A10G on Ubuntu 22.04 with only the GPUs on the bus. "
            "dlrig plan: a 580 driver, CUDA 12.x toolkit and cu12x wheels, every step to do.")


def rtx5090_bare(m):
    _bare(m)
    m["os"].update(version_id="24.04", pretty="Ubuntu 24.04.1 LTS", kernel="6.8.0-45-generic")
    _cards(m, machines.RTX5090, ["0000:01:00.0"])
    m["cases"] += ["plan --torch 2.6.0", "--json doctor", "plan --json", "plan --json --script"]
    return ("An RTX 5090 (Blackwell, sm_120) on Ubuntu 24.04 with no driver: the open kernel modules "
            "and a cu128 wheel at least; torch 2.6.0 (no sm_120 wheel) is refused.")


def h100_rocky9_bare(m):
    _bare(m, ("rocky", 1000, "/home/rocky", "/bin/bash"))
    m["os"].update(id="rocky", name="Rocky Linux", version_id="9.4", id_like="rhel centos fedora",
                   pretty="Rocky Linux 9.4 (Blue Onyx)", kernel="5.14.0-427.13.1.el9_4.x86_64")
    buses = ["0000:18:00.0", "0000:2a:00.0", "0000:3a:00.0", "0000:5d:00.0",
             "0000:9a:00.0", "0000:ab:00.0", "0000:ba:00.0", "0000:db:00.0"]
    _cards(m, H100, buses)
    m["nvswitches"] = [{"bus": f"0000:{b:02x}:00.0", "device": "0x22a3", "class": "0x068000",
                        "subsys": "0x1796", "numa": 0 if b < 0x80 else 1, "driver": None,
                        "link": ["32.0 GT/s PCIe", 2, "32.0 GT/s PCIe", 2]}
                       for b in (0x05, 0x06, 0x07, 0x08)]
    m["packages"] = []
    m["software"]["system_python"] = None
    return ("An HGX H100 8-GPU node with four NVSwitches on Rocky Linux 9, no driver: NVIDIA's "
            "repository, the dnf module stream and the fabric manager step.")


def p100_bare(m):
    _bare(m)
    _cards(m, machines.P100, ["0000:04:00.0"])
    m["cases"] += ["plan --cuda 13.0", "plan --torch 2.8.0"]
    return ("One Tesla P100 (Pascal, sm_60) on Ubuntu 22.04, no driver: the newest stack that "
            "still supports it (580 is Pascal's last branch, proprietary modules, cu126).")


def debian12_nouveau(m):
    _bare(m, ("dev", 1000, "/home/dev", "/bin/bash"))
    m["os"].update(id="debian", name="Debian GNU/Linux", version_id="12", id_like="",
                   pretty="Debian GNU/Linux 12 (bookworm)", kernel="6.1.0-27-amd64")
    m["gpus"] = machines.gpus(RTX4090, ["0000:01:00.0"])
    m["kmod"]["loaded"] = ["nouveau"]
    for g in m["gpus"]:
        g["driver"] = "nouveau"
    m["devnodes"] = ["dri/card0"]
    m["findings"] = ["kmod.nouveau-loaded"]
    return ("An RTX 4090 on Debian 12 with nouveau loaded: NVIDIA's repository (keyring package), "
            "the pinned 580 driver, nouveau blacklisted with the initramfs rebuilt, a reboot.")


VARIANTS = {
    "a10g-x8-bare": a10g_bare,
    "rtx5090-x1-ubuntu2404-bare": rtx5090_bare,
    "h100-x8-rocky9-bare": h100_rocky9_bare,
    "p100-x1-bare": p100_bare,
    "debian12-rtx4090-nouveau": debian12_nouveau,
}
