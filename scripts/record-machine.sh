#!/bin/sh
# record-machine.sh [OPTIONS] DLRIG OUT - turns this machine (its NVIDIA GPUs,
# driver and software layer) into a fixture folder for tests/machines/ or for
# a bug report. DLRIG is a built dlrig, or '-' to take no snapshot (no GPU
# facts: a machine without a driver, a mounted image).
#
#   OUT/snap.json      the snapshot that 'DLRIG doctor --save' took here
#   OUT/doctor.txt     the report it printed (for the reviewer, not a golden)
#   OUT/gpus.json      the fake libraries' machine description
#                      (tests/fakes/README.md), made from the snapshot's NVML,
#                      GPU and CUDA facts by scripts/snap-to-fake.py
#   OUT/environ        the process environment, allow-listed (below), one
#                      NAME=VALUE a line, sorted
#   OUT/outputs/       what commands printed: nvcc-version.out (every nvcc
#                      found, 'timeout 10 nvcc --version'), ldconfig-p.out
#                      (the loader cache's NVIDIA and CUDA lines)
#   OUT/env            DLRIG_USER=<the user>: a fixture's variables for dlrig
#                      (tests/golden/run.sh), so that the probes read this
#                      user's home and login shell below --root
#   OUT/RECORDING.txt  the review summary that is also printed at the end
#   OUT/root/          the files dlrig reads, at their paths:
#     hardware and driver: /etc/os-release, /proc/sys/kernel/{osrelease,arch},
#       /proc/modules, /proc/driver/nvidia/version, /sys/module/nvidia/{version,
#       taint,initstate}, and for every NVIDIA PCI device (vendor 0x10de) its
#       attribute files and its 'driver' link (kept as a link, same target) in
#       its real folder under /sys/devices, so the PCI tree above it stays: each
#       bridge on the way up with its 'config' (the first 64 bytes without
#       root, 4096 with), the /sys/bus/pci/devices links, the device's IOMMU
#       group type; /proc/cmdline, the first 'flags' line of /proc/cpuinfo, the
#       NUMA nodes' cpulists, /sys/bus/pci/devices (empty when no NVIDIA
#       device), /dev/nvidia* (empty files with the nodes' names)
#     the process environment: /proc/self/environ (NUL-separated, as the
#       kernel writes it), the same allow-listed variables as OUT/environ
#     packages: /var/lib/dpkg/status (whole); on rpm systems
#       /var/lib/rpm-dlrig-list.txt, the output of
#       rpm -qa --queryformat '%{NAME} %{VERSION}-%{RELEASE} %{ARCH}\n', sorted
#     system files: /etc/ld.so.conf, /etc/ld.so.conf.d/*, /etc/profile,
#       /etc/profile.d/*.sh, /etc/bash.bashrc, /etc/bashrc, /etc/zsh/*,
#       /etc/environment, /etc/lsb-release, /usr/lib/os-release, /.dockerenv,
#       /run/.containerenv, /etc/alternatives entries about CUDA, NVIDIA, cuDNN,
#       NCCL, Python and the C compiler, the /etc/passwd lines of root and the user (the
#       comment field emptied), /usr/bin/{gcc*,g++*,cc,c++} and the folders
#       /usr/lib/gcc/TRIPLET/MAJOR, /proc/mounts' /dev/shm line
#     the user's rc files: ~/.bashrc ~/.profile ~/.bash_profile ~/.bash_login
#       ~/.zshrc ~/.zshenv ~/.zprofile
#     toolkits: /usr/local/cuda*, /opt/cuda, /usr/lib/cuda,
#       /usr/lib/nvidia-cuda-toolkit, $CUDA_HOME, $CUDA_PATH, $CUDA_ROOT and
#       the toolkit of every nvcc on PATH: their tree (not doc/, samples/,
#       extras/, share/, nsight*, nor the folders inside include/), 5 levels
#     loader folders (ld.so.conf's, $LD_LIBRARY_PATH's, /usr/lib/x86_64-linux-gnu
#       ...): the names of the CUDA, NVIDIA, cuDNN, NCCL and libstdc++
#       libraries in them and in their stubs/
#     Python environments: the interpreters on PATH and what they link to,
#       $VIRTUAL_ENV, $CONDA_PREFIX, $CONDA_EXE's install, venvs and conda
#       envs up to 4 levels below /opt, /opt/conda and its envs, conda installs
#       under home (~/miniconda3, ~/miniforge3, ~/anaconda3, ~/mambaforge,
#       ~/micromamba, ~/.conda/envs), venvs one or two levels below home (the
#       folders dlrig searches; dot-folders other than .venv skipped),
#       ~/.local/lib/python3*/site-packages, the system's /usr/lib/python3*,
#       /usr/lib64/python3*, /usr/local/lib/python3*, pyenv ($PYENV_ROOT,
#       ~/.pyenv, /opt/pyenv) and asdf ($ASDF_DATA_DIR, ~/.asdf, /opt/asdf)
#       installs, uv's managed Pythons and tools (~/.local/share/uv) and
#       poetry's venvs ($POETRY_VIRTUALENVS_PATH, ~/.cache/pypoetry/virtualenvs).
#       Of each: pyvenv.cfg, conda-meta/*.json (without their 'files' and
#       'paths_data' lists when python3 is here), bin/, lib/python3.X/ (os.py
#       as a placeholder), the conda env's lib/ libraries' names, and of
#       site-packages only: *.dist-info/{METADATA header block (up to the first
#       empty line),INSTALLER,WHEEL,top_level.txt}, *.egg-info (PKG-INFO
#       header), *.pth, torch/version.py, the names in torch/lib and in
#       nvidia/*/lib. No other site-packages file is read.
#
# How files are kept: symbolic links stay links with their target as it is
# (/usr/local/cuda -> /etc/alternatives/cuda -> /usr/local/cuda-13.0), and
# links are never followed out of a recorded tree (a tree's own root and an
# interpreter on PATH are resolved link by link, each link recorded); small
# text files (at most --small bytes, no NUL byte) are copied; everything else
# (binaries, libraries, large headers) becomes an EMPTY file with the same
# name and mode. Lines of shell files that set a variable whose name says
# KEY, TOKEN, SECRET, PASSW, CREDENTIAL or AUTH keep the name, not the value.
#
# The process environment keeps only these variables: PATH LD_LIBRARY_PATH
# LIBRARY_PATH CPATH LD_PRELOAD VIRTUAL_ENV CONDA_PREFIX CONDA_DEFAULT_ENV
# CONDA_EXE CUDA_HOME CUDA_PATH CUDA_ROOT CUDA_VERSION CUDA_VISIBLE_DEVICES
# CUDA_DEVICE_ORDER CUDA_MODULE_LOADING CUDA_LAUNCH_BLOCKING NVIDIA_VISIBLE_DEVICES
# NVIDIA_DRIVER_CAPABILITIES NVIDIA_REQUIRE_CUDA TORCH_CUDA_ARCH_LIST
# PYTORCH_CUDA_ALLOC_CONF PYTHONPATH PYTHONHOME PYENV_ROOT ASDF_DATA_DIR
# POETRY_VIRTUALENVS_PATH XDG_DATA_HOME HOME USER SHELL LANG LC_ALL CC CXX
# CUDAHOSTCXX LOADEDMODULES container, NV_*, NCCL_* and UV_* (UV_* without
# INDEX, URL or PUBLISH in the name); never one whose name says KEY, TOKEN,
# SECRET, PASSW, CREDENTIAL or AUTH, nor one whose value looks like a secret
# (a URL with a password, ghp_/hf_/AKIA... tokens) or spans lines.
#
# Bounds and review: at most --max-size bytes of copied contents (default
# 50M) and --max-files entries (default 20000); beyond them files become
# placeholders or are left out, and RECORDING.txt says so. At the end the
# whole recording is searched for secrets (private keys '-----BEGIN', GitHub
# ghp_/gho_/ghs_/github_pat_, Hugging Face hf_, AWS AKIA/ASIA keys, Slack xox?-,
# GitLab glpat-, OpenAI sk-, URLs with a password): each is blanked in place,
# a private key empties its file, and the summary lists where (never what).
# The summary prints the counts, the size, the folders recorded and the
# environment variable NAMES kept and dropped. Read it, and read OUT, before
# you send it anywhere: it holds GPU UUIDs, PCI addresses, user and folder names.
#
# Options:
#   --from-root DIR   record DIR as if it were / (a mounted image, a fixture):
#                     no snapshot and no command of DIR is run; the process
#                     environment is --environ's, else DIR/proc/self/environ,
#                     else empty; rpm's list is asked with 'rpm --root DIR'
#   --environ FILE    take the process environment from FILE (NUL- or
#                     newline-separated NAME=VALUE) instead of this process's
#   --home DIR        the user's home (default: HOME of that environment)
#   --user NAME       the user (default: USER of that environment, else id -un)
#   --max-size N      bytes of copied contents at most (suffix K, M or G; 50M)
#   --max-files N     entries at most (20000)
#   --small N         a text file is copied up to this size (64K)
#
# Usage (changes nothing outside OUT; python3 is needed for a snapshot):
#
#   meson setup build && ninja -C build
#   scripts/record-machine.sh build/dlrig /tmp/a100-node
#   # review /tmp/a100-node/RECORDING.txt and the folder, then:
#   cp -r /tmp/a100-node/root /tmp/a100-node/gpus.json tests/machines/NAME/
#
# Run it as the user dlrig normally runs as, from the shell the jobs run in:
# NVML answers some queries (retired pages, for one) only to root, and what it
# refused is recorded as refused; the environment recorded is the one it is
# started with. CUDA_VISIBLE_DEVICES and CUDA_DEVICE_ORDER are unset for the
# snapshot, so CUDA reports every device, as the fake will (the recorded
# environment keeps them).
set -u

