#!/usr/bin/env python3
"""snap-to-fake.py SNAPSHOT.json > gpus.json

Turns the NVML, GPU, topology and CUDA facts of a dlrig snapshot ('dlrig doctor
--save') into the fake libraries' machine description (tests/fakes/README.md),
so that the fakes answer as the recorded machine's driver did. Used by
scripts/record-machine.sh.

Each fact becomes the entry of the call that produced it (the inverse of
src/drv/drv-nvml-gpu.c, drv-nvml-topo.c and drv-cuda.c): a value as the
shorthand, a failure as {"ret": <the code's name>}, a timeout as {"hang": true};
a fact that was never asked (status unset) gets no entry. The topology answers
(CPU affinity, NVLink state and far ends per link, common ancestor and P2P
status per peer) go into each NVML device as the per-link and per-peer arrays
the fake reads (tests/fakes/fake-nvml-topo.c). Notes for the person reviewing
the fixture go to stderr.
"""
import json
import re
import sys

# (snapshot field, fake key) for the calls that give one number.
GPU_NUMS = [
    ("memory_total_bytes", "DeviceGetMemoryInfo"),
    ("minor_number", "DeviceGetMinorNumber"),
    ("persistence_mode", "DeviceGetPersistenceMode"),
    ("ecc_uncorrected_volatile", "DeviceGetTotalEccErrors:uncorrected:volatile"),
    ("ecc_uncorrected_aggregate", "DeviceGetTotalEccErrors:uncorrected:aggregate"),
    ("ecc_corrected_volatile", "DeviceGetTotalEccErrors:corrected:volatile"),
    ("retired_pages_sbe", "DeviceGetRetiredPages:sbe"),
    ("retired_pages_dbe", "DeviceGetRetiredPages:dbe"),
    ("retired_pages_pending", "DeviceGetRetiredPagesPendingStatus"),
    ("pcie_gen_cur", "DeviceGetCurrPcieLinkGeneration"),
    ("pcie_gen_max", "DeviceGetMaxPcieLinkGeneration"),
    ("pcie_width_cur", "DeviceGetCurrPcieLinkWidth"),
    ("pcie_width_max", "DeviceGetMaxPcieLinkWidth"),
    ("temperature_c", "DeviceGetTemperature:gpu"),
    ("power_draw_mw", "DeviceGetPowerUsage"),
    ("power_limit_mw", "DeviceGetEnforcedPowerLimit"),
    ("numa_node", "DeviceGetMemoryAffinity"),
]
# (fake key, snapshot fields in the call's parameter order) for calls with several outputs.
GPU_MULTI = [
    ("DeviceGetMigMode", ["mig_mode_current", "mig_mode_pending"]),
    ("DeviceGetEccMode", ["ecc_mode_current", "ecc_mode_pending"]),
    ("DeviceGetRemappedRows", ["remap_correctable", "remap_uncorrectable",
                               "remap_pending", "remap_failed"]),
]


def note(msg):
    print("snap-to-fake: " + msg, file=sys.stderr)


def failure(obj, key):
    """The entry that reproduces a failed fact, or None when never asked."""
    status, _, why = obj.get("unavailable", {}).get(key, "unset").partition(": ")
    why = why.split(" (")[0]
    if status == "unset":
        return None
    if status == "timeout":
        return {"hang": True}
    if why.startswith(("NVML_ERROR_", "CUDA_ERROR_")):
        return {"ret": why}
    if why == "not in this driver":
        note("%s: the driver lacked the symbol; recorded as FUNCTION_NOT_FOUND" % key)
        return {"ret": "NVML_ERROR_FUNCTION_NOT_FOUND"}
    words = why.split()
    if len(words) == 3 and words[0] in ("NVML", "CUDA") and words[2].isdigit():
        return {"ret": int(words[2])}
    note("%s: %s: %s cannot be replayed; left out" % (key, status, why))
    return None


def put(dst, key, obj, field, value=None):
    """dst[key] = the fact's value (or value), or the entry of its failure."""
    if obj.get(field) is not None:
        dst[key] = obj[field] if value is None else value
        return
    entry = failure(obj, field)
    if entry is not None:
        dst[key] = entry


def nvml_bus_id(bus):
    """'0000:3b:00.0' -> NVML's '00000000:3B:00.0'."""
    dom, rest = bus.split(":", 1)
    return "%08X:%s" % (int(dom, 16), rest.upper())


