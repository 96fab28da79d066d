/* check-upkeep.c - what changes or steers the stack from the side:
 * automatic upgrades that can swap the driver under a loaded module, a
 * service that hides GPUs, a stale accelerate configuration, torchrun's
 * port taken, GPU numbering that differs between nvidia-smi and CUDA, and
 * the compilers CUDA extensions (exllamav2, flash-attn) are built with. */
#include "check.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"
#include "kb/kb.h"
#include "util/cleanup.h"
#include "util/parse.h"
#include "util/strbuf.h"

static void check_auto_upgrades(const struct snapshot *s, struct findings *fs)
{
        const struct snap_host *h = &s->host;
        char vbuf[CHECK_NAME_MAX];
        const char *drv = check_util_driver_version(s, vbuf);
        struct finding *f;

        if (!drv || !fact_ok(&h->auto_upgrades) || h->auto_upgrades.v != 1 ||
            !fact_ok(&h->driver_guarded) || h->driver_guarded.v)
                return;
        f = finding_add(fs, "upkeep.driver-auto-upgrade",
                        "unattended-upgrades may replace the %s driver under the loaded module: "
                        "NVML then fails with 'Driver/library version mismatch' until a reboot", drv);
        finding_evidence(f, "/etc/apt/apt.conf.d/20auto-upgrades: APT::Periodic::Unattended-Upgrade \"1\"");
        finding_evidence(f, "no nvidia package held, none in Unattended-Upgrade::Package-Blacklist");
        finding_fix(f, "# keep the driver out of automatic upgrades; upgrade it on purpose, then reboot:");
        finding_fix(f, "printf 'Unattended-Upgrade::Package-Blacklist {\\n    \"nvidia-\";\\n    \"libnvidia-\";\\n};\\n' | "
                       "sudo tee /etc/apt/apt.conf.d/51unattended-upgrades-local");
        finding_fix(f, "# or hold the packages: sudo apt-mark hold $(dpkg-query -W -f='${Package}\\n' 'nvidia-*%s*' 'libnvidia-*%s*')",
                    version_branch(drv).s, version_branch(drv).s);
}

/* The value of "where: CUDA_VISIBLE_DEVICES=value" (a host fact). */
static const char *check_cvd_value(const char *fact)
{
        const char *eq = strstr(fact, "CUDA_VISIBLE_DEVICES=");

        return eq ? eq + strlen("CUDA_VISIBLE_DEVICES=") : fact;
}

/* A service whose own CUDA_VISIBLE_DEVICES hides some of the GPUs: its
 * jobs run on fewer GPUs than the machine has. Naming every GPU hides
 * nothing and is not reported. */
static void check_service_cvd(const struct snapshot *s, struct findings *fs)
{
        _cleanup_(strbuf_releasep) struct strbuf idx = STRBUF_INIT;
        const char *v = fact_ok(&s->host.service_cvd) ? s->host.service_cvd.v : NULL;
        size_t hidden = v ? check_util_cvd_hidden(s, check_cvd_value(v), &idx) : 0;
        struct finding *f;

        if (!hidden)
                return;
        f = finding_add(fs, "service.cuda-visible-devices",
                        "a systemd service sets CUDA_VISIBLE_DEVICES: its jobs see %zu of %zu GPUs (GPU %s hidden)",
                        s->ngpus - hidden, s->ngpus, idx.buf);
        finding_evidence(f, "/etc/systemd/system/%s", v);
        finding_fix(f, "systemctl cat %.*s   # where it is set; remove the line if the service should use every GPU",
                    (int)strcspn(v, ":"), v);
        finding_fix(f, "sudo systemctl daemon-reload && sudo systemctl restart %.*s", (int)strcspn(v, ":"), v);
}

/* The same set for every login: each user's shell starts with it. When
 * dlrig itself ran with the variable, gpu.cuda-visible-devices has said
 * it already (its fix points at these files). */
