#!/bin/sh
# fuzz-run.sh SECONDS - run every libFuzzer target for SECONDS each.
#
# Configures (once) a clang build in build-fuzz with ASan and UBSan, builds
# the fuzzers of tests/fuzz, then runs each on a scratch copy of its seed
# corpus (tests/fuzz/corpus/<target>/), so new inputs stay out of the tree.
# Crashing inputs are written to build-fuzz/fuzz-artifacts/; a crash, a
# leak or a sanitizer report makes the script exit non-zero. Add a crash
# input to the seed corpus once it is fixed: meson test replays it forever.
set -eu

usage() {
        echo "usage: $0 SECONDS" >&2
        exit 2
}
[ $# -eq 1 ] || usage
case $1 in
'' | *[!0-9]*) usage ;;
esac
secs=$1
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build-fuzz

# No clang or no libFuzzer runtime: say so and report "skipped" (77); the
# corpus replay in meson test still runs every seed through the parsers.
probe=$(mktemp -d)
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' >"$probe/p.c"
if ! command -v clang >/dev/null 2>&1 ||
   ! clang -fsanitize=fuzzer "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
        rm -rf "$probe"
        echo "fuzz-run: clang with libFuzzer not available, skipping" >&2
        exit 77
fi
rm -rf "$probe"

if [ ! -f "$build/build.ninja" ]; then
        CC=clang meson setup "$build" "$top" -Dfuzz=true \
                -Db_sanitize=address,undefined -Db_lundef=false
fi
# Only the fuzzers: they need the parsers, not the whole tool.
targets=
for seeds in "$top"/tests/fuzz/corpus/*/; do
        targets="$targets tests/fuzz/fuzz-$(basename "$seeds")"
done
# shellcheck disable=SC2086
ninja -C "$build" $targets

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM

failed=
for seeds in "$top"/tests/fuzz/corpus/*/; do
        name=$(basename "$seeds")
        fuzzer=$build/tests/fuzz/fuzz-$name
        if [ ! -x "$fuzzer" ]; then
                echo "fuzz-run: no fuzzer for corpus '$name'" >&2
                failed="$failed $name"
                continue
        fi
        mkdir -p "$scratch/$name"
        cp "$seeds"* "$scratch/$name/"
        echo "fuzz-run: $name for ${secs}s"
        if ! "$fuzzer" -max_total_time="$secs" -max_len=65536 -timeout=10 \
                -artifact_prefix="$artifacts/$name-" "$scratch/$name" \
                >"$scratch/$name.log" 2>&1; then
                tail -n 40 "$scratch/$name.log" >&2
                failed="$failed $name"
        else
                grep -E '^(#[0-9]+|Done)' "$scratch/$name.log" | tail -n 1
        fi
done

if [ -n "$failed" ]; then
        echo "fuzz-run: failed:$failed (inputs in $artifacts)" >&2
        exit 1
fi
echo "fuzz-run: all fuzzers ran ${secs}s without a crash"
