/* pci-config.h - reading a PCI function's configuration space as the
 * `config` file of sysfs gives it (little-endian bytes from offset 0).
 *
 * Only what dlrig judges: the Access Control Services (ACS) extended
 * capability of a bridge or switch port, whose P2P redirect bits send
 * GPU-to-GPU traffic up to the root complex (PCIe base spec 6.12; the
 * offsets as Linux's include/uapi/linux/pci_regs.h names them). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define PCI_CFG_HEADER_SIZE 64    /* what sysfs gives a reader without root */
#define PCI_CFG_SPACE_SIZE 256    /* conventional PCI */
#define PCI_CFG_SPACE_EXP_SIZE 4096 /* PCIe: extended capabilities from 0x100 */

#define PCI_EXT_CAP_ACS 0x000d
#define PCI_ACS_CAP_REG 0x04      /* 16 bits: what the port implements */
#define PCI_ACS_CTRL_REG 0x06     /* 16 bits: what is turned on */

/* ACS Capability and Control bits (both registers use the same layout). */
enum {
        PCI_ACS_SV = 0x0001, /* Source Validation */
        PCI_ACS_TB = 0x0002, /* Translation Blocking */
        PCI_ACS_RR = 0x0004, /* P2P Request Redirect */
        PCI_ACS_CR = 0x0008, /* P2P Completion Redirect */
        PCI_ACS_UF = 0x0010, /* Upstream Forwarding */
        PCI_ACS_EC = 0x0020, /* P2P Egress Control */
        PCI_ACS_DT = 0x0040, /* Direct Translated P2P */
};

struct pci_acs {
        uint16_t offset; /* of the capability header in config space */
        uint16_t cap;
        uint16_t ctrl;
};

/* Finds the ACS capability in cfg (len bytes of config space).
 * Returns 0 and fills *ret; -ENOENT when the function has none (or no
 * extended space: a conventional PCI device's 256 bytes); -EACCES when cfg
 * stops inside the first 256 bytes (sysfs without root gives 64: the
 * extended space was not read, nothing can be said); -EBADMSG for a
 * malformed list (a capability past the end, a loop). */
int pci_config_acs(const uint8_t *cfg, size_t len, struct pci_acs *ret);
