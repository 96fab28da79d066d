# measure.py - what `dlrig fit MODEL --measure` runs in your PyTorch environment
# (docs/prove.md, "fit --measure").
#
# dlrig writes this file and job.json (the model's shape, the job fit predicted
# and the plan's GPUs) into a private temporary folder and runs
#     python measure.py job.json
# under a deadline. The model is built from its shape with random weights:
# nothing is downloaded. It is a built-in Llama/Qwen-shape decoder in plain
# PyTorch (RMSNorm, GQA attention through scaled_dot_product_attention, SwiGLU
# MLP, LoRA adapters); the "impl" record says so. (Measuring through
# transformers and peft where installed is not written yet.) The job:
# inference = a prefill of the context and 4 decode steps with the cache, its
# layers split over the GPUs as the plan places them; lora/full = two training
# steps (AdamW, activation checkpointing when asked) on the plan's first GPU.
#
# Results are lines "dlrig-measure KIND {json}" on stdout: "impl" (what was
# measured), "gpu" (per GPU: the allocator's peak and what the process holds
# outside it) and "skip" (why nothing was measured). DLRIG_PROVE_CPU=1 runs on
# the CPU (dlrig's tests: the plumbing, not the figures).
import json
import math
import os
import sys
import time

CPU = os.environ.get("DLRIG_PROVE_CPU") == "1"


def emit(kind, rec):
    sys.stdout.write("dlrig-measure %s %s\n" % (kind, json.dumps(rec, sort_keys=True)))
    sys.stdout.flush()


def on(torch, dev):
    """Build directly on dev (torch 2.0 and later), else on the CPU."""
    import contextlib
    return dev if hasattr(dev, "__enter__") else contextlib.nullcontext()


