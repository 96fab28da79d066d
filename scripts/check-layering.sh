#!/bin/sh
# check-layering.sh [SRC_DIR] - the layering of docs/architecture.md as a test:
# 1. only src/sys may open files, directories or libraries, or run programs;
# 2. every folder of src/ is in the table below, and includes only the folders
#    its row allows (its own folder always); anything else fails, as does a
#    folder missing from the table;
# 3. a *-internal.h header is included only from its own folder.
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

# Who may include whom: one row per folder of src/ (main.c stands for itself),
# lowest layer first. Same table as docs/architecture.md; change both together.
layers='
util    -
sys     util
snap    util
kb      util
drv     util sys snap kb
probe   util sys snap kb drv
bench   util sys snap kb drv
prove   util sys snap kb drv
check   util snap kb
render  util snap check topo fit plan fleet
plan    util snap kb
setup   util sys plan
topo    util snap kb
fit     util snap kb
fleet   util snap check
cmd     util sys snap kb drv probe bench prove check render plan setup topo fit fleet
main.c  util cmd
'

# Includes the table does not allow yet, each with the issue-13 item that
# removes it. Listed per file; an entry that no longer matches fails, so the
# list can only shrink.
exceptions='
'

# Headers the build generates in its own root (not a layer).
generated='version.h'

files=$(cd "$src" && find . -name '*.[ch]' | sed 's|^\./||' | sort)
dirs=$(cd "$src" && find . -mindepth 1 -maxdepth 1 -type d | sed 's|^\./||' | sort)
includes=$(cd "$src" && grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $files)

out=$(printf '%s\n' "$includes" | awk -v layers="$layers" -v exceptions="$exceptions" \
        -v files="$files" -v dirs="$dirs" -v generated="$generated" '
function folder(path) { return path ~ /\// ? substr(path, 1, index(path, "/") - 1) : path }
BEGIN {
        n = split(layers, rows, "\n")
        for (i = 1; i <= n; i++) {
                if (split(rows[i], w, " ") == 0)
                        continue
                known[w[1]] = 1
                list[w[1]] = ""
                for (j = 2; j in w; j++) {
                        if (w[j] != "-")
                                allow[w[1], w[j]] = 1
                        list[w[1]] = list[w[1]] " " (w[j] == "-" ? "nothing" : w[j])
                }
        }
        n = split(exceptions, rows, "\n")
        for (i = 1; i <= n; i++)
                if (split(rows[i], w, " ") >= 2) {
                        exc[w[1], w[2]] = 1
                        excname[w[1], w[2]] = w[1] " -> " w[2] "/"
                }
        split(files, f, "\n")
        for (i in f)
                have[f[i]] = 1
        split(generated, g, " ")
        for (i in g)
                gen[g[i]] = 1
        split(dirs, d, "\n")
        for (i in d)
                if (d[i] != "" && !(d[i] in known))
                        print "src/" d[i] "/: a folder missing from the layer table"
        for (i in f)
                if (f[i] !~ /\// && !(f[i] in known))
                        print "src/" f[i] ": a file outside the folders, missing from the layer table"
}
{
        # file:line:#include "inc"
        file = $0; sub(/:.*/, "", file)
        rest = substr($0, length(file) + 2)
        line = rest; sub(/:.*/, "", line)
        inc = rest; sub(/^[^"]*"/, "", inc); sub(/".*/, "", inc)
        from = folder(file)
        where = "src/" file ":" line ": "
        if (inc ~ /(^|\/)\.\.(\/|$)/) {
                print where "\"" inc "\" climbs with ..; name the folder from src/"
                next
        }
        if (inc !~ /\//) {
                here = (file ~ /\//) ? from "/" inc : inc
                if (!(here in have) && !(inc in gen))
                        print where "\"" inc "\" is not in src/" from "/; name its folder"
                next
        }
        to = folder(inc)
        if (inc ~ /-internal\.h$/ && to != from) {
                print where "\"" inc "\" is internal to src/" to "/"
                next
        }
        if (to == from || (from, to) in allow)
                next
        if ((file, to) in exc) {
                used[file, to] = 1
                next
        }
        if (!(to in known))
                print where "\"" inc "\": " to "/ is not a folder of the layer table"
        else if (!(from in known))
                print where "src/" from "/ is missing from the layer table"
        else
                print where from " may not include " to "/ (" from " may include:" list[from] ")"
}
END {
        for (k in exc)
                if (!(k in used))
                        print "stale exception " excname[k] ": nothing includes it any more; remove the line"
}')
if [ -n "$out" ]; then
        echo "includes against the layer table (scripts/check-layering.sh, docs/architecture.md):"
        echo "$out"
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
