#!/bin/sh
# slurm-real.sh DLRIG MACHINES FAKE_NVML FAKE_CUDA - dlrig health --slurm
# against a real one-node Slurm (Debian's slurmctld, slurmd, munge and
# scontrol): munged, slurmctld and slurmd run as children of this script on
# loopback, every file of theirs in one temp dir, all stopped on every exit.
# Shows with the real scontrol that a broken fixture drains the node with
# "dlrig: <finding id> <text>", a healthy one resumes it, an admin's drain is
# left alone, and a Slurm that does not answer (slurmctld stopped, then gone)
# ends in exit 3 with a clear message within --timeout. TAP output.
#
# Where the daemons cannot start (packages missing, munged or slurmd
# refusing, a port taken) it says why and exits 77 (skipped), never 0.
# scripts/deps.sh test installs slurmctld, slurmd, slurm-client and munge.
set -u
dlrig=$1 machines=$2 fake_nvml=$3 fake_cuda=$4
broken=a10g-x8-ecc-remap healthy=a10g-x8-ubuntu2204
finding=health.ecc-uncorrected

skip() { echo "1..0 # SKIP $*"; exit 77; }
for t in munged mungekey munge slurmctld slurmd scontrol python3; do
        PATH=$PATH:/usr/sbin:/sbin command -v $t >/dev/null 2>&1 ||
                skip "$t not installed (apt-get install slurmctld slurmd slurm-client munge; scripts/deps.sh test)"
done
PATH=$PATH:/usr/sbin:/sbin

tmp=$(mktemp -d) || exit 99
pids=""
# stop PID - SIGCONT (it may be stopped), SIGTERM to its process group (the
# daemon and helpers it forked, slurmctld's slurmscriptd), SIGKILL after 5 s.
stop() {
        kill -CONT "$1" 2>/dev/null
        kill -TERM -- "-$1" 2>/dev/null || kill -TERM "$1" 2>/dev/null
        i=0
        while kill -0 "$1" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
        kill -KILL -- "-$1" 2>/dev/null || kill -KILL "$1" 2>/dev/null
        wait "$1" 2>/dev/null
}
# shellcheck disable=SC2317 # called by the trap
cleanup() {
        for p in $pids; do stop "$p"; done
        rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 99' HUP INT TERM
# start NAME CMD... - runs a daemon in the foreground as our child, in its
# own process group (setsid execs in place: $! is the daemon), in $pid.
start() {
        name=$1; shift
        setsid "$@" > "$tmp/$name.out" 2>&1 &
        pid=$!
        pids="$pid $pids"
}
# why FILE... - the last lines of the daemons' logs, for a skip or a failure
why() { tail -n 5 "$@" 2>/dev/null | tr '\n' ' ' | cut -c1-400; }

# munged insists that every directory above its socket is searchable by all.
chmod 711 "$tmp" && mkdir -m 755 "$tmp/run" && mkdir -m 700 "$tmp/state" "$tmp/spool" || exit 99
mungekey --create --keyfile="$tmp/munge.key" > "$tmp/mungekey.out" 2>&1 ||
        skip "mungekey cannot create a key: $(why "$tmp/mungekey.out")"
sock=$tmp/run/munge.sock
start munged munged --foreground --force --key-file="$tmp/munge.key" --socket="$sock" \
        --pid-file="$tmp/run/munged.pid" --log-file="$tmp/munged.log" --seed-file="$tmp/munged.seed"
i=0
until echo x | munge --socket="$sock" 2>/dev/null | unmunge --socket="$sock" >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -gt 50 ] && skip "munged did not start: $(why "$tmp/munged.out")"
        sleep 0.1
done

# Two free loopback ports: bound to 0 by the kernel, then released.
ports=$(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])') || skip "no free loopback port"
# shellcheck disable=SC2086 # two numbers
set -- $ports
# The node is this host's short name: what slurmd registers as and what
# dlrig health uses without SLURMD_NODENAME.
host=$(uname -n) host=${host%%.*}
user=$(id -un)
cat > "$tmp/slurm.conf" <<EOF
ClusterName=dlrigtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$1
SlurmdPort=$2
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/linear
SwitchType=switch/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=1 State=UNKNOWN
PartitionName=dlrig Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$tmp/slurm.conf"
start slurmctld slurmctld -D -f "$SLURM_CONF"
ctld=$pid
start slurmd slurmd -D -f "$SLURM_CONF"

# state / reason - the node's State= and Reason= as the real scontrol shows them
show() { timeout 10 scontrol show node "$host" 2>&1; }
state() { show | sed -n 's/^ *State=\([^ ]*\).*/\1/p'; }
reason() { show | sed -n 's/^ *Reason=//p'; }
i=0
until state | grep -qx 'IDLE'; do
        i=$((i + 1))
        [ $i -gt 100 ] && skip "slurmd did not register as an idle node $host within 20 s: $(state)" \
                "$(why "$tmp/slurmctld.out" "$tmp/slurmd.out")"
        sleep 0.2
