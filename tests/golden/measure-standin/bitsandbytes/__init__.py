# A stand-in for bitsandbytes in dlrig's tests (see ../transformers/__init__.py):
# Linear4bit and Params4bit keep the weight as it is (no NF4 on the CPU);
# AdamW8bit is torch's AdamW. Each use is logged.
import types

import torch
import transformers

__version__ = "0.0+dlrig-standin"


class Params4bit(torch.nn.Parameter):
    def __new__(cls, data=None, requires_grad=False, quant_type="fp4", compress_statistics=True):
        return super().__new__(cls, data, requires_grad)

    def to(self, *a, **k):
        transformers.log("quantize %s" % (tuple(self.shape),))
        return Params4bit(super().to(*a, **k).data)


class Linear4bit(torch.nn.Linear):
    def __init__(self, i, o, bias=True, compute_dtype=None, compress_statistics=True, quant_type="fp4",
                 device=None):
        super().__init__(i, o, bias, device=device)
        transformers.log("Linear4bit %s %s" % (quant_type, compress_statistics))


class AdamW8bit(torch.optim.AdamW):
    def __init__(self, params, lr):
        transformers.log("AdamW8bit")
        super().__init__(params, lr=lr)


nn = types.SimpleNamespace(Linear4bit=Linear4bit, Params4bit=Params4bit)
optim = types.SimpleNamespace(AdamW8bit=AdamW8bit)
