# measure.py - what `dlrig fit MODEL --measure` runs in your PyTorch environment
# (docs/prove.md, "fit --measure").
#
# dlrig writes this file and job.json (the model's shape, the job fit predicted
# and the plan's GPUs) into a private temporary folder and runs
#     python measure.py job.json
# under a deadline. The model is built from its shape with random weights:
# nothing is downloaded. Where transformers and peft import (what users run),
# AutoModelForCausalLM.from_config builds it on the meta device and each part
# is materialised on the GPU the plan gives it, with LoRA through peft;
# otherwise (or with DLRIG_MEASURE_IMPL=builtin) a built-in Llama/Qwen-shape
# decoder in plain PyTorch (RMSNorm, GQA attention through
# scaled_dot_product_attention, SwiGLU MLP, LoRA adapters). The "impl" record
# says which, and why not transformers. The job: inference = a prefill of the
# context and 4 decode steps with the cache, its layers split over the GPUs as
# the plan places them; lora/qlora/full = two training steps (AdamW,
# activation checkpointing when asked, the loss chunked as torchtune's unless
# the job asks for the fp32 one) on the plan's first GPU.
#
# Results are lines "dlrig-measure KIND {json}" on stdout: "impl" (what was
# measured), "note" (what differs from the plan), "gpu" (per GPU: the
# allocator's peak and what the process holds outside it) and "skip" (why
# nothing was measured). DLRIG_PROVE_CPU=1 runs on the CPU (dlrig's tests:
# the plumbing, not the figures).
import contextlib
import inspect
import json
import math
import os
import sys
import time

CPU = os.environ.get("DLRIG_PROVE_CPU") == "1"


def emit(kind, rec):
    if kind != "gpu" and os.environ.get("RANK", "0") != "0":
        return  # ranks of a training on several GPUs: rank 0 speaks for all
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


def infer(torch, model, job, dev0):
    caches = [[] for _ in model.layers]
    with torch.no_grad():
        tok = torch.randint(0, job["arch"]["vocab"], (job["batch"], job["ctx"] - 4))
        for step in range(5):
            x = model.embed(tok.to(dev0))
            for li, layer in enumerate(model.layers):
                x = layer(x.to(layer.n1.w.device), caches[li])
            logits = model.head(model.norm(x.to(model.norm.w.device))[:, -1:])
            tok = logits.argmax(-1)


def loss_of(torch, h, head, tok, fp32):
    """Next-token cross-entropy from the last hidden states. fp32: every
    logit upcast at once (transformers' own loss, HF Trainer, --fp32-loss);
    else torchtune's chunked loss: bf16 logits in 8 chunks, each upcast only
    for its own cross-entropy."""
    F = torch.nn.functional
    h, y = h[:, :-1], tok[:, 1:]
    if fp32:
        logits = head(h).float()
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
    chunks = [head(c) for c in h.chunk(8, 1)]
    total = sum(F.cross_entropy(c.float().reshape(-1, c.shape[-1]), t.reshape(-1), reduction="sum")
                for c, t in zip(chunks, y.chunk(8, 1)))
    return total / y.numel()


def optimizer(torch, job, params):
    if job.get("optim") == "cpu-offload":
        emit("note", {"note": "the plan keeps gradients and optimizer state on the host (FSDP CPU "
                              "offload); measured with AdamW on the GPU"})
    if job.get("optim") == "adamw8bit":
        try:
            import bitsandbytes as bnb
            return bnb.optim.AdamW8bit(params, lr=1e-4)
        except Exception as e:  # noqa: BLE001 - any failure: say it, measure AdamW
            emit("note", {"note": "AdamW 8-bit asked, bitsandbytes unusable (%s): measured torch AdamW" % str(e)[:120]})
    return torch.optim.AdamW(params, lr=1e-4)