static void check_profile_cvd(const struct snapshot *s, struct findings *fs)
{
        _cleanup_(strbuf_releasep) struct strbuf idx = STRBUF_INIT;
        const char *v = fact_ok(&s->host.profile_cvd) ? s->host.profile_cvd.v : NULL;
        size_t hidden = v ? check_util_cvd_hidden(s, check_cvd_value(v), &idx) : 0;
        struct finding *f;

        if (!hidden || findings_has(fs, "gpu.cuda-visible-devices"))
                return;
        f = finding_add(fs, "profile.cuda-visible-devices",
                        "%.*s sets CUDA_VISIBLE_DEVICES for every login: CUDA programs started from a shell see %zu of %zu GPUs (GPU %s hidden)",
                        (int)strcspn(v, ":"), v, s->ngpus - hidden, s->ngpus, idx.buf);
        finding_evidence(f, "%s", v);
        finding_fix(f, "sudo sed -i '/CUDA_VISIBLE_DEVICES/d' %.*s   # then log in again", (int)strcspn(v, ":"), v);
        finding_fix(f, "# to choose GPUs on purpose, name them by UUID (nvidia-smi -L) and set it per job, not per login");
}

/* The user's own rc files (~/.bashrc, ~/.profile, ~/.zshrc): every
 * program that user starts from a shell sees the GPUs named. A file the
 * profile finding names already (/etc/profile.d) is said once, there. */
static void check_shell_cvd(const struct snapshot *s, struct findings *fs)
{
        _cleanup_(strbuf_releasep) struct strbuf idx = STRBUF_INIT;
        const char *v = fact_ok(&s->shell.cuda_visible_devices) ? s->shell.cuda_visible_devices.v : NULL;
        const char *p = fact_ok(&s->host.profile_cvd) ? s->host.profile_cvd.v : NULL;
        size_t hidden = v ? check_util_cvd_hidden(s, check_cvd_value(v), &idx) : 0;
        int n = v ? (int)strcspn(v, ":") : 0;
        struct finding *f;

        if (!hidden || findings_has(fs, "gpu.cuda-visible-devices") ||
            (p && (int)strcspn(p, ":") == n && !strncmp(p, v, (size_t)n)))
                return;
        f = finding_add(fs, "shell.cuda-visible-devices",
                        "%.*s sets CUDA_VISIBLE_DEVICES for %s's shells: CUDA programs started from a shell see %zu of %zu GPUs (GPU %s hidden)",
                        n, v, fact_ok(&s->shell.user) ? s->shell.user.v : "the user", s->ngpus - hidden, s->ngpus,
                        idx.buf);
        finding_evidence(f, "%s", v);
        finding_fix(f, "%ssed -i '/CUDA_VISIBLE_DEVICES/d' %.*s   # then open a new shell",
                    startswith(v, "/etc/") ? "sudo " : "", n, v);
        finding_fix(f, "# to choose GPUs on purpose, name them by UUID (nvidia-smi -L) and set it per job, not per shell");
}

static void check_port(const struct snapshot *s, struct findings *fs)
{
        struct finding *f;

        if (!fact_ok(&s->host.port_busy) || !s->host.port_busy.v || s->ngpus < 2)
                return;
        f = finding_add(fs, "workload.torchrun-port-busy",
                        "port 29500, torchrun's default rendezvous port, is already taken: "
                        "a new torchrun fails with 'address already in use'");
        finding_evidence(f, "/proc/net/tcp or tcp6: a socket listens on port 29500 (0x733C)");
        finding_fix(f, "sudo ss -ltnp 'sport = :29500'   # which process; an earlier run left behind?");
        finding_fix(f, "torchrun --master-port 29501 ...   # or: --rdzv-endpoint localhost:0 with --standalone");
}

static void check_accelerate(const struct snapshot *s, struct findings *fs)
{
        const struct snap_host *h = &s->host;
        bool cpu = fact_ok(&h->accel_use_cpu) && h->accel_use_cpu.v;
        bool count = fact_ok(&h->accel_processes) && s->ngpus > 1 &&
                     h->accel_processes.v != (int64_t)s->ngpus;
        struct finding *f;

        if (!fact_ok(&h->accel_config) || !s->ngpus || (!cpu && !count))
                return;
        f = finding_add(fs, "workload.accelerate-config",
                        cpu ? "the saved accelerate configuration forces the CPU: 'accelerate launch' ignores the GPUs"
                            : "the saved accelerate configuration starts %" PRId64 " processes for %zu GPUs",
                        h->accel_processes.v, s->ngpus);
        finding_evidence(f, "%s", h->accel_config.v);
        if (cpu)
                finding_evidence(f, "use_cpu: true");
        if (fact_ok(&h->accel_processes))
                finding_evidence(f, "num_processes: %" PRId64 "; GPUs: %zu", h->accel_processes.v, s->ngpus);
        finding_fix(f, "accelerate config   # answer again for this machine, or: accelerate config default");
}

