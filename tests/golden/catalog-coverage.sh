#!/bin/sh
# catalog-coverage.sh SRC_DIR - every finding in the catalogue is proven by
# at least one fixture machine (a positive line in tests/machines/*/expect/
# findings, a judged report's tests/reports/*.findings, or a unit test's
# tests/unit/*.findings that the test itself holds to its cases), and every id a
# fixture names exists in the catalogue.
set -u
top=$1
catalog=$top/src/check/finding-catalog.c
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
grep -oE '^[[:space:]]*\{ "[a-z]+\.[a-z0-9-]+"' "$catalog" | sed 's/.*"\(.*\)"/\1/' | sort -u >"$tmp/catalog"
cat "$top"/tests/machines/*/expect/findings "$top"/tests/reports/*.findings "$top"/tests/unit/*.findings | grep -v '^#' | grep . | sed 's/^!//' | sort -u >"$tmp/named"
grep -hv '^[!#]' "$top"/tests/machines/*/expect/findings "$top"/tests/reports/*.findings "$top"/tests/unit/*.findings | grep . | sort -u >"$tmp/proven"
fail=0
unproven=$(comm -23 "$tmp/catalog" "$tmp/proven")
if [ -n "$unproven" ]; then
        echo "findings no fixture machine proves:"; echo "$unproven"; fail=1
fi
unknown=$(comm -13 "$tmp/catalog" "$tmp/named")
if [ -n "$unknown" ]; then
        echo "fixtures name findings the catalogue lacks:"; echo "$unknown"; fail=1
fi
[ "$fail" = 0 ] && echo "all $(wc -l <"$tmp/catalog") findings proven by a fixture machine"
exit $fail
