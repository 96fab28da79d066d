#!/bin/sh
# topo-dot.sh SOURCE_ROOT - every `dlrig topo --dot` golden renders with
# Graphviz: dot -Tpng accepts it and writes a PNG. Skipped (77) without dot.
set -u
root=$1
command -v dot >/dev/null 2>&1 || { echo "dot not installed (scripts/deps.sh test)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for f in "$root"/tests/machines/*/expect/topo_dot.txt; do
        [ -f "$f" ] || continue
        # the golden holds the command line first and the exit status last
        sed -e '1d' -e '/^# exit /d' "$f" >"$tmp/g.dot"
        if ! dot -Tpng "$tmp/g.dot" -o "$tmp/g.png" 2>"$tmp/err"; then
                echo "dot rejects $f:"; cat "$tmp/err"; exit 1
        fi
        if [ "$(head -c 4 "$tmp/g.png" | od -An -c | tr -d ' ')" != "211PNG" ]; then
                echo "dot wrote no PNG for $f"; exit 1
        fi
        n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "no topo --dot golden found"; exit 1; }
echo "$n DOT goldens render"