def gpu_entries(g):
    d = {}
    why = g.get("unavailable", {}).get("name", "")
    if why.endswith("(no device handle)"):
        return {"DeviceGetHandleByIndex": failure(g, "name") or {}}
    put(d, "DeviceGetName", g, "name")
    if g.get("pci_bus_id") is not None and g.get("pci_device_id") is not None:
        d["DeviceGetPciInfo"] = {"busId": nvml_bus_id(g["pci_bus_id"]),
                                 "pciDeviceId": "0x%08X" % g["pci_device_id"]}
    else:
        put(d, "DeviceGetPciInfo", g, "pci_device_id")
    put(d, "DeviceGetUUID", g, "uuid")
    put(d, "DeviceGetCudaComputeCapability", g, "compute_capability")
    for field, key in GPU_NUMS:
        put(d, key, g, field)
    for key, fields in GPU_MULTI:
        if all(g.get(f) is not None for f in fields):
            d[key] = [g[f] for f in fields]
        else:
            put(d, key, g, fields[0])
    if g.get("clock_event_reasons") is not None:
        d["DeviceGetCurrentClocksEventReasons"] = "0x%x" % g["clock_event_reasons"]
    else:
        put(d, "DeviceGetCurrentClocksEventReasons", g, "clock_event_reasons")
    return d


# nvmlGpuP2PCapsIndex_t names the fake uses, and the snapshot's pair fields.
P2P_CAPS = [("read", "p2p_read"), ("write", "p2p_write"), ("nvlink", "p2p_nvlink"),
            ("atomics", "p2p_atomics"), ("prop", "p2p_pci")]
# nvmlIntNvLinkDeviceType_t by the word drv-nvml-topo.c writes ("other": 0xff, unknown).
NVLINK_KINDS = {"gpu": 0, "switch": 2, "other": 0xff}


def nvlink_entries(d, t):
    """DeviceGetNvLinkState and the far ends of the active links. The
    snapshot keeps how many links there are and which far ends the active
    ones reach, not their numbers: the active links are written first."""
    links, up = t.get("nvlink_links"), t.get("nvlink_up")
    if links is None or up is None:
        put(d, "DeviceGetNvLinkState", t, "nvlink_links")
        return
    if links == 0:
        # the driver refused link 0: a GPU without (visible) NVLink
        d["DeviceGetNvLinkState"] = {"ret": "NVML_ERROR_NOT_SUPPORTED"}
        return
    d["DeviceGetNvLinkState"] = [1] * up + [0] * (links - up)
    if 0 < up < links:
        note("GPU %s: %d of %d NVLink links up; the snapshot does not number them, so "
             "links 0-%d are the active ones" % (t.get("index"), up, links, up - 1))
    remotes = [r.split(" ", 1) + [""] for r in t.get("nvlink_remotes", [])][:up]
    if not remotes:
        return
    d["DeviceGetNvLinkRemoteDeviceType"] = [NVLINK_KINDS.get(r[0], 0xff) for r in remotes]
    buses = [r[1] for r in remotes]
    if all(b == "unknown" for b in buses):
        d["DeviceGetNvLinkRemotePciInfo_v2"] = {"ret": "NVML_ERROR_UNKNOWN"}
        return
    d["DeviceGetNvLinkRemotePciInfo_v2"] = [None if b == "unknown" else nvml_bus_id(b)
                                            for b in buses]
    if None in d["DeviceGetNvLinkRemotePciInfo_v2"]:
        note("GPU %s: some NVLink far ends had no bus id; written as null, which the fake "
             "reports as a bad entry: fill them in by hand" % t.get("index"))


def peer_array(pairs, i, n, field):
    """One GPU's per-peer answers: a value per peer index (0 for itself), a
    single failure entry when every pair failed alike, or null where one
    pair failed among answers (the fake then reports a bad entry)."""
    vals, fails = [], []
    for j in range(n):
        p = pairs.get((min(i, j), max(i, j)))
        if j == i or p is None:
            vals.append(0)
        elif p.get(field) is not None:
            vals.append(p[field])
        else:
            fails.append(failure(p, field))
            vals.append(None)
    if fails and len(fails) == n - 1 and all(f == fails[0] for f in fails):
        return fails[0]
    if fails:
        note("GPU %d: %s failed for some peers only; written as null, which the fake "
             "reports as a bad entry: fill them in by hand" % (i, field))
    return vals


