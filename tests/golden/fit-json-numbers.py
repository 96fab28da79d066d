#!/usr/bin/env python3
"""fit-json-numbers.py DLRIG - every number `dlrig fit` prints as text is in
its --json answer (TAP output). For each case, the text's numbers (after
removing the model and GPU names, which JSON carries as strings) must each
equal some JSON number in one of the forms the text uses: as is, bytes in
GiB with 1 or 2 decimals, a count in billions, or a GPU count added by a
suggestion. A number the text shows and JSON lacks fails the test."""
import json
import re
import subprocess
import sys

CASES = [
    "meta-llama/Meta-Llama-3-8B --bpw 4.0 --ctx 8192 --gpu-memory 24GiB,24GiB",
    "meta-llama/Meta-Llama-3-70B --bpw 4.0 --ctx 8192 --gpu-memory 24GiB,24GiB,24GiB,24GiB",
    "meta-llama/Meta-Llama-3-70B --bpw 4.0 --ctx 8192 --gpu-memory 24GiB",
    "meta-llama/Meta-Llama-3-8B --engine transformers --ctx 32768 --gpu-memory 16GiB,16GiB",
    "meta-llama/Meta-Llama-3-8B --task lora --activation-checkpointing --gpu-memory 24GiB,24GiB",
    "meta-llama/Meta-Llama-3-8B --task full --gpu-memory 24GiB,24GiB,24GiB,24GiB",
    "meta-llama/Meta-Llama-3-70B --task qlora --nf4 bitsandbytes --lora-targets qv --gpu-memory 48GiB",
    "Qwen/Qwen3-30B-A3B --bpw 4.0 --ctx 32768 --cache q4 --no-flash-attn --gpu-memory 24GiB",
    "meta-llama/Llama-3.1-8B --engine vllm --ctx 32768 --gpu-memory-utilization 0.85 --gpu-memory 24GiB",
    "Qwen/Qwen3-235B-A22B --engine vllm --quantization fp8 --tensor-parallel-size 4 --ctx 32768 "
    "--gpu-memory 80GiB,80GiB,80GiB,80GiB",
    "Qwen/Qwen2.5-7B --engine llama.cpp --gguf Q5_K_M --ctx 32768 --gpu-memory 8GiB",
    "meta-llama/Llama-3.1-70B --engine llama.cpp --ngl 60 --tensor-split 3,1 --gpu-memory 24GiB,24GiB",
    "google/gemma-3-27b-it --engine exllamav3 --bpw 5.0 --cache q6 --ctx 32768 --gpu-memory 24GiB",
]
NUM = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")


def numbers(node, out, strings):
    if isinstance(node, dict):
        for v in node.values():
            numbers(v, out, strings)
    elif isinstance(node, list):
        for v in node:
            numbers(v, out, strings)
    elif isinstance(node, bool):
        pass
    elif isinstance(node, (int, float)):
        out.add(node)
    elif isinstance(node, str):
        strings.add(node)


def forms(values, n_gpus):
    f = set()
    for v in values | {abs(v) for v in values}:  # "0.54 OVER" is a negative headroom
        f.add(str(v))
        f.add("%.1f" % v)
        f.add("%.2f" % v)
        for scale in (2 ** 30, 1e9):
            f.add("%.2f" % (v / scale))
            f.add("%.1f" % (v / scale))
        f.add("%.0f" % (v / 2 ** 30))
        if isinstance(v, int) and v > n_gpus:
            f.add(str(v - n_gpus))  # "N GPUs (k more ...)"
    return f


def main():
    dlrig = sys.argv[1]
    n = failed = 0
    for case in CASES:
        args = case.split()
        text = subprocess.run([dlrig, "fit"] + args, capture_output=True, text=True).stdout
        js = json.loads(subprocess.run([dlrig, "--json", "fit"] + args, capture_output=True,
                                       text=True).stdout)
        vals, strings = set(), set()
        numbers(js, vals, strings)
        n_gpus = len(js["plan"]["gpus"])
        ok = forms(vals, n_gpus)
        for s in sorted(strings, key=len, reverse=True):
            if len(s) > 3:
                text = text.replace(s, " ")
        text = re.sub(r"\d+-\d+", lambda m: m.group(0).replace("-", " "), text)  # ranges
        missing = sorted({t for t in NUM.findall(text) if t not in ok})
        n += 1
        if missing:
            failed += 1
            print("not ok %d - fit %s: text numbers missing from --json: %s" % (n, case, " ".join(missing)))
        else:
            print("ok %d - fit %s" % (n, case))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
