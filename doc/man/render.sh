#!/bin/sh
# render.sh SCDOC OUT PAGE.scd [FINDINGS.scd] - renders a man page with scdoc;
# the line @FINDINGS@ is replaced by FINDINGS (dlrig __findings' catalogue).
set -eu
scdoc=$1 out=$2 in=$3 findings=${4:-}
if [ -n "$findings" ]; then
        grep -q '^\*' "$findings" || { echo "render.sh: $findings lists no finding" >&2; exit 1; }
        awk -v f="$findings" '$0 == "@FINDINGS@" { while ((getline l < f) > 0) print l; next } { print }' \
                "$in" >"$out.scd"
else
        cp "$in" "$out.scd"
fi
"$scdoc" <"$out.scd" >"$out.tmp"
rm -f "$out.scd"
mv "$out.tmp" "$out"
