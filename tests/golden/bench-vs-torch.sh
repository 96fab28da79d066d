#!/bin/sh
# bench-vs-torch.sh SRCDIR - scripts/bench-vs-torch.py --compare (no GPU, no
# torch): the ratios of a bench golden's figures to canned PyTorch figures,
# the >= 0.97 goal met (exit 0) and missed (exit 1, "BELOW"). TAP.
set -u
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the golden's JSON without its "$ dlrig ..." and "# exit N" lines
sed '1d;$d' "$src/tests/machines/bench-h100-x8-nvswitch/expect/json_bench_quick.txt" >"$tmp/bench.json"
torch_json() { # bf16 TFLOP/s, on-GPU copy GB/s of PyTorch at the golden's sizes (128^3, 4 MiB)
        cat >"$tmp/torch.json" <<JSON
{"torch": "2.11.0+cu130", "cuda": "13.0", "device": "NVIDIA H100 80GB HBM3",
 "gemm": {"128": {"bf16": $1, "bf16_sync_first": 700.0, "bf16_cublaslt": 725.0, "fp32": 51.0}},
 "copy": {"4194304": {"d2d": $2, "d2d_sync_first": 1300.0, "h2d": 53.2, "d2h": 54.6}}}
JSON
}
n=0 failed=0
check() { # name, expected exit, expected text
        n=$((n + 1))
        python3 "$src/scripts/bench-vs-torch.py" --compare "$tmp/torch.json" "$tmp/bench.json" \
                >"$tmp/out" 2>&1
        rc=$?
        if [ "$rc" = "$2" ] && grep -q -- "$3" "$tmp/out"; then
                echo "ok $n - $1"
        else
                echo "not ok $n - $1 (exit $rc, wanted $2 and '$3')"
                sed 's/^/# /' "$tmp/out"
                failed=1
        fi
}
torch_json 730.0 1460.0
check "dlrig at 98.6% and 99.3% of PyTorch meets the goal" 0 "BF16 GEMM 128^3 TFLOP/s: dlrig 720.0  torch 730.0  ratio 0.986  ok"
check "the on-GPU copy's ratio is printed" 0 "on-GPU copy 4 MiB GB/s: dlrig 1450.0  torch 1460.0  ratio 0.993  ok"
check "the workspace dlrig gave cuBLAS is named" 0 "cuBLAS workspace: 33554432"
torch_json 774.4 1460.0
check "dlrig's GEMM at 93% of PyTorch misses it" 1 "ratio 0.930  BELOW 0.97"
torch_json 730.0 1768.0
check "dlrig's copy at 82% of PyTorch misses it" 1 "on-GPU copy 4 MiB GB/s: dlrig 1450.0  torch 1768.0  ratio 0.820  BELOW"
echo "1..$n"
exit $failed
