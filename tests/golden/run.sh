#!/bin/sh
# run.sh MACHINE_DIR DLRIG FAKE_NVML FAKE_CUDA - golden test of one fixture
# machine (TAP output). For each line of MACHINE_DIR/cases it runs
# `dlrig --root MACHINE_DIR/root <case>` in a clean environment (with the
# fake NVIDIA libraries answering from MACHINE_DIR/gpus.json when present,
# plus the variables of MACHINE_DIR/env) and compares stdout, stderr and the
# exit code with MACHINE_DIR/expect/<case>.txt. Then it checks
# expect/findings: ids that must appear, and '!id' lines that must not.
#
# A missing expected file is written from the actual output and the test
# FAILS: new goldens are reviewed, never silently accepted. DLRIG_BLESS=1
# rewrites expected files on purpose.
set -u
machine=$1 dlrig=$2 fake_nvml=$3 fake_cuda=$4
name=$(basename "$machine")
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

# The fixed environment every case runs in.
run_dlrig() {
        set -- env -i PATH=/usr/bin:/bin LC_ALL=C TZ=UTC TERM=dumb NO_COLOR=1 \
                DLRIG_DETERMINISTIC=1 DLRIG_DRIVER_TIMEOUT_MS=2000 \
                ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
                LSAN_OPTIONS="${LSAN_OPTIONS:-}" "$@"
        # A library the description does not mention is not installed there.
        if grep -q '"nvml":' "$machine/gpus.json" 2>/dev/null; then
                set -- "$@" DLRIG_NVML_LIB="$fake_nvml" DLRIG_FAKE_MACHINE="$machine/gpus.json"
        fi
        if grep -q '"cuda":' "$machine/gpus.json" 2>/dev/null; then
                set -- "$@" DLRIG_CUDA_LIB="$fake_cuda" DLRIG_FAKE_MACHINE="$machine/gpus.json"
        fi
        # cuBLAS and NCCL (bench) are built beside the fake libcuda
        if grep -q '"cublas":' "$machine/gpus.json" 2>/dev/null; then
                set -- "$@" DLRIG_CUBLAS_LIB="$(dirname "$fake_cuda")/libcublas.so.13"
        fi
        if grep -q '"nccl":' "$machine/gpus.json" 2>/dev/null; then
                set -- "$@" DLRIG_NCCL_LIB="$(dirname "$fake_cuda")/libnccl.so.2"
        fi
        if [ -f "$machine/env" ]; then
                while IFS= read -r line; do
                        case "$line" in ''|'#'*) continue ;; esac
                        set -- "$@" "$line"
                done < "$machine/env"
        fi
        timeout 60 "$@" "$dlrig" --root "$machine/root" $case_args
}

# Strips what legitimately differs between builds: the version, build paths.
normalise() {
        sed -e "s|$fake_nvml|@FAKE_NVML@|g" -e "s|$fake_cuda|@FAKE_CUDA@|g" \
            -e "s|$(dirname "$fake_cuda")/|@FAKES@/|g" \
            -e "s|$machine/root|@ROOT@|g" -e "s|$machine|@MACHINE@|g" \
            -e 's|"dlrig_version": "[^"]*"|"dlrig_version": "@VERSION@"|'
}

tap() { # ok|not ok, description
        n=$((n + 1))
        echo "$1 $n - $name: $2"
        [ "$1" = ok ] || failed=$((failed + 1))
}

check_case() {
        case_args=$1
        file="$machine/expect/$(printf '%s' "$case_args" | tr ' /' '__' | sed 's/\(^\|_\)-*/\1/g').txt"
        run_dlrig >"$tmp/out" 2>"$tmp/err"
        rc=$?
        {
                echo "\$ dlrig $case_args"
                normalise <"$tmp/out"
                sed 's/^/# stderr: /' "$tmp/err" | normalise
                echo "# exit $rc"
        } >"$tmp/actual"
        if grep -q '^fake-' "$tmp/err"; then
                tap "not ok" "'$case_args': a fake library was asked for a fact the fixture lacks"
                sed 's/^/# /' "$tmp/err"
                return
        fi
        if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$tmp/err"; then
                tap "not ok" "'$case_args': sanitizer report"
                sed 's/^/# /' "$tmp/err"
                return
        fi
        if [ "${DLRIG_BLESS:-}" = 1 ]; then
                mkdir -p "$machine/expect" && cp "$tmp/actual" "$file"
                tap ok "'$case_args' blessed"
        elif [ ! -f "$file" ]; then
                mkdir -p "$machine/expect" && cp "$tmp/actual" "$file"
                tap "not ok" "'$case_args': no expected output yet; wrote $file, review it"
        elif diff -u "$file" "$tmp/actual" >"$tmp/diff"; then
                tap ok "'$case_args'"
        else
                tap "not ok" "'$case_args' differs from $file"
                sed 's/^/# /' "$tmp/diff"
        fi
}

check_findings() {
        [ -f "$machine/expect/findings" ] || { tap "not ok" "expect/findings missing"; return; }
        # The machine's own JSON case (e.g. "--json doctor --live"), else plain.
        case_args=$(grep -m1 -- '--json' "$machine/cases" || echo "--json doctor")
        run_dlrig >"$tmp/json" 2>/dev/null
        grep -o '"id": "[^"]*"' "$tmp/json" | sed 's/"id": "\(.*\)"/\1/' >"$tmp/ids"
        # Exactly its intended problems: every warning and failure is listed.
        python3 -c 'import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["severity"] in ("warn", "fail"): print(f["id"])' "$tmp/json" >"$tmp/bad" 2>/dev/null
        while IFS= read -r id; do
                if grep -qx "$id" "$machine/expect/findings"; then :; else
                        tap "not ok" "unexpected $id (not in expect/findings)"
                fi
        done <"$tmp/bad"
        while IFS= read -r want; do
                case "$want" in
                ''|'#'*) continue ;;
                '!'*)
                        id=${want#!}
                        if grep -qx "$id" "$tmp/ids"; then
                                tap "not ok" "finding $id must not appear"
                        else
                                tap ok "no $id"
                        fi ;;
                *)
                        if grep -qx "$want" "$tmp/ids"; then
                                tap ok "finding $want"
                        else
                                tap "not ok" "finding $want missing (got: $(tr '\n' ' ' <"$tmp/ids"))"
                        fi ;;
                esac
        done <"$machine/expect/findings"
}

[ -d "$machine/root" ] || { echo "1..1"; echo "not ok 1 - $name: no root/ folder"; exit 1; }
while IFS= read -r c; do
        case "$c" in ''|'#'*) continue ;; esac
        check_case "$c"
done <"$machine/cases"
check_findings
echo "1..$n"
[ "$failed" = 0 ]
