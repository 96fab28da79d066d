#!/bin/sh
# run.sh DLRIG FAKE_NVML FAKE_CUDA SAMPLE_DIR CASE - the fake libraries end to
# end: runs 'dlrig --json doctor' with the fakes answering from
# SAMPLE_DIR/CASE.json and checks what the snapshot says about NVML, the GPUs
# and CUDA. The JSON is read with python3 (jq is not everywhere); without
# python3 the test is skipped (77).
#   healthy  two GPUs, every fact, shorthand and full entries, errors as facts
#   hang     GPU 1's handle never comes back: dlrig must give up on the NVML
#            worker within seconds (1.5 s per call here), say which call hung and keep GPU 0
#   missing  facts left out of the description (and one of the wrong shape)
#            must fail loudly: a 'fake-' line on stderr and an UNKNOWN error
set -u
[ $# -eq 5 ] || { echo "usage: $0 DLRIG FAKE_NVML FAKE_CUDA SAMPLE_DIR CASE" >&2; exit 2; }
dlrig=$1 nvml=$2 cuda=$3 dir=$4 case=$5
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# Milliseconds; whole seconds where date has no %N.
now_ms() {
        t=$(date +%s%N 2>/dev/null)
        case $t in
        *N* | '') echo $(($(date +%s) * 1000)) ;;
        *) echo $((t / 1000000)) ;;
        esac
}

unset CUDA_DEVICE_ORDER
start=$(now_ms)
CUDA_VISIBLE_DEVICES=1,0 DLRIG_NVML_LIB=$nvml DLRIG_CUDA_LIB=$cuda \
DLRIG_FAKE_MACHINE=$dir/$case.json DLRIG_DRIVER_TIMEOUT_MS=1500 \
        "$dlrig" --json doctor >"$tmp/out.json" 2>"$tmp/err"
rc=$?
end=$(now_ms)

python3 - "$case" "$tmp/out.json" "$tmp/err" "$rc" $((end - start)) "$nvml" <<'PY'
import json, sys

case, out, err, rc, took_ms, nvml_lib = sys.argv[1:]
took = int(took_ms) / 1000.0
fails = []

def check(cond, what):
    if not cond:
        fails.append(what)

def fact(obj, key, value):
    check(obj.get(key) == value, "%s: want %r, got %r (%s)" % (
        key, value, obj.get(key), obj.get("unavailable", {}).get(key, "")))

def unavailable(obj, key, reason):
    check(obj.get(key) is None and obj.get("unavailable", {}).get(key) == reason,
          "%s: want unavailable %r, got %r / %r" % (
              key, reason, obj.get(key), obj.get("unavailable", {}).get(key)))

stderr = open(err).read()
check(int(rc) in (0, 1, 2), "exit status %s (want 0-2)" % rc)
if case != "missing":
    check("fake-" not in stderr, "a fake library complained:\n" + stderr)
try:
    doc = json.load(open(out))
except ValueError as e:
    print("output is not JSON: %s\nstderr:\n%s" % (e, stderr))
    sys.exit(1)
snap = doc.get("snapshot", doc)
nvml, gpus, cuda = snap["nvml"], snap["gpus"], snap["cuda"]

fact(nvml, "library", nvml_lib)
fact(nvml, "init_result", 0)
fact(nvml, "driver_version", "550.54.15")
fact(nvml, "cuda_driver_version", 12040)
fact(nvml, "device_count", 2)
g0 = gpus[0] if gpus else {}
power0 = [("power_draw_mw", 25000)] if case != "missing" else []
for k, v in power0 + [("name", "NVIDIA A10G"), ("pci_bus_id", "0000:00:1b.0"),
             ("uuid", "GPU-1f6c1b2a-7d3e-4c5f-8a9b-0c1d2e3f4a5b"),
             ("memory_total_bytes", 24146608128), ("compute_capability", "8.6"),
             ("pci_device_id", 0x223710DE), ("minor_number", 0), ("persistence_mode", 1),
             ("ecc_mode_current", 1), ("ecc_mode_pending", 1),
             ("ecc_uncorrected_volatile", 0), ("ecc_uncorrected_aggregate", 0),
             ("ecc_corrected_volatile", 0), ("remap_correctable", 0),
             ("remap_uncorrectable", 0), ("remap_pending", 0), ("remap_failed", 0),
             ("pcie_gen_cur", 1), ("pcie_gen_max", 4), ("pcie_width_cur", 16),
             ("pcie_width_max", 16), ("temperature_c", 31), ("power_limit_mw", 300000),
             ("clock_event_reasons", 1)]:
    fact(g0, k, v)
