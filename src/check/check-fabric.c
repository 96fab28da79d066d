/* check-fabric.c - NVSwitch systems need the fabric manager, at exactly
 * the driver's version, running before CUDA can use the GPUs (cuInit
 * returns 802 until it has trained the fabric). Machines without NVSwitch
 * get no finding here, and neither do machines whose driver is broken:
 * the fabric manager cannot work without it. */
#include "check.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-util.h"

/* The fabric manager package for the driver's branch. From branch 590 on,
 * NVIDIA's apt repository drops the branch from the package names and
 * pins it with nvidia-driver-pinning-<branch> instead. */
static const char *check_fabric_pkg(const struct snapshot *s, const char *drv,
                                    char buf[CHECK_NAME_MAX])
{
        struct version_part br = version_branch(drv);

        if (!drv)
                return "nvidia-fabricmanager-<driver branch>";
        if (check_util_distro(s) == CHECK_DISTRO_DEBIAN && version_cmp(br.s, "590") >= 0)
                snprintf(buf, CHECK_NAME_MAX, "nvidia-fabricmanager");
        else
                snprintf(buf, CHECK_NAME_MAX, "nvidia-fabricmanager-%.16s", br.s);
        return buf;
}

static void check_fabric_evidence(struct finding *f, const struct snapshot *s, const char *drv)
{
        const struct snap_fabric *fm = &s->fabric;
        char cbuf[CHECK_NAME_MAX];

        finding_evidence(f, "PCI: %zu NVSwitch devices", snap_pci_count(s, "nvswitch"));
        finding_evidence(f, "fabric manager package: %s", fm->version.st == FACT_OK ? fm->version.v : "not installed");
        if (fm->running.st == FACT_OK)
                finding_evidence(f, "nv-fabricmanager process: %s", fm->running.v == 1 ? "running" : "not running");
        if (fm->enabled.st == FACT_OK)
                finding_evidence(f, "nvidia-fabricmanager.service: %s", fm->enabled.v == 1 ? "enabled" : "not enabled");
        if (drv)
                finding_evidence(f, "driver: %s", drv);
        if (s->cuda.init_result.st == FACT_OK && s->cuda.init_result.v != 0)
                finding_evidence(f, "cuInit: %s", check_util_cuda_error(s->cuda.init_result.v, cbuf));
}

/* Installs the package of exactly the driver's version. */
static void check_fabric_fix_install(struct finding *f, const struct snapshot *s, const char *drv)
{
        char pbuf[CHECK_NAME_MAX];
        const char *pkg = check_fabric_pkg(s, drv, pbuf);

        switch (drv ? check_util_distro(s) : CHECK_DISTRO_OTHER) {
        case CHECK_DISTRO_DEBIAN:
                if (version_cmp(version_branch(drv).s, "590") >= 0)
                        finding_fix(f, "sudo apt-get install -y nvidia-driver-pinning-%s", version_branch(drv).s);
                finding_fix(f, "sudo apt-get install -y --allow-downgrades %s=$(apt-cache madison %s | awk '$3 ~ /^%s/ {print $3; exit}')",
                            pkg, pkg, drv);
                break;
        case CHECK_DISTRO_RHEL:
                finding_fix(f, "sudo dnf install -y %s-%s", pkg, drv);
                break;
        default:
                finding_fix(f, "# install %s at exactly the driver's version (%s)", pkg, drv ? drv : "see nvidia-smi");
                break;
        }
}

void check_fabric(const struct snapshot *s, struct findings *fs)
{
        const struct snap_fabric *fm = &s->fabric;
        size_t nsw = snap_pci_count(s, "nvswitch");
        char dbuf[CHECK_NAME_MAX];
        const char *drv = check_util_driver_version(s, dbuf);
        struct finding *f;

        if (!nsw && fm->probe.st == FACT_OK && fact_ok(&fm->version) &&
            ((fact_ok(&fm->enabled) && fm->enabled.v == 1) || (fact_ok(&fm->running) && fm->running.v == 1))) {
                /* Without NVSwitch it exits at once ("NV_WARN_NOTHING_TO_DO") and
                 * its unit shows as failed at every boot: noise, not harm. */
                f = finding_add(fs, "fabric.manager-unneeded",
                                "the fabric manager %s is enabled but this machine has no NVSwitch: it fails at every boot",
                                fm->version.v);
                check_fabric_evidence(f, s, drv);
                finding_fix(f, "sudo systemctl disable --now nvidia-fabricmanager");
                return;
        }
        if (!nsw || !check_util_nvml_ok(s) || fm->probe.st != FACT_OK)
                return;
        if (fm->version.st != FACT_OK) {
                f = finding_add(fs, "fabric.manager-missing",
                                "%zu NVSwitches but no fabric manager installed: CUDA cannot use the GPUs", nsw);
                check_fabric_evidence(f, s, drv);
                check_fabric_fix_install(f, s, drv);
                finding_fix(f, "sudo systemctl enable --now nvidia-fabricmanager");
        } else if (drv && !version_same_release(fm->version.v, drv)) {
                f = finding_add(fs, "fabric.manager-version",
                                "the fabric manager is %s but the driver is %s: it must match the driver exactly",
                                fm->version.v, drv);
                check_fabric_evidence(f, s, drv);
                check_fabric_fix_install(f, s, drv);
                finding_fix(f, "sudo systemctl enable nvidia-fabricmanager && sudo systemctl restart nvidia-fabricmanager");
        } else if (fm->running.st != FACT_OK || fm->running.v != 1) {
                f = finding_add(fs, "fabric.manager-stopped",
                                "the fabric manager %s is installed but not running%s: CUDA cannot use the GPUs",
                                fm->version.v, fm->enabled.st == FACT_OK && fm->enabled.v != 1 ? " nor enabled at boot" : "");
                check_fabric_evidence(f, s, drv);
                finding_fix(f, "sudo systemctl enable --now nvidia-fabricmanager");
                finding_fix(f, "sudo journalctl -u nvidia-fabricmanager -b --no-pager | tail -n 30   # if it stops again, this says why");
        } else {
                finding_add(fs, "fabric.manager-ok", "fabric manager %s is running for %zu NVSwitches", fm->version.v, nsw);
        }
}
