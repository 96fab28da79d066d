#!/bin/sh
# prove.sh DLRIG FAKE_NVML SAMPLE_DIR - dlrig prove for real, on the CPU:
# Debian's python3-torch (1.13, CPU-only) runs the harness with gloo and 2
# processes (DLRIG_PROVE_CPU=1), and each failure path has its finding:
#  1 pass: all-reduce, DDP, identical parameters, prove.ok, exit 0, with a
#    second run at the same time (each on its own rendezvous port: torch
#    1.13's --standalone alone puts both on 29400, and the first to end
#    broke the other);
#  2 hang: a rank sleeps past the deadline (test-only variable): prove.hung,
#    exit 2, within the deadline plus grace, no process of the run left and
#    the temporary folder gone;
#  3 wrong sum (test-only variable): prove.allreduce-wrong;
#  4 import failure: a venv whose torch/__init__.py raises: prove.import-failed;
#  5 CPU-only wheel: python3-torch on a machine whose fake NVML shows GPUs;
#  6 device-count mismatch: a venv with a stand-in torch that sees 3 CUDA
#    devices where the fake NVML shows 2;
#  7 --print-script prints the harness; --bench FILE without a bench is exit 3;
#  8 fit --measure's plumbing on the CPU with a tiny config: the measured
#    line beside the prediction for lora, full and infer (the CPU's peaks
#    are not asserted), qlora said not measured, a broken env exit 3;
#  9 fit --measure through transformers + peft: stand-ins of both
#    (tests/golden/measure-standin: only the API measure.py calls, logging
#    each call) in a venv over Debian's torch: the report names them, the
#    inference job prefills and decodes 4 steps through the model's cache,
#    the LoRA job adapts the targets fit counts with checkpointing on, QLoRA
#    makes the decoder linears NF4 (a bitsandbytes stand-in too), tied
#    embeddings stay tied, full
#    fine-tuning planned on two GPUs runs one rank per GPU (torchrun); a
#    transformers that fails to import, and DLRIG_MEASURE_IMPL=builtin, fall
#    back to the built-in decoder with the reason said.
# Without an importable torch in /usr/bin/python3 the test is skipped (77).
set -u
dlrig=$1 fake_nvml=$2 sample=$3
py=/usr/bin/python3
if ! "$py" -c 'import torch, torch.distributed' 2>/dev/null; then
        echo "1..0 # SKIP python3-torch is not installed (scripts/deps.sh test)"
        exit 77
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/t"
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; sed 's/^/# /' "$tmp/out" "$tmp/err" | head -60; }
# Each run: its TMPDIR under $tmp, so that leftovers can be found by path.
run() {
        env TMPDIR="$tmp/t" OMP_NUM_THREADS=1 "$@" > "$tmp/out" 2> "$tmp/err"
        echo $? > "$tmp/rc"
}
has() { grep -q "\"id\": \"$1\"" "$tmp/out"; }
rc() { [ "$(cat "$tmp/rc")" = "$1" ]; }

echo "1..9"

env TMPDIR="$tmp/t" OMP_NUM_THREADS=1 DLRIG_PROVE_CPU=1 "$dlrig" --json prove --env /usr --timeout 120 \
        > "$tmp/other" 2>&1 &
other=$!
run DLRIG_PROVE_CPU=1 "$dlrig" --json prove --env /usr --timeout 120
wait $other
other_rc=$?
if rc 0 && has prove.ok && [ "$(grep -c '"status": "pass"' "$tmp/out")" -ge 6 ] &&
   [ $other_rc = 0 ] && grep -q '"id": "prove.ok"' "$tmp/other"; then
        ok "CPU pass path: prove.ok, all-reduce and DDP passed on both ranks, twice at once"
else
        not_ok "CPU pass path (the run beside it: exit $other_rc)"
fi

start=$(date +%s)
run DLRIG_PROVE_CPU=1 DLRIG_PROVE_TEST_HANG_RANK=1 "$dlrig" --json prove --env /usr --timeout 10
took=$(( $(date +%s) - start ))
sleep 1
left=$(pgrep -f "$tmp/t" || true)
if rc 2 && has prove.hung && [ "$took" -lt 40 ] && [ -z "$left" ] && [ -z "$(ls -A "$tmp/t")" ]; then
        ok "hang: killed after the deadline (${took}s), nothing left running, temp folder removed"