usage() {
        echo "usage: $0 [--from-root DIR] [--environ FILE] [--home DIR] [--user NAME]" >&2
        echo "       [--max-size N] [--max-files N] [--small N] DLRIG|- OUT" >&2
        exit 2
}

# bytes N: N with an optional K, M or G suffix, in bytes
bytes() {
        case $1 in
        *[!0-9KMGkmg]* | '' | [!0-9]*) echo "$0: not a size: '$1'" >&2; exit 2 ;;
        *[Kk]) echo $((${1%?} * 1024)) ;;
        *[Mm]) echo $((${1%?} * 1048576)) ;;
        *[Gg]) echo $((${1%?} * 1073741824)) ;;
        *) echo "$1" ;;
        esac
}

src='' environ_file='' home_opt='' user_opt=''
max_size=$((50 * 1048576)) max_files=20000 small=65536
while [ $# -gt 0 ]; do
        case $1 in
        --from-root) [ $# -ge 2 ] || usage; src=$2; shift 2 ;;
        --environ) [ $# -ge 2 ] || usage; environ_file=$2; shift 2 ;;
        --home) [ $# -ge 2 ] || usage; home_opt=$2; shift 2 ;;
        --user) [ $# -ge 2 ] || usage; user_opt=$2; shift 2 ;;
        --max-size) [ $# -ge 2 ] || usage; max_size=$(bytes "$2") || exit 2; shift 2 ;;
        --max-files) [ $# -ge 2 ] || usage; max_files=$(bytes "$2") || exit 2; shift 2 ;;
        --small) [ $# -ge 2 ] || usage; small=$(bytes "$2") || exit 2; shift 2 ;;
        -h | --help) sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        --) shift; break ;;
        -?*) usage ;;
        *) break ;;
        esac
done
[ $# -eq 2 ] || usage
dlrig=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)

if [ -n "$src" ]; then
        [ -d "$src" ] || { echo "$0: --from-root: '$src' is not a folder" >&2; exit 2; }
        src=$(cd "$src" && pwd) || exit 2
        [ "$src" = / ] && src=''
fi
if [ "$dlrig" != - ] && [ -z "$src" ]; then
        command -v python3 >/dev/null 2>&1 || { echo "$0: python3 is needed for a snapshot" >&2; exit 1; }
        [ -x "$dlrig" ] || { echo "$0: '$dlrig' is not an executable" >&2; exit 1; }
fi
if [ -e "$out/root" ]; then
        echo "$0: $out/root exists: record into a new folder" >&2
        exit 1
fi
mkdir -p "$out/root" "$out/outputs" || exit 1
out=$(cd "$out" && pwd) || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/notes"
: >"$tmp/places"

# note LINE: a line for the review summary
note() { printf '%s\n' "$1" >>"$tmp/notes"; }

# ---------------------------------------------------------------------------
# Hardware and driver (paths below $src)

# copy FILE: FILE's contents (not its link, not its size: /proc lies) into root/
copy() {
        [ -r "$src$1" ] || return 0
        mkdir -p "$out/root$(dirname "$1")" || return 0
        cat "$src$1" >"$out/root$1" 2>/dev/null || rm -f "$out/root$1"
}

