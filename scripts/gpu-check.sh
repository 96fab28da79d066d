#!/bin/sh
# gpu-check.sh [OUT_DIR] - on a machine with real NVIDIA GPUs: build dlrig,
# run doctor (text, JSON, saved snapshot), time it, record the machine as a
# fixture with record-machine.sh, and keep every output under OUT_DIR
# (default $OUT or ./gpu-check-out) so real hardware confirms what the fakes
# claim. Needs the build dependencies (scripts/deps.sh run).
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-${OUT:-$here/gpu-check-out}}
mkdir -p "$out"
cd "$here" || exit 1
{
        scripts/deps.sh run && meson setup build-gpu -Dtests=false -Dbuildtype=release &&
                ninja -C build-gpu
} >"$out/build.log" 2>&1 || { echo "build failed; see $out/build.log"; exit 1; }
dlrig=build-gpu/dlrig
nvidia-smi >"$out/nvidia-smi.txt" 2>&1 || true
nvidia-smi -q >"$out/nvidia-smi-q.txt" 2>&1 || true
$dlrig doctor >"$out/doctor.txt" 2>"$out/doctor.stderr"; echo "exit $?" >>"$out/doctor.txt"
$dlrig --json doctor --save "$out/snapshot.json" >"$out/doctor.json" 2>>"$out/doctor.stderr"
$dlrig doctor --from "$out/snapshot.json" >"$out/doctor-from.txt" 2>&1
CUDA_VISIBLE_DEVICES= $dlrig doctor >"$out/doctor-cvd-empty.txt" 2>&1
for i in 1 2 3 4 5 6 7 8 9; do
        s=$(date +%s%N); $dlrig --json doctor >/dev/null 2>&1; e=$(date +%s%N)
        echo $(( (e - s) / 1000000 ))
done | sort -n >"$out/doctor-ms.txt"
if [ -x scripts/record-machine.sh ]; then
        scripts/record-machine.sh "$dlrig" "$out/recorded-machine" >"$out/record.log" 2>&1 || true
fi
echo "gpu-check: outputs in $out"
cat "$out/doctor.txt"
