#!/bin/sh
# gpu-check.sh [OUT_DIR] - on a machine with real NVIDIA GPUs: build dlrig
# from this tree (no network needed when meson, ninja and the -dev packages
# are there; scripts/deps.sh is only tried when they are not), run doctor
# (text, JSON, saved snapshot, timing), topo (when built), bench --quick
# (text and JSON, timed), a full bench of GPU 0, and in the same run the
# same figures with PyTorch when it is installed, timed the same way
# (scripts/bench-vs-torch.py: BF16/FP32 matmul, copies), with the ratios in
# compare.txt. With DLRIG=PATH it uses that binary
# and builds nothing: the device image has no jansson or libkmod/libpci
# -dev packages, so a session carries a release build and those .so files
# (LD_LIBRARY_PATH) instead. Every output goes under OUT_DIR
# (default $OUT or ./gpu-check-out). Never stops at the first failure: each
# step's exit status is recorded in steps.txt.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-${OUT:-$here/gpu-check-out}}
mkdir -p "$out"
cd "$here" || exit 1
step() { # name, command...: runs it, records its status and time
        name=$1; shift
        s=$(date +%s%N)
        "$@"; rc=$?
        e=$(date +%s%N)
        echo "$name exit=$rc ms=$(( (e - s) / 1000000 ))" >>"$out/steps.txt"
        return $rc
}
build() {
        if ! command -v meson >/dev/null || ! command -v ninja >/dev/null; then
                scripts/deps.sh run || return 1
        fi
        { [ -d build-gpu ] || meson setup build-gpu -Dtests=false -Dbuildtype=release; } &&
                ninja -C build-gpu
}
: >"$out/steps.txt"
if [ -n "${DLRIG:-}" ]; then
        dlrig=$DLRIG
else
        step build build >"$out/build.log" 2>&1 || { echo "build failed; see $out/build.log"; exit 1; }
        dlrig=$here/build-gpu/dlrig
fi
nvidia-smi >"$out/nvidia-smi.txt" 2>&1 || true
nvidia-smi topo -m >"$out/nvidia-smi-topo.txt" 2>&1 || true
nvidia-smi -q >"$out/nvidia-smi-q.txt" 2>&1 || true
step doctor "$dlrig" doctor >"$out/doctor.txt" 2>"$out/doctor.stderr"
step doctor-json "$dlrig" --json doctor --save "$out/snapshot.json" >"$out/doctor.json" 2>>"$out/doctor.stderr"
"$dlrig" doctor --from "$out/snapshot.json" >"$out/doctor-from.txt" 2>&1
for i in 1 2 3 4 5 6 7 8 9; do
        s=$(date +%s%N); "$dlrig" --json doctor >/dev/null 2>&1; e=$(date +%s%N)
        echo $(( (e - s) / 1000000 ))
done | sort -n >"$out/doctor-ms.txt"
if "$dlrig" topo --help >/dev/null 2>&1; then
        step topo "$dlrig" topo >"$out/topo.txt" 2>&1
        step topo-dot "$dlrig" topo --dot >"$out/topo.dot" 2>&1
fi
step bench "$dlrig" bench --quick >"$out/bench.txt" 2>"$out/bench.stderr"
step bench-json "$dlrig" --json bench --quick --save "$out/bench-save.json" >"$out/bench.json" 2>>"$out/bench.stderr"
# a saved bench judged again must give the same report (issue 13)
"$dlrig" --json bench --from "$out/bench-save.json" >"$out/bench-from.json" 2>&1
cmp -s "$out/bench.json" "$out/bench-from.json"; echo "bench-from same=$((1 - $?))" >>"$out/steps.txt"
if [ -x scripts/record-machine.sh ]; then
        scripts/record-machine.sh "$dlrig" "$out/recorded-machine" >"$out/record.log" 2>&1 || true
fi