# relpath DIR TARGET: TARGET relative to the folder DIR (absolute, normalised)
relpath() {
        rp_common=$1 rp_back=''
        while [ "$rp_common" != / ]; do
                case $2/ in "$rp_common"/*) break ;; esac
                rp_common=$(dirname "$rp_common")
                rp_back=../$rp_back
        done
        rp_rest=${2#"$rp_common"}
        rp_rest=${rp_rest#/}
        rp_rel=$rp_back$rp_rest
        rp_rel=${rp_rel%/}
        printf '%s\n' "${rp_rel:-.}"
}

# link LINK TARGET: LINK in root/ pointing at TARGET (both absolute paths of
# the machine), written relative so that it resolves inside the fixture
link() {
        mkdir -p "$out/root$(dirname "$1")" &&
                ln -sfn "$(relpath "$(dirname "$1")" "$2")" "$out/root$1"
}

# resolve PATH: sets rs_out to PATH with every link resolved inside $src (a
# path of the machine); with RECORD_LINKS=1 each link met on the way is
# recorded too
resolve() {
        rs_rest=${1#/} rs_cur='' rs_n=0
        while [ -n "$rs_rest" ]; do
                rs_comp=${rs_rest%%/*}
                case $rs_rest in */*) rs_rest=${rs_rest#*/} ;; *) rs_rest='' ;; esac
                case $rs_comp in
                '' | .) continue ;;
                ..) rs_cur=${rs_cur%/*}; continue ;;
                esac
                if [ -L "$src$rs_cur/$rs_comp" ]; then
                        rs_n=$((rs_n + 1))
                        [ $rs_n -le 40 ] || return 1
                        [ "${RECORD_LINKS:-0}" = 1 ] && put_link "$rs_cur/$rs_comp"
                        rs_t=$(readlink "$src$rs_cur/$rs_comp") || return 1
                        case $rs_t in
                        /*) rs_cur='' rs_rest=${rs_t#/}${rs_rest:+/$rs_rest} ;;
                        *) rs_rest=$rs_t${rs_rest:+/$rs_rest} ;;
                        esac
                else
                        rs_cur=$rs_cur/$rs_comp
                fi
        done
        rs_out=${rs_cur:-/}
}

# copy_bridges DEVICE_REAL_PATH: the bridges between the host bridge and
# the device, with their config space and their bus link
copy_bridges() {
        up=$(dirname "$1")
        while :; do
                case ${up##*/} in
                pci*) break ;;          # the host bridge: no config file of its own
                *:*:*.*) ;;             # a bridge DDDD:BB:DD.F
                *) break ;;
                esac
                mkdir -p "$out/root$up" || return 1
                for a in vendor device class; do copy "$up/$a"; done
                head -c 4096 "$src$up/config" >"$out/root$up/config" 2>/dev/null ||
                        rm -f "$out/root$up/config"
                link "/sys/bus/pci/devices/${up##*/}" "$up" || return 1
                up=$(dirname "$up")
        done
}

copy_pci_device() {
        resolve "$1" || return 0
        real=$rs_out
        dev=$src$real
        dst=$out/root$real
        mkdir -p "$dst" || return 1
        link "/sys/bus/pci/devices/$(basename "$1")" "$real" || return 1
        copy_bridges "$real" || return 1
        if [ -L "$dev/iommu_group" ]; then
                resolve "$real/iommu_group" || return 0
                group=$rs_out
                copy "$group/type"
                link "$real/iommu_group" "$group"
        fi
        for a in vendor device class subsystem_vendor subsystem_device numa_node \
                current_link_speed current_link_width max_link_speed max_link_width resource; do
                # links of non-PCIe functions refuse to be read: then leave the file out
                [ -r "$dev/$a" ] && { cat "$dev/$a" >"$dst/$a" 2>/dev/null || rm -f "$dst/$a"; }
        done
        if [ -L "$dev/driver" ]; then
                ln -sf "$(readlink "$dev/driver")" "$dst/driver"
        fi
}

snapshot_rc=0
if [ "$dlrig" = - ]; then
        echo "recording without a snapshot into $out"
elif [ -n "$src" ]; then
        echo "recording $src into $out (no snapshot: the drivers are this machine's, not the image's)"
else
        echo "recording with $dlrig into $out"
        (
                unset CUDA_VISIBLE_DEVICES CUDA_DEVICE_ORDER DLRIG_NVML_LIB DLRIG_CUDA_LIB
                "$dlrig" doctor --save "$out/snap.json" >"$out/doctor.txt" 2>&1
        )
        rc=$?
        if [ $rc -ge 3 ] || [ ! -s "$out/snap.json" ]; then
                echo "$0: dlrig doctor failed (exit $rc); see $out/doctor.txt; recording the files anyway" >&2
                note "dlrig doctor failed (exit $rc): no snap.json, no gpus.json"
                snapshot_rc=1
        elif ! python3 "$here/snap-to-fake.py" "$out/snap.json" >"$out/gpus.json"; then
                note "snap-to-fake.py failed: no gpus.json"
                rm -f "$out/gpus.json"
                snapshot_rc=1
        fi
fi

for f in /etc/os-release /proc/sys/kernel/osrelease /proc/sys/kernel/arch /proc/modules \
        /proc/driver/nvidia/version /sys/module/nvidia/version /sys/module/nvidia/taint \
        /sys/module/nvidia/initstate /proc/cmdline; do
        copy "$f"
done
if [ -r "$src/proc/cpuinfo" ]; then
        mkdir -p "$out/root/proc" && grep -m1 '^flags' "$src/proc/cpuinfo" >"$out/root/proc/cpuinfo" 2>/dev/null
fi
for node in "$src"/sys/devices/system/node/node[0-9]*; do
        [ -d "$node" ] && copy "${node#"$src"}/cpulist"
