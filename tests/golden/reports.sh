#!/bin/sh
# reports.sh DLRIG REPORTS_DIR - doctor --from judges each report in
# REPORTS_DIR (collect_env text, nvidia-smi -q -x XML) against NAME.findings:
# each id listed must be reported, each "!id" must not, and no warn or fail
# may be reported that the list does not name. The text report must run too
# and name the report it judged. TAP output.
set -u
dlrig=$1
dir=$2
n=0
fail=0
for exp in "$dir"/*.findings; do
        name=$(basename "$exp" .findings)
        input=$(ls "$dir/$name".* | grep -v '\.findings$' | head -n 1)
        n=$((n + 1))
        json=$("$dlrig" --json doctor --from "$input" 2>&1)
        rc=$?
        text=$("$dlrig" doctor --from "$input" 2>&1)
        got=$(printf '%s' "$json" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    print(f["id"], f["severity"])' 2>&1)
        bad=""
        [ "$rc" -le 2 ] || bad="$bad exit $rc;"
        printf '%s' "$text" | grep -q "judged from" || bad="$bad text report does not say what it judged;"
        for id in $(grep -v '^#' "$exp" | grep .); do
                case $id in
                !*) printf '%s\n' "$got" | grep -q "^${id#!} " && bad="$bad ${id#!} reported;" ;;
                *) printf '%s\n' "$got" | grep -q "^$id " || bad="$bad $id missing;" ;;
                esac
        done
        for id in $(printf '%s\n' "$got" | awk '$2 == "warn" || $2 == "fail" { print $1 }'); do
                grep -qx "$id" "$exp" || bad="$bad unexpected $id;"
        done
        if [ -n "$bad" ]; then
                echo "not ok $n - $name:$bad"
                printf '%s\n' "$got" | sed 's/^/# /'
                fail=1
        else
                echo "ok $n - $name"
        fi
done
echo "1..$n"
exit $fail
