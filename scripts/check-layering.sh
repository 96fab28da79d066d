#!/bin/sh
# check-layering.sh [SRC_DIR] - the design's layering rules as a test:
# 1. only src/sys may open files, directories or libraries, or run programs;
# 2. includes point one way: check/render read only snap, kb and util;
#    probe and drv never include check, render or cmd; fit reads only snap, kb
#    and util; util includes no layer.
set -u
src=${1:-$(dirname "$0")/../src}
fail=0

banned='(^|[^_a-zA-Z0-9.>-])(open|openat|fopen|opendir|fdopendir|dlopen|execv|execve|execvp|execl|execlp|posix_spawn|popen|system)[[:space:]]*\('
hits=$(grep -rnE "$banned" "$src" --include='*.c' | grep -v "^$src/sys/" | grep -vE ':[0-9]+:[[:space:]]*(/\*|\*)')
if [ -n "$hits" ]; then
        echo "system access outside src/sys:"
        echo "$hits"
        fail=1
fi

upward() { # layer, forbidden include prefixes...
        layer=$1; shift
        for bad in "$@"; do
                h=$(grep -rn "#include \"$bad/" "$src/$layer" 2>/dev/null)
                if [ -n "$h" ]; then
                        echo "src/$layer must not include $bad/:"
                        echo "$h"
                        fail=1
                fi
        done
}
upward check probe drv sys cmd render
upward render probe drv sys cmd
upward probe check render cmd
upward drv probe check render cmd
upward snap probe drv check render cmd sys kb
upward kb probe drv check render cmd sys snap
upward util probe drv check render cmd sys snap kb
upward fit probe drv check render cmd sys
upward sys probe drv check render cmd snap kb
upward plan probe drv check render cmd
# The plan itself is pure (snap, kb, util); only the executor (setup-*.c)
# reaches the machine, through src/sys.
h=$(grep -n '#include "sys/' "$src"/plan/plan*.c "$src"/plan/plan*.h 2>/dev/null)
if [ -n "$h" ]; then
        echo "src/plan/plan-* must not include sys/ (only setup-* runs things):"
        echo "$h"
        fail=1
fi
# One home per concept (issue 13): NVIDIA's repository URL and the
# distribution list live in src/kb (distro.tsv, kb-distro.c) only.
h=$(grep -rn 'developer.download.nvidia.com/compute/cuda/repos' "$src" --include='*.c' --include='*.h' | grep -v "^$src/kb/")
if [ -n "$h" ]; then
        echo "NVIDIA's repository URL outside src/kb (use kb/kb-distro.h):"
        echo "$h"
        fail=1
fi
exit $fail
