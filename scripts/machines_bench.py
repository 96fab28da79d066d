"""machines_bench.py - fixture machines for dlrig bench.

Same form as machines.py: VARIANTS maps a machine name to a function that
takes the guide's machine (machines.guide()), changes it and returns the
README text. machines.py merges this table into its own."""
import machines  # noqa: F401  (helpers: machines.gpus, machines.guide_software, ...)

VARIANTS = {
}
