/* klog-parse.c - kernel log parsing (see klog-parse.h). */
#include "klog-parse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

/* Lines worth showing next to the Xid events: both strings must occur
 * (the second may be NULL). */
static const struct {
        const char *a, *b;
} klog_notable[] = {
        { "NVRM:", "API mismatch" },
        { "NVRM:", "RmInitAdapter failed" },
        { "NVRM:", "This PCI I/O region assigned to your NVIDIA device is invalid" },
        { "NVRM:", "GPU has fallen off the bus" },
        { "NVRM:", "loading NVIDIA UNIX" },
        { "NVRM:", "failed to allocate" },
        { "NVRM:", "is not supported by" },
        { "NVRM:", "has been disabled" },
        { "nvidia: module verification failed", NULL },
        { "Lockdown:", "unsigned module" },
        { "Key was rejected by service", NULL },
        /* module_sig_check(): "Loading of module with unavailable key is
         * rejected" (signed, key not trusted), "... unsigned module ..." */
        { "Loading of ", " is rejected" },
};

#define KLOG_XID_TAG "NVRM: Xid ("

struct klog_state {
        enum klog_form form;
        struct snap_klog *k;
        bool keep;                 /* second pass: store, not just count */
        size_t nxid, nnote;        /* seen so far in this pass */
        size_t skip_xid, skip_note; /* the oldest ones beyond the caps */
        size_t boot_off;           /* text logs: where this boot starts */
};

static bool klog_has(const char *s, size_t len, const char *what)
{
        return what && memmem(s, len, what, strlen(what)) != NULL;
}

/* The message part of a log line, or false for a line that has none. */
static bool klog_message(const struct klog_state *st, const char **msg, size_t *len)
{
        const char *p = *msg, *end = *msg + *len, *q;

        if (st->form == KLOG_KMSG) {
                /* " KEY=value" lines continue a record; skip them. */
                if (p == end || *p == ' ' || !(q = memchr(p, ';', (size_t)(end - p))))
                        return false;
                p = q + 1;
        } else {
                q = memmem(p, (size_t)(end - p), "kernel: ", 8);
                if (q)
                        p = q + 8;
                if (p < end && *p == '[' && (q = memchr(p, ']', (size_t)(end - p)))) {
                        p = q + 1; /* printk time "[  12.345678]" */
                        while (p < end && *p == ' ')
                                p++;
                }
        }
        *msg = p;
        *len = (size_t)(end - p);
        return true;
}

/* "0000:3b:00" (domain:bus:device, as NVRM prints it) or a full bus id. */
static char *klog_bus_id(const char *s, size_t n)
{
        _cleanup_free_ char *raw = xstrndup(s, n);
        _cleanup_free_ char *fn0 = xasprintf("%s.0", raw);
        char *id = pci_bus_id_normalize(raw);

        if (!id)
                id = pci_bus_id_normalize(fn0);
        return id ? id : TAKE_PTR(raw);
}

struct klog_xid_parts {
        const char *bus, *detail;
        size_t bus_len, detail_len;
        int64_t code;
};

/* Splits the text after "NVRM: Xid (" ("PCI:0000:3b:00): 79, pid=...");
 * false when it is not shaped like an Xid event. */
static bool klog_xid_split(const char *p, size_t len, struct klog_xid_parts *ret)
{
        const char *end = p + len, *close = memchr(p, ')', len);
        size_t digits = 0;

        if (!close || close + 1 >= end || close[1] != ':')
                return false;
        ret->bus = p;
        if (close - p >= 4 && !memcmp(p, "PCI:", 4))
                ret->bus += 4;
        ret->bus_len = (size_t)(close - ret->bus);
        ret->code = 0;
        for (p = close + 2; p < end && *p == ' '; p++)
                ;
        for (; p < end && isdigit((unsigned char)*p) && digits < 9; p++, digits++)
                ret->code = ret->code * 10 + (*p - '0');
        if (!digits || (p < end && *p != ',' && *p != ' '))
                return false;
        while (p < end && (*p == ',' || *p == ' '))
                p++;
        ret->detail = p;
        ret->detail_len = (size_t)(end - p);
        return true;
}

static void klog_add_xid(struct klog_state *st, const char *tag, size_t len)
{
        size_t n = strlen(KLOG_XID_TAG);
        struct klog_xid_parts xp;
        struct snap_xid *x;

        if (!klog_xid_split(tag + n, len - n, &xp))
                return;
        if (st->nxid++ < st->skip_xid || !st->keep)
                return; /* counting pass, or older than the newest KLOG_XID_MAX */
        x = snap_add_xid(st->k);
        x->pci_bus_id = klog_bus_id(xp.bus, xp.bus_len);
        x->code = xp.code;
        x->detail = strip_dup(xp.detail, xp.detail_len > KLOG_LINE_MAX ? KLOG_LINE_MAX
                                                                       : xp.detail_len);
}

static void klog_note(struct klog_state *st, const char *msg, size_t len)
{
        for (size_t i = 0; i < ARRAY_SIZE(klog_notable); i++) {
                if (!klog_has(msg, len, klog_notable[i].a) ||
                    (klog_notable[i].b && !klog_has(msg, len, klog_notable[i].b)))
                        continue;
                if (st->nnote++ >= st->skip_note && st->keep)
                        strv_push(&st->k->nvrm,
                                  strip_dup(msg, len > KLOG_LINE_MAX ? KLOG_LINE_MAX : len));
                return;
        }
}

static int klog_line(const char *line, size_t len, void *data)
{
        struct klog_state *st = data;
        const char *xid;

        if (!klog_message(st, &line, &len) || !len || memchr(line, '\0', len))
                return 0;
        xid = memmem(line, len, KLOG_XID_TAG, strlen(KLOG_XID_TAG));
        if (xid)
                klog_add_xid(st, xid, len - (size_t)(xid - line));
        else
                klog_note(st, line, len);
        return 0;
}

struct klog_boot {
        const char *base;
        size_t off;
};

/* Remembers the end of the last "Linux version " (boot banner) line. */
static int klog_find_boot(const char *line, size_t len, void *data)
{
        struct klog_boot *b = data;

        if (memmem(line, len, "Linux version ", 14))
                b->off = (size_t)(line - b->base) + len + 1;
        return 0;
}

int klog_parse(const char *buf, size_t len, enum klog_form form, struct snap_klog *k)
{
        struct klog_state st = { .form = form, .k = k };
        size_t before = k->nxid;

        if (form == KLOG_TEXT) {
                struct klog_boot b = { buf, 0 };

                for_each_line(buf, len, klog_find_boot, &b);
                st.boot_off = b.off > len ? len : b.off;
        }
        for_each_line(buf + st.boot_off, len - st.boot_off, klog_line, &st);
        st.skip_xid = st.nxid > KLOG_XID_MAX ? st.nxid - KLOG_XID_MAX : 0;
        st.skip_note = st.nnote > KLOG_NVRM_MAX ? st.nnote - KLOG_NVRM_MAX : 0;
        st.keep = true;
        st.nxid = st.nnote = 0;
        for_each_line(buf + st.boot_off, len - st.boot_off, klog_line, &st);
        return (int)(k->nxid - before);
}
