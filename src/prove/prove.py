# prove.py - what `dlrig prove` runs in your PyTorch environment (docs/prove.md).
#
# dlrig writes this file into a private temporary folder, runs it with the
# environment's python under a deadline, and removes the folder afterwards.
# Nothing is downloaded and nothing is written outside that folder.
#
#   python prove.py local   step 1: torch imports, sees the GPUs NVML sees;
#                           step 2: a matmul on each GPU checked against the CPU
#   python prove.py torchrun --standalone --nproc_per_node N prove.py dist
#                           (torch's own torchrun, python -m torch.distributed.run)
#                           step 3: all-reduce (sum checked, bus bandwidth), a few
#                           DDP steps of a small transformer, FSDP with 2+ GPUs
#
# Every result is one line on stdout: "dlrig-prove KIND {json}", KIND being
# "torch", "gpu" or "step"; dlrig reads them strictly (a key missing is an
# error). Everything else (tracebacks, NCCL's messages) goes to stderr.
#
# Variables: DLRIG_PROVE_CPU=1 runs on the CPU with gloo (tests, machines
# without GPUs); DLRIG_PROVE_GPUS=0,2 selects torch ordinals. For dlrig's own
# tests only: DLRIG_PROVE_TEST_HANG_RANK=R makes rank R ignore SIGTERM and
# sleep past the deadline; DLRIG_PROVE_TEST_WRONG_SUM=1 makes rank 1 add a
# wrong value to the all-reduce.
import json
import os
import sys
import time

CPU = os.environ.get("DLRIG_PROVE_CPU") == "1"


def emit(kind, rec):
    # one write per line, so that the ranks' lines never interleave
    sys.stdout.write("dlrig-prove %s %s\n" % (kind, json.dumps(rec, sort_keys=True)))
    sys.stdout.flush()


def why(e):
    text = "%s: %s" % (type(e).__name__, e)
    return text.strip()[:2000]


def step(name, rank, status, seconds=0.0, got=0.0, expected=0.0, gbps=0.0, error=None):
    emit("step", {"name": name, "rank": rank, "status": status, "seconds": float(seconds),
                  "got": float(got), "expected": float(expected), "gbps": float(gbps),
                  "error": error})


def selected(n):
    want = os.environ.get("DLRIG_PROVE_GPUS")
    if not want:
        return list(range(n))
    return [int(x) for x in want.split(",") if x.strip() != "" and int(x) < n]


# ---- step 1 and 2: one process ------------------------------------------

def arch_covered(cap, archs):
    major, minor = (int(x) for x in cap.split("."))
    if "sm_%d%d" % (major, minor) in archs:
        return True
    # PTX of an older compute capability of the same major JIT-compiles
    return any(a.startswith("compute_") and int(a[8:].rstrip("af")) // 10 == major
               and int(a[8:].rstrip("af")) <= major * 10 + minor for a in archs)


def check_gpu(torch, i, archs):
    t0 = time.time()
    cap = "%d.%d" % torch.cuda.get_device_capability(i)
    rec = {"index": i, "name": torch.cuda.get_device_name(i), "capability": cap,
           "arch_covered": arch_covered(cap, archs), "matmul_ok": False, "max_err": 0.0,
           "peak_bytes": 0, "seconds": 0.0, "error": None}
    try:
        dev = torch.device("cuda", i)
        g = torch.Generator().manual_seed(i)
        a = torch.randn(1024, 1024, generator=g)
        b = torch.randn(1024, 1024, generator=g)
        want = a.double() @ b.double()
        with torch.cuda.device(i):
            torch.cuda.reset_peak_memory_stats(i)
            got = (a.to(dev) @ b.to(dev)).double().cpu()
            torch.cuda.synchronize(i)
        # TF32 may be on: allow its 10-bit mantissa, relative to the scale
        err = float((got - want).abs().max() / want.abs().max())
        rec["max_err"] = err
        rec["matmul_ok"] = err < 1e-2
        rec["peak_bytes"] = int(torch.cuda.max_memory_reserved(i))
    except Exception as e:
        rec["error"] = why(e)
    rec["seconds"] = time.time() - t0
    emit("gpu", rec)