# bench against PyTorch (issue 14, docs/bench.md "Against PyTorch"): a full
# bench of GPU 0 beside the --quick one above, so both sizes bench uses
# (GEMM 4096^3 and 8192^3, copies of 32 and 256 MiB) are measured, then
# PyTorch on GPU 0 at the same sizes, timed the same way, and the ratios
# (goal: >= 0.97 for the BF16 GEMM and the on-GPU copy at every size).
step bench-full "$dlrig" --json bench --gpus 0 >"$out/bench-full.json" 2>"$out/bench-full.stderr"
py=$(command -v python3 || true)
if [ -n "$py" ] && "$py" -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
        step bench-vs-torch "$py" scripts/bench-vs-torch.py "$out" "$out/bench.json" \
                "$out/bench-full.json" >/dev/null 2>"$out/torch.stderr"
        # A/B: both again on cuBLAS's default-size workspace, which dlrig and
        # PyTorch both take from CUBLAS_WORKSPACE_CONFIG: if the workspace is
        # what bench's 8192^3 BF16 GEMM lacked, dlrig and PyTorch drop together
        ws=:4096:2:16:8
        mkdir -p "$out/default-ws"
        step bench-full-default-ws env CUBLAS_WORKSPACE_CONFIG=$ws "$dlrig" --json bench --gpus 0 \
                >"$out/default-ws/bench-full.json" 2>"$out/default-ws/bench-full.stderr"
        step bench-vs-torch-default-ws env CUBLAS_WORKSPACE_CONFIG=$ws "$py" scripts/bench-vs-torch.py \
                "$out/default-ws" "$out/default-ws/bench-full.json" >/dev/null 2>"$out/default-ws/torch.stderr"
else
        echo "no PyTorch with CUDA for python3 on PATH: no bench-vs-torch comparison" >"$out/compare.txt"
fi
# dlrig prove and fit --measure in PyTorch's environment (issue 14, docs/prove.md)
if "$dlrig" prove --help >/dev/null 2>&1; then
        step prove "$dlrig" prove >"$out/prove.txt" 2>&1
        step prove-json "$dlrig" --json prove >"$out/prove.json" 2>&1
        # through transformers + peft (the device image has both; forced, so
        # that a failing import fails the step instead of falling back), then
        # the first job again with the built-in decoder, for comparison
        for job in "Qwen/Qwen2.5-7B --engine transformers --ctx 8192" \
                   "meta-llama/Llama-3.1-8B --task lora --activation-checkpointing" \
                   "Qwen/Qwen2.5-0.5B --task full --ctx 2048"; do
                echo "== dlrig fit $job --measure" >>"$out/fit-measure.txt"
                # shellcheck disable=SC2086 # the job is several words
                step "fit-measure" env DLRIG_MEASURE_IMPL=transformers "$dlrig" fit $job --gpus 0 --measure \
                        >>"$out/fit-measure.txt" 2>&1
        done
        echo "== DLRIG_MEASURE_IMPL=builtin dlrig fit Qwen/Qwen2.5-7B --engine transformers --ctx 8192 --measure" \
                >>"$out/fit-measure.txt"
        step "fit-measure-builtin" env DLRIG_MEASURE_IMPL=builtin "$dlrig" fit Qwen/Qwen2.5-7B --engine transformers \
                --ctx 8192 --gpus 0 --measure >>"$out/fit-measure.txt" 2>&1
fi
echo "gpu-check: outputs in $out"
cat "$out/steps.txt"
cat "$out/bench.txt" 2>/dev/null | tail -20
cat "$out/compare.txt" 2>/dev/null
if [ -f "$out/default-ws/compare.txt" ]; then
        echo "-- both again with CUBLAS_WORKSPACE_CONFIG=:4096:2:16:8 (cuBLAS's default size):"
        cat "$out/default-ws/compare.txt"
fi
grep -h "^measured (\|^  GPU\|^  note\|^  transformers\|^not measured\|^== \|fit --measure:" \
        "$out/fit-measure.txt" 2>/dev/null
