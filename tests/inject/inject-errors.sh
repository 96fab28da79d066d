#!/bin/sh
# inject-errors.sh DLRIG SHIM MACHINES FAKE_NVML FAKE_CUDA - unreadable files,
# a full disk and a read-only target, injected below dlrig with the LD_PRELOAD
# shim: each must end gracefully, and a report file must never be lost.
set -u
. "$(dirname "$0")/common.sh"
inject_init "$@"
guide=a10g-x8-ubuntu2204

# The shim must bite: an unreadable /etc/os-release shows in the report.
run_machine $guide "DLRIG_INJECT_OPEN=/etc/os-release" --json doctor
if graceful && grep -q "cannot read /etc/os-release: Permission denied" "$tmp/out"; then
        tap ok "the injected failure reaches dlrig and is reported with its path"
else
        tap "not ok" "the injected failure reaches dlrig and is reported with its path"
        why
fi

# Every layer's files, unreadable one at a time (EACCES, then EIO).
for path in /proc/driver/nvidia/version /proc/modules /sys/bus/pci/devices \
            /etc/os-release /lib/modules /var/log/kern.log /dev/nvidia0 \
            /proc/cmdline .bashrc conda-meta /usr/local/cuda /etc/modprobe.d; do
        for err in 13 5; do
                run_machine $guide "DLRIG_INJECT_OPEN=$path DLRIG_INJECT_ERRNO=$err" doctor --json
                if graceful && [ "$rc" -le 2 ] && [ -s "$tmp/out" ]; then
                        tap ok "doctor with $path failing (errno $err) still reports"
                else
                        tap "not ok" "doctor with $path failing (errno $err) still reports"
                        why
                fi
        done
done

# A full disk while saving: the old snapshot survives, no temporary is left.
save=$tmp/saved/snap.json
mkdir -p "$tmp/saved" && echo precious >"$save"
run_machine $guide "DLRIG_INJECT_WRITE=$tmp/saved/" doctor --save "$save"
if graceful && [ "$rc" -eq 3 ] && [ "$(cat "$save")" = precious ] &&
   [ "$(ls "$tmp/saved")" = snap.json ] && grep -q 'snap.json' "$tmp/err"; then
        tap ok "--save on a full disk fails, names the file, keeps the old one"
else
        tap "not ok" "--save on a full disk fails, names the file, keeps the old one"
        why; ls "$tmp/saved" | sed 's/^/#   /'
fi

# A read-only target folder.
run_machine $guide "DLRIG_INJECT_OPEN=$tmp/saved/ DLRIG_INJECT_ERRNO=30" doctor --save "$save"
if graceful && [ "$rc" -eq 3 ] && [ "$(cat "$save")" = precious ]; then
        tap ok "--save into a read-only folder fails and keeps the old file"
else
        tap "not ok" "--save into a read-only folder fails and keeps the old file"
        why
fi

# An unreadable --from snapshot.
run_machine $guide "" doctor --save "$tmp/good.json"
run_machine $guide "DLRIG_INJECT_OPEN=good.json DLRIG_INJECT_ERRNO=13" doctor --from "$tmp/good.json"
if graceful && [ "$rc" -eq 3 ] && grep -q 'good.json' "$tmp/err"; then
        tap ok "--from an unreadable snapshot: exit 3 naming the file"
else
        tap "not ok" "--from an unreadable snapshot: exit 3 naming the file"
        why
fi

echo "1..$n"
[ "$failed" -eq 0 ]