def with_loss(torch, model, loss_fn):
    """The model and its loss as one module: under FSDP the root unit
    (embeddings, norm, head) is gathered only inside the root's forward."""
    class WithLoss(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.m = model

        def forward(self, tok):
            return loss_fn(self.m, tok)
    return WithLoss()


def steps(torch, job, dev, net):
    opt = optimizer(torch, job, [p for p in net.parameters() if p.requires_grad])
    for _ in range(2):
        tok = torch.randint(0, job["arch"]["vocab"], (job["batch"], job["ctx"]), device=dev)
        net(tok).backward()
        opt.step()
        opt.zero_grad(set_to_none=True)


def builtin_train(torch, model, job):
    import torch.utils.checkpoint as ckpt
    lora = job["task"] != "full"
    for n, p in model.named_parameters():
        p.requires_grad = (not lora) or n.endswith(".a") or n.endswith(".b")

    def loss_fn(m, tok):
        x = m.embed(tok)
        for layer in m.layers:
            x = ckpt.checkpoint(layer, x, use_reentrant=False) if job["act_ckpt"] else layer(x)
        return loss_of(torch, m.norm(x), m.head, tok, job.get("fp32_loss", False))
    return with_loss(torch, model, loss_fn), type(model.layers[0])


# ---- transformers + peft ------------------------------------------------

def choose_impl():
    """(transformers, peft, None), or (None, None, why the built-in decoder)."""
    forced = os.environ.get("DLRIG_MEASURE_IMPL", "")
    if forced == "builtin":
        return None, None, "DLRIG_MEASURE_IMPL=builtin"
    try:
        import transformers
        import peft
    except Exception as e:  # noqa: BLE001 - a broken install raises anything
        if forced == "transformers":
            raise
        return None, None, "transformers and peft do not import (%s: %s)" % (type(e).__name__, str(e)[:160])
    return transformers, peft, None


def hf_config(tf, a, job):
    """A Llama config, or Qwen2's where q, k and v have a bias, of the job's shape."""
    kw = dict(hidden_size=a["hidden"], intermediate_size=a["intermediate"], num_hidden_layers=a["layers"],
              num_attention_heads=a["heads"], num_key_value_heads=a["kv_heads"], head_dim=a["head_dim"],
              vocab_size=a["vocab"], tie_word_embeddings=bool(a.get("tied")),
              max_position_embeddings=max(job["ctx"] + 8, 4096), use_cache=job["task"] == "infer")
    return tf.AutoConfig.for_model("qwen2" if a["qkv_bias"] else "llama", **kw)


def fill(torch, mod, dev, theta, recurse=True):
    """Storage on dev for a module built on the meta device, filled with
    random weights (values do not change memory; no CPU copy is made)."""
    try:
        mod.to_empty(device=dev, recurse=recurse)
    except TypeError:  # torch before 2.1: always recursive
        mod.to_empty(device=dev)
    with torch.no_grad():
        for p in mod.parameters(recurse=recurse):
            if p.is_floating_point():
                p.normal_(0.0, 0.02)
        for name, b in mod.named_buffers(recurse=recurse):
            if name.endswith("inv_freq"):  # rotary frequencies, as transformers makes them
                n = b.numel()
                b.copy_(1.0 / theta ** (torch.arange(0, n, device=dev, dtype=torch.float32) / n))
            elif b.is_floating_point():
                b.zero_()


def materialise(torch, mod, dev, theta=10000.0):
    if any(t.is_meta for t in list(mod.parameters()) + list(mod.buffers())):
        fill(torch, mod, dev, theta)
    else:
        mod.to(dev)


def to_dev(torch, x, dev):
    if torch.is_tensor(x):
        return x.to(dev)
    if isinstance(x, (tuple, list)):
        return type(x)(to_dev(torch, v, dev) for v in x)
    return x


def follow(torch, mod, dev):
    """Inputs moved to the module's GPU before its forward, as accelerate's
    device_map hooks do (torch 2.0 and later)."""
    def hook(_m, args, kwargs):
        return to_dev(torch, args, dev), {k: to_dev(torch, v, dev) for k, v in kwargs.items()}
    mod.register_forward_pre_hook(hook, with_kwargs=True)


def hf_build(torch, tf, cfg, devs, keep_meta=False, each_layer=None):
    """from_config on the meta device (torch 2.0 and later; else on the CPU),
    then embeddings, each decoder layer, norm and head on their GPUs (left
    on the meta device for FSDP, which materialises each rank's shards)."""
    dtype = torch.float32 if CPU else torch.bfloat16
    meta = torch.device("meta")
    with (meta if hasattr(meta, "__enter__") else contextlib.nullcontext()):
        try:
            model = tf.AutoModelForCausalLM.from_config(cfg, dtype=dtype, attn_implementation="sdpa")
        except TypeError:  # transformers before 4.56 names it torch_dtype
            model = tf.AutoModelForCausalLM.from_config(cfg, torch_dtype=dtype, attn_implementation="sdpa")
    if keep_meta:
        return model
    inner = model.model
    tied = bool(getattr(cfg, "tie_word_embeddings", False))
    # a tied head is the embeddings' weight: made once, on the first GPU
    head = (model.lm_head, devs[0] if tied else devs[2])
    groups = [(inner.embed_tokens, devs[0])] + list(zip(inner.layers, devs[1])) + [(inner.norm, devs[2])]
    theta = float(getattr(cfg, "rope_theta", 10000.0) or 10000.0)
    placed = {id(m) for m, _ in groups + [head]}
    for i, (m, d) in enumerate(groups + ([] if tied else [head])):
        materialise(torch, m, d, theta)
        if each_layer and 0 < i <= len(inner.layers):
            each_layer(m, d)
    if tied:
        model.tie_weights()
        if model.lm_head.weight.is_meta:  # a release whose tie_weights did not re-tie
            model.lm_head.weight = inner.embed_tokens.weight
    rest = [m for m in model.modules() if id(m) not in placed and not any(id(c) in placed for c in m.modules())]
    for m in rest:  # rotary embedding and the like: with the embeddings
        materialise(torch, m, devs[0], theta)
    if len({str(d) for _, d in groups + [head]}) > 1:
        for m, d in groups[1:] + [head]:
            follow(torch, m, d)
    return model


def hf_infer(torch, model, job, dev0):
    """Prefill of ctx - 4 tokens, then 4 decode steps through the model's
    own cache (a DynamicCache), logits of the last position only as
    generate() asks for them."""
    params = inspect.signature(model.forward).parameters
    keep = {k: 1 for k in ("logits_to_keep", "num_logits_to_keep") if k in params}
    model.eval()
    cache = None
    tok = torch.randint(0, job["arch"]["vocab"], (job["batch"], job["ctx"] - 4), device=dev0)
    with torch.no_grad():
        for _ in range(5):
            out = model(input_ids=tok, past_key_values=cache, use_cache=True, **keep)
            cache = out.past_key_values
            tok = out.logits[:, -1:].float().argmax(-1).to(dev0)


LORA_TARGETS = {"qv": ["q_proj", "v_proj"],
                "attn-mlp": ["q_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]}


def nf4(torch, layer, dev):
    """QLoRA's base: a decoder layer's linears as bitsandbytes' NF4 with
    double quantization, each quantized on the GPU right after its layer is
    made, so that one layer at a time is in bf16 (as fit counts the load)."""
    import bitsandbytes as bnb
    for mod in list(layer.modules()):
        for name, child in list(mod.named_children()):
            if type(child) is not torch.nn.Linear:
                continue
            q = bnb.nn.Linear4bit(child.in_features, child.out_features, bias=child.bias is not None,
                                  compute_dtype=torch.bfloat16, compress_statistics=True,
                                  quant_type="nf4", device="meta")
            q.weight = bnb.nn.Params4bit(child.weight.data, requires_grad=False, quant_type="nf4",
                                         compress_statistics=True).to(dev)
            if child.bias is not None:
                q.bias = child.bias
            setattr(mod, name, q)
            del child
    return "bitsandbytes %s NF4" % bnb.__version__


def hf_train(torch, peft, model, job):
    model.config.use_cache = False
    if job["act_ckpt"]:
        try:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        except TypeError:
            model.gradient_checkpointing_enable()
    layer_cls = type(model.model.layers[0])
    if job["task"] != "full":
        lc = peft.LoraConfig(r=job["rank"], lora_alpha=2 * job["rank"], lora_dropout=0.0, bias="none",
                             target_modules=LORA_TARGETS[job["lora_targets"]], task_type="CAUSAL_LM")
        kw = {}
        if "autocast_adapter_dtype" in inspect.signature(peft.get_peft_model).parameters:
            kw["autocast_adapter_dtype"] = False  # adapters in bf16, as fit counts them
        model = peft.get_peft_model(model, lc, **kw)
    model.train()

    def loss_fn(m, tok):
        if job.get("fp32_loss"):  # transformers' own loss upcasts every logit
            return m(input_ids=tok, labels=tok).loss
        base = m.get_base_model() if hasattr(m, "get_base_model") else m
        return loss_of(torch, base.model(input_ids=tok)[0], base.lm_head, tok, False)
    return with_loss(torch, model, loss_fn), layer_cls


def hf_model(torch, tf, peft, job, devs, keep_meta=False):
    """The model through transformers (and QLoRA's NF4 base); None: skipped."""
    name = "transformers %s + peft %s" % (tf.__version__, peft.__version__)
    if job["task"] == "qlora":
        try:
            __import__("bitsandbytes")
        except Exception as e:  # noqa: BLE001
            emit("skip", {"why": "QLoRA's NF4 weights need bitsandbytes, which does not import (%s)" % str(e)[:120]})
            return None
    qlora = job["task"] == "qlora"
    made = []
    model = hf_build(torch, tf, hf_config(tf, job["arch"], job), devs, keep_meta,
                     (lambda m, d: made.append(nf4(torch, m, d))) if qlora else None)
    if qlora:
        name += ", " + made[0]
        if job.get("nf4") == "torchao":
            emit("note", {"note": "the prediction is for torchao's NF4 (--nf4 torchao); "
                                  "measured with bitsandbytes' (compare with --nf4 bitsandbytes)"})
    emit("impl", {"impl": name, "device": "cpu" if CPU else "cuda", "torch": str(torch.__version__)})
    return model


def builtin(torch, job, devs, why):
    """The built-in decoder; None: skipped."""
    if job["task"] == "qlora":
        emit("skip", {"why": "QLoRA's NF4 weights need transformers, peft and bitsandbytes: not measured "
                             "(%s)" % why})
        return None
    a = job["arch"]
    rank = job["rank"] if job["task"] == "lora" else 0
    model = builtin_model(torch, a, rank, job["lora_targets"] == "qv", devs)
    emit("impl", {"impl": "built-in PyTorch decoder", "device": "cpu" if CPU else "cuda",
                  "torch": str(torch.__version__), "why": why})
    return model


def run(torch, job, devs, wrap=None):
    """Builds the model (transformers + peft, else the built-in decoder) and
    runs the job; wrap(net, layer class) shards a training over the ranks."""
    tf, peft, why = choose_impl()
    # the built-in decoder takes its dtype from the default; transformers gets it explicitly
    torch.set_default_dtype(torch.float32 if CPU or tf is not None else torch.bfloat16)
    meta = wrap is not None and not CPU and hasattr(torch.device("meta"), "__enter__")
    if tf is not None:
        model = hf_model(torch, tf, peft, job, devs, meta)
    else:
        m = torch.device("meta")
        model = builtin(torch, job, (m, [m] * job["arch"]["layers"], m) if meta else devs, why)
    if model is None:
        return False
    if job["task"] == "infer":
        if tf is not None:
            hf_infer(torch, model, job, devs[0])
        else:
            infer(torch, model, job, devs[0])
        return True
    net, layer_cls = hf_train(torch, peft, model, job) if tf is not None else builtin_train(torch, model, job)
    steps(torch, job, devs[0], wrap(net, layer_cls) if wrap else net)
    return True


def baseline(torch, devices):
    """What each GPU's process holds outside the allocator right after
    CUDA's initialisation (context, kernels); peaks reset."""
    base = {}
    for d in devices:
        torch.cuda.init()
        torch.cuda.set_device(d)
        torch.empty(1, device=device_of(torch, d))
        free, total = torch.cuda.mem_get_info(d)
        base[d] = total - free - torch.cuda.memory_reserved(d)
        torch.cuda.reset_peak_memory_stats(d)
    return base


def launch(job_path, n):
    """One process per GPU of the plan, through prove.py's torchrun
    launcher (torch's own torchrun, --standalone on a free port); their
    records pass through on stdout."""
    import subprocess
    here = os.path.dirname(os.path.abspath(__file__))
    return subprocess.call([sys.executable, os.path.join(here, "prove.py"), "torchrun", "--standalone",
                            "--nproc_per_node", str(n), "--max_restarts", "0", os.path.abspath(__file__),
                            job_path, "rank"])


def shard(torch, dev, theta):
    """wrap(net, layer class) for a rank: FSDP full shard, one unit per
    decoder layer (as fit plans it), parameters materialised per shard from
    the meta device; on the CPU (tests) DDP over gloo, as prove does."""
    if CPU:
        return lambda net, _cls: torch.nn.parallel.DistributedDataParallel(net)
    import functools
    from torch.distributed.fsdp import FullyShardedDataParallel as FSDP, ShardingStrategy
    from torch.distributed.fsdp.wrap import transformer_auto_wrap_policy

    def wrap(net, layer_cls):
        policy = functools.partial(transformer_auto_wrap_policy, transformer_layer_cls={layer_cls})
        return FSDP(net, auto_wrap_policy=policy, sharding_strategy=ShardingStrategy.FULL_SHARD,
                    device_id=dev, use_orig_params=True, limit_all_gathers=True,
                    param_init_fn=lambda m: fill(torch, m, dev, theta, recurse=False))
    return wrap


def rank_main(job):
    """A rank of a training on several GPUs: its GPU's peak, with what the
    process holds outside the allocator at the end (NCCL's buffers too)."""
    import torch
    import torch.distributed as dist
    d = job["gpus"][int(os.environ["LOCAL_RANK"])]
    dev = device_of(torch, d)
    if not CPU:
        baseline(torch, [d])
    dist.init_process_group("gloo" if CPU else "nccl")
    one = [[0, job["arch"]["layers"]]]
    ok = run(torch, job, layer_devices(torch, job["arch"], [d], one), shard(torch, dev, 10000.0))
    if ok:
        out = {}
        if not CPU:
            torch.cuda.synchronize(d)
            free, total = torch.cuda.mem_get_info(d)
            out[d] = total - free - torch.cuda.memory_reserved(d)
        peaks(torch, [d], out)
    dist.barrier()
    dist.destroy_process_group()
    return 0


def main():
    job = json.load(open(sys.argv[1]))
    if sys.argv[2:] == ["rank"]:
        return rank_main(job)
    import torch
    if job["arch"]["experts"]:
        emit("skip", {"why": "a mixture of experts: the job carries no expert shapes, not measured"})
        return 0
    devices = job["gpus"] or [0]
    a = job["arch"]
    t0 = time.time()
    if job["task"] in ("lora", "full") and len(devices) > 1:
        emit("note", {"note": "training on %d GPUs: one process each (torchrun), %s" %
                              (len(devices), "DDP over gloo on the CPU" if CPU else "FSDP full shard")})
        rc = launch(sys.argv[1], len(devices))
        emit("done", {"seconds": time.time() - t0})
        return rc
    if job["task"] == "qlora" and len(devices) > 1:
        emit("note", {"note": "QLoRA measured on GPU %d alone: the plan shards it over %d GPUs (FSDP), "
                              "which is not measured" % (devices[0], len(devices))})
    base = {} if CPU else baseline(torch, devices)
    place = job["place"] or [[0, a["layers"]]]
    if job["task"] != "infer":
        devices, place = devices[:1], [[0, a["layers"]]]
    ok = run(torch, job, layer_devices(torch, a, devices, place))
    if ok:
        emit("done", {"seconds": time.time() - t0})
        peaks(torch, devices, base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