done
# the bus folder itself: a machine without NVIDIA devices shows an empty one
[ -d "$src/sys/bus/pci/devices" ] && mkdir -p "$out/root/sys/bus/pci/devices"
# the device nodes, as empty files with their names
for n in "$src"/dev/nvidia*; do
        [ -e "$n" ] || continue
        mkdir -p "$out/root/dev"
        if [ -d "$n" ]; then
                mkdir -p "$out/root${n#"$src"}"
                for c in "$n"/*; do [ -e "$c" ] && : >"$out/root${c#"$src"}"; done
        else
                : >"$out/root${n#"$src"}"
        fi
done
npci=0
for dev in "$src"/sys/bus/pci/devices/*; do
        [ "$(cat "$dev/vendor" 2>/dev/null)" = 0x10de ] || continue
        copy_pci_device "${dev#"$src"}" || exit 1
        npci=$((npci + 1))
done

# ---------------------------------------------------------------------------
# The software layer: bounded copies

nfiles=0 nbytes=0 ncopied=0 nempty=0 nlinks=0 cap_files=0 cap_size=0

# present P: P is already in the recording
present() { [ -e "$out/root$1" ] || [ -L "$out/root$1" ]; }

# room: one more entry fits under --max-files
room() {
        [ "$nfiles" -lt "$max_files" ] && return 0
        if [ $cap_files = 0 ]; then
                cap_files=1
                note "the file cap (--max-files $max_files) was reached: later entries are left out"
        fi
        return 1
}

parent() { mkdir -p "$out/root$(dirname "$1")"; }

# mode_of P: P's permission bits, for its copy
mode_of() { stat -c %a "$src$1" 2>/dev/null || echo 644; }

# put_link P: the link P, with the same target
put_link() {
        present "$1" && return 0
        room || return 1
        parent "$1" && ln -s "$(readlink "$src$1")" "$out/root$1" || return 1
        nfiles=$((nfiles + 1)) nlinks=$((nlinks + 1))
}

# put_empty P: an empty file with P's name and mode
put_empty() {
        present "$1" && return 0
        room || return 1
        parent "$1" && : >"$out/root$1" || return 1
        chmod "$(mode_of "$1")" "$out/root$1" 2>/dev/null
        nfiles=$((nfiles + 1)) nempty=$((nempty + 1))
}

# put_entry P: a link as a link, a folder as a folder, a file as a placeholder
put_entry() {
        if [ -L "$src$1" ]; then put_link "$1"
        elif [ -d "$src$1" ]; then mkdir -p "$out/root$1"
        elif [ -e "$src$1" ]; then put_empty "$1"
        fi
}

# is_text FILE: FILE has no NUL byte (GNU grep's -I; without it: binary)
is_text() { LC_ALL=C grep -qI '' "$1" 2>/dev/null; }

# redact: a shell file's lines with the value of a secret-named variable cut
redact() {
        awk '{
                line = $0
                if (match(line, /^[ \t]*(export[ \t]+|setenv[ \t]+)?[A-Za-z_][A-Za-z0-9_]*[ \t]*[= \t]/)) {
                        head = substr(line, 1, RLENGTH)
                        name = head
                        sub(/^[ \t]*(export[ \t]+|setenv[ \t]+)?/, "", name)
                        sub(/[ \t]*[= \t]$/, "", name)
                        if (toupper(name) ~ /KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH/) {
                                print head "<redacted by record-machine.sh>"
                                next
                        }
                }
                print line
        }'
}

# put_copy P [MAX [FILTER]]: P's contents if P is text of at most MAX bytes
# (default --small) that fits under --max-size, else an empty placeholder;
# FILTER is 'cat' (default), 'redact' (shell files) or 'header' (the header
# block of a METADATA or PKG-INFO file)
put_copy() {
        present "$1" && return 0
        if [ -L "$src$1" ]; then put_link "$1"; return; fi
        [ -f "$src$1" ] || return 0
        pc_max=${2:-$small} pc_filter=${3:-cat}
        if [ ! -r "$src$1" ]; then put_empty "$1"; return; fi
        pc_size=$(wc -c <"$src$1" 2>/dev/null) || pc_size=0
        [ "$pc_filter" = header ] && [ "$pc_size" -gt "$pc_max" ] && pc_size=$pc_max
        if [ "$pc_size" -gt "$pc_max" ] || ! is_text "$src$1"; then put_empty "$1"; return; fi
        if [ $((nbytes + pc_size)) -gt "$max_size" ]; then
                if [ $cap_size = 0 ]; then
                        cap_size=1
                        note "the size cap (--max-size $max_size bytes) was reached at $1: later files are empty placeholders"
                fi
                put_empty "$1"
                return
        fi
        room || return 1
        parent "$1" || return 1
        case $pc_filter in
        redact) redact <"$src$1" >"$out/root$1" ;;
        header) sed -n '/^$/q;p' "$src$1" | head -c "$pc_max" >"$out/root$1" ;;
        *) cat "$src$1" >"$out/root$1" ;;
        esac
        chmod "$(mode_of "$1")" "$out/root$1" 2>/dev/null
        pc_size=$(wc -c <"$out/root$1")
        nfiles=$((nfiles + 1)) nbytes=$((nbytes + pc_size)) ncopied=$((ncopied + 1))
}

# list DIR FILE [FIND ARGS...]: the entries of DIR (below $src) that find
# selects, as paths of the machine, one a line, into FILE
list() {
        ls_dir=$1 ls_file=$2
        shift 2
        : >"$ls_file"
        [ -d "$src$ls_dir" ] || return 0
        find -P "$src$ls_dir" "$@" 2>/dev/null | cut -c $((${#src} + 1))- | LC_ALL=C sort >"$ls_file"
}

# seen KIND P: true if P was handled as KIND already (else remembers it)
seen() {
        grep -qxF "$1 $2" "$tmp/seen" 2>/dev/null && return 0
        printf '%s %s\n' "$1" "$2" >>"$tmp/seen"
        return 1
}

# place KIND P: a folder recorded, for the summary
place() { printf '%-10s %s\n' "$1" "$2" >>"$tmp/places"; }

# real P: sets rs_out to P with its links resolved inside $src, recording
# each link on the way
real() {
        RECORD_LINKS=1
        resolve "$1"
        rl_rc=$?
        RECORD_LINKS=0
        return $rl_rc
}

# ---------------------------------------------------------------------------
# The process environment

if [ -n "$environ_file" ]; then
        env_src=$environ_file
elif [ -n "$src" ]; then
        env_src=$src/proc/self/environ
else
        env_src=/proc/$$/environ
fi
# one variable a line: NULs become newlines and newlines inside values \001
if [ -r "$env_src" ] && [ -n "$(tr -d '\n' <"$env_src" | tr -d '\000' | head -c 1)" ]; then
        if [ "$(tr -d '\000' <"$env_src" | wc -c)" -lt "$(wc -c <"$env_src")" ]; then
                tr '\000\n' '\n\001' <"$env_src" >"$tmp/env.all"
        else
                cat "$env_src" >"$tmp/env.all"
        fi
elif [ -z "$src" ] && [ -z "$environ_file" ]; then
        env >"$tmp/env.all"      # no /proc: the best there is
else
        : >"$tmp/env.all"
        note "no process environment: $env_src is missing or empty"
fi
awk -v kept="$tmp/env.kept" -v dropped="$tmp/env.dropped" '
function allowed(n) {
        if (n ~ /^(PATH|LD_LIBRARY_PATH|LIBRARY_PATH|CPATH|LD_PRELOAD|VIRTUAL_ENV|CONDA_PREFIX|CONDA_DEFAULT_ENV|CONDA_EXE)$/) return 1
        if (n ~ /^(CUDA_HOME|CUDA_PATH|CUDA_ROOT|CUDA_VERSION|CUDA_VISIBLE_DEVICES|CUDA_DEVICE_ORDER|CUDA_MODULE_LOADING|CUDA_LAUNCH_BLOCKING)$/) return 1
        if (n ~ /^(NVIDIA_VISIBLE_DEVICES|NVIDIA_DRIVER_CAPABILITIES|NVIDIA_REQUIRE_CUDA|TORCH_CUDA_ARCH_LIST|PYTORCH_CUDA_ALLOC_CONF)$/) return 1
        if (n ~ /^(PYTHONPATH|PYTHONHOME|PYENV_ROOT|ASDF_DATA_DIR|POETRY_VIRTUALENVS_PATH|XDG_DATA_HOME)$/) return 1
        if (n ~ /^(HOME|USER|SHELL|LANG|LC_ALL|CC|CXX|CUDAHOSTCXX|LOADEDMODULES|container)$/) return 1
        if (n ~ /^(NV|NCCL)_/) return 1
        if (n ~ /^UV_/ && n !~ /INDEX|URL|PUBLISH/) return 1
        return 0
}
function secret_value(v) {
        return v ~ /-----BEGIN|:\/\/[^\/@ ]+:[^\/@ ]+@|ghp_|gho_|ghs_|github_pat_|glpat-|xox[baprs]-|hf_[A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9][A-Za-z0-9]|AKIA[0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]|sk-[A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-][A-Za-z0-9_-]/
}
{
        i = index($0, "=")
        if (i < 2) next
        n = substr($0, 1, i - 1)
        v = substr($0, i + 1)
        if (n !~ /^[A-Za-z_][A-Za-z0-9_]*$/) next
        if (!allowed(n)) { print n > dropped; next }
        if (toupper(n) ~ /KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH/) { print n " (its name)" > dropped; next }
        if (index(v, "\001")) { print n " (a value of several lines)" > dropped; next }
        if (secret_value(v)) { print n " (its value looks like a secret)" > dropped; next }
        print > kept
}' "$tmp/env.all"
touch "$tmp/env.kept" "$tmp/env.dropped"
LC_ALL=C sort -u "$tmp/env.kept" >"$out/environ"
mkdir -p "$out/root/proc/self"
tr '\n' '\000' <"$out/environ" >"$out/root/proc/self/environ"

# envget NAME: the recorded environment's value of NAME
envget() { sed -n "s/^$1=//p" "$out/environ" | head -n 1; }

# ---------------------------------------------------------------------------
# The user, the system's files, the packages

home=${home_opt:-$(envget HOME)}
home=${home%/}
user=${user_opt:-$(envget USER)}
if [ -z "$user" ] && [ -z "$src" ]; then user=$(id -un 2>/dev/null); fi
if [ -r "$src/etc/passwd" ]; then
        mkdir -p "$out/root/etc"
        sudo_user=''
        [ -z "$src" ] && sudo_user=${SUDO_USER:-}
        awk -F: -v OFS=: -v u="$user" -v s="$sudo_user" \
                '$1 == "root" || ($1 == u && u != "") || ($1 == s && s != "") { $2 = "x"; $5 = ""; print }' \
                "$src/etc/passwd" >"$out/root/etc/passwd"
        if [ -z "$home" ] && [ -n "$user" ]; then
                home=$(awk -F: -v u="$user" '$1 == u { print $6; exit }' "$src/etc/passwd")
        fi
fi
[ "$home" = / ] && home=''
# a fixture's variables for dlrig (tests/golden/run.sh reads MACHINE/env): the
# user whose login shell and home the probes read, as no uid is shared
[ -n "$user" ] && printf 'DLRIG_USER=%s\n' "$user" >"$out/env"

for f in /etc/ld.so.conf /etc/lsb-release /usr/lib/os-release /etc/redhat-release \
        /etc/debian_version /.dockerenv /run/.containerenv; do
        put_copy "$f"
done
for f in /etc/profile /etc/bash.bashrc /etc/bashrc /etc/environment /etc/zshenv /etc/zshrc \
        /etc/zsh/zshenv /etc/zsh/zprofile /etc/zsh/zshrc; do
        put_copy "$f" "$small" redact
done
list /etc/ld.so.conf.d "$tmp/l" -mindepth 1 -maxdepth 1
while IFS= read -r p; do put_copy "$p"; done <"$tmp/l"
list /etc/profile.d "$tmp/l" -mindepth 1 -maxdepth 1 -name '*.sh'
while IFS= read -r p; do put_copy "$p" "$small" redact; done <"$tmp/l"
list /etc/alternatives "$tmp/l" -mindepth 1 -maxdepth 1 \( -name '*cuda*' -o -name '*nvidia*' \
        -o -name '*nvcc*' -o -name '*cudnn*' -o -name '*nccl*' -o -name 'python*' -o -name 'pip*' \
        -o -name cc -o -name c++ \)
while IFS= read -r p; do put_entry "$p"; done <"$tmp/l"
if [ -n "$home" ]; then
        place home "$home"
        for f in .bashrc .profile .bash_profile .bash_login .zshrc .zshenv .zprofile; do
                put_copy "$home/$f" "$small" redact
        done
fi

# the compiler nvcc would call (/usr/bin/gcc -> gcc-12, /usr/lib/gcc/TRIPLET/12)
list /usr/bin "$tmp/l" -mindepth 1 -maxdepth 1 \( -name 'gcc*' -o -name 'g++*' -o -name cc -o -name c++ \
        -o -name '*-linux-gnu-gcc*' -o -name '*-linux-gnu-g++*' \)
while IFS= read -r p; do put_entry "$p"; done <"$tmp/l"
list /usr/lib/gcc "$tmp/l" -mindepth 2 -maxdepth 2 -type d
while IFS= read -r p; do mkdir -p "$out/root$p"; done <"$tmp/l"
# /dev/shm's size limit (the mount line only)
if [ -r "$src/proc/mounts" ]; then
        mkdir -p "$out/root/proc"
        awk '$2 == "/dev/shm"' "$src/proc/mounts" >"$out/root/proc/mounts"
fi

if [ -f "$src/var/lib/dpkg/status" ]; then
        put_copy /var/lib/dpkg/status "$max_size"
        present /var/lib/dpkg/status || note "/var/lib/dpkg/status was left out"
fi
if [ -d "$src/var/lib/rpm" ] && command -v rpm >/dev/null 2>&1; then
        set -- rpm
        [ -n "$src" ] && set -- rpm --root "$src"
        mkdir -p "$out/root/var/lib"
        timeout 60 "$@" -qa --queryformat '%{NAME} %{VERSION}-%{RELEASE} %{ARCH}\n' 2>/dev/null |
                LC_ALL=C sort >"$out/root/var/lib/rpm-dlrig-list.txt"
        if [ -s "$out/root/var/lib/rpm-dlrig-list.txt" ]; then
                nfiles=$((nfiles + 1)) nbytes=$((nbytes + $(wc -c <"$out/root/var/lib/rpm-dlrig-list.txt")))
        else
                rm -f "$out/root/var/lib/rpm-dlrig-list.txt"
                note "rpm -qa gave nothing"
        fi
elif [ -f "$src/var/lib/rpm-dlrig-list.txt" ]; then
        put_copy /var/lib/rpm-dlrig-list.txt "$max_size"
fi

# ---------------------------------------------------------------------------
# Toolkits

# rec_toolkit DIR: a CUDA toolkit's tree, its root resolved link by link
rec_toolkit() {
        [ -e "$src$1" ] || [ -L "$src$1" ] || return 0
        real "$1" || return 0
        tk=$rs_out
        [ -d "$src$tk" ] || return 0
        case $tk in
        / | /usr | /usr/local | /opt | /home | /root | /usr/lib | /usr/lib64 | "$home") return 0 ;;
        esac
        seen toolkit "$tk" && return 0
        place toolkit "$tk"
        mkdir -p "$out/root$tk"
        list "$tk" "$tmp/tk" -mindepth 1 -maxdepth 5 \( -type d \( -path '*/include/*' -o -name doc \
                -o -name samples -o -name extras -o -name share -o -name 'nsight*' -o -name libnvvp \
                -o -name src -o -name man -o -name '__pycache__' -o -name licenses \) -prune \) -o -print
        while IFS= read -r p; do
                if [ -L "$src$p" ]; then put_link "$p"
                elif [ -d "$src$p" ]; then mkdir -p "$out/root$p"
                else
                        case $p in
                        *.dist-info/METADATA) put_copy "$p" 65536 header; continue ;;
                        *.dist-info/INSTALLER | *.dist-info/WHEEL | *.dist-info/top_level.txt) put_copy "$p" 4096; continue ;;
                        *.dist-info/*) put_empty "$p"; continue ;;
                        esac
                        case ${p##*/} in
                        EULA* | *LICENSE* | *License* | *license* | *.so | *.so.* | *.a | *.o | *.bc | *.fatbin) put_empty "$p" ;;
                        *version*.h | nccl.h | cuda.h) put_copy "$p" ;;
                        *.h | *.hpp | *.cuh | *.inl) put_empty "$p" ;;
                        *) put_copy "$p" ;;
                        esac
                fi
        done <"$tmp/tk"
}

