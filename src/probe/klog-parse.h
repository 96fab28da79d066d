/* klog-parse.h - Xid events and notable NVIDIA lines from a kernel log. */
#pragma once

#include <stddef.h>

#include "snap/snap.h"

enum klog_form {
        KLOG_KMSG,   /* /dev/kmsg records: "pri,seq,usec,flags;message" */
        KLOG_TEXT,   /* a syslog file: kern.log, messages */
        KLOG_FORM_MAX,
        KLOG_FORM_INVALID = -1,
};

#define KLOG_XID_MAX 1000  /* Xid events kept, the newest */
#define KLOG_NVRM_MAX 50   /* notable lines kept, the newest */
#define KLOG_LINE_MAX 512  /* bytes kept of one message */

/* Appends to k the Xid events ("NVRM: Xid (PCI:0000:3b:00): 79, pid=...,
 * GPU has fallen off the bus.": bus id normalised to "0000:3b:00.0", code,
 * the rest as detail) and the other notable lines (API mismatch, failed
 * adapter init, unsigned module refused ...) of this boot: all of kmsg, and
 * of a text log what follows its last "Linux version " line. Keeps the
 * newest KLOG_XID_MAX events and KLOG_NVRM_MAX lines. Returns the number of
 * events added. */
int klog_parse(const char *buf, size_t len, enum klog_form form, struct snap_klog *k);
