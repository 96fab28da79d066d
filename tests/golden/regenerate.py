#!/usr/bin/env python3
"""regenerate.py REPO - the committed fixture machines are what
scripts/make-machine.py makes of scripts/machines*.py, byte for byte (TAP).

It runs `make-machine.py --out TMP --all` into a temporary folder (never into
the source tree) and compares, for each machine, every file the script writes
(root/, gpus.json, env, cases, README, expect/findings): the same paths, the
same bytes, the same link targets, the same executable bit. Folders are not
compared (git holds none that is empty). Goldens (expect/*.txt) are the
golden runner's (run.sh), not compared here. A fixture that the script does
not make is skipped by name, with its reason (NOT_GENERATED).

One input is the host's: root/usr/share/misc/pci.ids is cut from the host's
/usr/share/misc/pci.ids. Without that file the test is skipped; a machine
whose only difference is that subset (the host has another pci.ids version)
is reported as a TODO, not a failure: the committed subset stays the truth."""
import os
import subprocess
import sys
import tempfile

# Fixtures made by another script: name -> reason.
NOT_GENERATED = {
    "real-h200-cuda-image": "a recorded real machine (scripts/import-recording.py)",
}
# What make-machine.py writes into tests/machines/NAME (everything else there
# is the golden runner's).
GENERATED = ("root", "gpus.json", "env", "cases", "README", os.path.join("expect", "findings"))
HOST_PCI_IDS = "/usr/share/misc/pci.ids"
PCI_IDS = os.path.join("root", "usr", "share", "misc", "pci.ids")


def listing(machine):
    """{relative path: (kind, payload, executable)} of the generated parts."""
    out = {}
    for part in GENERATED:
        top = os.path.join(machine, part)
        if os.path.islink(top) or os.path.isfile(top):
            paths = [top]
        elif os.path.isdir(top):
            paths = []
            for dirpath, dirs, files in os.walk(top):
                for n in dirs + files:
                    p = os.path.join(dirpath, n)
                    if os.path.islink(p) or not os.path.isdir(p):
                        paths.append(p)
        else:
            continue
        for p in paths:
            rel = os.path.relpath(p, machine)
            if os.path.islink(p):
                out[rel] = ("link", os.readlink(p), False)
            else:
                with open(p, "rb") as f:
                    out[rel] = ("file", f.read(), bool(os.lstat(p).st_mode & 0o100))
    return out


def compare(made, committed):
    """Differences, one line each."""
    a, b = listing(made), listing(committed)
    lines = []
    for rel in sorted(set(a) | set(b)):
        if rel not in b:
            lines.append(f"{rel}: made by the script, not committed")
        elif rel not in a:
            lines.append(f"{rel}: committed, not made by the script (stale)")
        elif a[rel][0] != b[rel][0]:
            lines.append(f"{rel}: the script makes a {a[rel][0]}, a {b[rel][0]} is committed")
        elif a[rel][1] != b[rel][1]:
            if a[rel][0] == "link":
                lines.append(f"{rel}: link to {a[rel][1]}, committed to {b[rel][1]}")
            else:
                lines.append(f"{rel}: content differs ({len(a[rel][1])} bytes made, "
                             f"{len(b[rel][1])} committed)")
        elif a[rel][2] != b[rel][2]:
            lines.append(f"{rel}: executable bit {a[rel][2]}, committed {b[rel][2]}")
    return lines


def main():
    repo = sys.argv[1]
    machines = os.path.join(repo, "tests", "machines")
    if not os.path.exists(HOST_PCI_IDS):
        print(f"1..0 # SKIP no {HOST_PCI_IDS} on this host (make-machine.py cuts it)")
        return 0
    with tempfile.TemporaryDirectory(prefix="dlrig-regen-") as tmp:
        r = subprocess.run([sys.executable, os.path.join(repo, "scripts", "make-machine.py"),
                            "--out", tmp, "--all"], capture_output=True, text=True)
        if r.returncode != 0:
            print("1..1\nnot ok 1 - make-machine.py --all failed")
            print("".join(f"# {line}\n" for line in (r.stdout + r.stderr).splitlines()), end="")
            return 1
        made = sorted(os.listdir(tmp))
        committed = sorted(d for d in os.listdir(machines)
                           if os.path.isdir(os.path.join(machines, d)))
        n = failed = 0
        for name in sorted(set(made) | set(committed)):
            n += 1
            if name not in made:
                if name in NOT_GENERATED:
                    print(f"ok {n} - {name} # SKIP {NOT_GENERATED[name]}")
                else:
                    failed += 1
                    print(f"not ok {n} - {name}: committed but not described in scripts/machines*.py"
                          " (add it there, or to NOT_GENERATED with its reason)")
                continue
            if name not in committed:
                failed += 1
                print(f"not ok {n} - {name}: described but not committed (make-machine.py {name})")
                continue
            diffs = compare(os.path.join(tmp, name), os.path.join(machines, name))
            if diffs and all(d.startswith(PCI_IDS + ":") for d in diffs):
                print(f"not ok {n} - {name}: only its pci.ids subset differs # TODO the host's "
                      f"{HOST_PCI_IDS} is another version")
            elif diffs:
                failed += 1
                print(f"not ok {n} - {name}: {len(diffs)} difference(s) from make-machine.py {name}")
                print("".join(f"# {d}\n" for d in diffs[:40]), end="")
                if len(diffs) > 40:
                    print(f"# ... and {len(diffs) - 40} more")
            else:
                print(f"ok {n} - {name}")
        print(f"1..{n}")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
