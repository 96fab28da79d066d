/* host-parse.h - parsers for the files the host probes read: mount tables,
 * the kernel's socket tables, apt's configuration and simple YAML. Each
 * takes a buffer and its length (no terminator needed) and never fails:
 * what it cannot find it reports as not found. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The size= limit of the tmpfs mounted on mountpoint in a /proc/mounts
 * table, in bytes; -1 when not mounted or mounted without a size (tmpfs
 * then takes half of RAM) or with a percentage. */
int64_t host_parse_mount_size(const char *buf, size_t len, const char *mountpoint);

/* True when /proc/net/tcp or tcp6 lists a socket listening on port. */
bool host_parse_tcp_listening(const char *buf, size_t len, unsigned port);

/* The value of an APT configuration item written as `Name "value";`
 * outside comments (APT::Periodic::Unattended-Upgrade "1";), owned; NULL
 * when not set. The last setting wins, as in apt. */
char *host_parse_apt_value(const char *buf, size_t len, const char *name);

/* True when the Unattended-Upgrade::Package-Blacklist block of an apt
 * configuration file names a pattern containing word (not commented out). */
bool host_parse_apt_blacklists(const char *buf, size_t len, const char *word);

/* The value of a top-level "key: value" line of a simple YAML file, owned,
 * quotes removed; NULL when absent. */
char *host_parse_yaml_value(const char *buf, size_t len, const char *key);

/* The first Environment= assignment of name in a systemd unit or drop-in
 * ("Environment=CUDA_VISIBLE_DEVICES=0,1" or quoted, several per line),
 * owned as "NAME=value"; NULL when absent. */
char *host_parse_unit_env(const char *buf, size_t len, const char *name);

/* 1 when a "flags" line of /proc/cpuinfo lists word (x86's "hypervisor":
 * running in a virtual machine), 0 when flags lines exist without it, -1
 * when there is none (another architecture, or not a cpuinfo). */
int host_parse_cpu_flag(const char *buf, size_t len, const char *word);
