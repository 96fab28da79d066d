#!/usr/bin/env python3
"""json-schema.py SOURCE_ROOT DLRIG FAKE_NVML FAKE_CUDA - every JSON dlrig writes
validates against its JSON Schema in docs/schema/ (draft 2020-12), with a
maintained validator (Debian's python3-jsonschema, Draft202012Validator). TAP.

- the schemas themselves: valid draft 2020-12, $id and schema_version at
  src/snap/snap-schema.h's DLRIG_SCHEMA_VERSION; snapshot.schema.json is what
  docs/schema/gen-snapshot.py makes from docs/json-schema.md now; the finding
  layers are the catalogue's;
- every JSON golden of tests/machines/*/expect and tests/fit-models/expect:
  `--json doctor` against report.schema.json (its goldens are narrowed, the
  snapshot cut out by run.sh, so there the snapshot is not required),
  expect/snapshot.txt against snapshot.schema.json, and bench, topo, fit and
  plan against theirs; a report's status agrees with the golden's exit code;
- fresh output: `--json doctor` of a few fixtures, snapshot included, and a
  `bench --save` snapshot (its bench section), run as run.sh runs dlrig;
- dlrig fleet: the golden tests/fleet/expect/json.txt and fresh `--json fleet`
  runs (the reports folder, a skipped file, two reports of one host, a
  --save snapshot) against fleet.schema.json, the drift columns being the
  majority's keys;
- that it can fail: broken copies of goldens (a finding's severity "bad", a
  fact both given and unavailable, an unknown key, a fleet drift column that
  does not exist) must not validate.
A failure names the file and the JSON path."""
import copy
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:
    print("Bail out! python3-jsonschema is missing: scripts/deps.sh test installs it")
    sys.exit(1)

root, dlrig, fake_nvml, fake_cuda = sys.argv[1:5]
machines = os.path.join(root, "tests/machines")
schema_dir = os.path.join(root, "docs/schema")
KINDS = ["report", "snapshot", "bench", "topo", "fit", "plan", "fleet", "prove"]
FRESH_DOCTOR = ["a10g-x8-ubuntu2204", "h100-x8-nvswitch", "no-gpu-debian12", "a10g-x8-nvml-hang",
                "a100-x8-mig", "shape-pytorch-image", "a10g-x8-live-cvd"]
FRESH_BENCH = ["bench-a10g-x8", "bench-h100-x8-allreduce-hang"]

n = failed = 0


def tap(ok, what, details=()):
    global n, failed
    n += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {what}")
    for d in details:
        print(f"# {d}")
    failed += not ok


header = open(os.path.join(root, "src/snap/snap-schema.h")).read()
version = int(re.search(r"#define DLRIG_SCHEMA_VERSION (\d+)", header).group(1))
schemas = {k: json.load(open(os.path.join(schema_dir, f"{k}.schema.json"))) for k in KINDS}

# ---- the schemas ----------------------------------------------------------
for k, s in schemas.items():
    errs = []
    try:
        Draft202012Validator.check_schema(s)
    except jsonschema.SchemaError as e:
        errs.append(f"not a draft 2020-12 schema: {e.message}")
    want_id = f"https://dlrig.invalid/schema/v{version}/{k}.schema.json"
    if s.get("$id") != want_id:
        errs.append(f"$id {s.get('$id')!r}, expected {want_id!r}")
    if s.get("properties", {}).get("schema_version") != {"const": version}:
        errs.append(f"schema_version is not {{\"const\": {version}}} (src/snap/snap-schema.h)")
    tap(not errs, f"docs/schema/{k}.schema.json is a draft 2020-12 schema of version {version}", errs)

gen = subprocess.run([sys.executable, os.path.join(schema_dir, "gen-snapshot.py"), "--check", root],
                     capture_output=True, text=True)
tap(gen.returncode == 0, "snapshot.schema.json is what gen-snapshot.py makes from docs/json-schema.md",
    (gen.stdout + gen.stderr).splitlines())

