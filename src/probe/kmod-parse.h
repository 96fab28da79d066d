/* kmod-parse.h - parsers for the kernel-module files the kmod probe reads:
 * /proc/modules, /proc/driver/nvidia/version, modules.dep and
 * modprobe.d(5) configuration. Each takes the file's bytes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/strv.h"

/* Appends the name (first field) of each /proc/modules line to ret;
 * returns how many. */
int kmod_parse_proc_modules(const char *buf, size_t len, struct strv *ret);

/* Returns an owned copy of the "NVRM version: ..." line of
 * /proc/driver/nvidia/version, whitespace-trimmed, or NULL. */
char *kmod_parse_nvrm_line(const char *buf, size_t len);

/* True when an NVRM line was written by the open kernel modules
 * ("NVIDIA UNIX Open Kernel Module for x86_64  550.54.15 ..."). */
bool kmod_parse_nvrm_is_open(const char *line);

/* Returns an owned copy of the path that modules.dep gives for module name
 * (its file "name.ko", optionally compressed: .ko.xz, .ko.zst, .ko.gz; '-'
 * and '_' are the same in module names), or NULL when it lists none. */
char *kmod_parse_moddep(const char *buf, size_t len, const char *name);

/* True when file (a file name, no folder) is name.ko[.xz|.zst|.gz]. */
bool kmod_parse_is_module_file(const char *file, const char *name);

/* True when modprobe.d configuration has a "blacklist name" line. */
bool kmod_parse_blacklist(const char *buf, size_t len, const char *name);
