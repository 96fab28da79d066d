#!/bin/sh
# record-machine.sh SOURCE_ROOT DLRIG - scripts/record-machine.sh records a
# software layer faithfully, boundedly and privately (TAP output). It records,
# with --from-root, the fixture tests/machines/a10g-x8-ubuntu2204/root plus a
# software layer made here: a uv venv under /opt with torch and the CUDA 13
# wheels, a CUDA 13.0 toolkit without version.json reached through
# /etc/alternatives, a dpkg database, rc files and an environment holding
# secrets. Then: links stay links, large files are empty, the secrets are
# nowhere, the caps hold, and dlrig reads the recording without crashing.
set -u
srcroot=$1 dlrig=$2
recorder=$srcroot/scripts/record-machine.sh
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
n=0 failed=0

tap() { # CONDITION-STATUS DESCRIPTION
        n=$((n + 1))
        if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
check() { # DESCRIPTION COMMAND...
        d=$1
        shift
        "$@" >/dev/null 2>&1
        tap $? "$d"
}
bigfile() { # PATH BYTES: a binary file (NUL bytes)
        mkdir -p "$(dirname "$1")" && head -c "$2" /dev/zero >"$1"
}

# --- the machine --------------------------------------------------------------
m=$tmp/machine
cp -a "$srcroot/tests/machines/a10g-x8-ubuntu2204/root" "$m" || exit 99
h=$m/home/ubuntu
venv=$m/opt/app/.venv
site=$venv/lib/python3.12/site-packages
mkdir -p "$venv/bin" "$site" "$m/usr/lib/python3.12" "$m/etc/alternatives" "$m/var/lib/dpkg" \
        "$m/etc/profile.d" "$h/.ssh" "$h/data" || exit 99
printf 'home = /usr/bin\nimplementation = CPython\nuv = 0.11.15\nversion_info = 3.12.3\ninclude-system-site-packages = false\n' \
        >"$venv/pyvenv.cfg"
ln -s /usr/bin/python3.12 "$venv/bin/python3"
ln -s python3 "$venv/bin/python"
printf '#!/opt/app/.venv/bin/python3\nimport sys\n' >"$venv/bin/torchrun" && chmod 755 "$venv/bin/torchrun"
bigfile "$m/usr/bin/python3.12" 70000 && chmod 755 "$m/usr/bin/python3.12"
: >"$m/usr/lib/python3.12/os.py"
di=$site/torch-2.11.0+cu130.dist-info
mkdir -p "$di" "$site/torch/lib" "$site/nvidia/cu13/lib" "$site/nvidia/cudnn/lib"
printf 'Metadata-Version: 2.1\nName: torch\nVersion: 2.11.0+cu130\nRequires-Dist: nvidia-cuda-runtime==13.0.96\n\nDESCRIPTION BODY that is not kept\n' >"$di/METADATA"
echo uv >"$di/INSTALLER"
printf 'Wheel-Version: 1.0\nTag: cp312-cp312-linux_x86_64\n' >"$di/WHEEL"
echo torch >"$di/top_level.txt"
echo 'torch/__init__.py,sha256=x,1' >"$di/RECORD"
printf "__version__ = '2.11.0+cu130'\ncuda: Optional[str] = '13.0'\n" >"$site/torch/version.py"
echo 'import secrets_of_torch' >"$site/torch/__init__.py"
echo 'SOURCE' >"$site/some_module.py"
bigfile "$site/torch/lib/libtorch_cuda.so" 300000
bigfile "$site/nvidia/cu13/lib/libcudart.so.13" 200000
bigfile "$site/nvidia/cudnn/lib/libcudnn.so.9" 200000
tk=$m/usr/local/cuda-13.0
lib=$tk/targets/x86_64-linux/lib
mkdir -p "$tk/bin" "$lib/stubs" "$tk/include/cccl/thrust" || exit 99
bigfile "$tk/bin/nvcc" 100000 && chmod 755 "$tk/bin/nvcc"
# shellcheck disable=SC2016 # the file's own variables
printf 'TOP = $(_HERE_)/..\nPATH += $(TOP)/bin:\n' >"$tk/bin/nvcc.profile"
bigfile "$lib/libcudart.so.13.0.96" 200000
ln -s libcudart.so.13.0.96 "$lib/libcudart.so.13"
bigfile "$lib/stubs/libcuda.so" 50000
ln -s targets/x86_64-linux/lib "$tk/lib64"
echo '#define THRUST_VERSION 200000' >"$tk/include/cccl/thrust/version.h"
echo 'int cudaMalloc(void);' >"$tk/include/cuda_runtime_api.h"
rm -f "$m/usr/local/cuda"
ln -s /etc/alternatives/cuda "$m/usr/local/cuda"
ln -s /usr/local/cuda-13.0 "$m/etc/alternatives/cuda"
printf 'Package: cuda-nvcc-13-0\nStatus: install ok installed\nVersion: 13.0.88-1\n\nPackage: cuda-cudart-13-0\nStatus: install ok installed\nVersion: 13.0.96-1\n\n' \
        >"$m/var/lib/dpkg/status"
# shellcheck disable=SC2016 # the rc file's own \$PATH
printf '# the CLI key\nexport OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwxyz123456\nexport PATH=/usr/local/cuda/bin:$PATH\n# hf_abcdefghijklmnopqrstuvwxyz0123 pasted here\n' \
        >"$h/.bashrc"
printf 'export AWS_DEFAULT_REGION=us-east-1\n# AKIAIOSFODNN7EXAMPLE\n' >"$m/etc/profile.d/aws.sh"
printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n' >"$h/.ssh/id_rsa"
echo 'my notes' >"$h/notes.txt"
echo 'data' >"$h/data/train.csv"
# the process environment, NUL-separated as /proc/self/environ is
printf '%s\0' PATH=/opt/app/.venv/bin:/usr/local/cuda/bin:/usr/bin:/bin CUDA_HOME=/usr/local/cuda \
        HOME=/home/ubuntu USER=ubuntu NCCL_IB_HCA=mlx5 NV_CUDA_LIB_VERSION=13.0.2-1 \
        HF_TOKEN=hf_abc AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY \
        GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789 NCCL_API_KEY=ncclsecret \
        UV_INDEX_URL=https://u:pw@pypi.example UV_PROJECT_ENVIRONMENT=/opt/app/.venv \
        CUDA_PATH=https://bob:pw2@example.org "OLDPWD=/home/ubuntu/private-project" \
        "$(printf 'LD_LIBRARY_PATH=/a\nPATH=/evil')" >"$tmp/environ"

# --- recording ------------------------------------------------------------------
o=$tmp/out
sh "$recorder" --from-root "$m" --environ "$tmp/environ" - "$o" >"$tmp/log" 2>&1
tap $? "the recorder runs on a fixture (--from-root, --environ)"
r=$o/root

# the process environment
check "root/proc/self/environ is NUL-separated, one variable each" \
        sh -c "tr '\\000' '\\n' <'$r/proc/self/environ' | cmp -s - '$o/environ'"
check "the allow-listed variables are kept" \
        grep -qx 'PATH=/opt/app/.venv/bin:/usr/local/cuda/bin:/usr/bin:/bin' "$o/environ"
for v in CUDA_HOME=/usr/local/cuda NCCL_IB_HCA=mlx5 NV_CUDA_LIB_VERSION=13.0.2-1 \
        UV_PROJECT_ENVIRONMENT=/opt/app/.venv USER=ubuntu; do
        check "kept: $v" grep -qx "$v" "$o/environ"
done
for v in HF_TOKEN AWS_SECRET_ACCESS_KEY GITHUB_TOKEN NCCL_API_KEY UV_INDEX_URL CUDA_PATH OLDPWD LD_LIBRARY_PATH; do
        check "dropped: $v" sh -c "! grep -q '^$v=' '$o/environ'"
done
check "a value of several lines is not read as two variables" sh -c "! grep -q evil '$o/environ'"
check "the summary names the dropped variables" grep -q 'dropped:.*HF_TOKEN' "$o/RECORDING.txt"

# links, placeholders, copies
lnk() { [ -L "$r$1" ] && [ "$(readlink "$r$1")" = "$2" ]; }
check "/usr/local/cuda stays a link to /etc/alternatives/cuda" lnk /usr/local/cuda /etc/alternatives/cuda
check "/etc/alternatives/cuda stays a link to /usr/local/cuda-13.0" lnk /etc/alternatives/cuda /usr/local/cuda-13.0
check "the toolkit's lib64 link" lnk /usr/local/cuda-13.0/lib64 targets/x86_64-linux/lib
check "a library's soname link" lnk /usr/local/cuda-13.0/targets/x86_64-linux/lib/libcudart.so.13 libcudart.so.13.0.96
check "the venv's interpreter link" lnk /opt/app/.venv/bin/python3 /usr/bin/python3.12
empty() { [ -f "$r$1" ] && [ ! -L "$r$1" ] && [ ! -s "$r$1" ]; }
for f in /usr/local/cuda-13.0/targets/x86_64-linux/lib/libcudart.so.13.0.96 \
        /usr/local/cuda-13.0/targets/x86_64-linux/lib/stubs/libcuda.so /usr/local/cuda-13.0/bin/nvcc \
        /usr/bin/python3.12 /opt/app/.venv/bin/torchrun \
        /opt/app/.venv/lib/python3.12/site-packages/torch/lib/libtorch_cuda.so \
        /opt/app/.venv/lib/python3.12/site-packages/nvidia/cu13/lib/libcudart.so.13 \
        /opt/app/.venv/lib/python3.12/site-packages/nvidia/cudnn/lib/libcudnn.so.9 \
        /usr/local/cuda-13.0/include/cuda_runtime_api.h; do
        check "an empty placeholder: $f" empty "$f"
done
check "a placeholder keeps the mode" test -x "$r/usr/local/cuda-13.0/bin/nvcc"
same() { cmp -s "$m$1" "$r$1"; }
for f in /opt/app/.venv/pyvenv.cfg /opt/app/.venv/lib/python3.12/site-packages/torch/version.py \
        /usr/local/cuda-13.0/bin/nvcc.profile /var/lib/dpkg/status /etc/ld.so.conf.d/x86_64-linux-gnu.conf \
        /home/ubuntu/miniconda3/envs/dl/pyvenv.cfg; do
        [ -e "$m$f" ] || continue
        check "copied as it is: $f" same "$f"
done
check "conda-meta JSON kept" test -s "$r/home/ubuntu/miniconda3/conda-meta/python-3.12.4-h955ad1f_0.json"
check "METADATA keeps its header block only" sh -c \
        "grep -q '^Version: 2.11.0+cu130' '$r$(echo "$di" | cut -c $((${#m} + 1))-)/METADATA' &&
         ! grep -q DESCRIPTION '$r$(echo "$di" | cut -c $((${#m} + 1))-)/METADATA'"
for f in /opt/app/.venv/lib/python3.12/site-packages/torch/__init__.py \
        /opt/app/.venv/lib/python3.12/site-packages/some_module.py \
        "$(echo "$di" | cut -c $((${#m} + 1))-)/RECORD" /home/ubuntu/.ssh /home/ubuntu/notes.txt \
        /home/ubuntu/data /usr/local/cuda-13.0/include/cccl; do
        check "not recorded: $f" sh -c "[ ! -e '$r$f' ]"
done

# secrets
for s in hf_abc sk-abcdefghij AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI ghp_abcdef ncclsecret 'u:pw@' 'bob:pw2' 'BEGIN OPENSSH'; do
        check "the secret '$s' is nowhere in the recording" sh -c "! grep -rqF -- '$s' '$o'"
done
check "an rc file keeps its lines, not a secret's value" sh -c \
        "grep -q '^export OPENAI_API_KEY=<redacted' '$r/home/ubuntu/.bashrc' &&
         grep -q '^export PATH=/usr/local/cuda/bin' '$r/home/ubuntu/.bashrc'"
check "the summary says where secrets were blanked" grep -q 'home/ubuntu/.bashrc:4' "$o/RECORDING.txt"
check "passwd keeps root and the user, without the comment field" sh -c \
        "grep -qx 'ubuntu:x:1000:1000::/home/ubuntu:/bin/bash' '$r/etc/passwd' && ! grep -q daemon '$r/etc/passwd'"
check "the fixture's env names the user" grep -qx DLRIG_USER=ubuntu "$o/env"

# dlrig reads the recording
DLRIG_USER=ubuntu "$dlrig" --root "$r" doctor >"$tmp/doctor" 2>"$tmp/doctor.err"
rc=$?
tap "$([ "$rc" -le 2 ] && echo 0 || echo 1)" "dlrig --root RECORDING doctor exits 0-2 (got $rc)"
check "no sanitizer report" sh -c "! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' '$tmp/doctor.err'"
DLRIG_USER=ubuntu "$dlrig" --root "$r" --json doctor >"$tmp/doctor.json" 2>/dev/null
check "dlrig sees the toolkit and the user's conda env in the recording" sh -c \
        "grep -q '/usr/local/cuda-13.0' '$tmp/doctor.json' && grep -q '/home/ubuntu/miniconda3/envs/dl' '$tmp/doctor.json'"

# bounds
o2=$tmp/small
sh "$recorder" --from-root "$m" --environ "$tmp/environ" --max-size 1K --max-files 40 - "$o2" >"$tmp/log2" 2>&1
tap $? "the recorder runs with tight caps"
entries=$(sed -n 's/^software layer: \([0-9]*\) entries.*/\1/p' "$o2/RECORDING.txt")
bytes=$(sed -n 's/.*copied (\([0-9]*\) bytes).*/\1/p' "$o2/RECORDING.txt")
tap "$([ "${entries:-99}" -le 40 ] && echo 0 || echo 1)" "--max-files 40 holds (${entries:-?} entries)"
tap "$([ "${bytes:-9999}" -le 1024 ] && echo 0 || echo 1)" "--max-size 1K holds (${bytes:-?} bytes)"
check "the summary says which caps were reached" sh -c \
        "grep -q 'file cap' '$o2/RECORDING.txt' && grep -q 'size cap' '$o2/RECORDING.txt'"
kib=$(du -sk "$o" | cut -f1)
tap "$([ "$kib" -le 4096 ] && echo 0 || echo 1)" "the default recording of the fixture is small ($kib KiB)"
check "a second recording into the same folder is refused" sh -c "! sh '$recorder' --from-root '$m' - '$o'"

echo "1..$n"
[ $failed -eq 0 ] || { echo "# log:"; sed 's/^/# /' "$tmp/log"; }
[ $failed -eq 0 ]
