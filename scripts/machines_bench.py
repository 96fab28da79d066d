"""machines_bench.py - fixture machines for dlrig bench.

Same form as machines.py: VARIANTS maps a machine name to a function that
takes the guide's machine (machines.guide()), changes it and returns the
README text. machines.py merges this table into its own.

The fake libcuda models bench's figures (tests/fakes/README.md): per GPU a
"Bench" entry with its host->GPU, GPU->host and on-GPU copy rates in GB/s,
per pair a "Peer:a:b" entry (or "PeerDefault") with P2P support, CUDA's
performance rank, the rate and the latency. sysfs shows each GPU's link as
it is under load (bench reads it while copying).

The fake cuBLAS answers every GEMM at the GPU's modelled TFLOP/s (a "Gemm"
entry per CUDA device in the "cublas" section), the fake NCCL every
all-reduce at the machine's modelled bus bandwidth and latency (the
"AllReduce" entry of the "nccl" section); a machine without one of these
sections has no such library."""

import machines

LOADED = ["16.0 GT/s PCIe", 16, "16.0 GT/s PCIe", 16]
H100 = {"name": "NVIDIA H100 80GB HBM3", "device": "0x2330", "subsys": "0x16c1",
        "class": "0x030200", "mem": 85520809984, "cc": "9.0", "power_limit": 700000,
        "link": ["32.0 GT/s PCIe", 16, "32.0 GT/s PCIe", 16], "nvml_link": [5, 16, 5, 16]}
CASES = ["bench --quick", "--json bench --quick"]


LAUNCH_US = 10.0
HOPPER_WORKSPACE = {"workspace_bytes": 32 << 20, "own_workspace_share": 0.936}
A10G_GEMM = (55.0, 17.5)
A10G_NCCL = {"busbw_gbps": 9.6, "latency_us": 25.0}
NCCL_VERSION = 22708


def _bench(m, rates, peer_default, peers=None, gemm=A10G_GEMM, nccl=None):
    """Every GPU copies at rates (h2d, d2h, d2d GB/s); pairs at peer_default
    unless peers (a dict "a:b" -> entry) says otherwise. GEMMs run at gemm
    (BF16, FP32 TFLOP/s) on every GPU (None: no cuBLAS); all-reduce at nccl
    (an "AllReduce" entry; None: no NCCL)."""
    for g in m["gpus"]:
        if g["link"][0].startswith("2.5"):
            g["link"] = list(LOADED)
        h2d, d2h, d2d = rates
        # a copy on an idle stream starts 10 us after the host asks (the
        # launch): bench must not time it (docs/bench.md, "Against PyTorch")
        g["cuda_extra"] = {"Bench": {"h2d_gbps": h2d, "d2h_gbps": d2h, "d2d_gbps": d2d,
                                     "launch_us": LAUNCH_US}}
    extra = {"PeerDefault": peer_default}
    for k, v in (peers or {}).items():
        extra[f"Peer:{k}"] = v
    m["cuda"]["extra"] = extra
    m.pop("cublas", None)
    m.pop("nccl", None)
    if gemm:
        m["cublas"] = {"devices": [{"Gemm": {"bf16_tflops": gemm[0], "fp32_tflops": gemm[1]}}
                                   for _ in m["gpus"]]}
        if any(g["cc"] == "9.0" for g in m["gpus"]):
            # Hopper's cuBLAS picks a kernel 6.4% slower on its own, smaller
            # workspace than on PyTorch's 32 MiB (the H200 recording)
            for d in m["cublas"]["devices"]:
                d["Gemm"].update(HOPPER_WORKSPACE)
    if nccl:
        m["nccl"] = {"GetVersion": NCCL_VERSION, "AllReduce": dict(nccl)}
    m["cases"] = list(CASES)
    # 4 MiB copies and all-reduces instead of --quick's 32 and 128 MiB, and
    # 128^3 GEMMs: the fakes move and add the data for real, and 8 GPUs'
    # buffers at full size make a slow test
    m["env"] = {"DLRIG_BENCH_COPY_BYTES": "4194304", "DLRIG_BENCH_GEMM_N": "128",
                "DLRIG_BENCH_AR_MAX_BYTES": "4194304"}


