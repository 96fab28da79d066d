/* snap-json.c - snapshot <-> JSON through one table of field descriptors,
 * so that saving, loading and the schema cannot drift apart. */
#include "snap-json.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "snap-json-internal.h"
#include "util/xalloc.h"

/* ---- tables ----------------------------------------------------------- */

static const struct jfield os_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_os, probe), NULL },
        F(JT_FSTR, struct snap_os, distro_id), F(JT_FSTR, struct snap_os, version_id),
        F(JT_FSTR, struct snap_os, pretty_name), F(JT_FSTR, struct snap_os, kernel),
        F(JT_FSTR, struct snap_os, arch), F(JT_FNUM, struct snap_os, secure_boot),
        F(JT_FSTR, struct snap_os, cmdline), F(JT_FNUM, struct snap_os, hypervisor),
        F(JT_FNUM, struct snap_os, numa_nodes), F(JT_FNUM, struct snap_os, enrolled_read),
        F(JT_STRV, struct snap_os, enrolled_keys), F(JT_FNUM, struct snap_os, mok_pending),
        F(JT_STRV, struct snap_os, signing_keys),
};

#define PD struct snap_pci_dev
static const struct jfield pci_dev_fields[] = {
        F(JT_STR, PD, bus_id), F(JT_STR, PD, kind), F(JT_INT, PD, vendor_id),
        F(JT_INT, PD, device_id), F(JT_INT, PD, subsys_vendor_id),
        F(JT_INT, PD, subsys_device_id), F(JT_INT, PD, class_code),
        F(JT_FSTR, PD, name), F(JT_FNUM, PD, numa_node), F(JT_FSTR, PD, driver),
        F(JT_FSTR, PD, link_speed_cur), F(JT_FSTR, PD, link_speed_max),
        F(JT_FNUM, PD, link_gen_cur), F(JT_FNUM, PD, link_gen_max),
        F(JT_FNUM, PD, link_width_cur), F(JT_FNUM, PD, link_width_max),
        F(JT_FNUM, PD, bar0_bytes), F(JT_STRV, PD, upstream),
        F(JT_FSTR, PD, iommu_type),
};
#undef PD
static const struct jtable pci_dev_table = {
        pci_dev_fields, sizeof(pci_dev_fields) / sizeof(pci_dev_fields[0]),
        sizeof(struct snap_pci_dev), offsetof(struct snap_pci, n)
};
static const struct jfield pci_bridge_fields[] = {
        F(JT_STR, struct snap_pci_bridge, bus_id), F(JT_INT, struct snap_pci_bridge, vendor_id),
        F(JT_INT, struct snap_pci_bridge, device_id), F(JT_FNUM, struct snap_pci_bridge, acs_cap),
        F(JT_FNUM, struct snap_pci_bridge, acs_ctrl),
};
static const struct jtable pci_bridge_table = {
        pci_bridge_fields, sizeof(pci_bridge_fields) / sizeof(pci_bridge_fields[0]),
        sizeof(struct snap_pci_bridge), offsetof(struct snap_pci, nbridges)
};
static const struct jfield pci_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_pci, probe), NULL },
        { "devices", JT_ARRAY, offsetof(struct snap_pci, devs), &pci_dev_table },
        { "bridges", JT_ARRAY, offsetof(struct snap_pci, bridges), &pci_bridge_table },
};

#define DK struct snap_dkms
static const struct jfield dkms_fields[] = {
        F(JT_STR, DK, module), F(JT_STR, DK, version), F(JT_STR, DK, kernel),
        F(JT_STR, DK, arch), F(JT_STR, DK, state),
};
#undef DK
static const struct jtable dkms_table = {
        dkms_fields, sizeof(dkms_fields) / sizeof(dkms_fields[0]),
        sizeof(struct snap_dkms), offsetof(struct snap_kmod, ndkms)
};
#define KM struct snap_kmod
static const struct jfield kmod_fields[] = {
        { "status", JT_PROBE, offsetof(KM, probe), NULL },
        F(JT_BOOL, KM, nvidia), F(JT_BOOL, KM, nvidia_uvm), F(JT_BOOL, KM, nvidia_drm),
        F(JT_BOOL, KM, nvidia_modeset), F(JT_BOOL, KM, nouveau), F(JT_BOOL, KM, nova_core),
        F(JT_FSTR, KM, loaded_version), F(JT_FSTR, KM, proc_version),
        F(JT_FSTR, KM, flavour), F(JT_FSTR, KM, module_path),
        F(JT_FSTR, KM, module_version), F(JT_FSTR, KM, module_signer),
        F(JT_FSTR, KM, nouveau_blacklisted), F(JT_STRV, KM, kernels_installed),
        F(JT_STRV, KM, kernels_with_module),
        { "dkms", JT_ARRAY, offsetof(KM, dkms), &dkms_table },
};
#undef KM

