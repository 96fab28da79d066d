/* pci-config.c - the ACS capability from config-space bytes (see
 * pci-config.h). A pure function over a buffer: the probe reads the file
 * through src/sys, the fuzz target and unit test feed it bytes. */
#include "pci-config.h"

#include <errno.h>
#include <string.h>

#define PCI_EXT_CAP_START 0x100

static uint32_t le32(const uint8_t *p)
{
        return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
        return (uint16_t)(p[0] | p[1] << 8);
}

int pci_config_acs(const uint8_t *cfg, size_t len, struct pci_acs *ret)
{
        /* each extended capability takes at least 4 bytes, so a list
         * longer than this has a loop in it */
        unsigned ttl = (PCI_CFG_SPACE_EXP_SIZE - PCI_EXT_CAP_START) / 4;
        size_t pos = PCI_EXT_CAP_START;

        if (len < PCI_CFG_SPACE_SIZE)
                return -EACCES;
        if (len < PCI_CFG_SPACE_EXP_SIZE)
                return -ENOENT;
        while (ttl--) {
                uint32_t header = le32(cfg + pos);

                /* no capability at 0x100 reads as 0 (or all ones when the
                 * extended space does not answer) */
                if (header == 0 || header == 0xffffffffu)
                        return -ENOENT;
                if ((header & 0xffff) == PCI_EXT_CAP_ACS) {
                        if (pos + PCI_ACS_CTRL_REG + 2 > len)
                                return -EBADMSG;
                        ret->offset = (uint16_t)pos;
                        ret->cap = le16(cfg + pos + PCI_ACS_CAP_REG);
                        ret->ctrl = le16(cfg + pos + PCI_ACS_CTRL_REG);
                        return 0;
                }
                pos = (header >> 20) & 0xffc; /* the low two bits are reserved */
                if (pos < PCI_EXT_CAP_START)
                        return -ENOENT; /* 0 ends the list */
                if (pos + 4 > len)
                        return -EBADMSG;
        }
        return -EBADMSG;
}
