/* check.c - the check registry, in layer order. */
#include "check.h"

const struct check check_registry[] = {
        { "pci", check_pci },         { "branch", check_branch },
        { "kmod", check_kmod },       { "driver", check_driver },
        { "fabric", check_fabric },   { "cuda", check_cuda },
        { "gpus", check_gpus },       { "health", check_health },
        { "toolkit", check_toolkit }, { "python", check_python },
        { "torch", check_torch },     { "host", check_host },
        { "upkeep", check_upkeep },   { "ext", check_ext },
        { "topo", check_topo },

};

const size_t check_registry_size = sizeof(check_registry) / sizeof(check_registry[0]);

void check_all(const struct snapshot *s, struct findings *fs)
{
        for (size_t i = 0; i < check_registry_size; i++)
                check_registry[i].run(s, fs);
        findings_sort(fs);
}