A10G_RATES = (24.5, 26.1, 240.0)
HOST_PATH = {"p2p": 0, "rank": 0, "latency_us": 15.0}


def a10g(m):
    _bench(m, A10G_RATES, HOST_PATH, nccl=A10G_NCCL)
    m["findings"] = ["bench.ok"]
    return ("The guide's 8 x A10G (AWS g5.48xlarge-like): PCIe only, no NVLink, and no P2P "
            "between the GPUs (the hypervisor does not allow it), so every pair copies through "
            "host memory at the slower of the two GPUs' host links: bench.ok.")


def h100_nvswitch(m):
    buses = [f"0000:{b:02x}:00.0" for b in (0x18, 0x2a, 0x3a, 0x5d, 0x9a, 0xab, 0xba, 0xdb)]
    m["gpus"] = machines.gpus(H100, buses)
    _bench(m, (53.2, 54.6, 1450.0), {"p2p": 1, "rank": 0, "gbps": 372.0, "latency_us": 2.4},
           gemm=H100_GEMM, nccl=H100_NCCL)
    # NCCL's setup of 8 GPUs takes seconds: longer than the tests' 2 s
    # per-operation deadline, which it must not trip.
    m["nccl"]["CommInitAll"] = {"delay_ms": 3000}
    m["findings"] = ["bench.ok"]
    return ("8 x H100 SXM5 behind NVSwitch (HGX H100-like): every pair P2P over NVLink at "
            "372 GB/s one way, host links PCIe 5.0 x16, cuBLAS at 720 BF16 and 51 FP32 TFLOP/s, "
            "NCCL all-reduce at 365 GB/s bus bandwidth after a 3 s NCCL setup: bench.ok.")


def rtx4090_x4(m):
    buses = ["0000:01:00.0", "0000:21:00.0", "0000:41:00.0", "0000:61:00.0"]
    m["gpus"] = machines.gpus(machines.RTX4090, buses, numa_split=4)
    _bench(m, (25.1, 26.3, 910.0), HOST_PATH, gemm=(150.0, 52.0))
    m["findings"] = ["bench.ok", "bench.allreduce-not-run"]
    m["cases"].append("bench --quick --gpus 0")
    return ("4 x RTX 4090 on a workstation board: the driver does not support P2P between "
            "GeForce 40-series cards, so peer copies go through the host; no NCCL installed, "
            "so no all-reduce figure (bench.allreduce-not-run, info): bench.ok. With one GPU "
            "selected the pairs and the all-reduce are skipped cases, not findings.")


def acs_pair(m):
    slow = {"p2p": 1, "rank": 0, "gbps": 3.6, "latency_us": 28.0}
    _bench(m, A10G_RATES, {"p2p": 1, "rank": 0, "gbps": 20.5, "latency_us": 11.0},
           {"2:3": slow, "3:2": slow}, nccl=A10G_NCCL)
    m["findings"] = ["bench.pair-slow", "bench.p2p-slower-than-host", "!bench.ok",
                     "!bench.copy-wrong"]
    return ("8 x A10G on bare metal with P2P; the bridge above GPUs 2 and 3 has PCIe ACS on, "
            "so their P2P traffic detours through the root complex at 3.6 GB/s: "
            "bench.pair-slow, bench.p2p-slower-than-host.")


def x4_link(m):
    _bench(m, A10G_RATES, HOST_PATH, nccl=A10G_NCCL)
    g = m["gpus"][5]
    g["link"] = ["16.0 GT/s PCIe", 4, "16.0 GT/s PCIe", 16]
    g["nvml_link"] = [4, 4, 4, 16]
    g["cuda_extra"] = {"Bench": {"h2d_gbps": 6.2, "d2h_gbps": 6.6, "d2d_gbps": 240.0}}
    m["findings"] = ["bench.link-degraded-under-load", "bench.gpu-slow", "!bench.ok"]
    return ("The guide's 8 x A10G with GPU 5 trained at x4 of its x16 link, and still at x4 "
            "while copying: bench.link-degraded-under-load, bench.gpu-slow.")


