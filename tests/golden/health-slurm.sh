#!/bin/sh
# health-slurm.sh DLRIG MACHINES FAKE_NVML FAKE_CUDA - dlrig health --slurm
# against a fake scontrol (first on PATH): it answers "show node" from
# $state_dir/state and $state_dir/reason and logs every call. TAP output.
set -u
dlrig=$1 machines=$2 fake_nvml=$3 fake_cuda=$4
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; sed 's/^/# /' "$tmp/out" "$tmp/calls" 2>/dev/null; }

mkdir "$tmp/bin" "$tmp/empty"
cat > "$tmp/bin/scontrol" <<'SH'
#!/bin/sh
echo "$*" >> "$FAKE_SLURM/calls"
[ -f "$FAKE_SLURM/hang" ] && exec sleep 30
case "$1 $2" in
"show node")
        printf 'NodeName=%s Arch=x86_64 CoresPerSocket=4\n   State=%s ThreadsPerCore=2 TmpDisk=0\n   Reason=%s\n' \
                "$3" "$(cat "$FAKE_SLURM/state")" "$(cat "$FAKE_SLURM/reason")" ;;
"update nodename="*) ;;
*) echo "scontrol: unexpected $*" >&2; exit 1 ;;
esac
SH
chmod +x "$tmp/bin/scontrol"

# health MACHINE PATH [ARGS] - one run of "$verb --slurm" (dlrig health, or
# its alias doctor --health); stdout+stderr in $tmp/out, exit in $rc
verb=health
health() {
        m=$machines/$1 path=$2; shift 2
        : > "$tmp/calls"
        # shellcheck disable=SC2086 # $verb is one or two words
        timeout 60 env -i PATH="$path" LC_ALL=C DLRIG_DETERMINISTIC=1 DLRIG_DRIVER_TIMEOUT_MS=1500 \
                SLURMD_NODENAME=gpu07 FAKE_SLURM="$tmp" DLRIG_NVML_LIB="$fake_nvml" \
                DLRIG_CUDA_LIB="$fake_cuda" DLRIG_FAKE_MACHINE="$m/gpus.json" \
                ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
                LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
                "$dlrig" --root "$m/root" $verb --slurm "$@" > "$tmp/out" 2>&1
        rc=$?
}
node() { echo "$1" > "$tmp/state"; echo "$2" > "$tmp/reason"; }
P=$tmp/bin:/usr/bin:/bin
broken=a10g-x8-ecc-remap healthy=a10g-x8-ubuntu2204

node IDLE none
health $broken "$P"
if [ $rc = 2 ] && grep -qx 'update nodename=gpu07 state=drain reason=dlrig: health.ecc-uncorrected GPU 3 (0000:00:19.0) has 2 uncorr' "$tmp/calls" &&
   grep -q '^slurm: drained node gpu07: dlrig: health.ecc-uncorrected' "$tmp/out"; then
        ok "failure drains the node with 'dlrig: <id> <text>' (63 characters)"
else not_ok "failure drains the node (rc $rc)"; fi
reason=$(sed -n 's/.* reason=//p' "$tmp/calls")
if [ ${#reason} -le 63 ]; then ok "reason is ${#reason} <= 63 characters"; else not_ok "reason too long: ${#reason}"; fi

node IDLE+DRAIN 'dlrig: health.ecc-uncorrected GPU 3 (0000:00:19.0) has 2 uncorr [root@2026-01-01T00:00:00]'
health $broken "$P"
if [ $rc = 2 ] && ! grep -q update "$tmp/calls" && grep -q 'stays drained' "$tmp/out"; then
        ok "still failing, already drained by dlrig for it: no update"
else not_ok "already drained by dlrig (rc $rc)"; fi

health $healthy "$P"
if [ $rc = 0 ] && grep -qx 'update nodename=gpu07 state=resume' "$tmp/calls"; then
        ok "healthy again and drained by dlrig: resumed"
else not_ok "resume when healthy (rc $rc)"; fi

node DRAINED 'bad DIMM, ticket 4711 [alice@2026-01-01T00:00:00]'
health $healthy "$P"
if [ $rc = 0 ] && ! grep -q update "$tmp/calls" && grep -q 'drained by someone else' "$tmp/out"; then
        ok "healthy, drained by an admin: left drained"
else not_ok "admin's drain resumed? (rc $rc)"; fi
health $broken "$P"
if [ $rc = 2 ] && ! grep -q update "$tmp/calls" && grep -q 'left alone' "$tmp/out"; then
        ok "failing, drained by an admin: reason not overwritten"
else not_ok "admin's reason overwritten? (rc $rc)"; fi

node IDLE none
health $healthy "$P"
if [ $rc = 0 ] && ! grep -q update "$tmp/calls"; then ok "healthy and idle: nothing changed"
else not_ok "healthy idle node changed (rc $rc)"; fi

# doctor --health is dlrig health: the same drain, and health's options.
verb="doctor --health"
health $broken "$P" --timeout 5
if [ $rc = 2 ] && grep -q '^update nodename=gpu07 state=drain reason=dlrig: health.ecc-uncorrected' "$tmp/calls"; then
        ok "doctor --health --slurm --timeout 5 drains like dlrig health"
else not_ok "doctor --health --slurm (rc $rc)"; fi
health $broken "$P" --live
if [ $rc = 3 ] && grep -q "unknown option '--live'" "$tmp/out" && ! grep -q update "$tmp/calls"; then
        ok "doctor --health takes health's options only: --live is a usage error"
else not_ok "doctor --health --live (rc $rc)"; fi
verb=health

touch "$tmp/hang"
start=$(date +%s)
health $broken "$P" --timeout 3
took=$(( $(date +%s) - start ))
if [ $rc = 3 ] && [ $took -le 6 ] && grep -q 'did not answer within' "$tmp/out" &&
   grep -q 'node was not changed' "$tmp/out"; then
        ok "scontrol hangs: deadline, clear message, exit 3 (${took}s)"
else not_ok "scontrol hang (rc $rc, ${took}s)"; fi
rm "$tmp/hang"

health $broken "$tmp/empty"
if [ $rc = 3 ] && grep -q 'scontrol not found on PATH' "$tmp/out"; then ok "scontrol missing: exit 3 with the reason"
else not_ok "scontrol missing (rc $rc)"; fi

echo "1..$n"
exit $failed
