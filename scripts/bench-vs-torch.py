#!/usr/bin/env python3
"""bench-vs-torch.py OUT_DIR BENCH_JSON... - PyTorch's figures for what
`dlrig --json bench` measured, on GPU 0, in the same run, timed the way
bench times them (docs/bench.md, "Against PyTorch"), and the ratios.

For each bench report (a `--quick` and a full run give two sizes) it takes
the plan's sizes and counts and measures with PyTorch on GPU 0:
  - torch.matmul BF16 and FP32 (TF32 off) at n x n x n, gemm_iters timed
    after as many untimed, no wait before the start event (bench's way);
    also BF16 through cuBLASLt (torch.backends.cuda.preferred_blas_library)
    and BF16 with a synchronize before the start event (the common way),
    for reference;
  - dst.copy_(src) on the GPU and with pinned host memory, copy_bytes,
    copy_iters timed after as many untimed, bytes counted once.
Writes OUT_DIR/torch.json and prints the ratios dlrig / PyTorch (also to
OUT_DIR/compare.txt); the goal is >= 0.97 for the BF16 GEMM and the
on-GPU copy at every size. CUBLAS_WORKSPACE_CONFIG, when set, sizes
PyTorch's cuBLAS workspace, as it sizes dlrig bench's (gpu-check.sh's A/B). With --compare TORCH_JSON it measures nothing
and only compares (the test suite runs it that way, without a GPU).
Exit status: 0 all at goal, 1 some below, 2 could not measure."""
import json
import os
import sys

GOAL = 0.97


def timed(torch, fn, iters, sync_first=False):
    """Seconds per call of fn: iters untimed, then iters between two events."""
    for _ in range(iters):
        fn()
    if sync_first:
        torch.cuda.synchronize()
    a = torch.cuda.Event(enable_timing=True)
    b = torch.cuda.Event(enable_timing=True)
    a.record()
    for _ in range(iters):
        fn()
    b.record()
    torch.cuda.synchronize()
    return a.elapsed_time(b) / 1000 / iters


