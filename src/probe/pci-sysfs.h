/* pci-sysfs.h - parsers for the attribute files of a PCI device in sysfs
 * (/sys/bus/pci/devices/<bus id>/...). Each takes the file's bytes. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* A number file: "0x10de\n", "0x030200\n", "16\n", "-1\n" (hex with a 0x
 * prefix, else decimal). Returns 0, or -EBADMSG when it is not one number. */
int pci_sysfs_num(const char *buf, size_t len, int64_t *ret);

/* A link speed ("16.0 GT/s PCIe", or "8 GT/s" before Linux 5.7) as a PCIe
 * generation 1..6. Returns 0, -EOPNOTSUPP for "Unknown" (the link or the
 * kernel cannot tell) and -EBADMSG for anything else. */
int pci_sysfs_link_gen(const char *buf, size_t len, int *ret_gen);

/* The size of BAR0 from the `resource` file, whose first line is
 * "0x<start> 0x<end> 0x<flags>": end - start + 1, or 0 when the BAR is
 * unassigned (start = end = 0). Returns 0 or -EBADMSG. */
int pci_sysfs_bar0_size(const char *buf, size_t len, uint64_t *ret);

struct strv;
/* The way up from a device, from the target of its /sys/bus/pci/devices
 * link ("../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0"): the host
 * bridge ("pci0000:00") and every folder below it but the device's own,
 * appended to out. Returns 0, or -EBADMSG when the target has no host
 * bridge folder (a "pci<domain>:<bus>" component) before the device. */
int pci_sysfs_upstream(const char *link, struct strv *out);
