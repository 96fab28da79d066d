# A stand-in for peft in dlrig's tests (see ../transformers/__init__.py):
# LoRA adapters on the named linears, everything else frozen.
import types

import torch
import transformers

__version__ = "0.0+dlrig-standin"


class LoraConfig(types.SimpleNamespace):
    pass


class LoraLinear(torch.nn.Module):
    def __init__(self, base, r):
        super().__init__()
        self.base_layer = base
        w = base.weight
        self.lora_A = torch.nn.Parameter(torch.randn(r, base.in_features, dtype=w.dtype, device=w.device) * 0.01)
        self.lora_B = torch.nn.Parameter(torch.zeros(base.out_features, r, dtype=w.dtype, device=w.device))

    def forward(self, x):
        return self.base_layer(x) + (x @ self.lora_A.t()) @ self.lora_B.t()


class PeftModel(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.base_model = model

    def get_base_model(self):
        return self.base_model

    def forward(self, *a, **k):
        return self.base_model(*a, **k)


def get_peft_model(model, config, autocast_adapter_dtype=True):
    transformers.log("lora r=%d targets=%s autocast=%s" % (config.r, ",".join(config.target_modules),
                                                           autocast_adapter_dtype))
    for p in model.parameters():
        p.requires_grad = False
    for mod in list(model.modules()):
        for name, child in list(mod.named_children()):
            if name in config.target_modules and isinstance(child, torch.nn.Linear):
                setattr(mod, name, LoraLinear(child, config.r))
    return PeftModel(model)
