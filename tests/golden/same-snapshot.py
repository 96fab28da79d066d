#!/usr/bin/env python3
"""same-snapshot.py SAVED REPORT - exit 0 when REPORT (`dlrig --json doctor
--from SAVED`'s output) holds, under "snapshot", exactly the facts of SAVED
(what `doctor --save` wrote): loading a snapshot loses, adds and changes
nothing. Otherwise prints the paths that differ (at most 20) and exits 1."""
import json
import sys


def diff(a, b, path, out):
    if type(a) is not type(b):
        out.append(f"{path}: saved {json.dumps(a)[:80]}, read back {json.dumps(b)[:80]}")
    elif isinstance(a, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in b:
                out.append(f"{path}.{k}: saved, lost when read back")
            elif k not in a:
                out.append(f"{path}.{k}: not saved, appears when read back")
            else:
                diff(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items saved, {len(b)} read back")
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path}: saved {json.dumps(a)[:80]}, read back {json.dumps(b)[:80]}")


def main():
    try:
        saved = json.load(open(sys.argv[1], encoding="utf-8"))
        back = json.load(open(sys.argv[2], encoding="utf-8"))["snapshot"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"cannot compare: {e}")
        return 1
    out = []
    diff(saved, back, "snapshot", out)
    for line in out[:20]:
        print(line)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main())
