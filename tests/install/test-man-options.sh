#!/bin/sh
# test-man-options.sh DLRIG MANDIR - the options agree: every option that
# completion offers for a command (its getopt table) is in its --help, and
# every long option its --help lists (a line's first) is a term of its man
# page's OPTIONS (--help, every command's, is in each page, not each --help).
set -u
dlrig=$1 man=$2
fail=0
for cmd in "" doctor plan setup env kb topo fit bench health fleet prove; do
        page=$man/dlrig${cmd:+-$cmd}.1.scd
        help=$("$dlrig" $cmd --help)
        for o in $("$dlrig" __complete dlrig $cmd -- | grep -vx -- --help); do
                printf '%s\n' "$help" | grep -qE -- "$o([^a-z0-9-]|\$)" ||
                        { echo "FAIL: dlrig $cmd: $o is an option but not in --help"; fail=1; }
        done
        for o in $(printf '%s\n' "$help" | sed -nE 's/^ +(-[a-zA-Z], )?(--[a-z][a-z0-9-]*).*/\2/p' | sort -u); do
                awk '/^# /{on = ($0 == "# OPTIONS")} on && !/^\t/' "$page" | grep -qE -- "\\*$o\\*" ||
                        { echo "FAIL: $page lists no $o under OPTIONS (from dlrig $cmd --help)"; fail=1; }
        done
done
exit $fail
