#!/usr/bin/env python3
"""import-recording.py RECORDING NAME - turns a recorded real machine
(scripts/record-machine.sh's output, e.g. ../shared/real-machines/NAME) into
the fixture tests/machines/NAME: root/, gpus.json, README, cases.

Two repairs, both printed:
- a copy of a recording that went through a tool which drops symbolic links
  (the shared folder is laid out that way) holds each link as a small file
  whose whole content is the target: such a file becomes a link again when
  its content has no newline or space and is a path, or names a file that
  exists beside it (an INSTALLER file saying "uv", or
  /usr/local/nvidia/version saying "580.159.04", stays a file);
- an `environ` file beside root/ (the first recordings) becomes
  root/proc/self/environ, where dlrig reads the process environment.

expect/ is left to the golden runner (tests/golden/run.sh), as for every
fixture: its goldens are reviewed, never generated here."""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MACHINES = os.path.join(os.path.dirname(HERE), "tests", "machines")
CASES = ["doctor", "--json doctor", "env", "plan", "topo", "kb gpu H200"]


def link_target(path, root):
    """The link a flattened file stood for, or None."""
    if os.path.islink(path) or os.path.getsize(path) == 0 or os.path.getsize(path) > 4096:
        return None
    data = open(path, "rb").read()
    if any(c in data for c in b"\n \t\0"):
        return None
    target = data.decode("utf-8", "replace")
    if target.startswith("/") or "/" in target:
        return target  # a path: a file's content never is one without a newline
    return target if os.path.lexists(os.path.join(os.path.dirname(path), target)) else None


def restore_links(root):
    restored = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            p = os.path.join(dirpath, f)
            t = link_target(p, root)
            if t:
                os.unlink(p)
                os.symlink(t, p)
                restored.append((os.path.relpath(p, root), t))
    return restored


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    src, name = sys.argv[1], sys.argv[2]
    dest = os.path.join(MACHINES, name)
    root = os.path.join(dest, "root")
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(dest, exist_ok=True)
    shutil.copytree(os.path.join(src, "root"), root, symlinks=True)
    for dirpath, dirs, files in os.walk(root):  # the shared copy is read-only
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            if not os.path.islink(p):
                os.chmod(p, os.stat(p).st_mode | 0o200)
    restored = restore_links(root)
    for rel, t in restored:
        print(f"link: /{rel} -> {t}")
    print(f"{len(restored)} links restored")
    environ = os.path.join(src, "environ")
    if os.path.exists(environ) and not os.path.exists(os.path.join(root, "proc/self/environ")):
        os.makedirs(os.path.join(root, "proc/self"), exist_ok=True)
        shutil.copy(environ, os.path.join(root, "proc/self/environ"))
        print("environ -> root/proc/self/environ")
    if os.path.exists(os.path.join(src, "gpus.json")):
        shutil.copy(os.path.join(src, "gpus.json"), os.path.join(dest, "gpus.json"))
    if not os.path.exists(os.path.join(dest, "cases")):
        with open(os.path.join(dest, "cases"), "w") as f:
            f.write("\n".join(CASES) + "\n")


if __name__ == "__main__":
    main()