#define GPU_JF_NUM(m) F(JT_FNUM, struct snap_gpu, m),
#define GPU_JF_STR(m) F(JT_FSTR, struct snap_gpu, m),
#define GPU_JF(kind, m) GPU_JF_##kind(m)
#define HOST_JF_NUM(m) F(JT_FNUM, struct snap_host, m),
#define HOST_JF_STR(m) F(JT_FSTR, struct snap_host, m),
#define HOST_JF(kind, m) HOST_JF_##kind(m)
static const struct jfield gpu_fields[] = {
        F(JT_INT, struct snap_gpu, index),
        SNAP_GPU_FIELDS(GPU_JF)
};
static const struct jfield host_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_host, probe), NULL },
        SNAP_HOST_FIELDS(HOST_JF)
};

static const struct jtable gpu_table = {
        gpu_fields, sizeof(gpu_fields) / sizeof(gpu_fields[0]),
        sizeof(struct snap_gpu), offsetof(struct snapshot, ngpus)
};

#define NV struct snap_nvml
static const struct jfield nvml_fields[] = {
        { "status", JT_PROBE, offsetof(NV, probe), NULL }, F(JT_STR, NV, library),
        F(JT_FNUM, NV, init_result), F(JT_FSTR, NV, driver_version),
        F(JT_FNUM, NV, cuda_driver_version), F(JT_FNUM, NV, device_count),
};
#undef NV

#define CD struct snap_cuda_dev
static const struct jfield cuda_dev_fields[] = {
        F(JT_INT, CD, ordinal), F(JT_FSTR, CD, name), F(JT_FSTR, CD, pci_bus_id),
        F(JT_FSTR, CD, uuid), F(JT_FSTR, CD, compute_capability),
        F(JT_FNUM, CD, memory_total_bytes),
};
#undef CD
static const struct jtable cuda_dev_table = {
        cuda_dev_fields, sizeof(cuda_dev_fields) / sizeof(cuda_dev_fields[0]),
        sizeof(struct snap_cuda_dev), offsetof(struct snap_cuda, n)
};
#define CU struct snap_cuda
static const struct jfield cuda_fields[] = {
        { "status", JT_PROBE, offsetof(CU, probe), NULL }, F(JT_STR, CU, library),
        F(JT_FNUM, CU, init_result), F(JT_FNUM, CU, driver_version),
        F(JT_FNUM, CU, device_count), F(JT_FSTR, CU, visible_devices),
        F(JT_FSTR, CU, device_order),
        { "devices", JT_ARRAY, offsetof(CU, devs), &cuda_dev_table },
};
#undef CU

static const struct jfield xid_fields[] = {
        F(JT_STR, struct snap_xid, pci_bus_id), F(JT_INT, struct snap_xid, code),
        F(JT_STR, struct snap_xid, detail),
};
static const struct jtable xid_table = {
        xid_fields, sizeof(xid_fields) / sizeof(xid_fields[0]),
        sizeof(struct snap_xid), offsetof(struct snap_klog, nxid)
};
static const struct jfield klog_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_klog, probe), NULL },
        F(JT_STR, struct snap_klog, source),
        { "xids", JT_ARRAY, offsetof(struct snap_klog, xids), &xid_table },
        F(JT_STRV, struct snap_klog, nvrm),
};

static const struct jfield fabric_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_fabric, probe), NULL },
        F(JT_FSTR, struct snap_fabric, version), F(JT_FNUM, struct snap_fabric, running),
        F(JT_FNUM, struct snap_fabric, enabled),
};

static const struct jfield devnodes_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_devnodes, probe), NULL },
        F(JT_BOOL, struct snap_devnodes, nvidiactl),
        F(JT_BOOL, struct snap_devnodes, nvidia_uvm), F(JT_STRV, struct snap_devnodes, gpus),
};

#define PROCENV_JF(name, var) F(JT_FSTR, struct snap_procenv, name),
static const struct jfield procenv_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_procenv, probe), NULL },
        SNAP_PROCENV_VARS(PROCENV_JF)
};
#undef PROCENV_JF

