#!/bin/sh
# fleet.sh SRC DLRIG - dlrig fleet (TAP): the goldens of tests/fleet/reports
# (expect/*.txt: stdout, then "exit N"), and bad input: truncated JSON, a
# newer schema_version, not JSON, a foreign JSON file, a duplicate host (the
# newer kept), an empty folder, nothing readable. DLRIG_BLESS=1 rewrites goldens.
set -u
src=$1 dlrig=$2
here=$src/tests/fleet
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$tmp/err" 2>/dev/null | head -20; }
run() { (cd "$here" && env -i PATH=/usr/bin:/bin LC_ALL=C ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
        UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" "$dlrig" "$@") >"$tmp/out" 2>"$tmp/err"; echo $? >"$tmp/rc"; }

golden() { # NAME ARGS...
        name=$1; shift
        run "$@"
        { cat "$tmp/out"; echo "exit $(cat "$tmp/rc")"; } >"$tmp/got"
        if [ "${DLRIG_BLESS:-}" = 1 ] || [ ! -f "$here/expect/$name.txt" ]; then
                mkdir -p "$here/expect"; cp "$tmp/got" "$here/expect/$name.txt"
        fi
        if cmp -s "$tmp/got" "$here/expect/$name.txt" && [ ! -s "$tmp/err" ]; then ok "golden $name"
        else diff -u "$here/expect/$name.txt" "$tmp/got" | sed 's/^/# /' | head -40; bad "golden $name"; fi
}
golden table fleet reports
golden json --json fleet reports
golden markdown fleet --format markdown reports

expect() { # WHAT RC PATTERN ARGS... : exit code and a stderr line
        what=$1 rc=$2 pat=$3; shift 3
        run "$@"
        if [ "$(cat "$tmp/rc")" = "$rc" ] && grep -q -- "$pat" "$tmp/err"; then ok "$what"
        else echo "# exit $(cat "$tmp/rc"), want $rc; stderr lacks '$pat'"; bad "$what"; fi
}
good=$here/reports/node01.json
head -c 2000 "$good" >"$tmp/truncated.json"
sed 's/"schema_version": 1,/"schema_version": 99,/' "$good" >"$tmp/newer.json"
echo 'hello, not json' >"$tmp/text.json"
echo '{"name": "some other tool"}' >"$tmp/foreign.json"
: >"$tmp/empty-file.json"
mkdir "$tmp/empty"
expect "truncated JSON named, skipped, exit at least 1" 1 "skipped $tmp/truncated.json: truncated JSON" fleet "$good" "$tmp/truncated.json"
expect "newer schema named" 1 "schema_version 99 is newer than this dlrig's 1" fleet "$good" "$tmp/newer.json"
expect "not JSON named" 1 "skipped $tmp/text.json: not JSON" fleet "$good" "$tmp/text.json"
expect "foreign JSON named" 1 "not a dlrig report or snapshot" fleet "$good" "$tmp/foreign.json"
expect "empty file named" 1 "empty file" fleet "$good" "$tmp/empty-file.json"
expect "empty folder named" 1 "a folder with no \*.json report" fleet "$good" "$tmp/empty"
expect "missing file named" 1 "cannot read it" fleet "$good" "$tmp/nope.json"
expect "nothing readable: exit 3" 3 "no readable report" fleet "$tmp/truncated.json" "$tmp/empty"
expect "failing node: exit 2" 2 "newer than" fleet reports "$tmp/newer.json"
# two reports of node01: the newer file is kept whatever the order
cp "$good" "$tmp/old.json"; cp "$good" "$tmp/new.json"
touch -d '2024-01-01 00:00' "$tmp/old.json"; touch -d '2024-06-01 00:00' "$tmp/new.json"
expect "duplicate host: newer kept (given first)" 0 "node01: two reports, kept $tmp/new.json (newer) over $tmp/old.json" fleet "$tmp/new.json" "$tmp/old.json"
expect "duplicate host: newer kept (given last)" 0 "node01: two reports, kept $tmp/new.json (newer) over $tmp/old.json" fleet "$tmp/old.json" "$tmp/new.json"
run --json fleet "$tmp/old.json" "$tmp/new.json"
if python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); assert len(j["nodes"])==1 and j["notes"]' "$tmp/out"; then ok "duplicate host: one node in --json, the note in notes"; else bad "duplicate host json"; fi
# a --save snapshot is judged by the checks
python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); json.dump(j["snapshot"]|{"schema_version":1}, open(sys.argv[2],"w"))' "$here/reports/node04.json" "$tmp/save.json"
run fleet "$tmp/save.json"
if [ "$(cat "$tmp/rc")" = 2 ] && grep -q "torch.cuda-newer-than-driver" "$tmp/out"; then ok "a --save snapshot is judged"; else bad "a --save snapshot is judged"; fi
expect "usage: no report" 3 "no report given" fleet
echo "1..$n"
[ "$failed" -eq 0 ]
