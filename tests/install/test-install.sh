#!/bin/bash
# test-install.sh BUILDDIR PREFIX BINDIR MANDIR DATADIR - meson install into a
# temporary DESTDIR; the binary runs, every man page renders (dlrig-doctor(1)
# with every finding of the catalogue), and the installed bash completion,
# driven the way bash drives it (COMP_WORDS, COMP_CWORD), completes.
set -eu
build=$1 prefix=$2 bindir=$3 mandir=$4 datadir=$5
abs() { case $1 in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

meson install -C "$build" --destdir "$tmp" --no-rebuild >"$tmp.log" 2>&1 || { cat "$tmp.log"; rm -f "$tmp.log"; exit 1; }
rm -f "$tmp.log"
bin=$tmp$(abs "$bindir")
man1=$tmp$(abs "$mandir")/man1
share=$tmp$(abs "$datadir")

"$bin/dlrig" --version | grep -q '^dlrig [0-9]' || bad "installed dlrig --version"

render() {
        if command -v man >/dev/null 2>&1; then
                MANPAGER=cat MANWIDTH=200 man -l "$1" 2>/dev/null
        else
                groff -man -Tutf8 "$1" 2>/dev/null
        fi
}
for page in dlrig dlrig-doctor dlrig-plan dlrig-setup dlrig-env dlrig-kb dlrig-topo dlrig-fit dlrig-bench dlrig-health; do
        f=$man1/$page.1
        [ -s "$f" ] || { bad "$f not installed"; continue; }
        out=$(render "$f")
        for sec in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES "SEE ALSO"; do
                grep -q "^$sec\$" <<<"$out" || bad "$page(1) has no $sec section"
        done
done
doctor=$(render "$man1/dlrig-doctor.1")
ids=$("$bin/dlrig" __findings | sed -n 's/^\*\(.*\)\* (.*/\1/p' | sed 's/\\//g')
[ "$(wc -l <<<"$ids")" -gt 50 ] || bad "dlrig __findings lists too few findings"
for id in $ids; do
        grep -qF "$id" <<<"$doctor" || bad "dlrig-doctor(1) lacks finding $id"
done

for f in "$share/bash-completion/completions/dlrig" "$share/zsh/vendor-completions/_dlrig" \
         "$share/fish/vendor_completions.d/dlrig.fish"; do
        [ -s "$f" ] || bad "$f not installed"
done

# complete WORDS...: what the installed bash completion offers for the last word.
complete_bash() {
        (cd "$tmp" && PATH="$bin:$PATH" bash --norc --noprofile -c '
                source "$0"
                fn=$(complete -p dlrig | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
                COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
                "$fn" dlrig "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
                printf "%s\n" "${COMPREPLY[@]}"' "$share/bash-completion/completions/dlrig" "$@")
}
expect() { # WANT WORDS...: the completion of WORDS is exactly WANT (lines joined by spaces)
        local want=$1 got
        shift
        got=$(complete_bash "$@" | paste -sd ' ')
        [ "$got" = "$want" ] || bad "completing '$*': got '$got', want '$want'"
}
expect doctor dlrig 'do'
expect --save dlrig doctor --sa
expect "--from --from-step" dlrig setup --from
expect "qlora" dlrig fit --task q
expect "auto always" dlrig --color = a
expect "--color=never" dlrig --color=n
expect "cuda" dlrig kb cu
expect "" dlrig frobnicate --
expect "--health" dlrig doctor --hea
expect "--slurm" dlrig doctor --health --sl
touch "$tmp/snap.json"
expect "snap.json" dlrig doctor --from sn
expect "snap.json" dlrig doctor --bench sn
mkdir -p "$tmp/venv-a"
expect "venv-a" dlrig prove --env ven    # a path: the environment's prefix or its python
expect "" dlrig plan --env ven           # a name for the new environment, no path
complete_bash dlrig fit meta-llama/ | grep -qx 'meta-llama/Meta-Llama-3-8B' || bad "fit MODEL does not complete the kb's models"
complete_bash dlrig plan --cuda '' | grep -qx '12.1' || bad "plan --cuda does not complete CUDA releases"

# zsh and fish, where installed: the same questions through their scripts
# (zsh's compadd and _files stood in for, as outside a completion widget).
if command -v zsh >/dev/null 2>&1; then
        got=$(cd "$tmp" && PATH="$bin:$PATH" zsh -fc 'compadd() { print -l -- "${(@P)argv[-1]}"; }
                _files() { print -- "_files $*"; }
                words=(dlrig do); CURRENT=2; source "$0"
                words=(dlrig doctor --sa); CURRENT=3; _dlrig
                words=(dlrig doctor --from ""); CURRENT=4; _dlrig' "$share/zsh/vendor-completions/_dlrig" | paste -sd ' ')
        [ "$got" = "doctor --save _files " ] || bad "zsh completion: got '$got'"
else
        echo "zsh not installed: its completion not driven"
fi
if command -v fish >/dev/null 2>&1; then
        # shellcheck disable=SC2016 # fish expands $argv
        got=$(cd "$tmp" && PATH="$bin:$PATH" fish --no-config -c 'source $argv[1]
                complete -C "dlrig do"; complete -C "dlrig doctor --sa"; complete -C "dlrig doctor --from sn"' \
                "$share/fish/vendor_completions.d/dlrig.fish" | paste -sd ' ')
        [ "$got" = "doctor --save snap.json" ] || bad "fish completion: got '$got'"
else
        echo "fish not installed: its completion not driven"
fi
exit $fail
