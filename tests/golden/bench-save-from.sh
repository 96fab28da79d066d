#!/bin/sh
# bench-save-from.sh DLRIG MACHINE_DIR FAKE_CUDA - "dlrig bench --save FILE"
# then "dlrig bench --from FILE" give the same report, text and JSON, without
# the fake libraries the second time (nothing is measured again); a
# "dlrig --json bench" report given to --from is refused, naming its
# schema_version (TAP).
set -u
dlrig=$1 machine=$2 fakes=$(dirname "$3")
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
tap() { n=$((n + 1)); echo "$1 $n - $2"; [ "$1" = ok ] || failed=$((failed + 1)); }

run() { # measure: with the fakes; else none
        mode=$1
        shift
        if [ "$mode" = measure ]; then
                set -- DLRIG_CUDA_LIB="$fakes/libcuda.so.1" DLRIG_FAKE_MACHINE="$machine/gpus.json" "$@"
                if grep -q '"cublas":' "$machine/gpus.json"; then
                        set -- DLRIG_CUBLAS_LIB="$fakes/libcublas.so.13" "$@"
                fi
                if grep -q '"nccl":' "$machine/gpus.json"; then
                        set -- DLRIG_NCCL_LIB="$fakes/libnccl.so.2" "$@"
                fi
        fi
        # shellcheck disable=SC2046
        env -i PATH=/usr/bin:/bin LC_ALL=C TZ=UTC TERM=dumb NO_COLOR=1 DLRIG_DETERMINISTIC=1 \
                DLRIG_DRIVER_TIMEOUT_MS=2000 ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
                UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" $(grep -v '^#' "$machine/env" 2>/dev/null) \
                "$@"
}

run measure "$dlrig" --root "$machine/root" bench --quick --save "$tmp/b.json" >"$tmp/live.txt"
rc1=$?
run none "$dlrig" --root "$machine/root" bench --from "$tmp/b.json" >"$tmp/from.txt"
rc2=$?
if [ "$rc1" = "$rc2" ] && diff -u "$tmp/live.txt" "$tmp/from.txt"; then
        tap ok "bench --from gives bench --save's text report (exit $rc1)"
else
        tap "not ok" "bench --from differs from bench --save (exit $rc1, $rc2)"
fi
run measure "$dlrig" --root "$machine/root" --json bench --quick >"$tmp/live.json"
run none "$dlrig" --root "$machine/root" --json bench --from "$tmp/b.json" >"$tmp/from.json"
if diff -u "$tmp/live.json" "$tmp/from.json"; then
        tap ok "bench --from gives the same JSON report"
else
        tap "not ok" "bench --from's JSON report differs"
fi
run none "$dlrig" bench --from "$tmp/live.json" >/dev/null 2>"$tmp/err"
rc=$?
if [ "$rc" = 3 ] && grep -q "is a 'dlrig --json bench' report (schema_version 1)" "$tmp/err"; then
        tap ok "a --json bench report is refused, naming its schema_version"
else
        tap "not ok" "a --json bench report: exit $rc, $(cat "$tmp/err")"
fi
echo "1..$n"
[ "$failed" = 0 ]