catalog = open(os.path.join(root, "src/check/finding-catalog.c")).read()
layers = set(re.findall(r'SEV_[A-Z]+,\s*"([a-z]+)"', catalog))
have = set(schemas["report"]["$defs"]["finding"]["properties"]["layer"]["enum"])
tap(layers and layers == have, "report.schema.json's finding layers are the catalogue's",
    [f"catalogue only: {sorted(layers - have)}", f"schema only: {sorted(have - layers)}"]
    if layers != have else ())


# ---- validators -------------------------------------------------------------
def validator(schema):
    """A validator that resolves the other files by their $id."""
    try:
        from referencing import Registry, Resource
        reg = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in schemas.values())
        return Draft202012Validator(schema, registry=reg)
    except ImportError:  # jsonschema before 4.18 (Debian 12's 4.10)
        store = {s["$id"]: s for s in schemas.values()}
        return Draft202012Validator(
            schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store))


narrow = copy.deepcopy(schemas["report"])
narrow["required"].remove("snapshot")
validators = {k: validator(s) for k, s in schemas.items()}
validators["report-narrow"] = validator(narrow)


def problems(kind, doc, name):
    errs = sorted(validators[kind].iter_errors(doc), key=lambda e: list(e.absolute_path))
    return [f"{name}: {e.json_path}: {e.message[:300]}" for e in errs[:10]]


# ---- goldens ------------------------------------------------------------------
def golden(path):
    """(first line, the JSON document or None, exit code) of a golden."""
    lines = open(path).read().split("\n")
    exits = [l for l in lines if l.startswith("# exit ")]
    body = "\n".join(l for l in lines[1:] if not l.startswith("# "))
    start = body.find("{")
    doc = json.JSONDecoder().raw_decode(body[start:])[0] if start >= 0 else None
    return lines[0], doc, int(exits[-1].split()[2]) if exits else 0


def kind_of(cmd, path):
    words = cmd.split()
    if os.path.basename(path) == "snapshot.txt":
        return "snapshot"
    if "--json" not in words:
        return None
    for w in words:
        if w in ("doctor", "bench", "topo", "fit", "plan"):
            return "report" if w == "doctor" else w
    return None


EXIT = {"ok": 0, "info": 0, "warn": 1, "fail": 2}
files = sorted(glob.glob(os.path.join(machines, "*/expect/*.txt")) +
               glob.glob(os.path.join(root, "tests/fit-models/expect/*.txt")))
seen = {}
for path in files:
    rel = os.path.relpath(path, root)
    with open(path) as f:
        kind = kind_of(f.readline(), path)
    if kind is None:
        continue
    try:
        cmd, doc, code = golden(path)
    except ValueError as e:
        tap(False, f"{rel}: not JSON: {e}")
        continue
    if doc is None:
        if code != 3:  # exit 3: no report could be made, the error is on stderr
            tap(False, f"{rel}: no JSON object")
        continue
    if kind == "report" and "snapshot" not in doc:
        kind = "report-narrow"
    errs = problems(kind, doc, rel)
    # bench exits 3 when nothing could be measured (bench.not-run, docs/bench.md)
    not_run = kind == "bench" and code == 3 and any(
        f["id"] == "bench.not-run" for f in doc["findings"])
    if kind in ("report", "report-narrow", "bench") and not errs and not not_run \
            and EXIT[doc["status"]] != code:
        errs.append(f"{rel}: status {doc['status']} but exit {code}")
    seen[kind] = seen.get(kind, 0) + 1
    if errs:
        tap(False, f"{rel} validates against {kind.split('-')[0]}.schema.json", errs)
for k in ["report-narrow", "snapshot", "bench", "topo", "fit", "plan"]:
    tap(seen.get(k, 0) > 0, f"{seen.get(k, 0)} {k} goldens validate "
        f"(failures above, one line each)")


