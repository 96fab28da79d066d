#!/usr/bin/env python3
"""schema-version.py SOURCE_ROOT - every JSON dlrig writes carries the one
schema_version (src/snap/snap-schema.h): the golden of every --json case of
every fixture machine (doctor, bench, plan, topo, fit), of fit-local.sh's
model folders, and every saved snapshot golden. run.sh holds the goldens to the real output, so checking
them checks the commands; a command kind with no --json golden fails too."""
import json
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
header = open(os.path.join(root, "src/snap/snap-schema.h")).read()
want = int(re.search(r"#define DLRIG_SCHEMA_VERSION (\d+)", header).group(1))
machines = os.path.join(root, "tests/machines")
kinds = {"doctor", "bench", "plan", "topo", "fit", "snapshot"}
seen, bad = set(), []


def golden_name(case):
    # run.sh: spaces and slashes to '_', leading dashes of each word dropped
    s = case.replace(" ", "_").replace("/", "_")
    return re.sub(r"(^|_)-*", r"\1", s) + ".txt"


def check(path, kind):
    lines = open(path).read().split("\n")
    exit_line = [l for l in lines if l.startswith("# exit ")]
    body = "\n".join(l for l in lines[1:] if not l.startswith("# exit "))
    start = body.find("{")
    if start < 0:
        if exit_line and exit_line[-1] == "# exit 3":
            return  # could not judge: an error on stderr, no JSON
        bad.append(f"{path}: no JSON object")
        return
    try:
        doc, _ = json.JSONDecoder().raw_decode(body[start:])
    except ValueError as e:
        bad.append(f"{path}: not JSON: {e}")
        return
    got = doc.get("schema_version")
    if got != want:
        bad.append(f"{path}: schema_version {got!r}, expected {want} (src/snap/snap-schema.h)")
    seen.add(kind)


for m in sorted(os.listdir(machines)):
    cases = os.path.join(machines, m, "cases")
    if not os.path.isfile(cases):
        continue
    for case in open(cases).read().splitlines():
        words = case.split()
        if "--json" not in words:
            continue
        kind = next((w for w in words if w in kinds), None)
        path = os.path.join(machines, m, "expect", golden_name(case))
        if kind and os.path.isfile(path):
            check(path, kind)
    snap = os.path.join(machines, m, "expect", "snapshot.txt")
    if os.path.isfile(snap):
        check(snap, "snapshot")

# fit-local.sh's goldens: dlrig fit on local model folders
fit_models = os.path.join(root, "tests/fit-models/expect")
for f in sorted(os.listdir(fit_models)):
    if f.startswith("json_"):
        check(os.path.join(fit_models, f), "fit")

for k in sorted(kinds - seen):
    bad.append(f"no --json golden of '{k}' checked: add one, or this test proves nothing for it")
print("\n".join(bad) if bad else f"ok: every --json golden carries schema_version {want}")
sys.exit(1 if bad else 0)