else
        not_ok "hang: rc $(cat "$tmp/rc"), ${took}s, left: '$left', temp: '$(ls -A "$tmp/t")'"
        # shellcheck disable=SC2086 # one pid a word
        [ -n "$left" ] && kill -9 $left
fi

run DLRIG_PROVE_CPU=1 DLRIG_PROVE_TEST_WRONG_SUM=1 "$dlrig" --json prove --env /usr
if rc 2 && has prove.allreduce-wrong && ! has prove.ok; then
        ok "wrong sum: prove.allreduce-wrong"
else
        not_ok "wrong sum"
fi

pyv=$("$py" -c 'import sys; print("python%d.%d" % sys.version_info[:2])')
"$py" -m venv --without-pip "$tmp/broken" && mkdir -p "$tmp/broken/lib/$pyv/site-packages/torch"
echo 'raise ImportError("libtorch_cuda.so: cannot open shared object file: No such file or directory")' \
        > "$tmp/broken/lib/$pyv/site-packages/torch/__init__.py"
run "$dlrig" --json prove --env "$tmp/broken"
if rc 2 && has prove.import-failed && grep -q "libtorch_cuda.so" "$tmp/out"; then
        ok "import failure: prove.import-failed with the exception"
else
        not_ok "import failure"
fi

run DLRIG_NVML_LIB="$fake_nvml" DLRIG_FAKE_MACHINE="$sample/healthy.json" "$dlrig" --json prove --env /usr
if rc 2 && has prove.cpu-only-wheel; then
        ok "CPU-only wheel on a machine with GPUs: prove.cpu-only-wheel"
else
        not_ok "CPU-only wheel"
fi

"$py" -m venv --without-pip "$tmp/fake" && mkdir -p "$tmp/fake/lib/$pyv/site-packages/torch"
cat > "$tmp/fake/lib/$pyv/site-packages/torch/__init__.py" <<'PY'
# a stand-in torch that sees 3 CUDA devices and can do nothing with them
import types
__version__ = "2.3.1+cu121"
version = types.SimpleNamespace(cuda="12.1")
def _no(*a, **k):
    raise RuntimeError("stand-in torch: no CUDA kernels here")
cuda = types.SimpleNamespace(is_available=lambda: True, device_count=lambda: 3,
                             get_arch_list=lambda: ["sm_80", "sm_86"],
                             get_device_name=lambda i: "NVIDIA A10G",
                             get_device_capability=lambda i: (8, 6),
                             device=_no, reset_peak_memory_stats=_no)
device = _no
class Generator:
    def manual_seed(self, s):
        _no()
PY
run DLRIG_NVML_LIB="$fake_nvml" DLRIG_FAKE_MACHINE="$sample/healthy.json" "$dlrig" --json prove --env "$tmp/fake" --timeout 30
if rc 2 && has prove.device-count && grep -q 'torch sees 3 GPUs, the driver 2' "$tmp/out"; then
        ok "device-count mismatch: prove.device-count"
else
        not_ok "device-count mismatch"
fi

"$dlrig" prove --print-script > "$tmp/script.py"
echo '{"schema_version": 1}' > "$tmp/nobench.json"
run "$dlrig" prove --bench "$tmp/nobench.json"
if grep -q '^def allreduce' "$tmp/script.py" && grep -q 'torch.distributed.run' "$tmp/script.py" &&
   "$py" -c "import ast,sys; ast.parse(open(sys.argv[1]).read())" "$tmp/script.py" &&
   rc 3 && [ -s "$tmp/err" ]; then
        ok "--print-script prints the harness; --bench without a bench: exit 3"
else
        not_ok "--print-script"
fi
tiny=$(dirname "$0")/../fit-models/tiny-measure
good=1
for task in lora full infer; do
        run DLRIG_PROVE_ENV=/usr DLRIG_PROVE_CPU=1 "$dlrig" fit "$tiny" --task $task --ctx 64 --gpu-memory 24GiB --measure
        if ! { rc 0 && grep -q '^measured (built-in PyTorch decoder, torch .*, on the CPU' "$tmp/out" &&
               grep -qE '^  GPU 0 +predicted +[0-9.]+ GiB +measured +[0-9.]+ GiB .* [-+][0-9.]+ %$' "$tmp/out"; }; then
                good=0; echo "# --task $task"
        fi