path=$(envget PATH)
for d in /opt/cuda /usr/lib/cuda /usr/lib/nvidia-cuda-toolkit; do
        rec_toolkit "$d"
done
for p in "$src"/usr/local/cuda*; do
        [ -e "$p" ] || [ -L "$p" ] || continue
        rec_toolkit "${p#"$src"}"
done
for v in CUDA_HOME CUDA_PATH CUDA_ROOT; do
        d=$(envget $v)
        case $d in /*) rec_toolkit "$d" ;; esac
done
: >"$tmp/nvccs"
ifs_old=$IFS
IFS=:
for d in $path; do
        IFS=$ifs_old
        case $d in /*) ;; *) continue ;; esac
        if [ -e "$src$d/nvcc" ] || [ -L "$src$d/nvcc" ]; then
                real "$d/nvcc" || continue
                nv=$rs_out
                put_entry "$nv"
                echo "$d/nvcc" >>"$tmp/nvccs"
                tkdir=$(dirname "$(dirname "$nv")")
                [ -e "$src$tkdir/bin/nvcc" ] && rec_toolkit "$tkdir"
        fi
        for n in nvidia-smi nvidia-persistenced nvidia-ctk nvidia-container-cli; do
                [ -e "$src$d/$n" ] || [ -L "$src$d/$n" ] || continue
                real "$d/$n" && put_entry "$rs_out"
        done
done
IFS=$ifs_old

# nvcc --version of each nvcc found (not from an image: its programs are not run)
if [ -z "$src" ]; then
        for p in /usr/local/cuda*/bin/nvcc; do echo "$p"; done >>"$tmp/nvccs"
        while IFS= read -r p; do
                [ -x "$p" ] || continue
                resolve "$p" || continue
                seen nvcc "$rs_out" && continue
                {
                        echo "\$ $p --version"
                        timeout 10 "$p" --version 2>&1
                        echo "(exit $?)"
                } >>"$out/outputs/nvcc-version.out"
        done <"$tmp/nvccs"
        if command -v ldconfig >/dev/null 2>&1 || [ -x /sbin/ldconfig ]; then
                PATH=$PATH:/sbin:/usr/sbin timeout 10 ldconfig -p 2>/dev/null |
                        grep -E 'libcuda|libnvidia|libcudart|libcudnn|libnccl|libcublas|libnvrtc|libnvJitLink|libstdc\+\+' \
                        >"$out/outputs/ldconfig-p.out"
        fi
