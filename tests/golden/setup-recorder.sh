#!/bin/sh
# setup-recorder.sh ARGV... - stands in for every command dlrig setup runs
# (DLRIG_SETUP_RUNNER): appends the command line to $RECORDER_LOG and
# answers like the real tool would where setup reads the answer.
#   RECORDER_KERNEL=1     a simulated transaction also installs a kernel image
#   RECORDER_FAIL=TEXT    a command line containing TEXT fails (exit 100)
printf '%s\n' "$*" >>"$RECORDER_LOG"
if [ -n "${RECORDER_FAIL:-}" ]; then
        case "$*" in *"$RECORDER_FAIL"*) echo "E: simulated failure of '$*'" >&2; exit 100 ;; esac
fi
case " $* " in
*" -s install "*)
        if [ "${RECORDER_KERNEL:-}" = 1 ]; then
                echo "Inst linux-image-5.15.0-107-generic (5.15.0-107.117 Ubuntu:22.04/jammy-updates [amd64])"
        fi
        for last; do :; done
        echo "Inst $last (1.0-1 Ubuntu:22.04/jammy [amd64])" ;;
esac
exit 0
