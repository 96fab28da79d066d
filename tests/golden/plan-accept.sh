#!/bin/sh
# plan-accept.sh DLRIG MACHINES_DIR FAKE_NVML FAKE_CUDA - the "done when"
# of dlrig plan (issue 4), as assertions that survive wording changes:
# on the guide's bare machine the plan names the 8 A10Gs, a 535-or-newer
# driver, a CUDA 12.x toolkit and a cu12x wheel index, and every step is to
# do (the kernel hold is only offered); on the guide's finished machine
# every step is done. (setup run twice executing nothing: setup.sh.)
set -u
dlrig=$1 machines=$2 nvml=$3 cuda=$4
n=0 failed=0
tap() { n=$((n + 1)); echo "$1 $n - $2"; [ "$1" = ok ] || failed=$((failed + 1)); }
check() { d=$1; shift; if "$@"; then tap ok "$d"; else tap "not ok" "$d"; fi; }
plan() { # MACHINE
        m=$machines/$1
        env -i PATH=/usr/bin:/bin LC_ALL=C DLRIG_DETERMINISTIC=1 ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
                UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
                DLRIG_NVML_LIB="$nvml" DLRIG_CUDA_LIB="$cuda" DLRIG_FAKE_MACHINE="$m/gpus.json" \
                "$dlrig" --root "$m/root" plan
}
has() { printf '%s\n' "$1" | grep -qE "$2"; }
all_counted() { [ "$1" -gt 0 ] && [ $(($1 + $2)) = "$3" ]; }
bare=$(plan a10g-x8-bare)
check "bare: names the 8 A10Gs" has "$bare" '^  GPUs +8 x NVIDIA A10G'
branch=$(printf '%s\n' "$bare" | sed -n 's/^  driver  *branch \([0-9]*\).*/\1/p')
check "bare: a 535-or-newer driver (branch $branch)" [ "${branch:-0}" -ge 535 ]
check "bare: a CUDA 12.x toolkit" has "$bare" '^  toolkit +CUDA 12\.[0-9]+:'
check "bare: a cu12x wheel index" has "$bare" 'https://download\.pytorch\.org/whl/cu12[0-9]'
steps=$(printf '%s\n' "$bare" | grep -cE '^ +[0-9]+\. ')
todo=$(printf '%s\n' "$bare" | grep -cE '^ +[0-9]+\. to do ')
offered=$(printf '%s\n' "$bare" | grep -cE '^ +[0-9]+\. offered ')
check "bare: every step to do ($todo of $steps, $offered offered)" all_counted "$todo" "$offered" "$steps"
done_plan=$(plan a10g-x8-ubuntu2204)
steps=$(printf '%s\n' "$done_plan" | grep -cE '^ +[0-9]+\. ')
done_n=$(printf '%s\n' "$done_plan" | grep -cE '^ +[0-9]+\. done ')
offered=$(printf '%s\n' "$done_plan" | grep -cE '^ +[0-9]+\. offered ')
check "finished: every step done ($done_n of $steps, $offered offered)" all_counted "$done_n" "$offered" "$steps"
# The same judgement from a snapshot saved elsewhere (doctor --save, plan --from).
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
m=$machines/a10g-x8-ubuntu2204
env -i PATH=/usr/bin:/bin LC_ALL=C DLRIG_DETERMINISTIC=1 ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
        UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
        DLRIG_NVML_LIB="$nvml" DLRIG_CUDA_LIB="$cuda" DLRIG_FAKE_MACHINE="$m/gpus.json" \
        "$dlrig" --root "$m/root" doctor --save "$tmp/snap.json" >/dev/null
from=$(env -i PATH=/usr/bin:/bin LC_ALL=C ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
        LSAN_OPTIONS="${LSAN_OPTIONS:-}" "$dlrig" plan --from "$tmp/snap.json")
check "plan --from the finished machine's snapshot: the same plan" [ "$from" = "$done_plan" ]
echo "1..$n"
[ "$failed" = 0 ]
