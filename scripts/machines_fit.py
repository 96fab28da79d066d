"""machines_fit.py - fixture machines for dlrig fit.

Same form as machines.py: VARIANTS maps a machine name to a function that
takes the guide's machine (machines.guide()), changes it and returns the
README text. machines.py merges this table into its own."""
import machines  # noqa: F401  (helpers: machines.gpus, machines.guide_software, ...)


def rtx4090_fit(m):
    machines.stub_libcuda(m)
    m["cuda"]["init"] = {}
    m["findings"] = ["driver.ok", "cuda.ok", "!cuda.stub-library"]
    m["cases"] = [
        "doctor", "--json doctor",
        # 70B: does not fit one 24 GB card; the changes that do.
        "fit meta-llama/Meta-Llama-3-70B --bpw 4.0 --ctx 8192",
        "fit meta-llama/Meta-Llama-3-70B --engine transformers --ctx 4096",
        "fit meta-llama/Meta-Llama-3-70B --task lora",
        "--json fit meta-llama/Meta-Llama-3-70B --bpw 4.0 --ctx 8192",
        "fit Qwen/Qwen3-30B-A3B --bpw 4.0 --ctx 32768 --cache q4",
        "fit meta-llama/Meta-Llama-3-8B --task qlora --batch 4 --activation-checkpointing",
        # a machine not bought yet: no driver call at all
        "fit meta-llama/Meta-Llama-3-70B --task full --gpu-memory 80GiB,80GiB,80GiB,80GiB,80GiB,80GiB,80GiB,80GiB",
        "fit --list",
        # errors: exit 3 with what to do
        "fit meta-llama/Llama-9-1T",
        "fit meta-llama/Meta-Llama-3-8B --task pretrain",
        "fit meta-llama/Meta-Llama-3-8B --bpw 12",
        "fit meta-llama/Meta-Llama-3-8B --ctx 0",
        "fit meta-llama/Meta-Llama-3-8B --gpus 3",
        "fit meta-llama/Meta-Llama-3-8B --gpu-memory 24XB",
        "fit meta-llama/Meta-Llama-3-8B --gpu-memory 24GiB --from snap.json",
        "fit",
    ]
    return ("One RTX 4090 (24 GB) workstation, healthy: dlrig fit for a card too small for a 70B "
            "model (the changes that make it fit), and fit's usage errors.")


def a10g_fit_select(m):
    import machines_fabric  # the guide's topology, so doctor stays clean
    machines_fabric.a10g_topology(m)
    m["findings"] = ["driver.ok", "cuda.ok", "health.ok", "!pci.link-degraded"]
    m["cases"] = [
        "--json doctor",
        # --gpus keeps the machine's numbering, and the split says which GPUs
        # (CUDA_VISIBLE_DEVICES) the engine's 0..n-1 are.
        "fit meta-llama/Meta-Llama-3-70B --bpw 4.0 --ctx 8192 --gpus 1,3,4,5",
        "--json fit meta-llama/Meta-Llama-3-70B --bpw 4.0 --ctx 8192 --gpus 1,3,4,5",
        "fit meta-llama/Meta-Llama-3-8B --task lora --activation-checkpointing --gpus 2,3",
        "fit meta-llama/Meta-Llama-3-8B --task qlora --gpus 6",
        "fit meta-llama/Meta-Llama-3-8B --engine transformers --ctx 32768 --gpus 0,7",
        "fit meta-llama/Meta-Llama-3-70B --task full --activation-checkpointing --gpus 4,5,6,7",
    ]
    return ("The guide's 8 x A10G machine, healthy: dlrig fit on a subset of its GPUs (--gpus), "
            "which keeps the machine's GPU numbers in the answer.")


VARIANTS = {
    "rtx4090-x1-fit": rtx4090_fit,
    "a10g-x8-fit-select": a10g_fit_select,
}
