#!/usr/bin/env python3
"""make-reports.py BUILD - regenerates tests/fleet/reports/: `dlrig --json doctor`
of fixture machines (run as tests/golden/run.sh runs them, with the fakes),
each given a host name (fixture roots have none), some changed to make drift:
  node01-03  a10g-x8-ubuntu2204 as is
  node04     a10g-x8-driver520-torch-cu121: another driver (520, CUDA 11.8)
  node05     a10g-x8-ubuntu2204 with one GPU missing (NVML sees 7)
  node06     a10g-x8-torchvision-mismatch with torch 2.4.0+cu121 in its env
Run it after a change to what doctor reports, then review the goldens."""
import json, os, subprocess, sys

build = os.path.abspath(sys.argv[1])
here = os.path.dirname(os.path.abspath(__file__))
src = os.path.dirname(os.path.dirname(here))
fakes = os.path.join(build, "tests/fakes")


def doctor(machine):
    m = os.path.join(src, "tests/machines", machine)
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC", "DLRIG_DETERMINISTIC": "1",
           "DLRIG_DRIVER_TIMEOUT_MS": "2000", "ASAN_OPTIONS": "detect_leaks=0"}
    desc = open(os.path.join(m, "gpus.json")).read() if os.path.exists(os.path.join(m, "gpus.json")) else ""
    if '"nvml":' in desc:
        env.update(DLRIG_NVML_LIB=f"{fakes}/libnvidia-ml.so.1", DLRIG_FAKE_MACHINE=f"{m}/gpus.json")
    if '"cuda":' in desc:
        env.update(DLRIG_CUDA_LIB=f"{fakes}/libcuda.so.1", DLRIG_FAKE_MACHINE=f"{m}/gpus.json")
    if os.path.exists(os.path.join(m, "env")):
        for line in open(os.path.join(m, "env")):
            line = line.strip()
            if line and not line.startswith("#"):
                k, v = line.split("=", 1)
                env[k] = v
    out = subprocess.run([f"{build}/dlrig", "--root", f"{m}/root", "--json", "doctor"],
                         env=env, capture_output=True, text=True).stdout
    j = json.loads(out)
    j["snapshot"]["dlrig_version"] = "@VERSION@"
    return j


def name(j, host):
    os_ = j["snapshot"]["os"]
    os_["hostname"] = host
    os_["unavailable"].pop("hostname", None)


def torch(j, version):
    for e in j["snapshot"]["python"]["environments"]:
        if e["torch_version"]:
            e["torch_version"] = version


out = os.path.join(here, "reports")
os.makedirs(out, exist_ok=True)
nodes = {}
for h in ("node01", "node02", "node03"):
    nodes[h] = doctor("a10g-x8-ubuntu2204")
nodes["node04"] = doctor("a10g-x8-driver520-torch-cu121")
j = doctor("a10g-x8-ubuntu2204")
j["snapshot"]["gpus"].pop()
j["snapshot"]["nvml"]["device_count"] = len(j["snapshot"]["gpus"])
nodes["node05"] = j
j = doctor("a10g-x8-torchvision-mismatch")
torch(j, "2.4.0+cu121")
nodes["node06"] = j
for h, j in nodes.items():
    name(j, h)
    with open(os.path.join(out, f"{h}.json"), "w") as f:
        json.dump(j, f, indent=2)
        f.write("\n")
