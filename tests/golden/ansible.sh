#!/bin/sh
# ansible.sh SOURCE_ROOT DLRIG FAKE_NVML FAKE_CUDA - contrib/ansible/ with the
# real ansible-playbook (docs/fleet.md, "Ansible"), TAP. An inventory of three
# hosts on local connections, each pointed at its own fixture machine (--root
# and the fake NVIDIA libraries, as tests/golden/run.sh runs them): a healthy
# one, a broken one (a failed row remap) and one with no driver.
# - collect.yml puts dlrig on each host, runs doctor and fetches each host's
#   report and snapshot to reports/HOST/; each report has the host's status;
# - dlrig fleet over the fetched reports (and over the snapshots) names the
#   broken host with its finding and exits 2;
# - a host where doctor cannot judge (exit 3) fails with dlrig's message;
# - setup.yml in check mode (--check): dlrig plan runs, only the host with
#   steps to do is marked, and setup --yes is not run (the fixtures are not
#   changed). setup.yml is not run for real: it would change the machines.
# Skipped (77) without ansible-playbook (Debian's ansible-core; scripts/deps.sh
# test installs it).
set -u
src=$1 dlrig=$2 fake_nvml=$3 fake_cuda=$4
command -v ansible-playbook >/dev/null 2>&1 ||
        { echo "1..0 # SKIP ansible-playbook not installed (apt-get install ansible-core; scripts/deps.sh test)"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
tap() { # ok|not ok, description
        n=$((n + 1))
        echo "$1 $n - $2"
        [ "$1" = ok ] || failed=$((failed + 1))
}

# No home configuration: everything Ansible writes stays in $tmp.
export HOME="$tmp/home" ANSIBLE_CONFIG="$tmp/ansible.cfg" \
        ANSIBLE_LOCAL_TEMP="$tmp/ansible-local" ANSIBLE_REMOTE_TEMP="$tmp/ansible-remote" \
        ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_RETRY_FILES_ENABLED=False \
        ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_DEPRECATION_WARNINGS=False \
        ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False \
        ANSIBLE_GATHERING=explicit ANSIBLE_COLLECTIONS_PATH="$tmp/collections" \
        ANSIBLE_ROLES_PATH="$src/contrib/ansible/roles" LC_ALL=C.UTF-8
mkdir -p "$HOME"
: >"$ANSIBLE_CONFIG"
cd "$tmp" || exit 99

# inventory line of host $1 on fixture $2
host_line() {
        machine=$src/tests/machines/$2
        envs=
        if grep -q '"nvml":' "$machine/gpus.json" 2>/dev/null; then
                envs="\"DLRIG_NVML_LIB\":\"$fake_nvml\",\"DLRIG_FAKE_MACHINE\":\"$machine/gpus.json\""
        fi
        if grep -q '"cuda":' "$machine/gpus.json" 2>/dev/null; then
                envs="$envs${envs:+,}\"DLRIG_CUDA_LIB\":\"$fake_cuda\",\"DLRIG_FAKE_MACHINE\":\"$machine/gpus.json\""
        fi
        h=$tmp/hosts/$1
        mkdir -p "$h"
        printf "%s ansible_connection=local ansible_python_interpreter=%s dlrig_root=%s dlrig_binary_dest=%s dlrig_snapshot=%s dlrig_report=%s dlrig_environment='{%s}'\n" \
                "$1" "$(command -v python3)" "$machine/root" "$h/dlrig" "$h/snap.json" "$h/report.json" "$envs"
}

{
        echo "[gpu]"
        host_line node-ok a10g-x8-ubuntu2204
        host_line node-broken a100-x8-remap-failed
        host_line node-nodriver a10g-x8-no-driver
} >"$tmp/inventory"
reports=$tmp/reports

ansible-playbook -i "$tmp/inventory" "$src/contrib/ansible/collect.yml" \
        -e dlrig_binary_src="$dlrig" -e dlrig_reports_dir="$reports" >"$tmp/collect.log" 2>&1
rc=$?
if [ $rc = 0 ]; then
        tap ok "collect.yml succeeds on the three hosts"
else
        tap "not ok" "collect.yml: exit $rc: $(tail -20 "$tmp/collect.log")"
fi

# host, status of its report
for hs in node-ok:info node-broken:fail node-nodriver:fail; do
        h=${hs%%:*} want=${hs#*:}
        r=$reports/$h/$h.json s=$reports/$h/snapshot/$h.json
        got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$r" 2>&1)
        if [ "$got" = "$want" ]; then
                tap ok "$h: fetched report has status $want"
        else
                tap "not ok" "$h: fetched report $r: status '$got', want $want"
        fi
        if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "os" in d and "status" not in d' "$s" 2>/dev/null; then
                tap ok "$h: fetched snapshot"
        else
                tap "not ok" "$h: no snapshot at $s"
        fi
        if [ -x "$tmp/hosts/$h/dlrig" ] && cmp -s "$dlrig" "$tmp/hosts/$h/dlrig"; then
                tap ok "$h: dlrig copied to the host"
        else
                tap "not ok" "$h: dlrig not copied to $tmp/hosts/$h/dlrig"
        fi
done

# dlrig fleet over the fetched reports, then over the snapshots
fleet_check() { # what, args...
        what=$1
        shift
        "$dlrig" fleet "$@" >"$tmp/fleet.out" 2>"$tmp/fleet.err"
        rc=$?
        if [ $rc = 2 ] && grep -q '^node-broken .*health.remap-failed' "$tmp/fleet.out" &&
                grep -q '^node-ok ' "$tmp/fleet.out" && grep -q '^node-nodriver ' "$tmp/fleet.out" &&
                ! grep -q '^node-ok .*health.remap-failed' "$tmp/fleet.out" && [ ! -s "$tmp/fleet.err" ]; then
                tap ok "dlrig fleet on the fetched $what names node-broken with health.remap-failed, exit 2"
        else
                tap "not ok" "dlrig fleet on the fetched $what: exit $rc: $(cat "$tmp/fleet.out" "$tmp/fleet.err")"
        fi
}
fleet_check reports "$reports"/*/*.json
fleet_check snapshots "$reports"/*/snapshot

# exit 3 (could not judge) fails the host with dlrig's message: a --root
# that does not exist
{
        echo "[gpu]"
        host_line node-ok a10g-x8-ubuntu2204
        echo "node-gone ansible_connection=local ansible_python_interpreter=$(command -v python3) dlrig_root=$tmp/no-such-root dlrig_binary_dest=$tmp/hosts/node-ok/dlrig dlrig_snapshot=$tmp/gone-snap.json dlrig_report=$tmp/gone-report.json"
} >"$tmp/inventory3"
ansible-playbook -i "$tmp/inventory3" "$src/contrib/ansible/collect.yml" \
        -e dlrig_binary_src="$dlrig" -e dlrig_reports_dir="$tmp/reports3" >"$tmp/collect3.log" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q 'dlrig doctor could not judge node-gone (exit 3)' "$tmp/collect3.log" &&
        grep -q 'node-gone .*failed=1' "$tmp/collect3.log" && grep -q 'node-ok .*failed=0' "$tmp/collect3.log" &&
        [ -f "$tmp/reports3/node-ok/node-ok.json" ]; then
        tap ok "exit 3 fails only that host, with dlrig's message"
else
        tap "not ok" "exit 3: ansible-playbook exit $rc: $(tail -25 "$tmp/collect3.log")"
fi

# setup.yml in check mode: only node-nodriver has steps to do; nothing runs
touch "$tmp/before-setup"
ansible-playbook -i "$tmp/inventory" "$src/contrib/ansible/setup.yml" --check \
        -e dlrig_binary_src="$dlrig" >"$tmp/setup.log" 2>&1
rc=$?
changed=$(find "$src/tests/machines/a10g-x8-ubuntu2204" "$src/tests/machines/a100-x8-remap-failed" \
        "$src/tests/machines/a10g-x8-no-driver" -newer "$tmp/before-setup" | head -3)
if [ $rc = 0 ] && grep -q 'dlrig: node-nodriver has [1-9][0-9]* steps to do' "$tmp/setup.log" &&
        grep -q 'dlrig: node-ok has 0 steps to do' "$tmp/setup.log" &&
        grep -q 'dlrig: node-broken has 0 steps to do' "$tmp/setup.log" && [ -z "$changed" ]; then
        tap ok "setup.yml --check: only node-nodriver is marked, no fixture file changed"
else
        tap "not ok" "setup.yml --check: exit $rc, changed: $changed: $(tail -30 "$tmp/setup.log")"
fi
# serial: 1, one host per batch: a PLAY RECAP after three batches of one
batches=$(grep -c '^TASK \[dlrig : Ask dlrig plan' "$tmp/setup.log")
if [ "$batches" = 3 ]; then
        tap ok "setup.yml runs one host at a time (3 batches)"
else
        tap "not ok" "setup.yml: $batches plan tasks, want 3 (serial: 1)"
fi

# any_errors_fatal: a host whose plan fails (its root is gone) stops the
# play: the hosts after it are not even planned (check mode again)
{
        echo "[gpu]"
        echo "node-gone ansible_connection=local ansible_python_interpreter=$(command -v python3) dlrig_root=$tmp/no-such-root dlrig_binary_dest=$tmp/hosts/node-ok/dlrig"
        host_line node-nodriver a10g-x8-no-driver
} >"$tmp/inventory4"
ansible-playbook -i "$tmp/inventory4" "$src/contrib/ansible/setup.yml" --check \
        -e dlrig_binary_src="$dlrig" >"$tmp/setup4.log" 2>&1
rc=$?
if [ $rc != 0 ] && grep -q 'fatal: \[node-gone\]' "$tmp/setup4.log" &&
        ! grep -q 'node-nodriver has' "$tmp/setup4.log"; then
        tap ok "setup.yml stops at the first failing host (exit $rc), the next host is not planned"
else
        tap "not ok" "setup.yml after a failing host: exit $rc: $(tail -30 "$tmp/setup4.log")"
fi

echo "1..$n"
[ $failed = 0 ]