def gemm_figures(torch, n, iters):
    torch.cuda.synchronize()
    x = torch.rand(n, n, device="cuda", dtype=torch.bfloat16) * 2 - 1
    y = torch.rand(n, n, device="cuda", dtype=torch.bfloat16) * 2 - 1
    flop = 2 * n ** 3
    res = {"bf16": flop / timed(torch, lambda: x @ y, iters) / 1e12,
           "bf16_sync_first": flop / timed(torch, lambda: x @ y, iters, True) / 1e12}
    try:
        torch.backends.cuda.preferred_blas_library("cublaslt")
        res["bf16_cublaslt"] = flop / timed(torch, lambda: x @ y, iters) / 1e12
    except (RuntimeError, AttributeError) as e:
        res["bf16_cublaslt_error"] = str(e)
    finally:
        torch.backends.cuda.preferred_blas_library("cublas")
    x32, y32 = x.float(), y.float()
    del x, y
    torch.backends.cuda.matmul.allow_tf32 = False  # bench's FP32 is FP32, not TF32
    res["fp32"] = flop / timed(torch, lambda: x32 @ y32, max(2, iters // 2)) / 1e12
    return res


def copy_figures(torch, nbytes, iters):
    src = torch.empty(nbytes, dtype=torch.uint8, device="cuda")
    dst = torch.empty_like(src)
    host = torch.empty(nbytes, dtype=torch.uint8).pin_memory()
    return {
        "d2d": nbytes / timed(torch, lambda: dst.copy_(src), iters) / 1e9,
        "d2d_sync_first": nbytes / timed(torch, lambda: dst.copy_(src), iters, True) / 1e9,
        "h2d": nbytes / timed(torch, lambda: src.copy_(host, non_blocking=True), iters) / 1e9,
        "d2h": nbytes / timed(torch, lambda: host.copy_(src, non_blocking=True), iters) / 1e9,
    }


def measure(reports):
    import torch  # only here: --compare needs no torch

    if not torch.cuda.is_available():
        raise RuntimeError("torch.cuda.is_available() is false")
    torch.cuda.set_device(0)
    res = {"torch": torch.__version__, "cuda": torch.version.cuda,
           "device": torch.cuda.get_device_name(0), "gemm": {}, "copy": {},
           "cublas_workspace_config": os.environ.get("CUBLAS_WORKSPACE_CONFIG")}
    for rep in reports:
        plan = rep["plan"]
        n, b = plan["gemm_n"], plan["copy_bytes"]
        if n and str(n) not in res["gemm"]:
            res["gemm"][str(n)] = gemm_figures(torch, n, plan["gemm_iters"])
        if b and str(b) not in res["copy"]:
            res["copy"][str(b)] = copy_figures(torch, b, plan["copy_iters"])
    return res


def line(what, mine, theirs, goal=None):
    if not mine or not theirs:
        return f"{what}: dlrig {mine}, torch {theirs}: no comparison", goal is not None
    r = mine / theirs
    verdict = "" if goal is None else ("  ok" if r >= goal else f"  BELOW {goal}")
    return f"{what}: dlrig {mine:.1f}  torch {theirs:.1f}  ratio {r:.3f}{verdict}", \
        goal is not None and r < goal


def compare(reports, t):
    """The lines to print and whether any goal was missed."""
    lines, missed = [f"PyTorch {t.get('torch')} (CUDA {t.get('cuda')}) on {t.get('device')}"
                     f"{', CUBLAS_WORKSPACE_CONFIG=' + t['cublas_workspace_config'] if t.get('cublas_workspace_config') else ''}"], False
    for rep in reports:
        plan, g = rep["plan"], (rep.get("gpus") or [{}])[0]
        n, b = plan["gemm_n"], plan["copy_bytes"]
        tg, tc = t["gemm"].get(str(n), {}), t["copy"].get(str(b), {})
        ws = g.get("gemm_workspace_bytes")
        ws = f"{ws} bytes" if ws else f"its own ({g.get('gemm_workspace_note')})"
        lines.append(f"-- bench{' --quick' if plan['quick'] else ''}: GEMM {n}^3, copies of "
                     f"{b >> 20} MiB; dlrig's cuBLAS workspace: {ws}")
        checks = [
            (f"BF16 GEMM {n}^3 TFLOP/s", g.get("gemm_bf16_tflops"), tg.get("bf16"), GOAL),
            ("  vs torch through cuBLASLt", g.get("gemm_bf16_tflops"), tg.get("bf16_cublaslt"), None),
            ("  vs torch synchronized first", g.get("gemm_bf16_tflops"), tg.get("bf16_sync_first"), None),
            (f"FP32 GEMM {n}^3 TFLOP/s", g.get("gemm_fp32_tflops"), tg.get("fp32"), None),
            (f"on-GPU copy {b >> 20} MiB GB/s", g.get("d2d_gbps"), tc.get("d2d"), GOAL),
            ("  vs torch synchronized first", g.get("d2d_gbps"), tc.get("d2d_sync_first"), None),
            (f"host->GPU {b >> 20} MiB GB/s", g.get("h2d_gbps"), tc.get("h2d"), None),
            (f"GPU->host {b >> 20} MiB GB/s", g.get("d2h_gbps"), tc.get("d2h"), None),
        ]
        for what, mine, theirs, goal in checks:
            text, low = line(what, mine, theirs, goal)
            lines.append(text)
            missed = missed or low
    return lines, missed


def main(argv):
    if len(argv) >= 2 and argv[0] == "--compare":
        t, out, paths = json.load(open(argv[1])), None, argv[2:]
    elif len(argv) >= 2:
        out, paths, t = argv[0], argv[1:], None
    else:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        reports = [json.load(open(p)) for p in paths]
        if t is None:
            t = measure(reports)
            with open(os.path.join(out, "torch.json"), "w") as f:
                json.dump(t, f, indent=2)
    except (OSError, ValueError, RuntimeError, ImportError, KeyError) as e:
        print(f"bench-vs-torch: {e}", file=sys.stderr)
        return 2
    lines, missed = compare(reports, t)
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if out:
        with open(os.path.join(out, "compare.txt"), "w") as f:
            f.write(text)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
