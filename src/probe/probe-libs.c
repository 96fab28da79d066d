/* probe-libs.c - libkmod and libpci loaded on first use (see probe-libs.h). */
#include "probe-libs.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "sys/sys-dl.h"
#include "util/cleanup.h"

#define LIB_SYM(api, field, name) { { name, NULL, NULL }, true, offsetof(struct api, field) }

static const struct dl_sym_spec kmod_specs[] = {
        LIB_SYM(kmod_api, new_ctx, "kmod_new"),
        LIB_SYM(kmod_api, unref, "kmod_unref"),
        LIB_SYM(kmod_api, set_log_fn, "kmod_set_log_fn"),
        LIB_SYM(kmod_api, list_next, "kmod_list_next"),
        LIB_SYM(kmod_api, new_from_lookup, "kmod_module_new_from_lookup"),
        LIB_SYM(kmod_api, new_from_path, "kmod_module_new_from_path"),
        LIB_SYM(kmod_api, get_module, "kmod_module_get_module"),
        LIB_SYM(kmod_api, get_path, "kmod_module_get_path"),
        LIB_SYM(kmod_api, module_unref, "kmod_module_unref"),
        LIB_SYM(kmod_api, unref_list, "kmod_module_unref_list"),
        LIB_SYM(kmod_api, get_info, "kmod_module_get_info"),
        LIB_SYM(kmod_api, info_key, "kmod_module_info_get_key"),
        LIB_SYM(kmod_api, info_value, "kmod_module_info_get_value"),
        LIB_SYM(kmod_api, info_free_list, "kmod_module_info_free_list"),
};

static const struct dl_sym_spec pci_specs[] = {
        LIB_SYM(pci_api, alloc, "pci_alloc"),
        LIB_SYM(pci_api, cleanup, "pci_cleanup"),
        LIB_SYM(pci_api, set_name_list_path, "pci_set_name_list_path"),
        LIB_SYM(pci_api, lookup_name, "pci_lookup_name"),
};

/* One library's load, done once: api filled, or why set. */
struct lib_once {
        const char *soname;
        const struct dl_sym_spec *specs;
        size_t n;
        void *api;
        char *why;
        bool ok;
};

static void lib_load(struct lib_once *l)
{
        struct dl_lib lib = { NULL, NULL };

        if (sys_dl_open_own(l->soname, &lib, &l->why) < 0)
                return;
        l->ok = sys_dl_resolve(&lib, l->specs, l->n, l->api, &l->why) == 0;
        /* Never closed: the process keeps using it until it exits. */
        sys_dl_close(&lib);
}

static struct kmod_api kmod;
static struct lib_once kmod_once = { "libkmod.so.2", kmod_specs, ARRAY_SIZE(kmod_specs), &kmod, NULL, false };
static pthread_once_t kmod_done = PTHREAD_ONCE_INIT;
static struct pci_api pci;
static struct lib_once pci_once = { "libpci.so.3", pci_specs, ARRAY_SIZE(pci_specs), &pci, NULL, false };
static pthread_once_t pci_done = PTHREAD_ONCE_INIT;

static void kmod_load(void)
{
        lib_load(&kmod_once);
}

static void pci_load(void)
{
        lib_load(&pci_once);
}

const struct kmod_api *probe_libkmod(const char **why)
{
        pthread_once(&kmod_done, kmod_load);
        *why = kmod_once.why;
        return kmod_once.ok ? &kmod : NULL;
}

const struct pci_api *probe_libpci(const char **why)
{
        pthread_once(&pci_done, pci_load);
        *why = pci_once.why;
        return pci_once.ok ? &pci : NULL;
}