# ---- fresh output, run as run.sh runs dlrig ----------------------------------
def run_dlrig(machine, args):
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C", "TZ": "UTC", "TERM": "dumb", "NO_COLOR": "1",
           "DLRIG_DETERMINISTIC": "1", "DLRIG_DRIVER_TIMEOUT_MS": "2000"}
    for v in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        env[v] = os.environ.get(v, "")
    desc = os.path.join(machine, "gpus.json")
    text = open(desc).read() if os.path.exists(desc) else ""
    libs = os.path.dirname(fake_cuda)
    if '"nvml":' in text:
        env.update(DLRIG_NVML_LIB=fake_nvml, DLRIG_FAKE_MACHINE=desc)
    if '"cuda":' in text:
        env.update(DLRIG_CUDA_LIB=fake_cuda, DLRIG_FAKE_MACHINE=desc)
    if '"cublas":' in text:
        env["DLRIG_CUBLAS_LIB"] = os.path.join(libs, "libcublas.so.13")
    if '"nccl":' in text:
        env["DLRIG_NCCL_LIB"] = os.path.join(libs, "libnccl.so.2")
    envfile = os.path.join(machine, "env")
    if os.path.exists(envfile):
        for line in open(envfile).read().splitlines():
            if line and not line.startswith("#"):
                k, _, v = line.partition("=")
                env[k] = v
    return subprocess.run([dlrig, "--root", os.path.join(machine, "root")] + args, env=env,
                          capture_output=True, text=True, timeout=120)


for m in FRESH_DOCTOR:
    r = run_dlrig(os.path.join(machines, m), ["--json", "doctor"])
    try:
        doc = json.loads(r.stdout)
    except ValueError as e:
        tap(False, f"{m}: --json doctor prints JSON (exit {r.returncode}): {e}", r.stderr.splitlines()[-5:])
        continue
    errs = problems("report", doc, f"{m}: --json doctor")
    if not errs and EXIT[doc["status"]] != r.returncode:
        errs.append(f"{m}: status {doc['status']} but exit {r.returncode}")
    tap(not errs, f"{m}: a fresh --json doctor, snapshot included, validates against report.schema.json", errs)

with tempfile.TemporaryDirectory() as tmp:
    for m in FRESH_BENCH:
        out = os.path.join(tmp, m + ".json")
        r = run_dlrig(os.path.join(machines, m), ["bench", "--quick", "--save", out])
        if not os.path.exists(out):
            tap(False, f"{m}: bench --save wrote a snapshot (exit {r.returncode})", r.stderr.splitlines()[-5:])
            continue
        doc = json.load(open(out))
        errs = problems("snapshot", doc, f"{m}: bench --save")
        if "bench" not in doc:
            errs.append(f"{m}: bench --save wrote no bench section")
        tap(not errs, f"{m}: a fresh bench --save snapshot validates against snapshot.schema.json", errs)

    # dlrig prove on the CPU (Debian's python3-torch, docs/prove.md): its report
    if subprocess.run(["/usr/bin/python3", "-c", "import torch.distributed"], capture_output=True).returncode:
        print(f"ok {n + 1} - # SKIP a fresh --json prove: python3-torch is not installed")
        n += 1
    else:
        r = subprocess.run(["env", f"TMPDIR={tmp}", "DLRIG_PROVE_CPU=1", dlrig, "--json", "prove", "--env", "/usr"],
                           capture_output=True, text=True, timeout=240)
        try:
            errs = problems("prove", json.loads(r.stdout), "--json prove")
        except ValueError as e:
            errs = [f"not JSON: {e}"]
        tap(not errs and r.returncode == 0, "a fresh --json prove (CPU) validates against prove.schema.json", errs)


# ---- dlrig fleet ------------------------------------------------------------------
fleet_dir = os.path.join(root, "tests/fleet")


def fleet_golden():
    text = open(os.path.join(fleet_dir, "expect/json.txt")).read()
    return json.JSONDecoder().raw_decode(text)[0]


def run_fleet(args):
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}
    for v in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        env[v] = os.environ.get(v, "")
    return subprocess.run([dlrig, "--json", "fleet"] + args, env=env, cwd=fleet_dir,
                          capture_output=True, text=True, timeout=120)


