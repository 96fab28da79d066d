#!/bin/sh
# errors.sh DLRIG - bad input of every kind gets a clear one-line error and
# the documented exit code (3), never a crash, a hang or a sanitizer report.
set -u
dlrig=$1
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C TERM=dumb NO_COLOR=1
n=0 failed=0

# expect CODE PATTERN -- ARGS...: exit code CODE and stderr matching PATTERN.
expect() {
        code=$1 pattern=$2
        shift 3
        n=$((n + 1))
        timeout 30 "$dlrig" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        if [ "$rc" != "$code" ] || ! grep -qE -e "$pattern" "$tmp/err" ||
           grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$tmp/err"; then
                echo "not ok $n - dlrig $*: exit $rc (want $code), stderr:"
                sed 's/^/#   /' "$tmp/err"
                failed=$((failed + 1))
        else
                echo "ok $n - dlrig $*"
        fi
}

"$dlrig" doctor --save "$tmp/snap.json" >/dev/null 2>&1
printf '{"schema_version": 1, "gpus": [ {"index": 0, "memory_total_bytes": "big"} ] }' >"$tmp/badtype.json"
printf '{"schema_version": 1, "os": ' >"$tmp/truncated.json"
printf '{"schema_version": 7}' >"$tmp/future.json"
printf '\0\1\2garbage' >"$tmp/binary.json"

expect 3 "unknown command 'frobnicate'" -- frobnicate
expect 3 "unknown option '--frob'" -- doctor --frob
expect 3 "unknown option '--bogus'" -- --bogus doctor
expect 3 "no command given" --
expect 3 "--color must be" -- --color=sometimes doctor
expect 3 "unexpected argument 'extra'" -- doctor extra
expect 3 "cannot be combined" -- doctor --save "$tmp/x" --from "$tmp/snap.json"
expect 3 "cannot open root '/nonexistent'" -- --root /nonexistent doctor
expect 3 "cannot read snapshot" -- doctor --from "$tmp/missing.json"
expect 3 "not valid JSON" -- doctor --from "$tmp/truncated.json"
expect 3 "not valid JSON" -- doctor --from "$tmp/binary.json"
expect 3 "gpus\[0\]\.memory_total_bytes: expected an integer" -- doctor --from "$tmp/badtype.json"
expect 3 "schema_version: expected 1" -- doctor --from "$tmp/future.json"
expect 3 "cannot save snapshot to '/nonexistent/dir/s.json'" -- doctor --save /nonexistent/dir/s.json

# A report that cannot be written is a failure to judge.
n=$((n + 1))
if [ -w /dev/full ]; then
        "$dlrig" doctor >/dev/full 2>"$tmp/err"; rc=$?
        if [ "$rc" = 3 ] && grep -q "could not write the report" "$tmp/err"; then
                echo "ok $n - report to a full disk"
        else
                echo "not ok $n - report to a full disk: exit $rc"; failed=$((failed + 1))
        fi
else
        echo "ok $n # SKIP no /dev/full"
fi

# The saved snapshot judges the same as the live run.
n=$((n + 1))
"$dlrig" doctor >"$tmp/live" 2>/dev/null; a=$?
"$dlrig" doctor --from "$tmp/snap.json" >"$tmp/from" 2>/dev/null; b=$?
if [ "$a" = "$b" ] && diff -u "$tmp/live" "$tmp/from" >"$tmp/diff"; then
        echo "ok $n - --from reproduces the live report"
else
        echo "not ok $n - --from differs from the live report (exit $a vs $b)"
        sed 's/^/#   /' "$tmp/diff"
        failed=$((failed + 1))
fi
echo "1..$n"
[ "$failed" = 0 ]