static const struct jfield toolkit_fields[] = {
        F(JT_STR, struct snap_toolkit, path), F(JT_STR, struct snap_toolkit, origin),
        F(JT_FSTR, struct snap_toolkit, version), F(JT_STR, struct snap_toolkit, evidence),
};
static const struct jtable toolkit_table = {
        toolkit_fields, sizeof(toolkit_fields) / sizeof(toolkit_fields[0]),
        sizeof(struct snap_toolkit), offsetof(struct snap_toolkits, n)
};
#define TK struct snap_toolkits
static const struct jfield toolkits_fields[] = {
        { "status", JT_PROBE, offsetof(TK, probe), NULL }, F(JT_FSTR, TK, cuda_link),
        { "installed", JT_ARRAY, offsetof(TK, v), &toolkit_table },
        F(JT_FSTR, TK, nvcc_path), F(JT_FSTR, TK, nvcc_env), F(JT_FSTR, TK, nvcc_version), F(JT_STRV, TK, loader_dirs),
        F(JT_STRV, TK, libcuda), F(JT_STRV, TK, libcudart), F(JT_FSTR, TK, stub_libcuda),
        F(JT_STRV, TK, ld_path_libs), F(JT_STRV, TK, packaged_missing),
};
#undef TK

#define SH struct snap_shell
static const struct jfield shell_fields[] = {
        { "status", JT_PROBE, offsetof(SH, probe), NULL }, F(JT_FSTR, SH, user),
        F(JT_FSTR, SH, home), F(JT_FSTR, SH, login_shell), F(JT_FSTR, SH, path),
        F(JT_FSTR, SH, ld_library_path), F(JT_STRV, SH, rc_files), F(JT_STRV, SH, cuda_lines),
        F(JT_FSTR, SH, conda_init),
};
#undef SH

#define PE struct snap_pyenv
static const struct jfield pyenv_fields[] = {
        F(JT_STR, PE, kind), F(JT_STR, PE, path), F(JT_STR, PE, name),
        F(JT_FSTR, PE, python_version), F(JT_FSTR, PE, torch_version), F(JT_FSTR, PE, torch_cuda),
        F(JT_FSTR, PE, torchvision_version), F(JT_FSTR, PE, torchaudio_version),
        F(JT_STRV, PE, nvidia_wheels), F(JT_FSTR, PE, cuda_toolkit), F(JT_BOOL, PE, exllamav2),
        F(JT_BOOL, PE, torchtune), F(JT_STRV, PE, extensions), F(JT_FSTR, PE, libstdcxx),
        F(JT_FSTR, PE, base_python),
        F(JT_FNUM, PE, live_cuda_available),
        F(JT_FNUM, PE, live_device_count), F(JT_FSTR, PE, live_arch_list),
        F(JT_STRV, PE, live_capabilities), F(JT_FSTR, PE, live_error),
};
#undef PE
static const struct jtable pyenv_table = {
        pyenv_fields, sizeof(pyenv_fields) / sizeof(pyenv_fields[0]),
        sizeof(struct snap_pyenv), offsetof(struct snap_python, n)
};
static const struct jfield python_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_python, probe), NULL },
        F(JT_BOOL, struct snap_python, live), F(JT_FSTR, struct snap_python, selected),
        F(JT_FSTR, struct snap_python, selected_by), F(JT_STRV, struct snap_python, conda_installs),
        { "environments", JT_ARRAY, offsetof(struct snap_python, envs), &pyenv_table },
};

static const struct jfield topo_gpu_fields[] = {
        F(JT_INT, struct snap_topo_gpu, index), F(JT_FSTR, struct snap_topo_gpu, cpu_affinity),
        F(JT_FNUM, struct snap_topo_gpu, nvlink_links), F(JT_FNUM, struct snap_topo_gpu, nvlink_up),
        F(JT_STRV, struct snap_topo_gpu, nvlink_remotes),
};
static const struct jtable topo_gpu_table = {
        topo_gpu_fields, sizeof(topo_gpu_fields) / sizeof(topo_gpu_fields[0]),
        sizeof(struct snap_topo_gpu), offsetof(struct snap_topo, ngpus)
};
#define PAIR_JF(kind, m) F(JT_F##kind, struct snap_topo_pair, m),
static const struct jfield topo_pair_fields[] = {
        F(JT_INT, struct snap_topo_pair, a), F(JT_INT, struct snap_topo_pair, b),
        SNAP_TOPO_PAIR_FIELDS(PAIR_JF)
};
static const struct jtable topo_pair_table = {
        topo_pair_fields, sizeof(topo_pair_fields) / sizeof(topo_pair_fields[0]),
        sizeof(struct snap_topo_pair), offsetof(struct snap_topo, npairs)
};
static const struct jfield topo_fields[] = {
        { "status", JT_PROBE, offsetof(struct snap_topo, probe), NULL },
        { "gpus", JT_ARRAY, offsetof(struct snap_topo, gpus), &topo_gpu_table },
        { "pairs", JT_ARRAY, offsetof(struct snap_topo, pairs), &topo_pair_table },
};

static const struct jtable topo_table = TABLE(topo_fields);
static const struct jtable procenv_table = TABLE(procenv_fields);
static const struct jtable toolkits_table = TABLE(toolkits_fields), shell_table = TABLE(shell_fields),
        python_table = TABLE(python_fields);