def fleet_problems(doc, name):
    errs = problems("fleet", doc, name)
    if not errs:  # drift names columns, and only columns the majority has
        errs += [f"{name}: $.nodes[{i}].drift: {c} is not a majority column"
                 for i, node in enumerate(doc["nodes"]) for c in node["drift"] if c not in doc["majority"]]
    return errs


tap(not fleet_problems(fleet_golden(), "tests/fleet/expect/json.txt"),
    "tests/fleet/expect/json.txt validates against fleet.schema.json",
    fleet_problems(fleet_golden(), "tests/fleet/expect/json.txt"))
with tempfile.TemporaryDirectory() as tmp:
    node01 = os.path.join(fleet_dir, "reports/node01.json")
    foreign = os.path.join(tmp, "foreign.json")
    json.dump({"name": "some other tool"}, open(foreign, "w"))
    copy1, copy2 = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
    for c in (copy1, copy2):
        open(c, "w").write(open(node01).read())
    saved = os.path.join(tmp, "saved.json")
    snap = json.load(open(os.path.join(fleet_dir, "reports/node04.json")))["snapshot"]
    snap["schema_version"] = version
    json.dump(snap, open(saved, "w"))
    for what, args, want in [("the reports folder", ["reports"], lambda d: len(d["nodes"]) == 6),
                             ("a skipped file", ["reports", foreign], lambda d: len(d["skipped"]) == 1),
                             ("two reports of one host", [copy1, copy2], lambda d: d["notes"]),
                             ("a --save snapshot", [saved], lambda d: d["nodes"][0]["failing"])]:
        r = run_fleet(args)
        try:
            doc = json.loads(r.stdout)
        except ValueError as e:
            tap(False, f"--json fleet on {what} prints JSON (exit {r.returncode}): {e}", r.stderr.splitlines()[-5:])
            continue
        errs = fleet_problems(doc, f"--json fleet on {what}")
        if not errs and not want(doc):
            errs.append(f"--json fleet on {what}: not what the case is about: {json.dumps(doc)[:300]}")
        tap(not errs, f"a fresh --json fleet on {what} validates against fleet.schema.json", errs)


# ---- it can fail ---------------------------------------------------------------
def broken(kind, path, change, where):
    _, doc, _ = golden(os.path.join(machines, path))
    doc = copy.deepcopy(doc)
    change(doc)
    errs = problems(kind, doc, path)
    tap(any(f": {where}" in e for e in errs),
        f"a broken copy of {path} fails at {where}", errs or ["it validated"])


def bad_severity(d):
    d["findings"][0]["severity"] = "bad"


def given_and_unavailable(d):
    gpu = next(g for g in d["gpus"] if "unavailable" in g)
    key = next(iter(gpu["unavailable"]))
    gpu[key] = 1


def unknown_key(d):
    d["pci"]["devices"][0]["surprise"] = True


fleet_doc = fleet_golden()
fleet_doc["nodes"][3]["drift"].append("kernel")
fleet_errs = problems("fleet", fleet_doc, "fleet json.txt")
tap(any(": $.nodes[3].drift[3]" in e for e in fleet_errs),
    "a broken copy of tests/fleet/expect/json.txt fails at $.nodes[3].drift[3]", fleet_errs or ["it validated"])
fleet_doc = fleet_golden()
fleet_doc["majority"]["kernel"] = "6.1"
fleet_errs = problems("fleet", fleet_doc, "fleet json.txt")
tap(any(": $.majority" in e for e in fleet_errs),
    "a broken copy of tests/fleet/expect/json.txt fails at $.majority", fleet_errs or ["it validated"])

broken("report-narrow", "a10g-x8-ubuntu2204/expect/json_doctor.txt", bad_severity,
       "$.findings[0].severity")
broken("snapshot", "h100-x8-nvswitch/expect/snapshot.txt", given_and_unavailable, "$.gpus[0]")
broken("snapshot", "a10g-x8-ubuntu2204/expect/snapshot.txt", unknown_key, "$.pci.devices[0]")

print(f"1..{n}")
sys.exit(1 if failed else 0)
