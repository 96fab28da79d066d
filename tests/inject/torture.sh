#!/bin/sh
# torture.sh DLRIG SHIM MACHINES FAKE_NVML FAKE_CUDA - the allocation countdown
# of STYLE.md §21 (c): run a few commands with the N-th allocation and every
# later one failing, for growing N, until the command completes as it does
# unhindered. Every run before that must fail gracefully: exit 0-3 with a
# message, never a signal or a sanitizer report.
#
# N goes 1, 2, ... 32 one by one (start-up, option parsing, the first reads),
# then grows by an eighth each time, so a command making tens of thousands of
# allocations is covered in about a hundred runs.
set -u
. "$(dirname "$0")/common.sh"
inject_init "$@"
guide=a10g-x8-ubuntu2204

torture() { # description, machine, dlrig arguments...
        what=$1 machine=$2
        shift 2
        run_machine "$machine" "" "$@"
        want_rc=$rc
        cp "$tmp/out" "$tmp/want"
        nth=1 runs=0 bad=0
        while [ $runs -lt 400 ]; do
                run_machine "$machine" "DLRIG_INJECT_ALLOC=$nth" "$@"
                runs=$((runs + 1))
                if ! graceful; then
                        bad=$((bad + 1))
                        echo "# $what: allocation $nth failing:"
                        why
                        [ $bad -lt 3 ] || break
                fi
                if [ $rc -eq "$want_rc" ] && cmp -s "$tmp/out" "$tmp/want"; then
                        break
                fi
                if [ $nth -lt 32 ]; then nth=$((nth + 1)); else nth=$((nth + nth / 8)); fi
        done
        if [ $bad -eq 0 ] && [ $runs -lt 400 ]; then
                tap ok "$what: graceful under $runs allocation failures (completes from $nth)"
        else
                tap "not ok" "$what: $bad ungraceful failures in $runs runs"
        fi
}

run_machine $guide "" doctor --save "$tmp/snap.json"
torture "doctor --json" $guide --json doctor
torture "doctor --from" $guide doctor --from "$tmp/snap.json"
torture "kb torch" $guide kb torch
torture "env" $guide env
torture "usage error" $guide doctor --no-such-flag

echo "1..$n"
[ "$failed" -eq 0 ]
