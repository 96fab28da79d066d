#!/usr/bin/env python3
"""bench-model.py DLRIG FAKE_CUDA MACHINE_DIR... - dlrig bench against the
fake libcuda's time model (fake-cuda-mem.c): every figure of
`dlrig --json bench --quick` must be within 1% of what the machine
description models:

  host<->GPU, on-GPU copy : the GPU's "Bench" rate (no latency modelled)
  pair, one way           : n / (latency + n / rate), rate = the pair's
                            "gbps" over P2P, else its "host_gbps", else the
                            slower of src's GPU->host and dst's host->GPU
  pair, both ways         : 2 x the slower direction (two streams at once)
  pair latency            : latency + 4 bytes / rate
  GEMM TFLOP/s            : the GPU's "Gemm" rate of the "cublas" section,
                            with PyTorch's workspace (32 MiB on compute
                            capability 9-12, 8 MiB + 128 KiB elsewhere), which bench must report having
                            given (gemm_workspace_bytes); below the entry's
                            "workspace_bytes" at its "own_workspace_share"
  on-GPU copies           : a copy on an idle stream starts "launch_us" late;
                            bench must not time that
  all-reduce, per size    : time = latency + bytes / algbw with algbw = busbw x
                            n / (2(n-1)), busbw of the "nccl" section's
                            "AllReduce"; reported busbw = bytes / time x
                            2(n-1)/n (figures are rounded to 0.001, so tiny
                            ones are compared within 0.001)

The fake cuBLAS and NCCL are the libcublas.so.13 and libnccl.so.2 built
beside FAKE_CUDA. Prints TAP."""
import json
import os
import subprocess
import sys

TOL = 0.01


def model(desc, n):
    cu = desc["cuda"]
    devs = cu["devices"]

    def peer(a, b):
        return cu.get(f"Peer:{a}:{b}", cu["PeerDefault"])

    def rate(a, b):
        p = peer(a, b)
        if p.get("p2p"):
            return p["gbps"]
        if p.get("host_gbps"):
            return p["host_gbps"]
        return min(devs[a]["Bench"]["d2h_gbps"], devs[b]["Bench"]["h2d_gbps"])

    def uni(a, b, size):
        lat = peer(a, b).get("latency_us", 0)
        return size / ((lat + size / (rate(a, b) * 1e3)) * 1e3)

    return devs, peer, rate, uni


def check(dlrig, fake, machine, out):
    desc = json.load(open(os.path.join(machine, "gpus.json")))
    fakes = os.path.dirname(fake)
    env = {"PATH": "/usr/bin:/bin", "DLRIG_CUDA_LIB": fake,
           "DLRIG_FAKE_MACHINE": os.path.join(machine, "gpus.json"),
           "DLRIG_BENCH_COPY_BYTES": "4194304", "DLRIG_DETERMINISTIC": "1",
           "DLRIG_BENCH_GEMM_N": "128", "DLRIG_BENCH_AR_MAX_BYTES": "4194304"}
    if "cublas" in desc:
        env["DLRIG_CUBLAS_LIB"] = os.path.join(fakes, "libcublas.so.13")
    if "nccl" in desc:
        env["DLRIG_NCCL_LIB"] = os.path.join(fakes, "libnccl.so.2")
    env.update({k: v for k, v in os.environ.items() if k.endswith("SAN_OPTIONS")})
    res = subprocess.run([dlrig, "--root", os.path.join(machine, "root"), "--json", "bench",
                          "--quick"], env=env, capture_output=True, text=True, timeout=120)
    rep = json.loads(res.stdout)
    n = rep["plan"]["copy_bytes"]
    devs, peer, rate, uni = model(desc, n)
    for g in rep["gpus"]:
        b = devs[g["index"]]["Bench"]
        for k in ("h2d", "d2h", "d2d"):
            out.append((f"GPU {g['index']} {k}", g[f"{k}_gbps"], b[f"{k}_gbps"]))
    for p in rep["pairs"]:
        a, b = p["src"], p["dst"]
        out.append((f"pair {a}->{b} one way", p["uni_gbps"], uni(a, b, n)))
        out.append((f"pair {a}->{b} both ways", p["bidi_gbps"], 2 * min(uni(a, b, n), uni(b, a, n))))
        out.append((f"pair {a}->{b} latency", p["latency_us"],
                    peer(a, b).get("latency_us", 0) + 4 / (rate(a, b) * 1e3)))
    check_compute(desc, rep, out)
    return len(rep["gpus"]), len(rep["pairs"])


def pytorch_workspace(dev):
    """PyTorch's cuBLAS workspace on a device of the description
    (parseChosenWorkspaceSize in aten/src/ATen/cuda/CublasHandlePool.cpp):
    32 MiB on compute capability 9 to 12, else 8 MiB + 128 KiB."""
    v = dev["DeviceGetAttribute:COMPUTE_CAPABILITY_MAJOR"]
    major = v["value"] if isinstance(v, dict) else v
    return 32 << 20 if 9 <= major <= 12 else (4096 * 2 + 16 * 8) << 10


def check_compute(desc, rep, out):
    """GEMM and all-reduce figures against the fake cuBLAS's and NCCL's model."""
    for g in rep["gpus"] if "cublas" in desc else []:
        gemm = desc["cublas"]["devices"][g["index"]]["Gemm"]
        ws = pytorch_workspace(desc["cuda"]["devices"][g["index"]])
        out.append((f"GPU {g['index']} cuBLAS workspace", g["gemm_workspace_bytes"], ws))
        share = gemm.get("own_workspace_share", 1) if ws < gemm.get("workspace_bytes", 0) else 1
        for k in ("bf16", "fp32"):
            out.append((f"GPU {g['index']} {k} GEMM", g[f"gemm_{k}_tflops"],
                        gemm[f"{k}_tflops"] * share))
    if "nccl" not in desc:
        return
    ar = desc["nccl"]["AllReduce"]
    sizes = rep["allreduce"]["sizes"]
    n = rep["allreduce"]["ranks"]
    if not sizes or n != len(rep["gpus"]):
        raise ValueError(f"{len(sizes)} all-reduce sizes over {n} ranks")
    algbw = ar["busbw_gbps"] * n / (2 * (n - 1))
    for a in sizes:
        t = ar.get("latency_us", 0) + a["bytes"] / (algbw * 1e3)
        out.append((f"all-reduce {a['bytes']} time", a["time_us"], t))
        out.append((f"all-reduce {a['bytes']} busbw", a["busbw_gbps"],
                    a["bytes"] / (t * 1e3) * 2 * (n - 1) / n))


def main(argv):
    dlrig, fake, machines = argv[0], argv[1], argv[2:]
    print(f"1..{len(machines)}")
    failed = 0
    for i, m in enumerate(machines, 1):
        figs = []
        try:
            ngpus, npairs = check(dlrig, fake, m, figs)
        except (ValueError, KeyError, subprocess.SubprocessError) as e:
            print(f"not ok {i} - {os.path.basename(m)}: {e!r}")
            failed += 1
            continue
        bad = [f for f in figs if abs(f[1] - f[2]) > TOL * f[2] + 0.0011]
        ok = not bad and ngpus and npairs
        print(f"{'ok' if ok else 'not ok'} {i} - {os.path.basename(m)}: {len(figs)} figures "
              f"of {ngpus} GPUs and {npairs} pairs within 1% of the model")
        for name, got, want in bad[:10]:
            print(f"# {name}: measured {got:.3f}, modelled {want:.3f}")
        failed += not ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