def topo_entries(d, t, pairs, n):
    """The topology calls of NVML device t["index"] into its entries d."""
    i = t["index"]
    put(d, "DeviceGetCpuAffinity", t, "cpu_affinity")
    nvlink_entries(d, t)
    if not pairs:
        return
    key = "DeviceGetTopologyCommonAncestor"
    entry = peer_array(pairs, i, n, "level")
    if entry is not None:
        d[key] = entry
    for cap, field in P2P_CAPS:
        entry = peer_array(pairs, i, n, field)
        if entry is not None:
            d["DeviceGetP2PStatus:" + cap] = entry


def add_topology(devices, topo):
    """Adds the topology answers to the NVML devices (by NVML index)."""
    if not topo or topo.get("status") is None:
        return
    pairs = {(p["a"], p["b"]): p for p in topo.get("pairs", [])}
    for t in topo.get("gpus", []):
        if 0 <= t.get("index", -1) < len(devices):
            topo_entries(devices[t["index"]], t, pairs, len(devices))


def cuda_dev_entries(c):
    d = {}
    put(d, "DeviceGetName", c, "name")
    if c.get("pci_bus_id") is not None:
        d["DeviceGetPCIBusId"] = c["pci_bus_id"].upper()
    else:
        put(d, "DeviceGetPCIBusId", c, "pci_bus_id")
    put(d, "DeviceGetUuid", c, "uuid")
    cc = c.get("compute_capability")
    if cc is not None:
        major, minor = cc.split(".")
        d["DeviceGetAttribute:COMPUTE_CAPABILITY_MAJOR"] = int(major)
        d["DeviceGetAttribute:COMPUTE_CAPABILITY_MINOR"] = int(minor)
    else:
        put(d, "DeviceGetAttribute:COMPUTE_CAPABILITY_MAJOR", c, "compute_capability")
    put(d, "DeviceTotalMem", c, "memory_total_bytes")
    return d


def replay_timeout(out, obj, prefix):
    """A worker killed in a call ("nvmlDeviceGetHandleByIndex_v2(1) did not
    return within 5000 ms") becomes a hang of that call."""
    m = re.match(r"%s(\w+?)(_v\d+)?\((\d*)\) did not return" % prefix, obj.get("reason") or "")
    if obj.get("status") != "timeout" or not m:
        return
    key, dev = m.group(1), m.group(3)
    if dev == "":
        out[key] = {"hang": True}
        return
    while len(out["devices"]) <= int(dev):
        out["devices"].append({})
    out["devices"][int(dev)][key] = {"hang": True}
    note("%s: the recorded machine hung in %s; the call's extra argument, if any, is lost"
         % (prefix, m.group(0)))


def section(obj, name, keys, devices):
    """One library's section; None when the library could not be loaded."""
    if obj.get("status") in ("absent", "unsupported") or obj.get("init_result") is None:
        note("%s: %s (%s); no section written, so leave DLRIG_%s_LIB unset for this "
             "fixture" % (name, obj.get("status"), obj.get("reason"), name.upper()))
        return None
    out = {"Init": {} if obj["init_result"] == 0 else {"ret": obj["init_result"]}}
    for key, field in keys:
        put(out, key, obj, field)
    out["devices"] = devices
    replay_timeout(out, obj, "nvml" if name == "nvml" else "cu")
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: snap-to-fake.py SNAPSHOT.json > gpus.json")
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    snap = doc.get("snapshot", doc)
    desc = {}
    nvml = section(snap.get("nvml", {}), "nvml",
                   [("SystemGetDriverVersion", "driver_version"),
                    ("SystemGetCudaDriverVersion", "cuda_driver_version"),
                    ("DeviceGetCount", "device_count")],
                   [gpu_entries(g) for g in snap.get("gpus", [])])
    if nvml is not None:
        add_topology(nvml["devices"], snap.get("topology"))
    cuda = section(snap.get("cuda", {}), "cuda",
                   [("DriverGetVersion", "driver_version"), ("DeviceGetCount", "device_count")],
                   [cuda_dev_entries(c) for c in snap.get("cuda", {}).get("devices", [])])
    if nvml is not None:
        desc["nvml"] = nvml
    if cuda is not None:
        desc["cuda"] = cuda
    json.dump(desc, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
