#!/bin/sh
# record-machine.sh DLRIG OUT - turns this machine, with its real NVIDIA GPUs
# and driver, into a fixture folder for tests/machines/:
#
#   OUT/snap.json    the snapshot that 'DLRIG doctor --save' took here
#   OUT/doctor.txt   the report it printed (for the reviewer, not a golden)
#   OUT/gpus.json    the fake libraries' machine description
#                    (tests/fakes/README.md), made from the snapshot's NVML, GPU
#                    and CUDA facts by scripts/snap-to-fake.py
#   OUT/root/        copies of the files dlrig reads: /etc/os-release,
#                    /proc/sys/kernel/{osrelease,arch}, /proc/modules,
#                    /proc/driver/nvidia/version, /sys/module/nvidia/{version,
#                    taint,initstate}, and for every NVIDIA PCI device (vendor
#                    0x10de) its attribute files and its 'driver' link (kept
#                    as a link, same target) in its real folder under
#                    /sys/devices, so the PCI tree above it stays: each bridge
#                    on the way up with its 'config' (the first 64 bytes
#                    without root, 4096 with), the /sys/bus/pci/devices links,
#                    the device's IOMMU group type; /proc/cmdline, the first
#                    'flags' line of /proc/cpuinfo, the NUMA nodes' cpulists
#
# Usage (builds nothing, changes nothing outside OUT, needs python3):
#
#   meson setup build && ninja -C build
#   scripts/record-machine.sh build/dlrig /tmp/a100-node
#   # review OUT (serial numbers and UUIDs are in it), then:
#   cp -r /tmp/a100-node/root /tmp/a100-node/gpus.json tests/machines/NAME/
#
# Run it as the user dlrig normally runs as: NVML answers some queries (retired
# pages, for one) only to root, and what it refused is recorded as refused.
# CUDA_VISIBLE_DEVICES and CUDA_DEVICE_ORDER are unset for the recording, so
# CUDA reports every device, as the fake will.
set -u

if [ $# -ne 2 ]; then
        echo "usage: $0 DLRIG OUT" >&2
        exit 2
fi
dlrig=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)

command -v python3 >/dev/null 2>&1 || { echo "$0: python3 is needed" >&2; exit 1; }
[ -x "$dlrig" ] || { echo "$0: '$dlrig' is not an executable" >&2; exit 1; }
mkdir -p "$out/root" || exit 1

# copy FILE: FILE's contents (not its link, not its size: /proc lies) into root/
copy() {
        [ -r "$1" ] || return 0
        mkdir -p "$out/root$(dirname "$1")" &&
                cat "$1" >"$out/root$1" 2>/dev/null || rm -f "$out/root$1"
}

# link LINK TARGET: LINK in root/ pointing at TARGET (both absolute paths of
# this machine), written relative so that it resolves inside the fixture
link() {
        mkdir -p "$out/root$(dirname "$1")" &&
                ln -sfn "$(python3 -c 'import os, sys; print(os.path.relpath(sys.argv[2], os.path.dirname(sys.argv[1])))' "$1" "$2")" "$out/root$1"
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
                head -c 4096 "$up/config" >"$out/root$up/config" 2>/dev/null ||
                        rm -f "$out/root$up/config"
                link "/sys/bus/pci/devices/${up##*/}" "$up" || return 1
                up=$(dirname "$up")
        done
}

copy_pci_device() {
        real=$(readlink -f "$1")
        dev=$real
        dst=$out/root$real
        mkdir -p "$dst" || return 1
        link "/sys/bus/pci/devices/$(basename "$1")" "$real" || return 1
        copy_bridges "$real" || return 1
        if [ -L "$dev/iommu_group" ]; then
                group=$(readlink -f "$dev/iommu_group")
                copy "$group/type"
                link "$dev/iommu_group" "$group"
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

echo "recording with $dlrig into $out"
(
        unset CUDA_VISIBLE_DEVICES CUDA_DEVICE_ORDER DLRIG_NVML_LIB DLRIG_CUDA_LIB
        "$dlrig" doctor --save "$out/snap.json" >"$out/doctor.txt" 2>&1
)
rc=$?
if [ $rc -ge 3 ] || [ ! -s "$out/snap.json" ]; then
        echo "$0: dlrig doctor failed (exit $rc); see $out/doctor.txt" >&2
        exit 1
fi
python3 "$here/snap-to-fake.py" "$out/snap.json" >"$out/gpus.json" || exit 1

for f in /etc/os-release /proc/sys/kernel/osrelease /proc/sys/kernel/arch /proc/modules \
        /proc/driver/nvidia/version /sys/module/nvidia/version /sys/module/nvidia/taint \
        /sys/module/nvidia/initstate /proc/cmdline; do
        copy "$f"
done
mkdir -p "$out/root/proc" && grep -m1 '^flags' /proc/cpuinfo >"$out/root/proc/cpuinfo" 2>/dev/null
for node in /sys/devices/system/node/node[0-9]*; do
        [ -d "$node" ] && copy "$node/cpulist"
done
n=0
for dev in /sys/bus/pci/devices/*; do
        [ "$(cat "$dev/vendor" 2>/dev/null)" = 0x10de ] || continue
        copy_pci_device "$dev" || exit 1
        n=$((n + 1))
done

echo "done: $n NVIDIA PCI functions, description in $out/gpus.json"
echo "review $out before committing it: it holds this machine's GPU UUIDs and PCI addresses"
