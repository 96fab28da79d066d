#!/bin/sh
# run.sh MACHINE_DIR DLRIG FAKE_NVML FAKE_CUDA - golden test of one fixture
# machine (TAP output). For each line of MACHINE_DIR/cases it runs
# `dlrig --root MACHINE_DIR/root <case>` in a clean environment (with the
# fake NVIDIA libraries answering from MACHINE_DIR/gpus.json when present,
# plus the variables of MACHINE_DIR/env) and compares stdout, stderr and the
# exit code with MACHINE_DIR/expect/<case>.txt.
#
# Narrow goldens (tests/fakes/README.md, "Fixture machines and their
# goldens"): the golden of `--json doctor` (and `--json doctor --live`) holds
# the report, not the snapshot it echoes: narrow_json keeps schema_version,
# status and the findings (their evidence and fixes) and drops "snapshot". The snapshot's
# JSON form is compared only where the cases list the pseudo-case
# `snapshot`: expect/snapshot.txt is what `doctor --save FILE` writes.
#
# Then, on every fixture:
# - round trip: `doctor --save S` (the fixture's `doctor` or `doctor --live`
#   case, which saves on the side, else a run of its own) and then
#   `dlrig doctor --from S`, with no root, no fake library and no variable
#   of the fixture, must print the same report with the same exit code, and
#   `--json doctor --from S` must hold S's facts unchanged, byte for byte
#   (same-snapshot.py names the facts that differ);
# - expect/findings: ids that must appear, and '!id' lines that must not.
#
# A missing expected file is written from the actual output and the test
# FAILS: new goldens are reviewed, never silently accepted. DLRIG_BLESS=1
# rewrites expected files on purpose.
set -u
machine=$1 dlrig=$2 fake_nvml=$3 fake_cuda=$4
name=$(basename "$machine")
here=$(dirname "$0")
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
extra_args= saved= want_snapshot= json_raw=

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
        # a "cublas" section naming libcublas.so.11 gets the one without
        # cublasSetWorkspace_v2 (tests/fakes/cublas11)
        if grep -q '"libcublas.so.11"' "$machine/gpus.json" 2>/dev/null; then
                set -- "$@" DLRIG_CUBLAS_LIB="$(dirname "$fake_cuda")/cublas11/libcublas.so.11"
        elif grep -q '"cublas":' "$machine/gpus.json" 2>/dev/null; then
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
        timeout 60 "$@" "$dlrig" --root "$machine/root" $case_args $extra_args
}

# dlrig alone, as on another machine: no root, no fake library, no variable.
run_plain() {
        timeout 60 env -i PATH=/usr/bin:/bin LC_ALL=C TZ=UTC TERM=dumb NO_COLOR=1 \
                DLRIG_DETERMINISTIC=1 ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
                UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" "$dlrig" "$@"
}

# Strips what legitimately differs between builds: the version (in JSON and
# in the Markdown report's table), build paths.
normalise() {
        sed -e "s|$fake_nvml|@FAKE_NVML@|g" -e "s|$fake_cuda|@FAKE_CUDA@|g" \
            -e "s|$(dirname "$fake_cuda")/|@FAKES@/|g" \
            -e "s|$machine/root|@ROOT@|g" -e "s|$machine|@MACHINE@|g" \
            -e 's|"dlrig_version": "[^"]*"|"dlrig_version": "@VERSION@"|' \
            -e 's/^| dlrig | [^|]* |$/| dlrig | @VERSION@ |/'
}

# narrow_json - the report of `--json doctor` without its "snapshot" object:
# the lines from '  "snapshot": {' to its closing '  }' at the same depth (as
# jansson lays them out), and the comma before them when it was the last key.
# The rest keeps dlrig's bytes.
narrow_json() {
        awk '$0 == "  \"snapshot\": {" { cut = 1; next }
             cut && ($0 == "  }" || $0 == "  },") { cut = 0; if ($0 == "  }") last = 1; next }
             cut { next }
             { if (held != "") print (last ? substr(held, 1, length(held) - (held ~ /,$/)) : held)
               held = $0; last = 0 }
             END { if (held != "") print (last ? substr(held, 1, length(held) - (held ~ /,$/)) : held) }'
}

# snapshot_of REPORT - the "snapshot" object of a `--json doctor` report, as
# `doctor --save` lays it out (two spaces less deep).
snapshot_of() {
        awk '$0 == "  \"snapshot\": {" { on = 1; print "{"; next }
             on && $0 == "  }" { print "}"; exit }
             on { print substr($0, 3) }' "$1"
}

tap() { # ok|not ok, description
        n=$((n + 1))
        echo "$1 $n - $name: $2"
        [ "$1" = ok ] || failed=$((failed + 1))
}

check_case() {
        case_args=$1
        file="$machine/expect/$(printf '%s' "$case_args" | tr ' /' '__' | sed 's/\(^\|_\)-*/\1/g').txt"
        # The doctor case also saves its snapshot (a file; stdout is the same)
        # for the round trip and the snapshot golden.
        case "$case_args" in
        'doctor'|'doctor --live') extra_args="--save $tmp/saved.json" ;;
        *) extra_args= ;;
        esac
        run_dlrig >"$tmp/out" 2>"$tmp/err"
        rc=$?
        extra_args=
        case "$case_args" in
        'doctor'|'doctor --live')
                saved=$case_args
                cp "$tmp/out" "$tmp/saved.out"
                echo "$rc" >"$tmp/saved.rc" ;;
        '--json doctor'|'--json doctor --live')
                [ -n "$json_raw" ] || { json_raw=$case_args; cp "$tmp/out" "$tmp/json"; }
                narrow_json <"$tmp/out" >"$tmp/narrow"
                mv "$tmp/narrow" "$tmp/out" ;;
        esac
        {
                echo "\$ dlrig $case_args"
                normalise <"$tmp/out"
                sed 's/^/# stderr: /' "$tmp/err" | normalise
                echo "# exit $rc"
        } >"$tmp/actual"
        compare "$file" "'$case_args'"
}

