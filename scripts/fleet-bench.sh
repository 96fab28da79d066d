#!/bin/sh
# fleet-bench.sh DLRIG [N] - times `dlrig fleet` on N (default 1000) generated
# reports: copies of tests/fleet/reports/*.json with host names node0001...
# and one node in ten on another driver. Use a release build
# (meson setup build-release -Dbuildtype=release). Prints the wall time of
# the best of three runs; docs/fleet.md records the figure.
set -eu
dlrig=$1 count=${2:-1000}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$here/tests/fleet/reports" "$tmp" "$count" <<'PY'
import glob, json, sys
src, out, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
bases = [json.load(open(p)) for p in sorted(glob.glob(src + "/*.json"))]
for i in range(count):
    j = bases[i % len(bases)]
    j["snapshot"]["os"]["hostname"] = f"node{i:04d}"
    j["snapshot"]["nvml"]["driver_version"] = "550.54.15" if i % 10 == 9 else "535.161.08"
    with open(f"{out}/node{i:04d}.json", "w") as f:
        json.dump(j, f, indent=2)
PY
echo "$count reports, $(du -sh "$tmp" | cut -f1)"
best=
for run in 1 2 3; do
        t0=$(date +%s%N)
        "$dlrig" fleet "$tmp" >/dev/null || [ $? -le 2 ]
        t1=$(date +%s%N)
        ms=$(( (t1 - t0) / 1000000 ))
        [ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
done
echo "dlrig fleet on $count reports: ${best} ms (best of 3)"
