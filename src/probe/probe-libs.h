/* probe-libs.h - the two libraries probes use to read files themselves,
 * libkmod (a module's modinfo) and libpci (names from pci.ids), loaded on
 * first use through sys_dl_open_own instead of linked: a dlrig process
 * that never needs them (the driver workers, most commands) starts without
 * mapping them and what they pull in (libcrypto, libzstd, liblzma, libudev).
 * The prototypes are the libraries' own headers'. */
#pragma once

#include <libkmod.h>
#include <pci/pci.h>

struct kmod_api {
        __typeof__(kmod_new) *new_ctx;
        __typeof__(kmod_unref) *unref;
        __typeof__(kmod_set_log_fn) *set_log_fn;
        __typeof__(kmod_list_next) *list_next;
        __typeof__(kmod_module_new_from_lookup) *new_from_lookup;
        __typeof__(kmod_module_new_from_path) *new_from_path;
        __typeof__(kmod_module_get_module) *get_module;
        __typeof__(kmod_module_get_path) *get_path;
        __typeof__(kmod_module_unref) *module_unref;
        __typeof__(kmod_module_unref_list) *unref_list;
        __typeof__(kmod_module_get_info) *get_info;
        __typeof__(kmod_module_info_get_key) *info_key;
        __typeof__(kmod_module_info_get_value) *info_value;
        __typeof__(kmod_module_info_free_list) *info_free_list;
};

struct pci_api {
        __typeof__(pci_alloc) *alloc;
        __typeof__(pci_cleanup) *cleanup;
        __typeof__(pci_set_name_list_path) *set_name_list_path;
        __typeof__(pci_lookup_name) *lookup_name;
};

/* The loaded library's functions, or NULL with *why (static) saying what
 * failed. Loaded once per process; later calls return the same answer. */
const struct kmod_api *probe_libkmod(const char **why);
const struct pci_api *probe_libpci(const char **why);
