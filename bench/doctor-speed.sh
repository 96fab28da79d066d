#!/bin/sh
# doctor-speed.sh [DLRIG] [MACHINE] [RUNS] - median wall time of
# `dlrig doctor --json` on a fixture machine (default: the guide's 8 x A10G),
# with the fake driver libraries. The budget is 50 ms; measure a release
# build (`make build`), not the sanitizer build of the test suite.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dlrig=${1:-$here/build/dlrig}
machine=${2:-$here/tests/machines/a10g-x8-ubuntu2204}
runs=${3:-31}
build=$(dirname "$dlrig")
nvml=$(find "$build" "$here/build-test" -name libnvidia-ml.so.1 2>/dev/null | head -n 1)
cuda=$(find "$build" "$here/build-test" -name libcuda.so.1 2>/dev/null | head -n 1)
if [ -z "$nvml" ] || [ -z "$cuda" ]; then
        echo "fake libraries not found; build the tests first (make test)" >&2
        exit 1
fi
export DLRIG_NVML_LIB="$nvml" DLRIG_CUDA_LIB="$cuda" DLRIG_FAKE_MACHINE="$machine/gpus.json"
i=0
while [ "$i" -lt "$runs" ]; do
        s=$(date +%s%N)
        "$dlrig" --root "$machine/root" --json doctor >/dev/null 2>&1 || true
        e=$(date +%s%N)
        echo $(( (e - s) / 1000 ))
        i=$((i + 1))
done | sort -n | awk '{ t[NR] = $1 } END {
        printf "doctor on %s: median %.1f ms, min %.1f ms, max %.1f ms over %d runs\n",
               "'"$(basename "$machine")"'", t[int((NR + 1) / 2)] / 1000, t[1] / 1000, t[NR] / 1000, NR }'
