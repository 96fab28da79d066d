#!/bin/sh
# kb.sh DLRIG - "dlrig kb" answers the required facts, rejects unknown
# queries with exit 3 and a hint, and its --json output parses.
set -u
dlrig=$1
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C TERM=dumb NO_COLOR=1
n=0 failed=0

report() {
        n=$((n + 1))
        if [ "$1" = 0 ]; then
                echo "ok $n - $2"
        else
                echo "not ok $n - $2"
                sed 's/^/#   /' "$tmp/out" "$tmp/err"
                failed=$((failed + 1))
        fi
}

# has "WORDS..." -- ARGS...: exit 0 and every word on stdout.
has() {
        words=$1
        shift 2
        "$dlrig" "$@" >"$tmp/out" 2>"$tmp/err"
        ok=$?
        for w in $words; do
                grep -qF -e "$w" "$tmp/out" || ok=1
        done
        report "$ok" "dlrig $* shows $words"
}

# unknown LINES -- ARGS...: exit 3, nothing on stdout, LINES lines on
# stderr (an unknown query: one; a usage error adds the usage line).
unknown() {
        lines=$1
        shift 2
        "$dlrig" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        [ "$rc" = 3 ] && [ "$(wc -l <"$tmp/err")" = "$lines" ] && [ ! -s "$tmp/out" ]
        report $? "dlrig $* exits 3 (got $rc)"
}

# json ARGS...: exit 0 and stdout is one JSON value.
json() {
        "$dlrig" --json "$@" >"$tmp/out" 2>"$tmp/err" &&
                python3 -c 'import json,sys; json.load(sys.stdin)' <"$tmp/out" 2>>"$tmp/err"
        report $? "dlrig --json $* parses"
}

has "530.30.02 525.60.13" -- kb cuda 12.1
has "530.30.02 525.60.13" -- kb cuda 12.1.105
has "12.1 13.0" -- kb cuda
has "cu118 cu121 cu124 cpu 0.20.1 3.9 3.13" -- kb torch 2.5.1
has "2237 Ampere 8.6 24" -- kb gpu A10G
has "Hopper 9.0" -- kb gpu "H100 SXM"
has "A10G H100" -- kb gpu
# an ambiguous name lists its matches and exits 0; a whole word picks one
has "H200 SXM" -- kb gpu H200
has "H200 NVL" -- kb gpu H200
has "2329 Hopper 96" -- kb gpu H20
has "Workstation Max-Q Server" -- kb gpu "RTX PRO 6000"
has "5090 5080 5070 5060" -- kb gpu "GeForce RTX 50"
has "GB300 GB10 H20 L20 5080" -- kb gpu
has "Ampere 8.0 8.6" -- kb arch 8.6
has "8.6" -- kb arch ampere
has "GPU_HAS_FALLEN_OFF_THE_BUS" -- kb xid 79
has "usage: dlrig kb" -- kb --help
unknown 1 -- kb cuda 99.9
unknown 1 -- kb torch 9.9.9
unknown 1 -- kb gpu Z9000
unknown 1 -- kb arch 42.0
unknown 1 -- kb xid 12345x
unknown 2 -- kb nonesuch
unknown 2 -- kb
for q in "cuda" "cuda 12.1" "torch" "torch 2.5.1" "gpu" "gpu A10G" "gpu H200" "arch" "arch 8.6" "xid 79"; do
        # shellcheck disable=SC2086 # the topic and query are two words
        json kb $q
done
"$dlrig" kb gpu >"$tmp/a" 2>&1; "$dlrig" kb gpu >"$tmp/b" 2>&1
cmp -s "$tmp/a" "$tmp/b" >"$tmp/out" 2>"$tmp/err"
report $? "dlrig kb gpu is deterministic"

echo "1..$n"
[ "$failed" = 0 ]