done
run DLRIG_PROVE_ENV=/usr DLRIG_PROVE_CPU=1 "$dlrig" fit "$tiny" --task qlora --ctx 64 --gpu-memory 24GiB --measure
if ! { rc 0 && grep -q '^not measured: QLoRA' "$tmp/out"; }; then good=0; echo "# qlora"; fi
run DLRIG_PROVE_ENV="$tmp/broken" DLRIG_PROVE_CPU=1 "$dlrig" fit "$tiny" --ctx 64 --gpu-memory 24GiB --measure
if ! { rc 3 && grep -q 'fit --measure: the script failed' "$tmp/err"; }; then good=0; echo "# broken env"; fi
# jobs measure.py does not run are refused before anything starts
for job in "--engine vllm" "--engine llama.cpp" "--task lora --compile" "--weights awq"; do
        # shellcheck disable=SC2086 # the job is several words
        run DLRIG_PROVE_ENV=/usr DLRIG_PROVE_CPU=1 "$dlrig" fit "$tiny" $job --ctx 64 --gpu-memory 24GiB --measure
        if ! { rc 3 && grep -q -e '--measure runs' "$tmp/err"; }; then good=0; echo "# refused: $job"; fi
done
if [ $good = 1 ]; then
        ok "fit --measure: measured beside predicted (lora, full, infer), qlora skipped, a broken env exit 3, other engines and savers refused"
else
        not_ok "fit --measure"
fi

# 9: transformers + peft (stand-ins) beside Debian's torch
hf_venv() { # DIR: a venv over the system's torch with the stand-ins installed
        "$py" -m venv --system-site-packages --without-pip "$1" &&
                cp -r "$(dirname "$0")/measure-standin/transformers" "$(dirname "$0")/measure-standin/peft" \
                        "$(dirname "$0")/measure-standin/bitsandbytes" "$1/lib/$pyv/site-packages/"
}
measure() { # LOG ENV ARGS...: fit --measure of the tiny model in ENV, the stand-ins' calls in LOG
        log=$1 menv=$2; shift 2
        : > "$log"
        run DLRIG_STANDIN_LOG="$log" DLRIG_PROVE_ENV="$menv" DLRIG_PROVE_CPU=1 "$dlrig" fit "$tiny" "$@" \
                --ctx 64 --gpu-memory 24GiB --measure
}
measured() { # the report's "measured" heading names IMPL and a GPU line follows
        rc 0 && grep -q "^measured ($1, torch .*, on the CPU" "$tmp/out" &&
                grep -qE '^  GPU 0 +predicted +[0-9.]+ GiB +measured +[0-9.]+ GiB' "$tmp/out"
}
hf_venv "$tmp/hf" && hf_venv "$tmp/hfbroken" &&
        echo 'raise ImportError("stand-in: libcudart.so.13 missing")' \
                > "$tmp/hfbroken/lib/$pyv/site-packages/transformers/__init__.py"
standin="transformers 0.0+dlrig-standin + peft 0.0+dlrig-standin"
good=1
measure "$tmp/infer.log" "$tmp/hf" --engine transformers
if ! { measured "$standin" && grep -q '^forward tokens=60 cached=60 keep=1$' "$tmp/infer.log" &&
       grep -q '^forward tokens=1 cached=64 keep=1$' "$tmp/infer.log" &&
       [ "$(grep -c '^forward' "$tmp/infer.log")" = 5 ]; }; then
        good=0; echo "# transformers inference"; sed 's/^/#   /' "$tmp/infer.log"
fi
measure "$tmp/lora.log" "$tmp/hf" --task lora --activation-checkpointing
if ! { measured "$standin" && grep -q "^gradient_checkpointing {'use_reentrant': False}" "$tmp/lora.log" &&
       grep -q '^lora r=8 targets=q_proj,v_proj,o_proj,gate_proj,up_proj,down_proj autocast=False$' \
               "$tmp/lora.log" && ! grep -q '^loss' "$tmp/lora.log"; }; then
        good=0; echo "# transformers LoRA"; sed 's/^/#   /' "$tmp/lora.log"
