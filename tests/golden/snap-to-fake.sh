#!/bin/sh
# snap-to-fake.sh DLRIG MACHINES FAKE_NVML FAKE_CUDA SNAP_TO_FAKE MACHINE... -
# scripts/snap-to-fake.py turns a snapshot back into the fakes' description
# without losing an answer: for each fixture machine, the snapshot dlrig
# saves there, made into a description, gives the same doctor and topo
# reports as the fixture's own gpus.json (NVLink state, P2P, common
# ancestor and CPU affinity included). TAP output.
set -u
dlrig=$1 machines=$2 fake_nvml=$3 fake_cuda=$4 tofake=$5
shift 5
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0

run() { # description, machine, dlrig arguments...
        desc=$1 m=$2
        shift 2
        env -i PATH=/usr/bin:/bin LC_ALL=C TZ=UTC TERM=dumb NO_COLOR=1 DLRIG_DETERMINISTIC=1 \
                DLRIG_DRIVER_TIMEOUT_MS=2000 ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
                UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}" \
                DLRIG_NVML_LIB="$fake_nvml" DLRIG_CUDA_LIB="$fake_cuda" DLRIG_FAKE_MACHINE="$desc" \
                "$dlrig" --root "$machines/$m/root" "$@"
}

tap() { # status, description
        n=$((n + 1))
        if [ "$1" = 0 ]; then
                echo "ok $n - $2"
        else
                echo "not ok $n - $2"
                failed=$((failed + 1))
        fi
}

for m in "$@"; do
        run "$machines/$m/gpus.json" "$m" doctor --save "$tmp/snap.json" >/dev/null 2>&1
        python3 "$tofake" "$tmp/snap.json" >"$tmp/gpus.json" 2>"$tmp/notes"
        tap $? "$m: snap-to-fake.py reads the saved snapshot"
        for c in doctor topo "--json topo"; do
                # shellcheck disable=SC2086 # the case is several words
                run "$machines/$m/gpus.json" "$m" $c >"$tmp/want" 2>&1
                # shellcheck disable=SC2086
                run "$tmp/gpus.json" "$m" $c >"$tmp/got" 2>&1
                diff -u "$tmp/want" "$tmp/got" | sed 's/^/# /'
                cmp -s "$tmp/want" "$tmp/got"
                tap $? "$m: '$c' from the regenerated description matches"
        done
done

echo "1..$n"
[ "$failed" = 0 ]
