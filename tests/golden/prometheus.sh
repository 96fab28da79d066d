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

# dlrig on fixture $1 as the golden runner runs it (tests/golden/run.sh);
# the other arguments (no spaces) are doctor's too
run_on() {
        machine=$src/tests/machines/$1
        shift
        dargs="$*"
        set -- env -i PATH=/usr/bin:/bin LC_ALL=C TZ=UTC DLRIG_DETERMINISTIC=1 \
                DLRIG_DRIVER_TIMEOUT_MS=2000 ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
                UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}"
        if grep -q '"nvml":' "$machine/gpus.json" 2>/dev/null; then
                set -- "$@" DLRIG_NVML_LIB="$fake_nvml" DLRIG_FAKE_MACHINE="$machine/gpus.json"
        fi
        if grep -q '"cuda":' "$machine/gpus.json" 2>/dev/null; then
                set -- "$@" DLRIG_CUDA_LIB="$fake_cuda" DLRIG_FAKE_MACHINE="$machine/gpus.json"
        fi
        # shellcheck disable=SC2086 # dargs: words without spaces
        timeout 60 "$@" "$dlrig" --root "$machine/root" doctor --format prometheus --output "$out" $dargs
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

# doctor --bench FILE: a bench --save file's figures and verdict after
# doctor's metrics. Saved on two bench fixtures (one whose copies and GEMMs
# come back wrong), each figure checked against the file, GPUs labelled with
# the NVML index of the GPU of the same bus id (dlrig_gpu_info).
bench_save() { # MACHINE FILE: bench --quick --save with the fakes
        machine=$src/tests/machines/$1 fakes=$(dirname "$fake_cuda")
        # shellcheck disable=SC2046 # the fixture's env file: one VAR=value a line
        timeout 120 env -i PATH=/usr/bin:/bin LC_ALL=C TZ=UTC DLRIG_DETERMINISTIC=1 DLRIG_DRIVER_TIMEOUT_MS=2000 \
                ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
                $(grep -v '^#' "$machine/env" 2>/dev/null) DLRIG_CUDA_LIB="$fakes/libcuda.so.1" \
                DLRIG_CUBLAS_LIB="$fakes/libcublas.so.13" DLRIG_NCCL_LIB="$fakes/libnccl.so.2" \
                DLRIG_FAKE_MACHINE="$machine/gpus.json" "$dlrig" --root "$machine/root" bench --quick --save "$2" \
                >/dev/null 2>&1
        echo $? # bench's exit status: what dlrig_bench_status must say
}
for m in bench-a10g-x8 bench-rtx4090-x4-corrupt; do
        want=$(bench_save "$m" "$tmp/$m.bench.json")
        out=$tmp/$m.bench.prom
        run_on "$m" --bench "$tmp/$m.bench.json" >"$tmp/stdout" 2>"$tmp/stderr"
        if ! promtool check metrics <"$out" >"$tmp/lint" 2>&1; then
                tap "not ok" "$m: doctor --bench: promtool check metrics: $(tr '\n' ' ' <"$tmp/lint") $(cat "$tmp/stderr")"
        elif python3 - "$tmp/$m.bench.json" "$out" "$want" >"$tmp/check" 2>&1 <<'PY'
import json, re, sys
bench = json.load(open(sys.argv[1]))["bench"]
text = open(sys.argv[2]).read()
series = dict(re.findall(r"^(dlrig_[a-z0-9_]+(?:\{.*\})?) (\S+)$", text, re.M))
nvml = {re.search(r'pci_bus_id="([^"]+)"', k).group(1).lower().lstrip("0"): re.search(r'gpu="(\d+)"', k).group(1)
        for k in series if k.startswith("dlrig_gpu_info{")}
label = {g["index"]: nvml.get(g["pci_bus_id"].lower().lstrip("0"), "cuda%d" % g["index"]) for g in bench["gpus"]}
want = {"dlrig_bench_status": float(sys.argv[3])}
for g in bench["gpus"]:
    for d in ("h2d", "d2h", "d2d"):
        if g[d + "_gbps"] > 0:
            want['dlrig_bench_copy_gbps{gpu="%s",direction="%s"}' % (label[g["index"]], d)] = g[d + "_gbps"]
for m in bench["gemms"]:
    if m["tflops"] > 0:
        want['dlrig_bench_gemm_tflops{gpu="%s",dtype="%s"}' % (label[m["index"]], m["dtype"])] = m["tflops"]
for p in bench["pairs"]:
    if p["uni_gbps"] > 0:
        want['dlrig_bench_p2p_gbps{src="%s",dst="%s",direction="uni"}' % (label[p["src"]], label[p["dst"]])] = p["uni_gbps"]
want['dlrig_bench_wrong_results{case="copies"}'] = sum(g["wrong_words"] for g in bench["gpus"])
want['dlrig_bench_wrong_results{case="gemm"}'] = sum(m["wrong_samples"] for m in bench["gemms"])
bad = [f"{k}: want {v}, got {series.get(k)}" for k, v in want.items()
       if k not in series or abs(float(series[k]) - v) > 1e-5 * max(1, abs(v))]
if not nvml or any(v.startswith("cuda") for v in label.values()):
    bad.append(f"GPUs not matched to NVML indexes by bus id: {label}")
print("; ".join(bad[:5]) or f"{len(want)} series as the bench file says")
sys.exit(1 if bad else 0)
PY
        then
                tap ok "$m: doctor --bench: $(cat "$tmp/check"), bench's exit $want, promtool accepts them"
        else
                tap "not ok" "$m: doctor --bench: $(cat "$tmp/check")"
        fi
done
corrupt=$tmp/bench-rtx4090-x4-corrupt.bench.prom
if grep -q '^dlrig_bench_wrong_results{case="pairs"} [1-9]' "$corrupt" && grep -q '^dlrig_bench_status 2$' "$corrupt" &&
   grep -q '^dlrig_bench_finding{id="bench.copy-wrong",severity="fail",gpu=""} [1-9]' "$corrupt"; then
        tap ok "a bench whose GPU-to-GPU copies came back wrong: wrong results counted, bench.copy-wrong, status 2"
else
        tap "not ok" "the corrupt bench's metrics: $(grep -E '^dlrig_bench_(status|wrong|finding\{)' "$corrupt" | tr '\n' ' ')"
fi
out=$tmp/nobench.prom
run_on a10g-x8-ubuntu2204 --bench "$src/tests/fleet/reports/node01.json" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
if [ "$rc" = 3 ] && grep -q "holds no bench: save one with 'dlrig bench --save FILE'" "$tmp/stderr" && [ ! -e "$out" ]; then
        tap ok "doctor --bench on a file without a bench: exit 3, the reason, nothing written"
else
        tap "not ok" "doctor --bench on a file without a bench: exit $rc, $(cat "$tmp/stderr")"
fi
"$dlrig" doctor --bench "$tmp/bench-a10g-x8.bench.json" >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
if [ "$rc" = 3 ] && grep -q -- "--bench adds a bench's figures to --format prometheus only" "$tmp/stderr"; then
        tap ok "doctor --bench without --format prometheus: usage error, exit 3"
else
        tap "not ok" "doctor --bench without --format prometheus: exit $rc, $(cat "$tmp/stderr")"
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
