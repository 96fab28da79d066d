#!/bin/sh
# coverage.sh SRC_DIR - docs/coverage.md maps each failure-catalogue entry
# F01..F42 exactly once, and every row is of one kind:
#   mapped        finding ids and fixture machines, no pending marker
#                 ("partly" in the text: some of the entry is not covered);
#   pending       a "(pending: topo|bench|lead)" marker, with or without
#                 ids already there (then "partly mapped");
#   not detectable "not detectable by a program: <reason>", no ids.
# Every id a row names must be in src/check/finding-catalog.c and be proven
# (a positive line, not "!id") by one of the row's fixtures, and every
# fixture must exist and prove one of the row's ids. TAP output.
set -u
top=${1:-.}
doc=$top/docs/coverage.md
catalog=$top/src/check/finding-catalog.c
machines=$top/tests/machines
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

[ -r "$doc" ] || { printf "1..1\nnot ok 1 - no %s\n" "$doc"; exit 1; }
grep -oE '^[[:space:]]*\{ "[a-z]+\.[a-z0-9-]+"' "$catalog" | sed 's/.*"\(.*\)"/\1/' | sort -u >"$tmp/catalog"

# One line per table row: entry <TAB> ids <TAB> fixtures <TAB> coverage text.
# Only backticked words of the id and fixture columns count.
awk -F'|' '
function ticks(s,   out, n, i, parts) {
        out = ""; n = split(s, parts, "`")
        for (i = 2; i <= n; i += 2) out = out (out == "" ? "" : " ") parts[i]
        return out
}
/^\| F[0-9][0-9] \|/ {
        e = $2; gsub(/ /, "", e)
        cov = ""; for (i = 6; i < NF; i++) cov = cov $i
        printf "%s\t%s\t%s\t%s\n", e, ticks($4), ticks($5), cov
}' "$doc" >"$tmp/rows"

# machine <TAB> id for every positive line of every fixture's expect/findings.
# A line "machine <TAB>" (no id) names each fixture, even one proving nothing.
for f in "$machines"/*/expect/findings; do
        m=${f%/expect/findings}; printf '%s\t\n' "${m##*/}"
done >"$tmp/proven"
awk '{ m = FILENAME; sub(/\/expect\/findings$/, "", m); sub(/.*\//, "", m) }
     /^[!#]/ || /^$/ { next } { print m "\t" $0 }' "$machines"/*/expect/findings >>"$tmp/proven"

# One awk pass (the test machine is small and busy: no fork per row).
awk -F'\t' -v catalog="$tmp/catalog" -v proven="$tmp/proven" '
BEGIN {
        while ((getline id < catalog) > 0) incat[id] = 1
        while ((getline line < proven) > 0) {
                split(line, p, "\t"); fixture[p[1]] = 1
                if (p[2] != "") proves[p[1], p[2]] = 1
        }
        for (i = 1; i <= 42; i++) want[sprintf("F%02d", i)] = 1
        n = 0; fail = 0
        print "1..44"
}
{ count[$1]++; if (!($1 in row)) row[$1] = $0 }
function ok(msg) { print "ok " ++n " - " msg }
function notok(msg, why) { fail = 1; print "not ok " ++n " - " msg; if (why != "") print "# " why }
function markers(cov,   out, rest, m) {
        out = ""; rest = cov
        while (match(rest, /\(pending: (topo|bench|lead)\)/)) {
                m = substr(rest, RSTART, RLENGTH)
                if (index(out, m) == 0) out = out (out == "" ? "" : " ") m
                rest = substr(rest, RSTART + RLENGTH)
        }
        return out
}
# The verdict for one row, or "!" and the reason it is wrong.
function judge(ids, fixtures, cov,   mk, ni, nf, I, F, i, j, hit, reason) {
        mk = markers(cov)
        ni = split(ids, I, " "); nf = split(fixtures, F, " ")
        if (index(cov, "not detectable by a program")) {
                if (mk != "") return "!both pending and not detectable"
                if (ni + nf > 0) return "!not detectable but names ids or fixtures"
                reason = cov; sub(/.*not detectable by a program:[ \t]*/, "", reason)
                if (reason == cov || length(reason) < 20) return "!not detectable without a reason"
                return "not detectable"
        }
        if (mk == "" && (ni == 0 || nf == 0))
                return "!neither mapped (ids and fixtures), pending nor not detectable"
        if (ni > 0 && nf == 0) return "!ids without a fixture"
        if (ni == 0 && nf > 0) return "!fixtures without an id"
        for (j = 1; j <= nf; j++)
                if (!(F[j] in fixture)) return "!no fixture tests/machines/" F[j]
        for (i = 1; i <= ni; i++) {
                if (!(I[i] in incat)) return "!" I[i] " is not in finding-catalog.c"
                hit = 0
                for (j = 1; j <= nf; j++) if ((F[j], I[i]) in proves) hit = 1
                if (!hit) return "!" I[i] " is proven by none of: " fixtures
        }
        for (j = 1; j <= nf; j++) {
                hit = 0
                for (i = 1; i <= ni; i++) if ((F[j], I[i]) in proves) hit = 1
                if (!hit) return "!" F[j] " proves none of: " ids
        }
        if (mk != "") return (ni ? "partly mapped, " : "") mk
        return (cov ~ /partly/ ? "mapped (partly): " : "mapped: ") ids
}
END {
        bad = ""
        for (e in count) if (!(e in want) || count[e] != 1) bad = bad " " e " x" count[e]
        for (e in want) if (!(e in count)) bad = bad " " e " missing"
        if (bad == "") ok("F01..F42 each appear exactly once")
        else notok("F01..F42 each appear exactly once", substr(bad, 2))
        mapped = mpartly = pending = partly = undetectable = 0
        for (i = 1; i <= 42; i++) {
                e = sprintf("F%02d", i)
                if (!(e in row)) { notok(e, "no row"); continue }
                split(row[e], c, "\t")
                v = judge(c[2], c[3], c[4])
                if (substr(v, 1, 1) == "!") { notok(e, substr(v, 2)); continue }
                ok(e " " v)
                if (v == "not detectable") undetectable++
                else if (v ~ /^mapped: /) mapped++
                else if (v ~ /^mapped \(partly\)/) { mapped++; mpartly++ }
                else if (v ~ /^partly mapped/) { pending++; partly++ }
                else pending++
        }
        if (mapped + pending + undetectable == 42)
                ok(mapped " mapped (" mpartly " of them partly), " pending " pending (" partly " of them partly mapped), " undetectable " not detectable")
        else
                notok("kinds add up to 42", mapped " mapped, " pending " pending, " undetectable " not detectable")
        exit fail
}' "$tmp/rows"