# compare EXPECTED DESCRIPTION - $tmp/actual against the golden (or bless it)
compare() {
        file=$1
        what=$2
        if ! stderr_clean "$what"; then return; fi
        if [ "${DLRIG_BLESS:-}" = 1 ]; then
                mkdir -p "$machine/expect" && cp "$tmp/actual" "$file"
                tap ok "$what blessed"
        elif [ ! -f "$file" ]; then
                mkdir -p "$machine/expect" && cp "$tmp/actual" "$file"
                tap "not ok" "$what: no expected output yet; wrote $file, review it"
        elif diff -u "$file" "$tmp/actual" >"$tmp/diff"; then
                tap ok "$what"
        else
                tap "not ok" "$what differs from $file"
                sed 's/^/# /' "$tmp/diff"
        fi
}

# stderr_clean DESCRIPTION - fails the test on $tmp/err's fake or sanitizer complaint
stderr_clean() {
        if grep -q '^fake-' "$tmp/err"; then
                tap "not ok" "$1: a fake library was asked for a fact the fixture lacks"
                sed 's/^/# /' "$tmp/err"
                return 1
        fi
        if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$tmp/err"; then
                tap "not ok" "$1: sanitizer report"
                sed 's/^/# /' "$tmp/err"
                return 1
        fi
        return 0
}

# The round trip: the saved snapshot, judged elsewhere, gives the same report.
check_round_trip() {
        if [ -z "$saved" ]; then
                saved=doctor
                grep -qx 'doctor --live\|--json doctor --live' "$machine/cases" && saved="doctor --live"
                case_args=$saved extra_args="--save $tmp/saved.json"
                run_dlrig >"$tmp/saved.out" 2>"$tmp/err"
                echo $? >"$tmp/saved.rc"
                extra_args=
                stderr_clean "'$saved --save'" || return
        fi
        if [ ! -s "$tmp/saved.json" ]; then
                tap "not ok" "'$saved --save' wrote no snapshot"
                return
        fi
        run_plain doctor --from "$tmp/saved.json" >"$tmp/from.out" 2>"$tmp/err"
        echo $? >"$tmp/from.rc"
        if ! stderr_clean "'doctor --from'"; then :
        elif cmp -s "$tmp/saved.out" "$tmp/from.out" && cmp -s "$tmp/saved.rc" "$tmp/from.rc"; then
                tap ok "'$saved --save' then 'doctor --from' gives the same report"
        else
                tap "not ok" "'doctor --from' differs from '$saved --save' (exit $(cat "$tmp/saved.rc") then $(cat "$tmp/from.rc"))"
                diff -u "$tmp/saved.out" "$tmp/from.out" | sed 's/^/# /'
                sed 's/^/# stderr: /' "$tmp/err"
        fi
        # Every fact read back, whether the text shows it or not.
        run_plain --json doctor --from "$tmp/saved.json" >"$tmp/from.json" 2>"$tmp/err"
        snapshot_of "$tmp/from.json" >"$tmp/from.snap"
        awk 1 "$tmp/saved.json" >"$tmp/saved.snap"  # --save ends without a newline
        if ! stderr_clean "'--json doctor --from'"; then :
        elif cmp -s "$tmp/saved.snap" "$tmp/from.snap"; then
                tap ok "'--json doctor --from' reads back the snapshot it saved"
        else
                python3 "$here/same-snapshot.py" "$tmp/saved.json" "$tmp/from.json" >"$tmp/diff"
                [ -s "$tmp/diff" ] || echo "same facts, other bytes (key order?)" >"$tmp/diff"
                tap "not ok" "'--json doctor --from' does not read back the snapshot it saved"
                sed 's/^/# /' "$tmp/diff"
        fi
}

# The pseudo-case `snapshot`: the saved snapshot's JSON form, in full.
check_snapshot() {
        [ -s "$tmp/saved.json" ] || { tap "not ok" "'snapshot': no saved snapshot"; return; }
        {
                echo "\$ dlrig $saved --save snapshot.json && cat snapshot.json"
                normalise <"$tmp/saved.json"
                echo
        } >"$tmp/actual"
        : >"$tmp/err"
        compare "$machine/expect/snapshot.txt" "'snapshot'"
}

check_findings() {
        [ -f "$machine/expect/findings" ] || { tap "not ok" "expect/findings missing"; return; }
        # The machine's own JSON case (e.g. "--json doctor --live"), else plain.
        case_args=$(grep -m1 -- '--json' "$machine/cases" || echo "--json doctor")
        # The JSON case's output when it ran already.
        [ "$json_raw" = "$case_args" ] || run_dlrig >"$tmp/json" 2>/dev/null
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
        case "$c" in
        ''|'#'*) continue ;;
        snapshot) want_snapshot=1 ;;
        *) check_case "$c" ;;
        esac
done <"$machine/cases"
check_round_trip
[ -z "$want_snapshot" ] || check_snapshot
check_findings
echo "1..$n"
[ "$failed" = 0 ]
