#!/bin/sh
# setup.sh DLRIG MACHINES_DIR - dlrig setup's executor in a scratch root
# (TAP). The guide's bare machine is copied to a temporary folder; every
# command goes to a recorder (DLRIG_SETUP_RUNNER) and downloads come from a
# local HTTP server on 127.0.0.1 (DLRIG_DOWNLOAD_MIRROR), so the files setup
# edits and downloads are real files in the scratch tree. Checks: commands
# and their order, backups, idempotence, resume after a failure, refusal of
# a kernel change, a read-only file and a full disk losing nothing, a cut
# download resumed, a checksum mismatch refused.
set -u
dlrig=$1 machines=$2
here=$(cd "$(dirname "$0")" && pwd)
expect=$here/setup-expect
tmp=$(mktemp -d) || exit 99
n=0 failed=0 server=

cleanup() {
        [ -n "$server" ] && kill "$server" 2>/dev/null
        chmod -R u+w "$tmp" 2>/dev/null
        rm -rf "$tmp"
}
trap cleanup EXIT

tap() { # ok|not ok, description
        n=$((n + 1))
        echo "$1 $n - $2"
        [ "$1" = ok ] || failed=$((failed + 1))
}
check() { # description, command...
        d=$1; shift
        if "$@"; then tap ok "$d"; else tap "not ok" "$d"; fi
}

# The installer the mirror serves (a shell script big enough to be cut),
# its published checksum, and a copy whose published checksum is wrong.
dl=conda-forge/miniforge/releases/latest/download
mkdir -p "$tmp/www/$dl" "$tmp/www/bad/$dl"
{ echo '#!/bin/sh'; i=0; while [ $i -lt 2000 ]; do echo "# miniforge stand-in line $i"; i=$((i + 1)); done; } \
        >"$tmp/www/$dl/Miniforge3-Linux-x86_64.sh"
(cd "$tmp/www/$dl" && sha256sum Miniforge3-Linux-x86_64.sh >Miniforge3-Linux-x86_64.sh.sha256)
cp "$tmp/www/$dl/Miniforge3-Linux-x86_64.sh" "$tmp/www/bad/$dl/"
echo "0000000000000000000000000000000000000000000000000000000000000000  x" \
        >"$tmp/www/bad/$dl/Miniforge3-Linux-x86_64.sh.sha256"
