/* fuzz-replay.c - runs every file of the corpus folders (or single files)
 * named on the command line through LLVMFuzzerTestOneInput, so each
 * build's test suite replays the fuzz corpus (under sanitizers when the
 * build has them). Reads through the sys layer like everything else. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "sys/sys.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

/* Runs one file; returns 1 when it ran, 0 when skipped. */
static int replay_file(const struct sysroot *host, const char *path)
{
        _cleanup_(strbuf_releasep) struct strbuf sb = STRBUF_INIT;
        int r = sys_read_file(host, path, FUZZ_INPUT_MAX, &sb);

        if (r < 0) {
                fprintf(stderr, "fuzz-replay: cannot read '%s': %s, skipping\n", path,
                        strerror(-r));
                return 0;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)sb.buf, sb.len);
        return 1;
}

static int replay_path(const struct sysroot *host, const char *path)
{
        _cleanup_(strv_release) struct strv names = STRV_INIT;
        int n = 0;

        if (sys_list_dir(host, path, &names) < 0)
                return replay_file(host, path);
        for (size_t i = 0; i < names.n; i++) {
                _cleanup_free_ char *p = xasprintf("%s/%s", path, names.v[i]);
                n += replay_file(host, p);
        }
        return n;
}

int main(int argc, char **argv)
{
        struct sysroot *host;
        int n = 0;

        if (argc < 2) {
                fprintf(stderr, "usage: %s CORPUS-DIR|FILE...\n", argv[0]);
                return 2;
        }
        if (sysroot_open(NULL, &host) < 0)
                return 1;
        for (int i = 1; i < argc; i++)
                n += replay_path(host, argv[i]);
        sysroot_free(host);
        printf("%s: %d inputs\n", argv[0], n);
        return n > 0 ? 0 : 1; /* an empty corpus tests nothing: fail */
}