fi

# The loader's folders: the NVIDIA, CUDA, cuDNN, NCCL and libstdc++ names
: >"$tmp/ldirs"
for f in "$src"/etc/ld.so.conf "$src"/etc/ld.so.conf.d/*.conf; do
        [ -f "$f" ] && sed -n 's/#.*//; s/^[ \t]*\(\/[^ \t]*\).*/\1/p' "$f" >>"$tmp/ldirs"
done
ldp=$(envget LD_LIBRARY_PATH)
IFS=:
for d in $ldp; do echo "$d" >>"$tmp/ldirs"; done
IFS=$ifs_old
for d in /lib /lib64 /usr/lib /usr/lib64 /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu \
        /lib/aarch64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib/wsl/lib; do
        echo "$d" >>"$tmp/ldirs"
done
while IFS= read -r d; do
        case $d in /*) ;; *) continue ;; esac
        [ -d "$src$d" ] || continue
        real "$d" || continue
        rd=$rs_out
        seen ldir "$rd" && continue
        list "$rd" "$tmp/ll" -mindepth 1 -maxdepth 2 \( -path "$src$rd/*/*" ! -path "$src$rd/stubs/*" -prune \) -o \
                \( -name 'libcuda*' -o -name 'libnvidia*' -o -name 'libcudnn*' -o -name 'libnccl*' \
                -o -name 'libcublas*' -o -name 'libnvrtc*' -o -name 'libnvJitLink*' -o -name 'libcufft*' \
                -o -name 'libcurand*' -o -name 'libcusolver*' -o -name 'libcusparse*' -o -name 'libnvToolsExt*' \
                -o -name 'libstdc++.so*' \) -print
        while IFS= read -r p; do put_entry "$p"; done <"$tmp/ll"
done <"$tmp/ldirs"

# ---------------------------------------------------------------------------
# Python environments

# rec_conda_meta DIR: conda-meta/*.json, without their lists of files
rec_conda_meta() {
        list "$1" "$tmp/cm" -mindepth 1 -maxdepth 1 -name '*.json'
        [ -s "$tmp/cm" ] || return 0
        mkdir -p "$out/root$1"
        if command -v python3 >/dev/null 2>&1 &&
                python3 - "$src" "$out/root" "$max_size" "$nbytes" "$((max_files - nfiles))" "$tmp/cm" >"$tmp/cm.out" 2>/dev/null <<'EOF'
import json, os, re, sys
src, dst, cap, used, room = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
n = 0
for line in open(sys.argv[6], encoding="utf-8").read().splitlines():
    if n >= room:
        break
    try:
        with open(src + line, encoding="utf-8") as f:
            d = json.load(f)
        for k in ("files", "paths_data", "extracted_package_dir", "package_tarball_full_path"):
            d.pop(k, None)
        text = json.dumps(d, indent=1, sort_keys=True) + "\n"
        text = re.sub(r"/t/[^/\"]+/", "/t/<redacted>/", text)  # conda's channel tokens
    except (OSError, ValueError):
        text = ""
    if used + len(text) > cap:
        text = ""
    with open(dst + line, "w", encoding="utf-8") as f:
        f.write(text)
    used += len(text)
    n += 1
print(n, used)
EOF
        then
                read -r cm_n cm_used <"$tmp/cm.out"
                nfiles=$((nfiles + cm_n)) ncopied=$((ncopied + cm_n)) nbytes=$cm_used
        else
                while IFS= read -r p; do put_copy "$p" 262144; done <"$tmp/cm"
        fi
}

# rec_site DIR: what a site-packages folder says about its packages
rec_site() {
        [ -d "$src$1" ] || return 0
        seen site "$1" && return 0
        mkdir -p "$out/root$1"
        list "$1" "$tmp/sp" -mindepth 1 -maxdepth 1
        while IFS= read -r p; do
                case ${p##*/} in
                *.dist-info)
                        put_copy "$p/METADATA" 65536 header
                        for f in INSTALLER WHEEL top_level.txt; do put_copy "$p/$f" 4096; done ;;
                *.egg-info)
                        if [ -d "$src$p" ]; then
                                put_copy "$p/PKG-INFO" 65536 header
                                put_copy "$p/top_level.txt" 4096
                        else
                                put_copy "$p" 65536 header
                        fi ;;
                *.pth | *.egg-link) put_copy "$p" 4096 ;;
                torch)
                        put_copy "$p/version.py" 16384
                        list "$p/lib" "$tmp/sl" -mindepth 1 -maxdepth 1
                        while IFS= read -r q; do put_entry "$q"; done <"$tmp/sl" ;;
                nvidia)
                        list "$p" "$tmp/sn" -mindepth 2 -maxdepth 2 -name lib
                        while IFS= read -r l; do
                                list "$l" "$tmp/sl" -mindepth 1 -maxdepth 1
                                mkdir -p "$out/root$l"
                                while IFS= read -r q; do put_entry "$q"; done <"$tmp/sl"
                        done <"$tmp/sn" ;;
                esac
        done <"$tmp/sp"
}

