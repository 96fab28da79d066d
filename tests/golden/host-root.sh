#!/bin/sh
# host-root.sh DLRIG - on this machine, `dlrig doctor` and
# `dlrig --root / doctor` give the same report and a documented exit code,
# and a machine without NVIDIA GPUs is told so plainly.
set -u
dlrig=$1
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C TERM=dumb NO_COLOR=1
"$dlrig" doctor >"$tmp/a" 2>"$tmp/ea"; ra=$?
"$dlrig" --root / doctor >"$tmp/b" 2>"$tmp/eb"; rb=$?
fail=0
if [ "$ra" -gt 2 ] || [ "$ra" != "$rb" ]; then
        echo "exit codes: plain $ra, --root / $rb"; fail=1
fi
if ! diff -u "$tmp/a" "$tmp/b"; then
        echo "reports differ between no flag and --root /"; fail=1
fi
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$tmp/ea" "$tmp/eb"; then
        cat "$tmp/ea"; fail=1
fi
# No NVIDIA device in sysfs: the report must say so, not crash or hang.
if ! grep -qs 0x10de /sys/bus/pci/devices/*/vendor; then
        grep -q 'pci.no-gpu' "$tmp/a" || { echo "no GPU here, but the report does not say pci.no-gpu"; cat "$tmp/a"; fail=1; }
fi
exit $fail