fi
measure "$tmp/qv.log" "$tmp/hf" --task lora --lora-targets qv --fp32-loss --optimizer adamw8bit
if ! { measured "$standin" && grep -q '^lora r=8 targets=q_proj,v_proj autocast' "$tmp/qv.log" &&
       grep -q '^AdamW8bit$' "$tmp/qv.log" &&
       [ "$(grep -c '^loss transformers fp32' "$tmp/qv.log")" = 2 ]; }; then
        good=0; echo "# transformers LoRA on q and v, fp32 loss"; sed 's/^/#   /' "$tmp/qv.log"
fi
# tied embeddings (the tiny model's config with tie_word_embeddings): one head, the embeddings'
mkdir "$tmp/tied" && sed 's/"tie_word_embeddings": false/"tie_word_embeddings": true/' "$tiny/config.json" \
        > "$tmp/tied/config.json"
: > "$tmp/tied.log"
run DLRIG_STANDIN_LOG="$tmp/tied.log" DLRIG_PROVE_ENV="$tmp/hf" DLRIG_PROVE_CPU=1 "$dlrig" fit "$tmp/tied" \
        --engine transformers --ctx 64 --gpu-memory 24GiB --measure
if ! { measured "$standin" && grep -q '^config llama layers=2 tied=True$' "$tmp/tied.log" &&
       grep -q '^tie_weights$' "$tmp/tied.log"; }; then
        good=0; echo "# tied embeddings"; sed 's/^/#   /' "$tmp/tied.log"
fi
# QLoRA: each decoder linear (2 layers x 7) made bitsandbytes' NF4 before peft
measure "$tmp/qlora.log" "$tmp/hf" --task qlora --nf4 bitsandbytes
if ! { measured "$standin, bitsandbytes 0.0+dlrig-standin NF4" &&
       [ "$(grep -c '^Linear4bit nf4 True$' "$tmp/qlora.log")" = 14 ] &&
       grep -q '^lora r=8 ' "$tmp/qlora.log" && ! grep -q '^  note: the prediction is for torchao' "$tmp/out"; }; then
        good=0; echo "# transformers QLoRA"; sed 's/^/#   /' "$tmp/qlora.log"
fi
# full fine-tuning planned on two GPUs: one rank each through prove.py's
# torchrun launcher (DDP over gloo on the CPU), a line per GPU
if ! { run DLRIG_STANDIN_LOG="$tmp/two.log" DLRIG_PROVE_ENV="$tmp/hf" DLRIG_PROVE_CPU=1 "$dlrig" fit "$tiny" \
               --task full --ctx 64 --gpu-memory 24GiB,24GiB --measure &&
       measured "$standin" && grep -q '^  note: training on 2 GPUs: one process each (torchrun)' "$tmp/out" &&
       [ "$(grep -cE '^  GPU [01] +predicted' "$tmp/out")" = 2 ] && grep -q '^  GPU 1 ' "$tmp/out" &&
       [ "$(grep -c '^from_config' "$tmp/two.log")" = 2 ]; }; then
        good=0; echo "# full fine-tuning on two GPUs"
fi
measure "$tmp/broken.log" "$tmp/hfbroken" --task lora
if ! { measured "built-in PyTorch decoder" &&
       grep -q '^  transformers + peft not used: .*ImportError: stand-in: libcudart.so.13 missing' "$tmp/out"; }; then
        good=0; echo "# broken transformers"
fi
run DLRIG_MEASURE_IMPL=builtin DLRIG_STANDIN_LOG="$tmp/forced.log" DLRIG_PROVE_ENV="$tmp/hf" DLRIG_PROVE_CPU=1 \
        "$dlrig" fit "$tiny" --engine transformers --ctx 64 --gpu-memory 24GiB --measure
if ! { measured "built-in PyTorch decoder" && grep -q '^  transformers + peft not used: DLRIG_MEASURE_IMPL=builtin' \
               "$tmp/out"; }; then
        good=0; echo "# DLRIG_MEASURE_IMPL=builtin"
fi
if [ $good = 1 ]; then
        ok "fit --measure through transformers + peft (stand-ins): inference with the cache, LoRA on fit's targets, QLoRA, tied embeddings, two ranks for two GPUs; a broken import and DLRIG_MEASURE_IMPL=builtin fall back, reason said"
else
        not_ok "fit --measure through transformers + peft"
fi
exit $failed
