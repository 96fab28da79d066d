# A stand-in for transformers in dlrig's tests (tests/golden/prove.sh, subtest
# 9): only the API src/fit/measure.py calls, thin, on top of torch, so that
# the transformers + peft path runs on the CPU without PyPI. Each call
# measure.py makes is logged to $DLRIG_STANDIN_LOG, and the test checks them.
import os
import types

import torch
import torch.utils.checkpoint

__version__ = "0.0+dlrig-standin"
F = torch.nn.functional


def log(line):
    with open(os.environ["DLRIG_STANDIN_LOG"], "a") as f:
        f.write(line + "\n")


class PretrainedConfig(types.SimpleNamespace):
    pass


class AutoConfig:
    @staticmethod
    def for_model(model_type, **kw):
        log("config %s layers=%d tied=%s" % (model_type, kw["num_hidden_layers"], kw["tie_word_embeddings"]))
        return PretrainedConfig(model_type=model_type, rope_theta=10000.0, **kw)


class DynamicCache:
    def __init__(self):
        self.kv = {}

    def update(self, k, v, i):
        if i in self.kv:
            k = torch.cat([self.kv[i][0], k], 2)
            v = torch.cat([self.kv[i][1], v], 2)
        self.kv[i] = (k, v)
        return k, v

    def get_seq_length(self):
        return self.kv[0][0].shape[2] if self.kv else 0


class Attention(torch.nn.Module):
    def __init__(self, c, i):
        super().__init__()
        h, d, bias = c.hidden_size, c.head_dim, c.model_type == "qwen2"
        self.i, self.d, self.hq, self.hk = i, d, c.num_attention_heads, c.num_key_value_heads
        self.q_proj = torch.nn.Linear(h, self.hq * d, bias=bias)
        self.k_proj = torch.nn.Linear(h, self.hk * d, bias=bias)
        self.v_proj = torch.nn.Linear(h, self.hk * d, bias=bias)
        self.o_proj = torch.nn.Linear(self.hq * d, h, bias=False)

    def forward(self, x, cache):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.hq, self.d).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.hk, self.d).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.hk, self.d).transpose(1, 2)
        if cache is not None:
            k, v = cache.update(k, v, self.i)
        k = k.repeat_interleave(self.hq // self.hk, 1)
        v = v.repeat_interleave(self.hq // self.hk, 1)
        s = (q @ k.transpose(-1, -2)) / self.d ** 0.5  # torch 1.13 has no SDPA
        if t > 1:
            s = s.masked_fill(torch.ones(t, k.shape[2], dtype=torch.bool).triu(k.shape[2] - t + 1), float("-inf"))
        o = s.softmax(-1) @ v
        return self.o_proj(o.transpose(1, 2).reshape(b, t, -1))


class MLP(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.gate_proj = torch.nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = torch.nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = torch.nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(torch.nn.Module):
    def __init__(self, c, i):
        super().__init__()
        self.self_attn, self.mlp = Attention(c, i), MLP(c)
        self.input_layernorm = torch.nn.LayerNorm(c.hidden_size)
        self.post_attention_layernorm = torch.nn.LayerNorm(c.hidden_size)

    def forward(self, x, cache=None):
        x = x + self.self_attn(self.input_layernorm(x), cache)
        return x + self.mlp(self.post_attention_layernorm(x))


class Rotary(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.register_buffer("inv_freq", torch.ones(c.head_dim // 2), persistent=False)


class Model(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = torch.nn.ModuleList(Layer(c, i) for i in range(c.num_hidden_layers))
        self.norm = torch.nn.LayerNorm(c.hidden_size)
        self.rotary_emb = Rotary(c)
        self.gradient_checkpointing = False

    def forward(self, input_ids, past_key_values=None):
        x = self.embed_tokens(input_ids)
        for layer in self.layers:
            if self.gradient_checkpointing and self.training:
                x = torch.utils.checkpoint.checkpoint(layer, x, use_reentrant=False)
            else:
                x = layer(x, past_key_values)
        return (self.norm(x),)


class ForCausalLM(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.model = Model(c)
        self.lm_head = torch.nn.Linear(c.hidden_size, c.vocab_size, bias=False)
        if c.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight

    def tie_weights(self):
        self.lm_head.weight = self.model.embed_tokens.weight
        log("tie_weights")

    def gradient_checkpointing_enable(self, gradient_checkpointing_kwargs=None):
        log("gradient_checkpointing %s" % gradient_checkpointing_kwargs)
        self.model.gradient_checkpointing = True

    def forward(self, input_ids, past_key_values=None, use_cache=None, logits_to_keep=0, labels=None):
        if use_cache and past_key_values is None:
            past_key_values = DynamicCache()
        h = self.model(input_ids, past_key_values if use_cache else None)[0]
        logits = self.lm_head(h[:, -logits_to_keep:] if logits_to_keep else h)
        if use_cache:
            log("forward tokens=%d cached=%d keep=%d" % (input_ids.shape[1], past_key_values.get_seq_length(),
                                                         logits_to_keep))
        loss = None
        if labels is not None:
            log("loss transformers fp32")
            v = logits.shape[-1]
            loss = F.cross_entropy(logits.float()[:, :-1].reshape(-1, v), labels[:, 1:].reshape(-1))
        return types.SimpleNamespace(logits=logits, past_key_values=past_key_values, loss=loss)


class AutoModelForCausalLM:
    @staticmethod
    def from_config(config, dtype=None, attn_implementation=None):
        log("from_config dtype=%s attn=%s" % (dtype, attn_implementation))
        return ForCausalLM(config).to(dtype)
