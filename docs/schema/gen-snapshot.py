#!/usr/bin/env python3
"""gen-snapshot.py [--check] [SOURCE_ROOT] - writes docs/schema/snapshot.schema.json
from the per-section tables of docs/json-schema.md ("## Snapshot"), which the unit
test test-snap-json holds to what the snapshot writes (every key, its type, the
order). So the code, the tables and this schema cannot drift: the code changes,
test-snap-json asks for the row, and tests/golden/json-schema.py (--check) asks
for this file to be made again.

The types of the tables become:
  int -> integer; number -> number; bool -> boolean;
  string -> string or null (null: nothing to name);
  fact int / fact string -> the value or null, the null explained by the
    object's "unavailable" map ("status" or "status: reason");
  strings -> array of strings; object; objects -> array of objects.
Every key the tables list is written, so every key is required, except the
sections the snapshot leaves out (topology without a driver that answers) and
the two forms of the top level: doctor --save writes every section but bench,
bench --save schema_version, dlrig_version and bench alone; and the keys a bench saved before the registry of
cases wrote (bench.gemm_skipped, bench.allreduce.skipped), which --from reads.
No other key is allowed: a new key needs its row, and this schema follows."""
import json
import os
import re
import sys

ID_BASE = "https://dlrig.invalid/schema/v{v}/"
FACT_STATES = ["absent", "unsupported", "denied", "timeout", "error", "unset"]
PROBE_STATES = ["ok"] + FACT_STATES
OPTIONAL = {"topology", "bench", "prove"}
LEGACY = {"bench": {"gemm_skipped"}, "bench.allreduce": {"skipped"}}

SCALARS = {
    "int": {"type": "integer"},
    "number": {"type": "number"},
    "bool": {"type": "boolean"},
    "string": {"type": ["string", "null"]},
    "fact int": {"type": ["integer", "null"]},
    "fact string": {"type": ["string", "null"]},
    "strings": {"type": "array", "items": {"type": "string"}},
}


def rows(doc):
    """(key path, type) of every row under "## Snapshot", in order."""
    on = False
    for line in doc.splitlines():
        if line.startswith("## "):
            on = line.startswith("## Snapshot")
            continue
        if not on or not line.startswith("| `"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        keys = re.findall(r"`([^`]+)`", cells[0])
        for k in keys:
            yield k, cells[1]


class Node:
    def __init__(self, kind):
        self.kind = kind          # "object", "objects", or a scalar type
        self.children = {}        # key -> Node, in order


def build(doc):
    root = Node("object")
    for path, typ in rows(doc):
        parts = path.split(".")
        node = root
        for p in parts[:-1]:
            node = node.children[p.removesuffix("[]")]
        leaf = parts[-1].removesuffix("[]")
        if leaf in node.children:
            sys.exit(f"gen-snapshot: {path} listed twice")
        if typ in ("object", "objects"):
            node.children[leaf] = Node(typ)
        elif typ in SCALARS:
            node.children[leaf] = Node(typ)
        else:
            sys.exit(f"gen-snapshot: {path}: unknown type '{typ}'")
    return root


def object_schema(node, path, section):
    props, required, facts = {}, [], []
    for key, child in node.children.items():
        sub = f"{path}.{key}" if path else key
        if child.kind == "object":
            props[key] = object_schema(child, sub, section or key)
        elif child.kind == "objects":
            props[key] = {"type": "array", "items": object_schema(child, sub, section or key)}
        else:
            props[key] = dict(SCALARS[child.kind])
            if child.kind.startswith("fact "):
                facts.append(key)
        if key == "status" and section and path == section:
            props[key] = {"enum": PROBE_STATES}
        if not (path == "" and key in OPTIONAL):
            required.append(key)
    for key in sorted(LEGACY.get(path, ())):
        props[key] = {"type": ["string", "null"],
                      "description": "written by a bench saved before the registry of cases; read by --from"}
    s = {"type": "object", "properties": props, "required": required,
         "additionalProperties": False}
    if facts:
        props["unavailable"] = {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"enum": facts},
            "additionalProperties": {
                "type": "string",
                "pattern": "^(" + "|".join(FACT_STATES) + ")(: .*)?$",
            },
        }
        # a fact named in "unavailable" was not observed: its value is null
        s["allOf"] = [{
            "if": {"required": ["unavailable"],
                   "properties": {"unavailable": {"required": [f]}}},
            "then": {"properties": {f: {"type": "null"}}},
        } for f in facts]
    return s


def generate(root_dir):
    doc = open(os.path.join(root_dir, "docs/json-schema.md")).read()
    header = open(os.path.join(root_dir, "src/snap/snap-schema.h")).read()
    version = int(re.search(r"#define DLRIG_SCHEMA_VERSION (\d+)", header).group(1))
    body = object_schema(build(doc), "", "")
    body["properties"]["schema_version"] = {"const": version}
    # two forms: doctor's (every section; topology optional; no bench) and
    # bench --save's (schema_version, dlrig_version and bench alone)
    top = ["schema_version", "dlrig_version"]
    sections = [k for k in body["required"] if k not in top]
    body["required"] = top
    body["oneOf"] = [
        {"title": "doctor --save", "required": sections, "not": {"required": ["bench"]}},
        {"title": "bench --save", "required": ["bench"],
         "propertyNames": {"enum": top + ["bench"]}},
    ]
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": ID_BASE.format(v=version) + "snapshot.schema.json",
        "title": "dlrig snapshot",
        "description": "What `dlrig doctor --save FILE` (and `bench --save`) writes, and the "
                       "`snapshot` of `dlrig --json doctor`. Generated by docs/schema/gen-snapshot.py "
                       "from docs/json-schema.md; do not edit.",
    }
    schema.update(body)
    return json.dumps(schema, indent=2) + "\n"


def main():
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    root_dir = args[0] if args else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    out = os.path.join(root_dir, "docs/schema/snapshot.schema.json")
    text = generate(root_dir)
    if check:
        have = open(out).read() if os.path.exists(out) else ""
        if have != text:
            print(f"{out} is not what docs/json-schema.md makes: run docs/schema/gen-snapshot.py")
            return 1
        return 0
    with open(out, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