def local():
    rec = {"version": None, "cuda": None, "cuda_available": False, "device_count": 0,
           "arch_list": None, "nccl": None, "error": None}
    try:
        import torch
    except BaseException as e:
        rec["error"] = why(e)
        emit("torch", rec)
        return 0
    rec["version"] = str(torch.__version__)
    rec["cuda"] = torch.version.cuda
    try:
        rec["cuda_available"] = bool(torch.cuda.is_available())
        rec["device_count"] = int(torch.cuda.device_count()) if rec["cuda_available"] else 0
        rec["arch_list"] = " ".join(torch.cuda.get_arch_list()) if rec["cuda_available"] else None
        if rec["cuda_available"] and hasattr(torch.cuda, "nccl"):
            v = torch.cuda.nccl.version()
            rec["nccl"] = ".".join(str(x) for x in v) if isinstance(v, tuple) else str(v)
    except Exception as e:
        rec["error"] = why(e)
    emit("torch", rec)
    if CPU or not rec["cuda_available"] or rec["error"]:
        return 0
    archs = rec["arch_list"].split() if rec["arch_list"] else []
    for i in selected(rec["device_count"]):
        check_gpu(torch, i, archs)
    return 0


# ---- step 3: every rank of torchrun -------------------------------------

def allreduce(torch, dist, rank, world, dev):
    t0 = time.time()
    hang = os.environ.get("DLRIG_PROVE_TEST_HANG_RANK")
    if hang is not None and int(hang) == rank:
        # as a rank stuck inside a collective: deaf to SIGTERM, so only
        # the SIGKILL to the whole process group ends it
        import signal
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        time.sleep(3600)
    n = (1 << 20) if CPU else (64 << 20) // 4   # floats: 4 MiB on CPU, 64 MiB on GPUs
    x = torch.full((n,), float(rank + 1), device=dev)
    if os.environ.get("DLRIG_PROVE_TEST_WRONG_SUM") == "1" and rank == 1:
        x += 1.0
    dist.all_reduce(x)
    want = world * (world + 1) / 2.0
    got = float(x[0].item())
    bad = int((x != want).sum().item())
    # bus bandwidth as nccl-tests computes it, over a few timed collectives
    iters = 3 if CPU else 10
    sync = (lambda: torch.cuda.synchronize(dev)) if dev.type == "cuda" else (lambda: None)
    sync()
    t1 = time.time()
    for _ in range(iters):
        dist.all_reduce(x)
    sync()
    dt = (time.time() - t1) / iters
    busbw = n * 4 * 2.0 * (world - 1) / world / dt / 1e9 if dt > 0 else 0.0
    step("allreduce", rank, "pass" if bad == 0 else "fail", time.time() - t0, got, want, busbw,
         None if bad == 0 else "%d of %d values are not %g" % (bad, n, want))
    return bad == 0


def tiny_transformer(torch):
    nn = torch.nn
    torch.manual_seed(0)
    layer = nn.TransformerEncoderLayer(d_model=64, nhead=4, dim_feedforward=128, dropout=0.0,
                                       batch_first=True)
    return nn.Sequential(nn.TransformerEncoder(layer, num_layers=2), nn.Linear(64, 16))


def train(torch, model, rank, dev, steps):
    g = torch.Generator().manual_seed(100 + rank)
    x = torch.randn(8, 16, 64, generator=g).to(dev)
    y = torch.randint(0, 16, (8, 16), generator=g).to(dev)
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x).reshape(-1, 16), y.reshape(-1))
        loss.backward()
        opt.step()
        losses.append(float(loss.item()))
    return losses