static const struct jtable os_table = TABLE(os_fields), pci_table = TABLE(pci_fields),
        kmod_table = TABLE(kmod_fields), nvml_table = TABLE(nvml_fields),
        cuda_table = TABLE(cuda_fields), klog_table = TABLE(klog_fields),
        fabric_table = TABLE(fabric_fields), devnodes_table = TABLE(devnodes_fields),
        host_table = TABLE(host_fields);

#define SN struct snapshot
static const struct jfield snap_fields[] = {
        F(JT_STR, SN, dlrig_version),
        { "os", JT_OBJ, offsetof(SN, os), &os_table },
        { "pci", JT_OBJ, offsetof(SN, pci), &pci_table },
        { "modules", JT_OBJ, offsetof(SN, kmod), &kmod_table },
        { "nvml", JT_OBJ, offsetof(SN, nvml), &nvml_table },
        { "gpus", JT_ARRAY, offsetof(SN, gpus), &gpu_table },
        { "cuda", JT_OBJ, offsetof(SN, cuda), &cuda_table },
        { "kernel_log", JT_OBJ, offsetof(SN, klog), &klog_table },
        { "fabric_manager", JT_OBJ, offsetof(SN, fabric), &fabric_table },
        { "device_nodes", JT_OBJ, offsetof(SN, devnodes), &devnodes_table },
        { "process_env", JT_OBJ, offsetof(SN, procenv), &procenv_table },
        { "toolkits", JT_OBJ, offsetof(SN, toolkits), &toolkits_table },
        { "shell", JT_OBJ, offsetof(SN, shell), &shell_table },
        { "python", JT_OBJ, offsetof(SN, python), &python_table },
        { "host", JT_OBJ, offsetof(SN, host), &host_table },
        { "topology", JT_OBJ, offsetof(SN, topo), &topo_table },
};
#undef SN
static const struct jtable snap_table = TABLE(snap_fields);

/* ---- public entry points ---------------------------------------------- */

json_t *snap_to_json(const struct snapshot *s)
{
        json_t *o = json_object(), *body = jtable_write(&snap_table, (const char *)s);

        json_object_set_new(o, "schema_version", json_integer(SNAP_SCHEMA_VERSION));
        json_object_update(o, body);
        json_decref(body);
        /* a driver without the topology calls (or a fixture described
         * before them) leaves the snapshot as it was before topology */
        if (s->topo.probe.st == FACT_UNSET || s->topo.probe.st == FACT_UNSUPPORTED)
                json_object_del(o, "topology");
        return o;
}

json_t *snap_topo_to_json(const struct snap_topo *t)
{
        return jtable_write(&topo_table, (const char *)t);
}

int snap_topo_from_json(json_t *j, struct snap_topo *t, char **reterr)
{
        return jtable_read(&topo_table, j, t, reterr);
}

json_t *snap_gpu_to_json(const struct snap_gpu *g)
{
        return jtable_write(&gpu_table, (const char *)g);
}

json_t *snap_nvml_to_json(const struct snap_nvml *n)
{
        return jtable_write(&nvml_table, (const char *)n);
}

json_t *snap_cuda_to_json(const struct snap_cuda *c)
{
        return jtable_write(&cuda_table, (const char *)c);
}

int snap_from_json(json_t *j, struct snapshot *s, char **reterr)
{
        json_t *ver = json_object_get(j, "schema_version");

        if (!json_is_object(j)) {
                *reterr = xstrdup("not a JSON object");
                return -EBADMSG;
        }
        if (!json_is_integer(ver) || json_integer_value(ver) != SNAP_SCHEMA_VERSION) {
                *reterr = xasprintf("schema_version: expected %d", SNAP_SCHEMA_VERSION);
                return -EBADMSG;
        }
        return jtable_read(&snap_table, j, s, reterr);
}

int snap_gpu_from_json(json_t *j, struct snap_gpu *g, char **reterr)
{
        return jtable_read(&gpu_table, j, g, reterr);
}

int snap_nvml_from_json(json_t *j, struct snap_nvml *n, char **reterr)
{
        return jtable_read(&nvml_table, j, n, reterr);
}

int snap_cuda_from_json(json_t *j, struct snap_cuda *c, char **reterr)
{
        return jtable_read(&cuda_table, j, c, reterr);
}

json_t *snap_cuda_dev_to_json(const struct snap_cuda_dev *d)
{
        return jtable_write(&cuda_dev_table, (const char *)d);
}

int snap_cuda_dev_from_json(json_t *j, struct snap_cuda_dev *d, char **reterr)
{
        return jtable_read(&cuda_dev_table, j, d, reterr);
}
