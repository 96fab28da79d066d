#!/bin/sh
# deb.sh SOURCE_ROOT VERSION - the Debian package, end to end: copy the
# source tree to a temporary folder (never build in the checkout: no debian/
# build products, no ../dlrig_*.deb next to it), `dpkg-buildpackage -us -uc
# -b` there, lintian on the .deb (errors fail; warnings are printed), then
# install it into a fresh, empty root and run what it installed: `dlrig
# --version`, `man -l` on its man page, its bash completion through compgen.
#
# The fresh root is made with `dpkg -x`, which unpacks the package's files
# exactly where `dpkg -i` puts them, unprivileged. `dpkg --root DIR -i`
# refuses to run without root ("requires superuser privilege"); with
# --force-not-root --force-script-chrootless it then stops on dependencies,
# since DIR's empty database knows no libc6 or libjansson4 (--force-depends
# would test nothing), and it honours the host's path-exclude rules, which
# in minimized container images drop /usr/share/man. The dependencies are
# checked on the package's control fields instead.
#
# Output is TAP lines for the log; the exit status is what meson reads: 0
# pass, 1 fail, 77 skip (no dpkg-buildpackage, debhelper or lintian).
# Man page and completion subtests print "ok N # SKIP" naming the file the
# package lacks, until meson.build installs it.
set -u
src=${1:?usage: deb.sh SOURCE_ROOT VERSION}
version=${2:?usage: deb.sh SOURCE_ROOT VERSION}

for tool in dpkg-buildpackage dpkg-deb dh lintian; do
        if ! command -v "$tool" >/dev/null 2>&1; then
                echo "1..0 # SKIP $tool is not installed (scripts/deps.sh test installs it)"
                exit 77
        fi
done

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
finish() { echo "1..$n"; [ "$failed" = 0 ] && exit 0; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/dlrig-deb.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# 1. The tree a release is made from: the files git knows (tracked, and new
# ones not ignored, so work in progress is packaged too), or, outside a git
# checkout, everything but build folders.
mkdir "$tmp/src" "$tmp/root"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        # (a file deleted but not yet committed is left out)
        # shellcheck disable=SC2016
        (cd "$src" && git ls-files -z --cached --others --exclude-standard |
                xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
                tar --null -T - -cf -) | tar -C "$tmp/src" -xf -
else
        tar -C "$src" --exclude='./build*' --exclude='./obj-*' -cf - . | tar -C "$tmp/src" -xf -
fi
if [ -f "$tmp/src/debian/control" ] && [ -f "$tmp/src/meson.build" ]; then
        ok "source tree copied to a temporary folder"
else
        not_ok "source tree copied to a temporary folder (no debian/control or meson.build)"
        finish
fi

# debian/changelog says the version meson.build declares (native: no revision).
changelog=$(cd "$tmp/src" && dpkg-parsechangelog -S Version 2>/dev/null)
if [ "$changelog" = "$version" ]; then
        ok "debian/changelog version $changelog is meson.build's"
else
        not_ok "debian/changelog version '$changelog' is not meson.build's '$version'"
fi

# 2. Build. -jauto: dh's meson build runs ninja with as many jobs.
if (cd "$tmp/src" && dpkg-buildpackage -us -uc -b -jauto) >"$tmp/build.log" 2>&1; then
        ok "dpkg-buildpackage -us -uc -b"
else
        not_ok "dpkg-buildpackage -us -uc -b"
        sed 's/^/# /' "$tmp/build.log" | tail -n 60
        finish
fi
deb=$(find "$tmp" -maxdepth 1 -name "dlrig_${version}_*.deb" | head -n 1)
if [ -n "$deb" ]; then
        ok "built $(basename "$deb")"
else
        not_ok "no dlrig_${version}_*.deb built"
        find "$tmp" -maxdepth 1 | sed 's/^/# /'
        finish
fi

# 3. lintian: errors fail, warnings and the rest are shown.
if lintian --fail-on error --display-info "$deb" >"$tmp/lintian.log" 2>&1; then
        ok "lintian: no errors"
else
        not_ok "lintian reports errors"
fi
sed 's/^/# /' "$tmp/lintian.log"

# 4. The dependencies are the real runtime ones: jansson found by
# dpkg-shlibdeps; libkmod2 and libpci3, which dlrig dlopens (no shlibs can
# see them), named in debian/control.
depends=$(dpkg-deb -f "$deb" Depends)
recommends=$(dpkg-deb -f "$deb" Recommends)
echo "# Depends: $depends"
echo "# Recommends: $recommends"
for want in libc6 libjansson4 libkmod2; do
        case ", $depends," in
        *", $want "* | *", $want,"*) ok "Depends names $want" ;;
        *) not_ok "Depends lacks $want" ;;
        esac