def corrupt_pair(m):
    rtx4090_x4(m)
    bad = {"p2p": 1, "rank": 0, "gbps": 24.8, "latency_us": 9.0, "corrupt": True}
    _bench(m, (25.1, 26.3, 910.0), {"p2p": 1, "rank": 0, "gbps": 24.8, "latency_us": 9.0},
           {"0:1": bad, "1:0": bad}, gemm=(150.0, 52.0))
    m["findings"] = ["bench.copy-wrong", "!bench.ok"]
    return ("4 x RTX 4090 whose driver claims P2P: copies between GPUs 0 and 1 arrive as "
            "zeros at full speed (as some consumer boards did): bench.copy-wrong.")


def hang(m):
    _bench(m, A10G_RATES, HOST_PATH, nccl=A10G_NCCL)
    m["cuda"]["extra"]["MemcpyPeer:1:2"] = {"hang": True}
    m["findings"] = ["bench.hung", "!bench.ok"]
    return ("The guide's 8 x A10G where a copy from GPU 1 to GPU 2 never completes: bench "
            "abandons its worker after the deadline and keeps what it measured: bench.hung.")


def copy_error(m):
    _bench(m, A10G_RATES, HOST_PATH, nccl=A10G_NCCL)
    m["cuda"]["extra"]["MemcpyPeer:0:3"] = {"ret": "CUDA_ERROR_LAUNCH_FAILED"}
    m["findings"] = ["bench.failed", "!bench.ok", "!bench.hung"]
    return ("The guide's 8 x A10G where the driver fails a copy from GPU 0 to GPU 3 (an "
            "error, not a hang): bench.failed, with the figures measured before it.")


def no_libcuda(m):
    _bench(m, A10G_RATES, HOST_PATH)
    del m["cuda"]
    m.pop("cublas", None)
    m.pop("nccl", None)
    m["software"]["driver_libs"] = ["libnvidia-ml.so.1"]
    m["findings"] = ["bench.not-run", "!bench.ok"]
    return ("The guide's 8 x A10G with no libcuda.so.1 installed: bench cannot measure anything "
            "and exits 3: bench.not-run.")


def gemm_slow(m):
    _bench(m, A10G_RATES, HOST_PATH, nccl=A10G_NCCL)
    m["cublas"]["devices"][6]["Gemm"] = {"bf16_tflops": 31.0, "fp32_tflops": 9.9}
    m["cublas"]["devices"][2]["Gemm"] = {"bf16_tflops": 55.0, "fp32_tflops": 17.5, "wrong": True}
    m["findings"] = ["bench.gemm-slow", "bench.gemm-wrong", "!bench.ok", "!bench.gpu-slow"]
    return ("The guide's 8 x A10G where GPU 6 multiplies at 31 BF16 TFLOP/s while its siblings "
            "reach 55 (a GPU held at a low power limit or clock copies as fast as the others): "
            "bench.gemm-slow; and GPU 2 multiplies at full speed but returns zeros: "
            "bench.gemm-wrong.")


def allreduce_hang(m):
    h100_nvswitch(m)
    m["nccl"]["AllReduce"]["hang_from_bytes"] = 65536
    m["findings"] = ["bench.allreduce-hung", "!bench.ok", "!bench.hung"]
    return ("8 x H100 behind NVSwitch where every NCCL all-reduce of 64 KiB or more never "
            "completes (as when P2P traffic is silently dropped by an IOMMU or ACS): bench polls "
            "against its deadline, aborts the communicators and says so: bench.allreduce-hung.")


def allreduce_slow(m):
    h100_nvswitch(m)
    m["nccl"]["AllReduce"] = {"busbw_gbps": 21.0, "latency_us": 30.0}
    m["findings"] = ["bench.allreduce-slow", "!bench.ok"]
    return ("8 x H100 behind NVSwitch whose peer copies run over NVLink, but NCCL moves its "
            "all-reduce through host memory at 21 GB/s bus bandwidth (a leftover "
            "NCCL_P2P_DISABLE=1): bench.allreduce-slow.")


