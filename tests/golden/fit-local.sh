#!/bin/sh
# fit-local.sh DLRIG MODELS_DIR - golden test of dlrig fit on local model
# folders (TAP output). Each line of MODELS_DIR/cases runs as
# `dlrig fit <line>` (a leading --json goes before "fit") from MODELS_DIR, so
# paths are relative; the absolute folder is printed as @MODELS@. stdout,
# stderr and the exit code are compared with MODELS_DIR/expect/<case>.txt.
# A missing expected file is written and the test fails; DLRIG_BLESS=1
# rewrites them on purpose (then read them).
set -u
dlrig=$1 models=$(cd "$2" && pwd)
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

tap() { # ok|not ok, description
        n=$((n + 1))
        echo "$1 $n - fit-local: $2"
        [ "$1" = ok ] || failed=$((failed + 1))
}

check_case() {
        line=$1 json=
        case "$line" in --json\ *) json=--json line=${line#--json } ;; esac
        label="${json:+$json }fit $line"
        file="$models/expect/$(printf '%s' "$label" | tr ' /' '__' | sed 's/\(^\|_\)-*/\1/g').txt"
        # shellcheck disable=SC2086  # the case is a word list on purpose
        (cd "$models" && env -i PATH=/usr/bin:/bin LC_ALL=C TZ=UTC TERM=dumb NO_COLOR=1 \
                ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
                LSAN_OPTIONS="${LSAN_OPTIONS:-}" DLRIG_DETERMINISTIC=1 \
                timeout 60 "$dlrig" $json fit $line) >"$tmp/out" 2>"$tmp/err"
        rc=$?
        {
                echo "\$ dlrig $label"
                sed -e "s|$models|@MODELS@|g" -e 's|"dlrig_version": "[^"]*"|"dlrig_version": "@VERSION@"|' "$tmp/out"
                sed -e "s|$models|@MODELS@|g" -e 's/^/# stderr: /' "$tmp/err"
                echo "# exit $rc"
        } >"$tmp/actual"
        if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$tmp/err"; then
                tap "not ok" "'$label': sanitizer report"
                sed 's/^/# /' "$tmp/err"
        elif [ "${DLRIG_BLESS:-}" = 1 ]; then
                mkdir -p "$models/expect" && cp "$tmp/actual" "$file"
                tap ok "'$label' blessed"
        elif [ ! -f "$file" ]; then
                mkdir -p "$models/expect" && cp "$tmp/actual" "$file"
                tap "not ok" "'$label': no expected output yet; wrote $file, review it"
        elif diff -u "$file" "$tmp/actual" >"$tmp/diff"; then
                tap ok "'$label'"
        else
                tap "not ok" "'$label' differs from $file"
                sed 's/^/# /' "$tmp/diff"
        fi
}

while IFS= read -r c; do
        case "$c" in ''|'#'*) continue ;; esac
        check_case "$c"
done <"$models/cases"
echo "1..$n"
[ "$failed" = 0 ]
