/* probe-klog.c - Xid events and notable NVIDIA messages of this boot.
 *
 * Sources, first readable wins: /dev/kmsg (the kernel's ring buffer, this
 * boot only; often root-only through dmesg_restrict), then the syslog
 * files, of which only the part after the last boot banner counts. */
#include "probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "klog-parse.h"
#include "probe-internal.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* The ring buffer is at most a few MiB; of a syslog file (which can be
 * hundreds of MiB on a long-lived machine) the newest 8 MiB are plenty. */
#define KLOG_KMSG_MAX (15u << 20)
#define KLOG_TAIL_MAX (8u << 20)

static const struct {
        const char *path;
        enum klog_form form;
} klog_sources[] = {
        { "/dev/kmsg", KLOG_KMSG },
        { "/var/log/kern.log", KLOG_TEXT },
        { "/var/log/messages", KLOG_TEXT },
};

/* Reads the last max bytes of a file through an fd from the sys layer,
 * starting at a line boundary. */
static int klog_read_tail(const struct sysroot *root, const char *path, size_t max,
                          struct strbuf *out)
{
        _cleanup_close_ int fd = sys_open(root, path, O_RDONLY);
        char chunk[16384];
        struct stat st;
        off_t off;
        ssize_t n;

        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return -errno;
        off = st.st_size > (off_t)max ? st.st_size - (off_t)max : 0;
        while (out->len < max && (n = pread(fd, chunk, sizeof(chunk), off)) != 0) {
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (strbuf_add(out, chunk, (size_t)n < max - out->len ? (size_t)n
                                                                      : max - out->len) < 0)
                        return -E2BIG;
                off += n;
        }
        if (st.st_size > (off_t)max) {
                const char *nl = memchr(out->buf, '\n', out->len);
                size_t cut = nl ? (size_t)(nl - out->buf) + 1 : out->len;

                memmove(out->buf, out->buf + cut, out->len - cut + 1);
                out->len -= cut; /* drop the partial first line */
        }
        return 0;
}

static int klog_read(const struct sysroot *root, size_t i, struct strbuf *out)
{
        if (klog_sources[i].form == KLOG_KMSG)
                return sys_read_file(root, klog_sources[i].path, KLOG_KMSG_MAX, out);
        return klog_read_tail(root, klog_sources[i].path, KLOG_TAIL_MAX, out);
}

void probe_klog(const struct probe_ctx *ctx, struct snap_klog *klog)
{
        int kmsg_r = 0;

        for (size_t i = 0; i < ARRAY_SIZE(klog_sources); i++) {
                _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
                int r = klog_read(ctx->root, i, &sb);

                if (i == 0)
                        kmsg_r = r;
                if (r < 0)
                        continue;
                klog_parse(sb.buf, sb.len, klog_sources[i].form, klog);
                klog->source = xstrdup(klog_sources[i].path);
                probe_set(&klog->probe, FACT_OK, NULL);
                return;
        }
        if (kmsg_r == -EPERM || kmsg_r == -EACCES) {
                _cleanup_free_ char *why = xasprintf("cannot read '/dev/kmsg': %s",
                                                     strerror(-kmsg_r));
                probe_set(&klog->probe, FACT_DENIED, why);
                return;
        }
        probe_set(&klog->probe, FACT_ABSENT, "no kernel log readable");
}