python3 "$here/http-range.py" "$tmp/www" "$tmp/port" "$tmp/http.log" --cut 1000 &
server=$!
i=0
while [ ! -f "$tmp/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -f "$tmp/port" ] || { echo "1..0 # SKIP no local HTTP server"; exit 77; }
mirror=http://127.0.0.1:$(cat "$tmp/port")

fresh() { # NAME: a scratch copy of the bare guide machine
        rm -rf "${tmp:?}/$1"
        mkdir -p "$tmp/$1"
        cp -a "$machines/a10g-x8-bare/root" "$tmp/$1/root"
        : >"$tmp/$1/cmds"
}
setup() { # NAME, extra env and arguments...
        m=$1; shift
        env -i PATH=/usr/bin:/bin LC_ALL=C TZ=UTC TERM=dumb NO_COLOR=1 DLRIG_DETERMINISTIC=1 \
                ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
                LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
                DLRIG_SETUP_RUNNER="$here/setup-recorder.sh" RECORDER_LOG="$tmp/$m/cmds" \
                DLRIG_DOWNLOAD_MIRROR="${MIRROR:-$mirror}" "$@" >"$tmp/$m/out" 2>"$tmp/$m/err"
}
run() { # NAME, dlrig arguments...
        m=$1; shift
        # shellcheck disable=SC2086 # RENV holds NAME=value words, or nothing
        setup "$m" ${RENV:-} timeout 120 "$dlrig" --root "$tmp/$m/root" setup --yes "$@"
        echo $?
}
same() { cmp -s "$1" "$2"; }
has() { grep -q -- "$2" "$1"; }
hasnt() { ! grep -q -- "$2" "$1"; }

# 1. The first run: the commands, in order, and the files.
fresh a
rc=$(run a)
check "first run exits 0 (got $rc)" [ "$rc" = 0 ]
if [ "${DLRIG_BLESS:-}" = 1 ]; then mkdir -p "$expect" && cp "$tmp/a/cmds" "$expect/commands.txt"; fi
if diff -u "$expect/commands.txt" "$tmp/a/cmds" >"$tmp/diff"; then
        tap ok "commands and their order"
else
        tap "not ok" "commands differ from setup-expect/commands.txt"; sed 's/^/# /' "$tmp/diff"
fi
bashrc=$tmp/a/root/home/ubuntu/.bashrc
check ".bashrc has the dlrig block" has "$bashrc" '^# >>> dlrig cuda >>>$'
check ".bashrc backed up first" same "$bashrc.dlrig-bak" "$machines/a10g-x8-bare/root/home/ubuntu/.bashrc"
inst=$tmp/a/root/home/ubuntu/.cache/dlrig/Miniforge3-Linux-x86_64.sh
check "installer downloaded whole" same "$inst" "$tmp/www/$dl/Miniforge3-Linux-x86_64.sh"
check "cut download resumed with a Range request" has "$tmp/http.log" "Miniforge3-Linux-x86_64.sh range=bytes=1000-"
check "no partial file left" [ ! -e "$inst.part" ]
check "stops for the reboot" has "$tmp/a/out" "reboot now"
# root keeps it in /var/log/dlrig, a user in ~/.local/state/dlrig
journal() { [ -s "$1/home/ubuntu/.local/state/dlrig/setup.journal" ] || [ -s "$1/var/log/dlrig/setup.journal" ]; }
check "journal kept" journal "$tmp/a/root"

# 2. Idempotence: the same plan again executes nothing.
cp "$tmp/a/cmds" "$tmp/a/cmds.1"
cp "$bashrc" "$tmp/a/bashrc.1"
rc=$(run a)
check "second run exits 0 (got $rc)" [ "$rc" = 0 ]
check "second run executes nothing" same "$tmp/a/cmds" "$tmp/a/cmds.1"
check "second run changes no file" same "$bashrc" "$tmp/a/bashrc.1"
check "second run says the reboot is pending" has "$tmp/a/out" "still pending"

# 3. Resume after a failure.
fresh b
rc=$(RENV="RECORDER_FAIL=cuda-toolkit-12-8" run b)
check "a failed step exits 2 (got $rc)" [ "$rc" = 2 ]
check "the failure says where it resumes" has "$tmp/b/err" "resumes at step 4"
check "nothing after the failed step ran" hasnt "$tmp/b/cmds" "miniforge"
cp "$tmp/b/cmds" "$tmp/b/cmds.1"
rc=$(run b)
check "the re-run exits 0 (got $rc)" [ "$rc" = 0 ]
tail -n +"$(($(wc -l <"$tmp/b/cmds.1") + 1))" "$tmp/b/cmds" >"$tmp/b/cmds.2"
check "the re-run starts at the failed step" [ "$(head -n 1 "$tmp/b/cmds.2")" = "apt-get -s install cuda-toolkit-12-8" ]
check "the re-run repeats no finished step" hasnt "$tmp/b/cmds.2" "nvidia-driver-580-open"

# 4. A transaction that would change the kernel is refused.
fresh c
rc=$(RENV="RECORDER_KERNEL=1" run c)
check "kernel change refused with exit 2 (got $rc)" [ "$rc" = 2 ]
check "the refusal names the kernel" has "$tmp/c/err" "linux-image-5.15.0-107-generic"
check "nothing was installed" hasnt "$tmp/c/cmds" "apt-get -y install"

# 5. A read-only rc file stays as it was.
fresh d
chmod 0444 "$tmp/d/root/home/ubuntu/.bashrc"
rc=$(run d --from-step 5)
check "read-only .bashrc: exit 2 (got $rc)" [ "$rc" = 2 ]
check "read-only .bashrc unchanged" same "$tmp/d/root/home/ubuntu/.bashrc" "$machines/a10g-x8-bare/root/home/ubuntu/.bashrc"
check "read-only: the reason is given" has "$tmp/d/err" "cannot write"

# 6. A full disk (file-size limit) loses nothing.
fresh e
i=0; while [ $i -lt 200 ]; do echo "# padding line $i of a long rc file ........................"; i=$((i + 1)); done \
        >>"$tmp/e/root/home/ubuntu/.bashrc"
cp "$tmp/e/root/home/ubuntu/.bashrc" "$tmp/e/bashrc.orig"
setup e sh -c 'trap "" XFSZ; ulimit -f 16; exec "$@"' sh "$dlrig" --root "$tmp/e/root" setup --yes --from-step 5
rc=$?
check "full disk: a clean failure (exit $rc)" [ "$rc" = 2 ] || [ "$rc" = 3 ]
check "full disk: .bashrc unchanged" same "$tmp/e/root/home/ubuntu/.bashrc" "$tmp/e/bashrc.orig"
check "full disk: no temporary file left" [ -z "$(find "$tmp/e/root/home/ubuntu" -name '*.dlrig-tmp')" ]

# 7. A download whose published checksum does not match is refused.
fresh f
rc=$(MIRROR=$mirror/bad run f --from-step 6)
check "checksum mismatch: exit 2 (got $rc)" [ "$rc" = 2 ]
check "checksum mismatch: said so" has "$tmp/f/err" "checksum mismatch"
nothing_kept() {
        [ ! -e "$1/Miniforge3-Linux-x86_64.sh" ] && [ ! -e "$1/Miniforge3-Linux-x86_64.sh.part" ] &&
                hasnt "$tmp/f/cmds" "miniforge3"
}
check "checksum mismatch: nothing kept or run" nothing_kept "$tmp/f/root/home/ubuntu/.cache/dlrig"

echo "1..$n"
[ "$failed" = 0 ]
