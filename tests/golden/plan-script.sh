#!/bin/sh
# plan-script.sh DLRIG MACHINES_DIR MACHINE... - the output of
# `dlrig plan --script` (and with each installer) must pass `sh -n` and the
# linter for every listed fixture machine (TAP; shellcheck missing:
# those checks are skipped, not passed).
set -u
dlrig=$1 machines=$2
shift 2
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
tap() {
        n=$((n + 1))
        echo "$1 $n - $2"
        case "$1" in "not ok") failed=$((failed + 1)) ;; esac
}
for m in "$@"; do
        for opts in "" "--installer uv" "--installer miniconda --hold-kernel"; do
                # shellcheck disable=SC2086 # opts holds several words on purpose
                env -i PATH=/usr/bin:/bin LC_ALL=C DLRIG_DETERMINISTIC=1 ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
                        UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
                        "$dlrig" --root "$machines/$m/root" plan --script $opts >"$tmp/s.sh" 2>"$tmp/err"
                rc=$?
                what="$m plan --script $opts"
                if [ "$rc" != 0 ]; then
                        tap "not ok" "$what: exit $rc"; sed 's/^/# /' "$tmp/err"; continue
                fi
                if sh -n "$tmp/s.sh" 2>"$tmp/err"; then tap ok "$what: sh -n"; else
                        tap "not ok" "$what: sh -n"; sed 's/^/# /' "$tmp/err"
                fi
                if ! command -v shellcheck >/dev/null 2>&1; then
                        tap "ok" "$what: shellcheck # SKIP shellcheck not installed"
                elif shellcheck -s sh "$tmp/s.sh" >"$tmp/err" 2>&1; then
                        tap ok "$what: shellcheck"
                else
                        tap "not ok" "$what: shellcheck"; sed 's/^/# /' "$tmp/err"
                fi
        done
done
echo "1..$n"
[ "$failed" = 0 ]