done
case ", $depends, $recommends," in
*", libpci3 "* | *", libpci3,"*) ok "libpci3 is a dependency or recommendation" ;;
*) not_ok "neither Depends nor Recommends names libpci3" ;;
esac

# 5. A fresh root with the package's files, and the tool it installed.
dpkg -x "$deb" "$tmp/root"
bin="$tmp/root/usr/bin/dlrig"
if out=$("$bin" --version 2>&1) && printf '%s\n' "$out" | grep -qF "$version"; then
        ok "installed dlrig --version: $out"
else
        not_ok "installed dlrig --version: $out"
fi
(cd "$tmp/root" && find . ! -type d | sort | sed 's/^\./# /')

# 6. The man pages render: dlrig(1) must be there once any is, and every
# page the package has (dlrig-doctor(1), ...) renders without a warning.
render() { # PAGE: man -l it; ok when it says dlrig and stderr stays empty
        name=${1#"$tmp/root/"}
        if text=$(LC_ALL=C.UTF-8 MANWIDTH=80 MAN_KEEP_FORMATTING=0 man -l "$1" 2>"$tmp/man.err" </dev/null) &&
                printf '%s\n' "$text" | grep -q 'dlrig' && ! grep -q . "$tmp/man.err"; then
                ok "man -l $name renders ($(printf '%s\n' "$text" | wc -l) lines)"
        else
                not_ok "man -l $name"
                sed 's/^/# /' "$tmp/man.err"
        fi
}
if [ ! -f "$tmp/root/usr/share/man/man1/dlrig.1.gz" ]; then
        skip "man page: the package has no usr/share/man/man1/dlrig.1.gz"
elif ! command -v man >/dev/null 2>&1; then
        skip "man page: man is not installed"
else
        for page in "$tmp"/root/usr/share/man/man*/*; do
                [ -f "$page" ] && render "$page"
        done
fi

# 7. The bash completion completes a command name.
comp="$tmp/root/usr/share/bash-completion/completions/dlrig"
if [ ! -f "$comp" ]; then
        skip "bash completion: the package has no usr/share/bash-completion/completions/dlrig"
elif ! command -v bash >/dev/null 2>&1; then
        skip "bash completion: bash is not installed"
else
        # Source it as bash-completion would (its helpers first when present),
        # then ask for the first word: a -F function is called as readline
        # would call it, any other spec goes to compgen with its own options.
        # the completion asks the dlrig it completes for: the installed one
        words=$(PATH="$tmp/root/usr/bin:$PATH" COMP_FILE="$comp" bash -c '
                [ -f /usr/share/bash-completion/bash_completion ] &&
                        . /usr/share/bash-completion/bash_completion
                . "$COMP_FILE" || exit 1
                spec=$(complete -p dlrig) || exit 1
                fn=$(printf "%s\n" "$spec" | sed -n "s/.*-F \([^ ]*\).*/\1/p")
                if [ -n "$fn" ]; then
                        COMP_WORDS=(dlrig do); COMP_CWORD=1
                        COMP_LINE="dlrig do"; COMP_POINT=${#COMP_LINE}; COMP_TYPE=9
                        COMPREPLY=()
                        "$fn" dlrig do dlrig
                        printf "%s\n" "${COMPREPLY[@]}"
                else
                        opts=${spec#complete }; opts=${opts% dlrig}
                        eval "compgen $opts -- do"
                fi' 2>"$tmp/comp.err")
        if printf '%s\n' "$words" | grep -qx 'doctor'; then
                ok "bash completion: dlrig do<TAB> offers doctor"
        else
                not_ok "bash completion: dlrig do<TAB> gave '$(printf '%s' "$words" | tr '\n' ' ')'"
                sed 's/^/# /' "$tmp/comp.err"
        fi
fi

# 8. The zsh and fish completions parse (their shells, when installed),
# wherever the package puts them: Debian's vendor folders or upstream's.
parses() { # SHELL 'CHECK CMD' FILE...: the first FILE the package has, checked
        sh_name=$1; cmd=$2; shift 2
        file=""
        for f; do [ -f "$tmp/root/$f" ] && file=$f && break; done
        if [ -z "$file" ]; then
                skip "$sh_name completion: the package has no $1"
        elif ! command -v "$sh_name" >/dev/null 2>&1; then
                skip "$sh_name completion: $sh_name is not installed to parse $file"
        elif $cmd "$tmp/root/$file" >"$tmp/sh.err" 2>&1; then
                ok "$sh_name completion: $file parses"
        else
                not_ok "$sh_name completion: $file does not parse"
                sed 's/^/# /' "$tmp/sh.err"
        fi
}
parses zsh 'zsh -n' usr/share/zsh/vendor-completions/_dlrig usr/share/zsh/site-functions/_dlrig
parses fish 'fish --no-execute' usr/share/fish/vendor_completions.d/dlrig.fish \
        usr/share/fish/completions/dlrig.fish

finish
