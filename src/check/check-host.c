/* check-host.c - containers: dlrig inside one (a note that frames the rest
 * of the report), a /dev/shm too small for NCCL and data loaders, GPUs
 * whose device access the container lost, and on a host the NVIDIA
 * container toolkit that Docker, containerd and Podman need to hand GPUs
 * to containers at all. */
#include "check.h"

#include <inttypes.h>
#include <string.h>

#include "check-util.h"

/* NCCL puts its shared-memory transport in /dev/shm and PyTorch's
 * DataLoader passes batches through it; Docker's default is 64 MiB.
 * Below 1 GiB multi-GPU jobs fail with "unable to allocate shared memory"
 * (NCCL's own guidance: --shm-size=1g or more, or --ipc=host). */
#define SHM_MIN_BYTES (1LL << 30)

/* NVML's NVML_ERROR_NO_PERMISSION and NVML_ERROR_UNKNOWN: what a container
 * whose device cgroup lost the GPUs (after the host's systemctl
 * daemon-reload) gets from nvmlInit. */
#define NVML_NO_PERMISSION 4
#define NVML_UNKNOWN 999

static bool in_container(const struct snapshot *s)
{
        return fact_ok(&s->host.container);
}

static void check_shm(const struct snapshot *s, struct findings *fs)
{
        const struct snap_host *h = &s->host;
        struct finding *f;

        if (!fact_ok(&h->shm_bytes) || h->shm_bytes.v >= SHM_MIN_BYTES || !check_util_pci_gpus(s))
                return;
        f = finding_add(fs, "container.shm-small",
                        "/dev/shm is limited to %" PRId64 " MiB: NCCL and DataLoader workers need more",
                        h->shm_bytes.v >> 20);
        finding_evidence(f, "/proc/mounts: /dev/shm tmpfs size=%" PRId64 "k", h->shm_bytes.v >> 10);
        if (in_container(s))
                finding_evidence(f, "running in a %s container", h->container.v);
        if (in_container(s) && !strcmp(h->container.v, "kubernetes")) {
                finding_fix(f, "# mount a memory-backed emptyDir on /dev/shm in the pod spec:");
                finding_fix(f, "#   volumes: [{name: dshm, emptyDir: {medium: Memory, sizeLimit: 16Gi}}]");
        } else if (in_container(s)) {
                finding_fix(f, "# start the container again with a larger /dev/shm (or the host's):");
                finding_fix(f, "docker run --gpus all --shm-size=16g ...   # or: --ipc=host");
        } else {
                finding_fix(f, "sudo mount -o remount,size=16G /dev/shm");
        }
}

static void check_revoked(const struct snapshot *s, struct findings *fs)
{
        char ebuf[CHECK_NAME_MAX];
        struct finding *f;
        int64_t r = s->nvml.init_result.v;

        if (!in_container(s) || !s->devnodes.nvidiactl || !fact_ok(&s->nvml.init_result) ||
            (r != NVML_NO_PERMISSION && r != NVML_UNKNOWN))
                return;
        f = finding_add(fs, "container.gpus-revoked",
                        "the GPU device files are in this %s container but the driver refuses them: "
                        "the container has lost its GPU access", s->host.container.v);
        finding_evidence(f, "/dev/nvidiactl and %zu /dev/nvidiaN present", s->devnodes.gpus.n);
        finding_evidence(f, "nvmlInit: %s", check_util_nvml_error(r, ebuf));
        finding_fix(f, "# restart the container; it gets its device access anew:");
        finding_fix(f, "docker restart <container>");
        finding_fix(f, "# on the host, stop it recurring after 'systemctl daemon-reload' (NVIDIA container toolkit):");
        finding_fix(f, "sudo nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml   # then run with --device nvidia.com/gpu=all");
}

static void check_toolkit_host(const struct snapshot *s, struct findings *fs)
{
        const struct snap_host *h = &s->host;
        struct finding *f;

        if (in_container(s) || !fact_ok(&h->engines) || !check_util_pci_gpus(s))
                return;
        if (!fact_ok(&h->ctk_version) && h->ctk_version.st != FACT_UNSUPPORTED) {
                f = finding_add(fs, "container.toolkit-missing",
                                "%s is installed but the NVIDIA container toolkit is not: "
                                "containers cannot get the GPUs (--gpus all fails)", h->engines.v);
                finding_evidence(f, "container engines: %s", h->engines.v);
                finding_evidence(f, "nvidia-container-toolkit: not installed");
                check_util_fix_install(f, s, "nvidia-container-toolkit", "nvidia-container-toolkit",
                                       "NVIDIA's nvidia-container-toolkit");
                finding_fix(f, "# NVIDIA's repository: https://docs.nvidia.com/datacenter/cloud-native/container-toolkit/latest/install-guide.html");
        } else if (fact_ok(&h->ctk_configured) && h->ctk_configured.v == 0) {
                f = finding_add(fs, "container.toolkit-unconfigured",
                                "the NVIDIA container toolkit is installed but no container engine is set up to use it");
                finding_evidence(f, "container engines: %s", h->engines.v);
                finding_evidence(f, "no nvidia runtime in /etc/docker/daemon.json or /etc/containerd/config.toml, no CDI spec in /etc/cdi");
        } else {
                return;
        }
        if (!strcmp(f->cat->id, "container.toolkit-unconfigured") || strstr(h->engines.v, "docker"))
                finding_fix(f, "sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker");
        if (strstr(h->engines.v, "podman") || strstr(h->engines.v, "containerd"))
                finding_fix(f, "sudo nvidia-ctk cdi generate --output=/etc/cdi/nvidia.yaml");
}

void check_host(const struct snapshot *s, struct findings *fs)
{
        if (s->host.probe.st != FACT_OK)
                return;
        if (in_container(s))
                finding_add(fs, "container.inside", "dlrig runs inside a %s container: the kernel, "
                            "module and driver findings describe the host", s->host.container.v);
        check_shm(s, fs);
        check_revoked(s, fs);
        check_toolkit_host(s, fs);
}