done

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
        n=$((n + 1)); failed=1; echo "not ok $n - $1"
        sed 's/^/# /' "$tmp/out"; show | grep -E 'State=|Reason=' | sed 's/^ */# scontrol: /'
}
# health MACHINE [ARGS] - one run on a fixture, as Slurm's HealthCheckProgram
# would run it (no SLURMD_NODENAME: the node is the host name); output in
# $tmp/out, exit status in $rc, seconds taken in $took.
health() {
        m=$machines/$1; shift
        t0=$(date +%s)
        timeout 60 env -i PATH="/usr/bin:/bin:/usr/sbin:/sbin" LC_ALL=C SLURM_CONF="$SLURM_CONF" \
                DLRIG_DETERMINISTIC=1 DLRIG_DRIVER_TIMEOUT_MS=1500 DLRIG_NVML_LIB="$fake_nvml" \
                DLRIG_CUDA_LIB="$fake_cuda" DLRIG_FAKE_MACHINE="$m/gpus.json" \
                ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
                LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
                "$dlrig" --root "$m/root" health --slurm "$@" > "$tmp/out" 2>&1
        rc=$?
        took=$(( $(date +%s) - t0 ))
}

health $broken
st=$(state) re=$(reason)
case "$rc/$st/$re" in
2/*DRAIN*/"dlrig: $finding "*) ok "broken fixture: real node drained, State=$st Reason=$re" ;;
*) not_ok "broken fixture: node not drained by dlrig (exit $rc, State=$st Reason=$re)" ;;
esac
# Slurm appends " [user@time]" to the reason it was given.
given=${re% \[*}
if [ ${#given} -le 63 ]; then ok "reason as given to Slurm: ${#given} <= 63 characters"
else not_ok "reason too long (${#given}): $given"; fi

sleep 1 # a new drain would show in the reason's time stamp
health $broken
if [ $rc = 2 ] && [ "$(reason)" = "$re" ] && grep -q 'stays drained' "$tmp/out"; then
        ok "still broken: stays drained, reason and its time stamp unchanged"
else not_ok "still broken (exit $rc)"; fi

health $healthy
st=$(state)
if [ $rc = 0 ] && [ "${st#*DRAIN}" = "$st" ] && [ -z "$(reason)" ] &&
   grep -q "^slurm: resumed node $host" "$tmp/out"; then
        ok "healthy fixture: real node resumed, State=$st"
else not_ok "healthy fixture: node not resumed (exit $rc, State=$st)"; fi

scontrol update nodename="$host" state=drain reason="admin: maint" > "$tmp/out" 2>&1 ||
        not_ok "scontrol update by the admin failed"
health $healthy
st=$(state) re=$(reason)
case "$rc/$st/$re" in
0/*DRAIN*/"admin: maint "*)
        if grep -q 'drained by someone else' "$tmp/out"; then
                ok "healthy run leaves the admin's drain: State=$st Reason=$re"
        else not_ok "admin's drain kept, but not said"; fi ;;
*) not_ok "admin's drain undone by a healthy run (exit $rc, State=$st Reason=$re)" ;;
esac
health $broken
if [ $rc = 2 ] && [ "$(reason)" = "$re" ] && grep -q 'left alone' "$tmp/out"; then
        ok "broken run keeps the admin's reason"
else not_ok "admin's reason overwritten (exit $rc, Reason=$(reason))"; fi

# A slurmctld that accepts but never answers (stopped): the deadline.
kill -STOP "$ctld"
health $broken --timeout 3
kill -CONT "$ctld"
if [ $rc = 3 ] && [ $took -le 5 ] && grep -q 'did not answer within' "$tmp/out" &&
   grep -q 'node was not changed' "$tmp/out"; then
        ok "slurmctld stopped: exit 3 within --timeout 3 (${took}s) with a clear message"
else not_ok "slurmctld stopped (exit $rc, ${took}s)"; fi

# No slurmctld at all: scontrol fails or waits; either way exit 3, in time.
stop "$ctld"
health $healthy --timeout 4
if [ $rc = 3 ] && [ $took -le 6 ] && grep -Eq 'health: scontrol show (failed|did not answer)' "$tmp/out"; then
        ok "slurmctld gone: exit 3 within --timeout 4 (${took}s): $(grep 'health: scontrol' "$tmp/out" | cut -c1-120)"
else not_ok "slurmctld gone (exit $rc, ${took}s)"; fi

echo "1..$n"
exit $failed
