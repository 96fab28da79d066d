#!/bin/sh
# gpu-check.sh [OUT_DIR] - on a machine with real NVIDIA GPUs: build dlrig
# from this tree (no network needed when meson, ninja and the -dev packages
# are there; scripts/deps.sh is only tried when they are not), run doctor
# (text, JSON, saved snapshot, timing), topo (when built), bench --quick
# (text and JSON, timed), and in the same run measure the same figures with
# PyTorch when it is installed (BF16 matmul TFLOPS, on-GPU copy GB/s), so the
# two can be compared (compare.txt). With DLRIG=PATH it uses that binary
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

# The same figures from PyTorch, in the same run, on GPU 0; the matmul at
# bench's GEMM size (--quick's n), so the two compare like for like.
py=$(command -v python3 || true)
if [ -n "$py" ] && "$py" -c 'import torch; assert torch.cuda.is_available()' 2>/dev/null; then
        gemm_n=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))["plan"]["gemm_n"] or 8192)' \
                 "$out/bench.json" 2>/dev/null || echo 8192)
        step torch env DLRIG_GEMM_N="$gemm_n" "$py" - >"$out/torch.json" 2>"$out/torch.stderr" <<'PY'
import json, os, torch
def timed(fn, iters):
    for _ in range(iters):  # warm-up as bench does: as many as timed
        fn()
    torch.cuda.synchronize()
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    a.record()
    for _ in range(iters):
        fn()
    b.record(); torch.cuda.synchronize()
    return a.elapsed_time(b) / 1000 / iters
res = {"torch": torch.__version__, "device": torch.cuda.get_device_name(0)}
n = int(os.environ.get("DLRIG_GEMM_N", "8192"))
res["gemm_n"] = n
x = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
y = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
res["bf16_matmul_tflops"] = 2 * n**3 / timed(lambda: x @ y, 20) / 1e12
x32, y32 = x.float(), y.float()
torch.backends.cuda.matmul.allow_tf32 = False  # bench's FP32 is FP32, not TF32
res["fp32_matmul_tflops"] = 2 * n**3 / timed(lambda: x32 @ y32, 10) / 1e12
for mib in (32, 256):
    src = torch.empty(mib << 20, dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    res[f"d2d_copy_gbps_{mib}mib"] = (mib << 20) / timed(lambda: dst.copy_(src), 16) / 1e9
    host = torch.empty(mib << 20, dtype=torch.uint8).pin_memory()
    res[f"h2d_copy_gbps_{mib}mib"] = (mib << 20) / timed(lambda: src.copy_(host, non_blocking=True), 8) / 1e9
    res[f"d2h_copy_gbps_{mib}mib"] = (mib << 20) / timed(lambda: host.copy_(src, non_blocking=True), 8) / 1e9
print(json.dumps(res, indent=2))
PY
        "$py" - "$out" >"$out/compare.txt" 2>&1 <<'PY'
import json, sys
out = sys.argv[1]
t = json.load(open(f"{out}/torch.json"))
b = json.load(open(f"{out}/bench.json"))
g = b["gpus"][0] if b.get("gpus") else {}
mib = b["plan"]["copy_bytes"] >> 20
for k, tk in (("d2d_gbps", "d2d_copy_gbps"), ("h2d_gbps", "h2d_copy_gbps"), ("d2h_gbps", "d2h_copy_gbps")):
    tv = t.get(f"{tk}_{mib}mib") or t.get(f"{tk}_32mib")
    if g.get(k) and tv:
        print(f"GPU 0 {k}: dlrig {g[k]:.1f}  torch {tv:.1f}  ratio {g[k] / tv:.3f}")
for k in ("bf16", "fp32"):
    d, tv = g.get(f"gemm_{k}_tflops"), t.get(f"{k}_matmul_tflops")
    if d and tv:
        print(f"GPU 0 {k} GEMM {t['gemm_n']}^3: dlrig {d:.1f}  torch {tv:.1f} TFLOP/s  "
              f"ratio {d / tv:.3f} (wanted >= 0.95)")
    else:
        print(f"GPU 0 {k} GEMM: dlrig {d}, torch {tv}: no comparison")
PY
fi
# dlrig prove and fit --measure in PyTorch's environment (issue 14, docs/prove.md)
if "$dlrig" prove --help >/dev/null 2>&1; then
        step prove "$dlrig" prove >"$out/prove.txt" 2>&1
        step prove-json "$dlrig" --json prove >"$out/prove.json" 2>&1
        for job in "Qwen/Qwen2.5-7B --engine transformers --ctx 8192" \
                   "meta-llama/Llama-3.1-8B --task lora --activation-checkpointing" \
                   "Qwen/Qwen2.5-0.5B --task full --ctx 2048"; do
                echo "== dlrig fit $job --measure" >>"$out/fit-measure.txt"
                # shellcheck disable=SC2086 # the job is several words
                step "fit-measure" "$dlrig" fit $job --gpus 0 --measure >>"$out/fit-measure.txt" 2>&1
        done
fi
echo "gpu-check: outputs in $out"
cat "$out/steps.txt"
cat "$out/bench.txt" 2>/dev/null | tail -20
cat "$out/compare.txt" 2>/dev/null
grep -h "^  GPU\|^not measured\|^== " "$out/fit-measure.txt" 2>/dev/null