# rec_pylib PREFIX: PREFIX/lib/python3.X (os.py and site-packages)
rec_pylib() {
        list "$1/lib" "$tmp/pl" -mindepth 1 -maxdepth 1 -name 'python3*'
        [ -d "$src$1/lib64" ] && list "$1/lib64" "$tmp/pl64" -mindepth 1 -maxdepth 1 -name 'python3*' &&
                cat "$tmp/pl64" >>"$tmp/pl"
        while IFS= read -r l; do
                if [ -L "$src$l" ]; then put_link "$l"; continue; fi
                [ -d "$src$l" ] || continue
                mkdir -p "$out/root$l"
                [ -e "$src$l/os.py" ] && put_empty "$l/os.py"
                echo "$l/site-packages" >>"$tmp/sites"
                echo "$l/dist-packages" >>"$tmp/sites"
        done <"$tmp/pl"
}

# rec_pyenv PREFIX: one Python environment (venv, conda env, an install)
rec_pyenv() {
        [ -d "$src$1" ] || return 0
        real "$1" || return 0
        pe=$rs_out
        case $pe in / | /usr | /usr/local | /opt | /home | "$home") return 0 ;; esac
        seen pyenv "$pe" && return 0
        if [ -f "$src$pe/pyvenv.cfg" ]; then place venv "$pe"
        elif [ -d "$src$pe/conda-meta" ]; then place conda "$pe"
        else place python "$pe"
        fi
        mkdir -p "$out/root$pe"
        put_copy "$pe/pyvenv.cfg" 16384
        rec_conda_meta "$pe/conda-meta"
        [ -L "$src$pe/lib64" ] && put_link "$pe/lib64"
        list "$pe/bin" "$tmp/pb" -mindepth 1 -maxdepth 1
        while IFS= read -r p; do put_entry "$p"; done <"$tmp/pb"
        : >"$tmp/sites"
        rec_pylib "$pe"
        if [ -d "$src$pe/conda-meta" ]; then
                list "$pe/lib" "$tmp/pb" -mindepth 1 -maxdepth 1 \( -name 'libstdc++*' -o -name 'libpython*' \
                        -o -name 'libcud*' -o -name 'libnccl*' -o -name 'libcublas*' -o -name 'libnv*' \
                        -o -name 'libgomp*' \)
                while IFS= read -r p; do put_entry "$p"; done <"$tmp/pb"
        fi
        # conda's environments, and pyenv-virtualenv's (versions/X.Y.Z/envs)
        list "$pe/envs" "$tmp/pe.$pe_depth" -mindepth 1 -maxdepth 1
        while IFS= read -r s; do rec_site "$s"; done <"$tmp/sites"
        if [ "$pe_depth" -lt 2 ]; then
                pe_depth=$((pe_depth + 1))
                while IFS= read -r p; do rec_pyenv "$p"; done <"$tmp/pe.$((pe_depth - 1))"
                pe_depth=$((pe_depth - 1))
        fi
}
pe_depth=0

# rec_children DIR: each folder in DIR as an environment
rec_children() {
        list "$1" "$tmp/ch.$2" -mindepth 1 -maxdepth 1 ! -name '.*'
        while IFS= read -r p; do rec_pyenv "$p"; done <"$tmp/ch.$2"
}

# rec_system: the system's Python (the distribution's and pip-as-root's)
rec_system() {
        seen system / && return 0
        place system /usr
        for b in /usr/bin /usr/local/bin; do
                list "$b" "$tmp/sb" -mindepth 1 -maxdepth 1 \( -name 'python*' -o -name 'pip*' \)
                while IFS= read -r p; do put_entry "$p"; done <"$tmp/sb"
        done
        : >"$tmp/sites"
        rec_pylib /usr
        rec_pylib /usr/local
        echo /usr/lib/python3/dist-packages >>"$tmp/sites"
        while IFS= read -r s; do rec_site "$s"; done <"$tmp/sites"
}

# rec_interpreter P: an interpreter on PATH, the links to it and its environment
rec_interpreter() {
        real "$1" || return 0
        ri=$rs_out
        [ -e "$src$ri" ] || return 0
        put_entry "$ri"
        for ri_dir in "$(dirname "$1")" "$(dirname "$ri")"; do
                ri_prefix=$(dirname "$ri_dir")
                case $ri_prefix in
                / | /usr | /usr/local) rec_system ;;
                *) [ -e "$src$ri_prefix/pyvenv.cfg" ] || [ -d "$src$ri_prefix/conda-meta" ] ||
                        [ -d "$src$ri_prefix/lib" ] && rec_pyenv "$ri_prefix" ;;
                esac
        done
}

IFS=:
for d in $path; do
        IFS=$ifs_old
        case $d in /*) ;; *) continue ;; esac
        for p in "$src$d"/python "$src$d"/python3 "$src$d"/python3.[0-9]*; do
                [ -e "$p" ] || [ -L "$p" ] || continue
                case $p in *-config) continue ;; esac
                put_entry "${p#"$src"}"
                rec_interpreter "${p#"$src"}"
        done
done
IFS=$ifs_old
for v in VIRTUAL_ENV CONDA_PREFIX; do
        d=$(envget $v)
        case $d in /*) rec_pyenv "$d" ;; esac
done
d=$(envget CONDA_EXE)
case $d in /*/bin/conda) rec_pyenv "${d%/bin/conda}" ;; esac
[ -e "$src/usr/bin/python3" ] && rec_system

