#!/bin/sh
# prometheus.sh SOURCE_ROOT DLRIG FAKE_NVML FAKE_CUDA - doctor's Prometheus
# form and contrib/prometheus/ (docs/fleet.md, "Prometheus"), TAP:
# - `promtool check metrics` accepts every `doctor --format prometheus`
#   golden, and a fresh run on each of those fixtures written with --output,
#   whose file is the golden's output;
# - --output replaces the file atomically: rewritten while a reader reads it
#   in a loop, every read is one whole report (from its first line to its
#   last), and no temporary file is left behind;
# - a folder dlrig may not write to: a clear error naming the file, exit 3,
#   the old file untouched (as nobody through setpriv when run as root);
# - other reports refuse the form (exit 3); systemd-analyze verify accepts
#   the service and timer (skipped without systemd-analyze);
# - `promtool check rules` on the alert rules, and `promtool test rules`: each
#   alert fires on the series that should raise it, and only there.
# Skipped (77) without promtool (Debian's prometheus package; scripts/deps.sh
# test installs it).
set -u
src=$1 dlrig=$2 fake_nvml=$3 fake_cuda=$4
command -v promtool >/dev/null 2>&1 ||
        { echo "1..0 # SKIP promtool not installed (apt-get install prometheus; scripts/deps.sh test)"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
n=0 failed=0
tap() { # ok|not ok, description
        n=$((n + 1))
        echo "$1 $n - $2"
        [ "$1" = ok ] || failed=$((failed + 1))
}

# dlrig on fixture $1 as the golden runner runs it (tests/golden/run.sh)
run_on() {
        machine=$src/tests/machines/$1
        shift
        set -- env -i PATH=/usr/bin:/bin LC_ALL=C TZ=UTC DLRIG_DETERMINISTIC=1 \
                DLRIG_DRIVER_TIMEOUT_MS=2000 ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
                UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" "$@"
        if grep -q '"nvml":' "$machine/gpus.json" 2>/dev/null; then
                set -- "$@" DLRIG_NVML_LIB="$fake_nvml" DLRIG_FAKE_MACHINE="$machine/gpus.json"
        fi
        if grep -q '"cuda":' "$machine/gpus.json" 2>/dev/null; then
                set -- "$@" DLRIG_CUDA_LIB="$fake_cuda" DLRIG_FAKE_MACHINE="$machine/gpus.json"
        fi
        timeout 60 "$@" "$dlrig" --root "$machine/root" doctor --format prometheus --output "$out"
}

# the metrics of a golden: without the command line and the exit status
body() { sed -e '1d' -e '/^# exit /d' "$1"; }

machines=
for g in "$src"/tests/machines/*/expect/doctor_format_prometheus.txt; do
        [ -f "$g" ] || continue
        m=$(basename "$(dirname "$(dirname "$g")")")
        machines="$machines $m"
        body "$g" >"$tmp/golden.prom"
        if promtool check metrics <"$tmp/golden.prom" >"$tmp/lint" 2>&1; then
                tap ok "$m: promtool check metrics accepts the golden"
        else
                tap "not ok" "$m: promtool check metrics rejects the golden: $(tr '\n' ' ' <"$tmp/lint")"
        fi
        out=$tmp/$m.prom
        run_on "$m" >"$tmp/stdout" 2>"$tmp/stderr"
        rc=$?
        want=$(sed -n 's/^# exit //p' "$g")
        if [ "$rc" != "$want" ] || [ -s "$tmp/stdout" ] || [ -s "$tmp/stderr" ]; then
                tap "not ok" "$m: --output: exit $rc (want $want), stdout $(wc -c <"$tmp/stdout") bytes, stderr: $(cat "$tmp/stderr")"
        elif ! cmp -s "$out" "$tmp/golden.prom"; then
                tap "not ok" "$m: --output wrote another report than the golden: $(diff "$tmp/golden.prom" "$out" | head -5 | tr '\n' ' ')"
        elif ! promtool check metrics <"$out" >"$tmp/lint" 2>&1; then
                tap "not ok" "$m: promtool check metrics rejects --output's file: $(tr '\n' ' ' <"$tmp/lint")"
        else
                tap ok "$m: --output writes the golden's metrics, exit $rc, promtool accepts them"
        fi
done
[ -n "$machines" ] || tap "not ok" "no doctor --format prometheus golden found"

# --output is atomic: two fixtures written in turn over one file while a
# reader reads it; each read must be one whole report.
mkdir -p "$tmp/collector"
out=$tmp/collector/dlrig.prom
run_on a10g-x8-ubuntu2204 >/dev/null 2>&1
cp "$out" "$tmp/healthy.prom"
run_on a10g-x8-ecc-remap >/dev/null 2>&1
cp "$out" "$tmp/broken.prom"
if cmp -s "$tmp/healthy.prom" "$tmp/broken.prom" || ! grep -q 'dlrig_check_status 2' "$tmp/broken.prom"; then
        tap "not ok" "a second --output run did not replace the first's file"
else
        tap ok "a second --output run replaces the file with its own report"
fi
(
        for _ in 1 2 3 4 5 6; do
                run_on a10g-x8-ubuntu2204 >/dev/null 2>&1
                run_on a10g-x8-ecc-remap >/dev/null 2>&1
        done
        touch "$tmp/writer-done"
) &
reads=0 torn=0
while [ ! -e "$tmp/writer-done" ]; do
        cat "$out" >"$tmp/read" 2>/dev/null || { torn=$((torn + 1)); continue; }
        reads=$((reads + 1))
        cmp -s "$tmp/read" "$tmp/healthy.prom" || cmp -s "$tmp/read" "$tmp/broken.prom" ||
                { torn=$((torn + 1)); cp "$tmp/read" "$tmp/torn"; }
done
wait
if [ "$torn" -eq 0 ] && [ "$reads" -gt 0 ]; then
        tap ok "$reads reads during 12 rewrites: each one whole report"
else
        tap "not ok" "$torn of $reads reads during rewrites saw no file or a partial one ($(wc -c <"$tmp/torn" 2>/dev/null) bytes)"
fi
left=$(find "$tmp/collector" -mindepth 1 ! -name dlrig.prom)
if [ -z "$left" ]; then
        tap ok "no temporary file left beside dlrig.prom"
else
        tap "not ok" "left in the collector's folder: $left"
fi

# A folder dlrig may not write to: exit 3, a message naming the file, the
# old file as it was.
mkdir "$tmp/ro"
cp "$tmp/healthy.prom" "$tmp/ro/dlrig.prom"
chmod 755 "$tmp/ro"
chmod 644 "$tmp/ro/dlrig.prom"
chmod 555 "$tmp/ro"
as=
if [ "$(id -u)" = 0 ]; then
        if command -v setpriv >/dev/null 2>&1; then
                as="setpriv --reuid=65534 --regid=65534 --clear-groups"
        else
                as=none
        fi
fi
if [ "$as" = none ]; then
        tap ok "# SKIP read-only folder: running as root and no setpriv to drop to nobody"
else
        out=$tmp/ro/dlrig.prom
        # shellcheck disable=SC2086
        $as env -i PATH=/usr/bin:/bin DLRIG_DETERMINISTIC=1 ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
                UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
                "$dlrig" --root "$src/tests/machines/a10g-x8-no-driver/root" doctor --format prometheus \
                --output "$out" >"$tmp/stdout" 2>"$tmp/stderr"
        rc=$?
        if [ "$rc" = 3 ] && grep -q "dlrig: cannot write '$out': Permission denied" "$tmp/stderr" &&
           cmp -s "$out" "$tmp/healthy.prom" && [ "$(find "$tmp/ro" -mindepth 1)" = "$out" ]; then
                tap ok "read-only folder: exit 3, '$(cat "$tmp/stderr")', the old file untouched"
        else
                tap "not ok" "read-only folder: exit $rc, stderr: $(cat "$tmp/stderr"), folder: $(find "$tmp/ro" -mindepth 1 | tr '\n' ' ')"
        fi
fi

# Only doctor has the form; the others say so and exit 3.
"$dlrig" topo --format prometheus >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
if [ "$rc" = 3 ] && grep -q "dlrig topo has no prometheus form" "$tmp/stderr" && [ ! -s "$tmp/stdout" ]; then
        tap ok "topo --format prometheus: exit 3, no prometheus form"
else
        tap "not ok" "topo --format prometheus: exit $rc, stderr: $(cat "$tmp/stderr")"
fi

# The systemd units, pointed at this dlrig (systemd-analyze checks that
# ExecStart's programs exist).
rules=$src/contrib/prometheus
if command -v systemd-analyze >/dev/null 2>&1; then
        mkdir "$tmp/units"
        sed "s|/usr/bin/dlrig |$dlrig |" "$rules/dlrig-prometheus.service" >"$tmp/units/dlrig-prometheus.service"
        cp "$rules/dlrig-prometheus.timer" "$tmp/units/"
        if grep -q "^ExecStart=$dlrig doctor --format prometheus --output /var/lib/prometheus/node-exporter/dlrig.prom\$" \
                "$tmp/units/dlrig-prometheus.service" &&
           systemd-analyze verify --man=no "$tmp/units/dlrig-prometheus.service" \
                "$tmp/units/dlrig-prometheus.timer" >"$tmp/lint" 2>&1 && [ ! -s "$tmp/lint" ]; then
                tap ok "systemd-analyze verify: the service and its timer"
        else
                tap "not ok" "systemd-analyze verify: $(tr '\n' ' ' <"$tmp/lint")"
        fi
else
        tap ok "# SKIP systemd-analyze not installed: the units are not verified"
fi

# The alert rules
if promtool check rules "$rules/dlrig-alerts.yml" >"$tmp/lint" 2>&1; then
        tap ok "promtool check rules contrib/prometheus/dlrig-alerts.yml"
else
        tap "not ok" "promtool check rules: $(tr '\n' ' ' <"$tmp/lint")"
fi
if (cd "$rules" && promtool test rules dlrig-alerts.test.yml) >"$tmp/lint" 2>&1; then
        tap ok "promtool test rules: each alert fires where it should"
else
        tap "not ok" "promtool test rules: $(cat "$tmp/lint")"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