def allreduce_wrong(m):
    _bench(m, A10G_RATES, HOST_PATH, nccl=dict(A10G_NCCL, wrong_sum=True))
    m["findings"] = ["bench.allreduce-wrong", "!bench.ok"]
    return ("The guide's 8 x A10G where the all-reduce's result on GPU 0 lacks GPU 7's part: "
            "bench.allreduce-wrong.")


def no_libs(m):
    _bench(m, A10G_RATES, HOST_PATH, gemm=None)
    site = "home/ubuntu/miniconda3/envs/dl/lib/python3.11/site-packages"
    m.setdefault("files", {})[f"{site}/nvidia/nccl/lib/libnccl.so.2"] = ""
    m["findings"] = ["bench.ok", "bench.gemm-not-run", "bench.allreduce-not-run"]
    return ("The guide's 8 x A10G with neither cuBLAS nor NCCL installed system-wide: the "
            "copies are measured, GEMM and all-reduce are reported as not run (info), and the "
            "NCCL that the conda env's PyTorch wheel brings is found (it is not loaded for "
            "a foreign root): bench.ok.")


def _workspace_variant(change, text):
    """bench-h100-x8-nvswitch changed by change(m) around cuBLAS's workspace."""
    def variant(m):
        h100_nvswitch(m)
        change(m)
        m["findings"] = ["bench.ok"]
        return "The 8 x H100 of bench-h100-x8-nvswitch " + text + ": bench.ok."
    return variant


old_cublas = _workspace_variant(
    lambda m: m["cublas"].update(soname="libcublas.so.11"),
    "with a libcublas that lacks cublasSetWorkspace_v2: bench runs its GEMMs on cuBLAS's own "
    "workspace, says so under the GEMM table and in each GPU's gemm_workspace_note, and the "
    "modelled cuBLAS runs 6.4% slower there (as an H200's did against PyTorch)")
workspace_refused = _workspace_variant(
    lambda m: m["cublas"]["devices"][3].update(SetWorkspace={"ret": "CUBLAS_STATUS_INVALID_VALUE"}),
    "whose cuBLAS refuses the workspace on GPU 3 (cublasSetWorkspace_v2 returns "
    "CUBLAS_STATUS_INVALID_VALUE): that GPU's GEMMs run on cuBLAS's own workspace, 6.4% slower, "
    "the refusal is quoted, and the other GPUs get 32 MiB")
workspace_config = _workspace_variant(
    lambda m: m["env"].update(CUBLAS_WORKSPACE_CONFIG=":4096:2:16:8"),
    "run with CUBLAS_WORKSPACE_CONFIG=:4096:2:16:8 (cuBLAS's default size): bench sizes the "
    "workspace from it as PyTorch does, says so under the GEMM table, and the modelled cuBLAS "
    "runs 6.4% slower on it: what gpu-check.sh's A/B run with that variable should show on a "
    "real H100/H200, for dlrig and PyTorch alike")


H100_GEMM = (720.0, 51.0)
H100_NCCL = {"busbw_gbps": 365.0, "latency_us": 12.0}

VARIANTS = {
    "bench-a10g-x8-gemm-slow": gemm_slow,
    "bench-h100-x8-allreduce-hang": allreduce_hang,
    "bench-h100-x8-allreduce-slow": allreduce_slow,
    "bench-a10g-x8-allreduce-wrong": allreduce_wrong,
    "bench-a10g-x8-no-cublas-nccl": no_libs,
    "bench-a10g-x8-copy-error": copy_error,
    "bench-a10g-x8-no-libcuda": no_libcuda,
    "bench-a10g-x8": a10g,
    "bench-h100-x8-nvswitch": h100_nvswitch,
    "bench-h100-x8-old-cublas": old_cublas,
    "bench-h100-x8-workspace-refused": workspace_refused,
    "bench-h100-x8-workspace-config": workspace_config,
    "bench-rtx4090-x4": rtx4090_x4,
    "bench-a10g-x8-acs-pair": acs_pair,
    "bench-a10g-x8-x4-link": x4_link,
    "bench-rtx4090-x4-corrupt": corrupt_pair,
    "bench-a10g-x8-hang": hang,
}