def builtin_model(torch, a, lora_rank, lora_qv, devs):
    """devs: the device of the embeddings, of each layer, of the head."""
    nn = torch.nn
    F = torch.nn.functional

    def sdpa(q, k, v, causal):
        if hasattr(F, "scaled_dot_product_attention"):
            return F.scaled_dot_product_attention(q, k, v, is_causal=causal)
        # torch before 2.0: the scores materialized
        s = (q @ k.transpose(-1, -2)) / math.sqrt(q.shape[-1])
        if causal:
            s = s.masked_fill(torch.ones(s.shape[-2:], dtype=torch.bool, device=s.device).triu(1), float("-inf"))
        return s.softmax(-1) @ v

    class LoRALinear(nn.Module):
        def __init__(self, i, o, bias, rank):
            super().__init__()
            self.base = nn.Linear(i, o, bias=bias)
            self.rank = rank
            if rank:
                self.a = nn.Parameter(torch.randn(rank, i) * 0.01)
                self.b = nn.Parameter(torch.zeros(o, rank))

        def forward(self, x):
            y = self.base(x)
            return y + (x @ self.a.t()) @ self.b.t() if self.rank else y

    class RMSNorm(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.w = nn.Parameter(torch.ones(n))

        def forward(self, x):
            return self.w * x * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + 1e-6).to(x.dtype)

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            h, d = a["hidden"], a["head_dim"]
            r_attn = lora_rank
            r_mlp = 0 if lora_qv else lora_rank
            self.q = LoRALinear(h, a["heads"] * d, a["qkv_bias"], r_attn)
            self.k = LoRALinear(h, a["kv_heads"] * d, a["qkv_bias"], 0)
            self.v = LoRALinear(h, a["kv_heads"] * d, a["qkv_bias"], r_attn)
            self.o = LoRALinear(a["heads"] * d, h, False, 0 if lora_qv else lora_rank)
            self.gate = LoRALinear(h, a["intermediate"], False, r_mlp)
            self.up = LoRALinear(h, a["intermediate"], False, r_mlp)
            self.down = LoRALinear(a["intermediate"], h, False, r_mlp)
            self.n1, self.n2 = RMSNorm(h), RMSNorm(h)

        def forward(self, x, cache=None):
            b, t, _ = x.shape
            d, hq, hk = a["head_dim"], a["heads"], a["kv_heads"]
            y = self.n1(x)
            q = self.q(y).view(b, t, hq, d).transpose(1, 2)
            k = self.k(y).view(b, t, hk, d).transpose(1, 2)
            v = self.v(y).view(b, t, hk, d).transpose(1, 2)
            if cache is not None:
                if cache:
                    k = torch.cat([cache[0], k], 2)
                    v = torch.cat([cache[1], v], 2)
                cache[:] = [k, v]
            k = k.repeat_interleave(hq // hk, 1)
            v = v.repeat_interleave(hq // hk, 1)
            att = sdpa(q, k, v, t > 1)
            x = x + self.o(att.transpose(1, 2).reshape(b, t, hq * d))
            y = self.n2(x)
            return x + self.down(F.silu(self.gate(y)) * self.up(y))

    class Decoder(nn.Module):
        def __init__(self):
            super().__init__()
            with on(torch, devs[0]):
                self.embed = nn.Embedding(a["vocab"], a["hidden"])
            layers = []
            for i in range(a["layers"]):
                with on(torch, devs[1][i]):
                    layers.append(Layer().to(devs[1][i]))
            self.layers = nn.ModuleList(layers)
            with on(torch, devs[2]):
                self.norm = RMSNorm(a["hidden"])
                self.head = nn.Linear(a["hidden"], a["vocab"], bias=False)
            self.embed.to(devs[0])
            self.norm.to(devs[2])
            self.head.to(devs[2])

    return Decoder()


def device_of(torch, idx):
    return torch.device("cpu") if CPU else torch.device("cuda", idx)


def peaks(torch, devices, base):
    for i, d in enumerate(devices):
        if CPU:
            import resource
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            emit("gpu", {"index": d, "peak_allocated": rss, "peak_reserved": rss, "outside": 0})
            continue
        free, total = torch.cuda.mem_get_info(d)
        emit("gpu", {"index": d, "peak_allocated": int(torch.cuda.max_memory_allocated(d)),
                     "peak_reserved": int(torch.cuda.max_memory_reserved(d)),
                     "outside": int(base.get(d, 0))})


def layer_devices(torch, a, devices, place):
    """Layers on the GPUs as the plan placed them; embeddings on the first,
    norm and head on the last (as accelerate's device_map does)."""
    devs = [device_of(torch, devices[0])] * a["layers"]
    for gi, (first, n) in enumerate(place):
        for li in range(first, min(first + n, a["layers"])):
            devs[li] = device_of(torch, devices[gi])
    return (device_of(torch, devices[0]), devs, device_of(torch, devices[len(place) - 1]))


def infer(torch, model, job, devices):
    caches = [[] for _ in model.layers]
    with torch.no_grad():
        tok = torch.randint(0, job["arch"]["vocab"], (job["batch"], job["ctx"] - 4))
        for step in range(5):
            x = model.embed(tok.to(device_of(torch, devices[0])))
            for li, layer in enumerate(model.layers):
                x = layer(x.to(layer.n1.w.device), caches[li])
            logits = model.head(model.norm(x.to(model.norm.w.device))[:, -1:])
            tok = logits.argmax(-1)


def train(torch, model, job, dev):
    import torch.utils.checkpoint as ckpt
    lora = job["task"] != "full"
    for n, p in model.named_parameters():
        p.requires_grad = (not lora) or n.endswith(".a") or n.endswith(".b")
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-4)
    for _ in range(2):
        tok = torch.randint(0, job["arch"]["vocab"], (job["batch"], job["ctx"]), device=dev)
        x = model.embed(tok)
        for layer in model.layers:
            x = ckpt.checkpoint(layer, x, use_reentrant=False) if job["act_ckpt"] else layer(x)
        logits = model.head(model.norm(x))
        loss = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]).float(),
                                                 tok[:, 1:].reshape(-1))
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)


def main():
    job = json.load(open(sys.argv[1]))
    import torch
    if job["task"] == "qlora":
        emit("skip", {"why": "QLoRA's NF4 weights need bitsandbytes or torchao: not measured"})
        return 0
    if job["arch"]["experts"]:
        emit("skip", {"why": "a mixture of experts: the built-in decoder is dense, not measured"})
        return 0
    devices = job["gpus"] or [0]
    base = {}
    if not CPU:
        for d in devices:
            torch.cuda.init()
            torch.cuda.set_device(d)
            torch.empty(1, device=device_of(torch, d))
            free, total = torch.cuda.mem_get_info(d)
            base[d] = total - free - torch.cuda.memory_reserved(d)   # context, kernels
            torch.cuda.reset_peak_memory_stats(d)
    t0 = time.time()
    a = job["arch"]
    rank = job["rank"] if job["task"] == "lora" else 0
    if job["task"] == "infer":
        place = job["place"] or [[0, a["layers"]]]
    else:
        devices, place = devices[:1], [[0, a["layers"]]]
    torch.set_default_dtype(torch.float32 if CPU else torch.bfloat16)
    model = builtin_model(torch, a, rank, job["lora_targets"] == "qv",
                          layer_devices(torch, a, devices, place))
    emit("impl", {"impl": "built-in PyTorch decoder", "device": "cpu" if CPU else "cuda",
                  "torch": str(torch.__version__)})
    if job["task"] == "infer":
        infer(torch, model, job, devices)
    else:
        train(torch, model, job, device_of(torch, devices[0]))
    emit("done", {"seconds": time.time() - t0})
    peaks(torch, devices, base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