for k in ("mig_mode_current", "mig_mode_pending", "retired_pages_sbe", "retired_pages_dbe",
          "retired_pages_pending"):
    unavailable(g0, k, "unsupported: NVML_ERROR_NOT_SUPPORTED")

if case == "healthy":
    check(took < 10, "took %.1f s" % took)
    fact(nvml, "status", "ok")
    check(len(gpus) == 2, "want 2 GPUs, got %d" % len(gpus))
    g1 = gpus[1] if len(gpus) > 1 else {}
    for k, v in [("index", 1), ("pci_bus_id", "0000:00:1c.0"), ("minor_number", 1),
                 ("compute_capability", "8.6"), ("persistence_mode", 0),
                 ("ecc_mode_pending", 0), ("ecc_uncorrected_aggregate", 2),
                 ("ecc_corrected_volatile", 17), ("remap_uncorrectable", 1),
                 ("remap_pending", 1), ("pcie_width_cur", 8), ("temperature_c", 45),
                 ("clock_event_reasons", 4)]:
        fact(g1, k, v)
    unavailable(g1, "power_draw_mw", "denied: NVML_ERROR_NO_PERMISSION")
    unavailable(g1, "retired_pages_pending", "unsupported: NVML_ERROR_NOT_SUPPORTED")
    fact(cuda, "status", "ok")
    fact(cuda, "init_result", 0)
    fact(cuda, "driver_version", 12040)
    fact(cuda, "device_count", 2)
    fact(cuda, "visible_devices", "1,0")
    unavailable(cuda, "device_order", "absent: not set")
    devs = cuda.get("devices", [])
    check(len(devs) == 2, "want 2 CUDA devices, got %d" % len(devs))
    for d, g in zip(devs, gpus):
        for k in ("name", "pci_bus_id", "uuid", "compute_capability"):
            fact(d, k, g.get(k))
        fact(d, "memory_total_bytes", 23609475072)
elif case == "missing":
    for line in ["fake-nvml: no entry for DeviceGetPowerUsage (device 0) in ",
                 "fake-cuda: no entry for DeviceTotalMem (device 1) in ",
                 "fake-nvml: bad entry for DeviceGetMinorNumber (device 1) in "]:
        check(line in stderr, "stderr lacks %r:\n%s" % (line, stderr))
    fact(nvml, "status", "ok")
    unavailable(g0, "power_draw_mw", "error: NVML_ERROR_UNKNOWN")
    unavailable(gpus[1] if len(gpus) > 1 else {}, "minor_number", "error: NVML_ERROR_UNKNOWN")
    devs = cuda.get("devices", [])
    fact(devs[0] if devs else {}, "memory_total_bytes", 23609475072)
    unavailable(devs[1] if len(devs) > 1 else {}, "memory_total_bytes",
                "error: CUDA_ERROR_UNKNOWN")
else:
    check(took < 8.0, "the hung call held dlrig for %.1f s" % took)
    fact(nvml, "status", "timeout")
    check("nvmlDeviceGetHandleByIndex_v2(1)" in (nvml.get("reason") or ""),
          "reason does not name the hung call: %r" % nvml.get("reason"))
    check(len(gpus) == 1, "want GPU 0 only, got %d GPUs" % len(gpus))
    fact(cuda, "status", "error")
    fact(cuda, "init_result", 802)
    fact(cuda, "driver_version", 12040)
    check((cuda.get("reason") or "").startswith("CUDA_ERROR_SYSTEM_NOT_READY (802): "),
          "cuda reason: %r" % cuda.get("reason"))

for f in fails:
    print("not ok: " + f)
sys.exit(1 if fails else 0)
PY
