# common.sh - sourced by the fault-injection tests: how to run dlrig over a
# fixture machine with the fake NVIDIA libraries and the injection shim, and
# what counts as a graceful failure.

# inject_init DLRIG SHIM MACHINES FAKE_NVML FAKE_CUDA: the tests' arguments,
# and a scratch folder removed at exit.
inject_init() {
        dlrig=$1 shim=$2 machines=$3 fake_nvml=$4 fake_cuda=$5
        tmp=$(mktemp -d) || exit 99
        trap 'rm -rf "$tmp"' EXIT
}

n=0 failed=0
tap() { # ok|not ok, description
        n=$((n + 1))
        echo "$1 $n - $2"
        [ "$1" = ok ] || failed=$((failed + 1))
}

# run_machine MACHINE "VAR=VALUE ..." ARGS...: dlrig over a fixture machine
# with the fakes and the shim (the assignments must hold no spaces); output
# in $tmp/out and $tmp/err, exit status in $rc.
run_machine() {
        m=$machines/$1 vars=$2
        shift 2
        # shellcheck disable=SC2086 # the assignments split on purpose
        timeout 60 env -i PATH=/usr/bin:/bin LC_ALL=C TZ=UTC DLRIG_DETERMINISTIC=1 \
                DLRIG_DRIVER_TIMEOUT_MS=4000 \
                ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
                LSAN_OPTIONS="${LSAN_OPTIONS:-}" LD_PRELOAD="$shim" \
                DLRIG_NVML_LIB="$fake_nvml" DLRIG_CUDA_LIB="$fake_cuda" \
                DLRIG_FAKE_MACHINE="$m/gpus.json" $vars \
                "$dlrig" --root "$m/root" "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
}

# graceful: a documented exit status (0-3), no signal, no sanitizer report,
# and a message whenever dlrig could not judge (3).
# ASan's own thread start-up asks glibc for the thread's attributes, which
# allocate: under the countdown that fails inside the runtime, not in dlrig,
# and the runtime says so with one CHECK line and goes on. That line alone is
# not held against dlrig.
graceful() {
        [ "$rc" -le 3 ] || return 1
        [ "$rc" -ne 1 ] || ! libpci_oom || return 0
        ! grep -v 'CHECK failed: sanitizer_linux_libcdep.cpp:[0-9]* "((pthread_getattr_np' "$tmp/err" |
                grep -qE 'Sanitizer|runtime error:' || return 1
        [ "$rc" -ne 3 ] || grep -q 'dlrig: ' "$tmp/err" || libpci_oom
}

# libpci's pci_alloc() reports its own out-of-memory before a caller can
# install an error handler, and ends the process (status 1) itself: a
# limit of the library, named here so nothing else hides behind it.
libpci_oom() {
        grep -q '^pcilib: .*Out of memory (allocation of [0-9]* bytes failed)' "$tmp/err"
}

why() {
        echo "# exit $rc; stderr:"
        head -n 15 "$tmp/err" | sed 's/^/#   /'
}