/* nvidia-smi numbers GPUs in PCI order; CUDA by default fastest first.
 * With different models the two disagree and "GPU 0" is not the same card. */
static void check_device_order(const struct snapshot *s, struct findings *fs)
{
        char a[CHECK_NAME_MAX], b[CHECK_NAME_MAX];
        struct finding *f;
        size_t i;

        if (s->ngpus < 2 || (fact_ok(&s->cuda.device_order) && !strcmp(s->cuda.device_order.v, "PCI_BUS_ID")))
                return;
        if (!fact_ok(&s->gpus[0].name))
                return;
        for (i = 1; i < s->ngpus; i++)
                if (fact_ok(&s->gpus[i].name) && strcmp(s->gpus[0].name.v, s->gpus[i].name.v))
                        break;
        if (i == s->ngpus)
                return;
        check_util_gpu_name(&s->gpus[0], a);
        check_util_gpu_name(&s->gpus[i], b);
        f = finding_add(fs, "gpu.order-differs",
                        "GPUs of different models: CUDA numbers them fastest first, nvidia-smi by PCI bus, "
                        "so device 0 is not the same card in both");
        finding_evidence(f, "nvidia-smi GPU 0: %s; GPU %zu: %s", a, i, b);
        finding_evidence(f, "CUDA_DEVICE_ORDER: %s", fact_ok(&s->cuda.device_order) ? s->cuda.device_order.v : "unset (FASTEST_FIRST)");
        finding_fix(f, "echo 'export CUDA_DEVICE_ORDER=PCI_BUS_ID' >> ~/.bashrc   # then CUDA and nvidia-smi agree");
}

static void check_host_compiler(const struct snapshot *s, struct findings *fs)
{
        const struct snap_toolkits *t = &s->toolkits;
        int max = fact_ok(&t->nvcc_version) ? kb_cuda_max_gcc(t->nvcc_version.v) : 0;
        int cc = fact_ok(&s->host.cc_version) ? atoi(s->host.cc_version.v) : 0;
        struct finding *f;

        if (!max || !cc || cc <= max)
                return;
        f = finding_add(fs, "toolkit.gcc-too-new",
                        "gcc %d is newer than CUDA %s's nvcc accepts (at most gcc %d): "
                        "building CUDA extensions fails with 'unsupported GNU version'",
                        cc, t->nvcc_version.v, max);
        finding_evidence(f, "nvcc: %s (%s)", t->nvcc_path.v, t->nvcc_version.v);
        finding_evidence(f, "/usr/bin/gcc: gcc %d", cc);
        if (check_util_distro(s) == CHECK_DISTRO_DEBIAN)
                finding_fix(f, "sudo apt-get install -y g++-%d", max);
        else
                finding_fix(f, "# install GCC %d beside the system compiler (RHEL: gcc-toolset-%d)", max, max);
        finding_fix(f, "export NVCC_CCBIN=/usr/bin/g++-%d CUDAHOSTCXX=/usr/bin/g++-%d   # for the build", max, max);
}

/* Xorg or a Wayland compositor keeps a context and framebuffers on one GPU
 * (usually GPU 0): it runs out of memory first, and even splits leave it
 * the most loaded. */
static void check_display(const struct snapshot *s, struct findings *fs)
{
        struct finding *f;

        if (!fact_ok(&s->host.display_server) || s->ngpus < 2)
                return;
        f = finding_add(fs, "gpu.display-server",
                        "a display server (%s) runs on this %zu-GPU machine: it holds memory and time on one GPU",
                        s->host.display_server.v, s->ngpus);
        finding_evidence(f, "process %s", s->host.display_server.v);
        finding_fix(f, "nvidia-smi --query-compute-apps=pid,name,used_memory --format=csv; nvidia-smi   # which GPU it uses");
        finding_fix(f, "sudo systemctl set-default multi-user.target && sudo reboot   # run headless");
        finding_fix(f, "# or keep it and leave that GPU room: exllamav2 gpu_split with less on it, or CUDA_VISIBLE_DEVICES without it");
}

void check_upkeep(const struct snapshot *s, struct findings *fs)
{
        if (s->host.probe.st == FACT_OK) {
                check_auto_upgrades(s, fs);
                check_service_cvd(s, fs);
                check_profile_cvd(s, fs);
                check_shell_cvd(s, fs);
                check_port(s, fs);
                check_accelerate(s, fs);
                check_host_compiler(s, fs);
                check_display(s, fs);
        }
        check_device_order(s, fs);
}