# venvs and conda envs below /opt, a few levels down
list /opt "$tmp/opt" -mindepth 1 -maxdepth 4 \( -type d \( -name pkgs -o -name site-packages \
        -o -name node_modules -o -name include -o -name share \) -prune \) -o \
        \( -name pyvenv.cfg -o -name conda-meta \) -print
while IFS= read -r p; do rec_pyenv "$(dirname "$p")"; done <"$tmp/opt"
for d in /opt/conda /opt/miniconda3 /opt/miniforge3 /opt/mambaforge /opt/anaconda3; do rec_pyenv "$d"; done

# version managers, uv and poetry
pyenv_root=$(envget PYENV_ROOT)
asdf_root=$(envget ASDF_DATA_DIR)
uv_python=$(envget UV_PYTHON_INSTALL_DIR)
poetry_venvs=$(envget POETRY_VIRTUALENVS_PATH)
xdg=$(envget XDG_DATA_HOME)
[ -n "$xdg" ] || { [ -n "$home" ] && xdg=$home/.local/share; }
for r in "$pyenv_root" ${home:+"$home/.pyenv"} /opt/pyenv; do
        case $r in /*) ;; *) continue ;; esac
        [ -d "$src$r/versions" ] || continue
        seen pyenvroot "$r" && continue
        place pyenv "$r"
        put_copy "$r/version" 4096
        list "$r/versions" "$tmp/pv" -mindepth 1 -maxdepth 1
        while IFS= read -r p; do
                if [ -L "$src$p" ]; then put_link "$p"; else rec_pyenv "$p"; fi
        done <"$tmp/pv"
        list "$r/shims" "$tmp/pv" -mindepth 1 -maxdepth 1 -name 'python*'
        while IFS= read -r p; do put_entry "$p"; done <"$tmp/pv"
done
for r in "$asdf_root" ${home:+"$home/.asdf"} /opt/asdf; do
        case $r in /*) rec_children "$r/installs/python" asdf ;; esac
done
for r in "$uv_python" ${xdg:+"$xdg/uv/python"} ${xdg:+"$xdg/uv/tools"} "$poetry_venvs" \
        ${home:+"$home/.cache/pypoetry/virtualenvs"} ${home:+"$home/.conda/envs"}; do
        case $r in /*) rec_children "$r" managed ;; esac
done

# the user's home: conda installs, venvs one or two levels down, pip --user
if [ -n "$home" ] && [ -d "$src$home" ]; then
        for d in miniconda3 miniforge3 anaconda3 mambaforge micromamba; do rec_pyenv "$home/$d"; done
        list "$home" "$tmp/hv" -mindepth 1 -maxdepth 3 \( -name '.*' ! -name .venv -prune \) -o \
                -name pyvenv.cfg -print
        while IFS= read -r p; do rec_pyenv "$(dirname "$p")"; done <"$tmp/hv"
        list "$home/.local/lib" "$tmp/hl" -mindepth 1 -maxdepth 1 -name 'python3*'
        while IFS= read -r p; do rec_site "$p/site-packages"; done <"$tmp/hl"
fi

# ---------------------------------------------------------------------------
# Privacy review: secrets are blanked where they are, and counted

secret_re='-----BEGIN|ghp_[A-Za-z0-9]{20,}|gho_[A-Za-z0-9]{20,}|ghs_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20}|hf_[A-Za-z0-9]{20,}|(AKIA|ASIA)[0-9A-Z]{16}|xox[baprs]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9_-]{20,}|://[^/@[:space:]:]+:[^/@[:space:]]+@'
: >"$tmp/secrets"
LC_ALL=C grep -rIlE -e "$secret_re" "$out" 2>/dev/null >"$tmp/secret-files"
while IFS= read -r f; do
        [ -L "$f" ] && continue
        LC_ALL=C grep -nE -e "$secret_re" "$f" | cut -d: -f1 |
                sed "s|^|${f#"$out"/}:|" >>"$tmp/secrets"
        if LC_ALL=C grep -q -e '-----BEGIN' "$f"; then
                : >"$f"
        else
                LC_ALL=C sed -E -i \
                        -e 's/(ghp|gho|ghs)_[A-Za-z0-9]{20,}/<redacted>/g' \
                        -e 's/github_pat_[A-Za-z0-9_]{20,}/<redacted>/g' \
                        -e 's/glpat-[A-Za-z0-9_-]{20}/<redacted>/g' \
                        -e 's/hf_[A-Za-z0-9]{20,}/<redacted>/g' \
                        -e 's/(AKIA|ASIA)[0-9A-Z]{16}/<redacted>/g' \
                        -e 's/xox[baprs]-[A-Za-z0-9-]{10,}/<redacted>/g' \
                        -e 's/sk-[A-Za-z0-9_-]{20,}/<redacted>/g' \
                        -e 's#(://[^/@[:space:]:]+):[^/@[:space:]]+@#\1:<redacted>@#g' "$f"
        fi
done <"$tmp/secret-files"
if [ -s "$tmp/secrets" ]; then
        note "secrets blanked (file:line; a private key empties its file):"
        sed 's/^/  /' "$tmp/secrets" >>"$tmp/notes"
fi
# environ files changed by the review are written again from each other
tr '\n' '\000' <"$out/environ" >"$out/root/proc/self/environ"

# ---------------------------------------------------------------------------
# The summary

total_kib=$(du -sk "$out" | cut -f1)
all_files=$(find "$out" -type f | wc -l)
all_links=$(find "$out" -type l | wc -l)
{
        echo "record-machine.sh: $out"
        if [ -n "$src" ]; then echo "recorded from: $src (as /)"; else echo "recorded from: this machine"; fi
        echo "size: $total_kib KiB on disk, $all_files files, $all_links links"
        echo "software layer: $nfiles entries: $ncopied copied ($nbytes bytes), $nempty empty placeholders, $nlinks links"
        echo "caps: --max-size $max_size bytes, --max-files $max_files, --small $small"
        echo "NVIDIA PCI functions: $npci"
        echo "environment variables kept: $(cut -d= -f1 "$out/environ" | tr '\n' ' ')"
        echo "environment variables dropped: $(LC_ALL=C sort -u "$tmp/env.dropped" | sed -e ':a' -e 'N;$!ba' -e 's/\n/, /g')"
        echo "user: ${user:-?}  home: ${home:-?}"
        echo "folders recorded:"
        LC_ALL=C sort -u "$tmp/places" | sed 's/^/  /'
        if [ -s "$tmp/notes" ]; then
                echo "notes:"
                sed 's/^/  /' "$tmp/notes"
        else
                echo "notes: none (no cap reached, no secret found)"
        fi
} >"$out/RECORDING.txt"
cat "$out/RECORDING.txt"
echo "review $out before you share it: it holds GPU UUIDs, PCI addresses, user and folder names"
exit $snapshot_rc
