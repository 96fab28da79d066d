#!/bin/sh
# fit-speed.sh [DLRIG] [RUNS] - median wall time of `dlrig fit` answers: a
# planned machine (--gpu-memory, no driver call) and a fixture machine's GPUs
# through the NVML worker with the fake driver library (like doctor-speed.sh).
# The budget is 20 ms; measure a release build with tests (meson setup
# build-rel --buildtype=release), not the sanitizer build of the test suite.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dlrig=${1:-$here/build/dlrig}
runs=${2:-31}
machine=$here/tests/machines/a10g-x8-ubuntu2204
nvml=$(find "$(dirname "$dlrig")" "$here/build-test" -name libnvidia-ml.so.1 2>/dev/null | head -n 1)
export DLRIG_NVML_LIB="$nvml" DLRIG_FAKE_MACHINE="$machine/gpus.json"

median() { # label, then the dlrig arguments
        label=$1
        shift
        i=0
        while [ "$i" -lt "$runs" ]; do
                s=$(date +%s%N)
                "$dlrig" "$@" >/dev/null 2>&1 || true
                e=$(date +%s%N)
                echo $(( (e - s) / 1000 ))
                i=$((i + 1))
        done | sort -n | awk '{ t[NR] = $1 } END {
                printf "%-58s median %5.1f ms, min %5.1f, max %5.1f (%d runs)\n",
                       "'"$label"'", t[int((NR + 1) / 2)] / 1000, t[1] / 1000, t[NR] / 1000, NR }'
}

median "--version (process start)" --version
median "fit 70B exl2 on 1 x 24GiB (no fit: all suggestions)" fit meta-llama/Meta-Llama-3-70B --gpu-memory 24GiB
median "fit 8B full on 8 x 24GiB (no fit)" fit meta-llama/Meta-Llama-3-8B --task full --gpu-memory 24GiB,24GiB,24GiB,24GiB,24GiB,24GiB,24GiB,24GiB
median "--json fit 70B exl2 on 4 x 24GiB" --json fit meta-llama/Meta-Llama-3-70B --gpu-memory 24GiB,24GiB,24GiB,24GiB
if [ -n "$nvml" ]; then
        median "fit 70B on the 8 x A10G fixture (NVML worker)" --root "$machine/root" fit meta-llama/Meta-Llama-3-70B
        median "fit 8B full on the fixture, --gpus 4,5,6,7" --root "$machine/root" fit meta-llama/Meta-Llama-3-8B --task full --gpus 4,5,6,7
fi