def ddp(torch, dist, rank, world, dev):
    from torch.nn.parallel import DistributedDataParallel
    t0 = time.time()
    model = tiny_transformer(torch).to(dev)
    wrapped = DistributedDataParallel(model, device_ids=[dev.index] if dev.type == "cuda" else None)
    losses = train(torch, wrapped, rank, dev, 5)
    ok = losses[-1] < losses[0]
    step("ddp", rank, "pass" if ok else "fail", time.time() - t0, losses[-1], losses[0], 0.0,
         None if ok else "the loss did not go down: %s" % ", ".join("%.4f" % v for v in losses))
    # identical parameters on every rank: the spread of a checksum is 0
    with torch.no_grad():
        flat = torch.cat([p.detach().reshape(-1).double() for p in model.parameters()])
        s = torch.stack([flat.sum(), flat.abs().sum()])
        hi, lo = s.clone(), s.clone()
        dist.all_reduce(hi, op=dist.ReduceOp.MAX)
        dist.all_reduce(lo, op=dist.ReduceOp.MIN)
        spread = float((hi - lo).abs().max().item())
    step("ddp-params", rank, "pass" if spread == 0.0 else "fail", 0.0, spread, 0.0, 0.0,
         None if spread == 0.0 else "the ranks' parameters differ (checksum spread %g)" % spread)


def fsdp(torch, dist, rank, world, dev):
    if CPU or world < 2:
        step("fsdp", rank, "skip", error="FSDP needs 2 or more GPUs" if not CPU else
             "FSDP runs on GPUs only (CPU mode)")
        return
    from torch.distributed.fsdp import FullyShardedDataParallel
    t0 = time.time()
    model = FullyShardedDataParallel(tiny_transformer(torch).to(dev), device_id=dev)
    losses = train(torch, model, rank, dev, 3)
    ok = losses[-1] < losses[0]
    step("fsdp", rank, "pass" if ok else "fail", time.time() - t0, losses[-1], losses[0], 0.0,
         None if ok else "the loss did not go down: %s" % ", ".join("%.4f" % v for v in losses))


def distributed():
    import datetime
    import torch
    import torch.distributed as dist
    rank = int(os.environ["RANK"])
    world = int(os.environ["WORLD_SIZE"])
    local_rank = int(os.environ.get("LOCAL_RANK", rank))
    if CPU:
        dev = torch.device("cpu")
        torch.set_num_threads(1)
    else:
        dev = torch.device("cuda", selected(torch.cuda.device_count())[local_rank])
        torch.cuda.set_device(dev)
    timeout = float(os.environ.get("DLRIG_PROVE_TIMEOUT_S", "120"))
    current = "init"
    try:
        dist.init_process_group("gloo" if CPU else "nccl",
                                timeout=datetime.timedelta(seconds=timeout))
        current = "allreduce"
        if not allreduce(torch, dist, rank, world, dev):
            return 1
        current = "ddp"
        ddp(torch, dist, rank, world, dev)
        current = "fsdp"
        fsdp(torch, dist, rank, world, dev)
        dist.barrier()
        dist.destroy_process_group()
    except Exception as e:
        step(current, rank, "fail", error=why(e))
        sys.stderr.write("rank %d: %s failed: %s\n" % (rank, current, why(e)))
        return 1
    return 0


def standalone_on_free_port(args):
    """--standalone as torchrun means it, on a port nobody holds: torch
    before 2.0 puts every --standalone rendezvous on localhost:29400, so two
    runs on one machine (two prove runs, or a user's job) meet in one store
    and the first to end breaks the other's."""
    import socket
    import uuid
    if "--standalone" not in args:
        return args
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    i = args.index("--standalone")
    return args[:i] + ["--rdzv_backend", "c10d", "--rdzv_endpoint", "127.0.0.1:%d" % port,
                       "--rdzv_id", str(uuid.uuid4()), "--nnodes", "1"] + args[i + 1:]


def torchrun(args):
    """torch.distributed.run's main, as `python -m torch.distributed.run` runs it."""
    import re
    import runpy
    from torch.distributed.elastic.multiprocessing import api
    # torch < 2.0 on Python 3.11 (Debian's python3-torch 1.13): Enum iteration
    # skips the zero flag, so "--redirects 0" (the default) reads as None
    if api.Std.from_str("0") is None:
        orig = api.Std.from_str
        api.Std.from_str = classmethod(
            lambda cls, vm: cls(int(vm)) if re.match(api._VALUE_REGEX, vm) else orig(vm))
    sys.argv = ["torchrun"] + standalone_on_free_port(args)
    runpy.run_module("torch.distributed.run", run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["torchrun"]:
        sys.exit(torchrun(sys.argv[2:]))
    sys.exit(local() if sys.argv[1:] == ["local"] else distributed())
