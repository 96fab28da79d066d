/* kmod-parse.c - kernel-module file parsers (see kmod-parse.h). */
#include "kmod-parse.h"

#include <stdlib.h>
#include <string.h>

#include "util/cleanup.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define KMOD_PARSE_BLANKS " \t\r"

/* Length of the leading run of non-blank characters. */
static size_t kmod_parse_token_len(const char *s, size_t len)
{
        size_t n = 0;

        while (n < len && !strchr(KMOD_PARSE_BLANKS, s[n]) && s[n] != '\0')
                n++;
        return n;
}

static size_t kmod_parse_skip_blanks(const char *s, size_t len)
{
        size_t n = 0;

        while (n < len && s[n] && strchr(KMOD_PARSE_BLANKS, s[n]))
                n++;
        return n;
}

static int kmod_parse_modules_line(const char *line, size_t len, void *data)
{
        size_t n = kmod_parse_token_len(line, len);

        if (n)
                strv_push(data, xstrndup(line, n));
        return 0;
}

int kmod_parse_proc_modules(const char *buf, size_t len, struct strv *ret)
{
        size_t before = ret->n;

        for_each_line(buf, len, kmod_parse_modules_line, ret);
        return (int)(ret->n - before);
}

static int kmod_parse_nvrm_one(const char *line, size_t len, void *data)
{
        static const char key[] = "NVRM version:";
        size_t skip = kmod_parse_skip_blanks(line, len);

        if (len - skip < sizeof(key) - 1 || memcmp(line + skip, key, sizeof(key) - 1))
                return 0;
        *(char **)data = strip_dup(line + skip, len - skip);
        return 1;
}

char *kmod_parse_nvrm_line(const char *buf, size_t len)
{
        char *line = NULL;

        for_each_line(buf, len, kmod_parse_nvrm_one, &line);
        return line;
}

bool kmod_parse_nvrm_is_open(const char *line)
{
        return strstr(line, "Open Kernel Module") != NULL;
}

/* True when file (a path's last component, n bytes) is name.ko[.xz|.zst|.gz]. */
static bool kmod_parse_file_is(const char *file, size_t n, const char *name)
{
        static const char *const exts[] = { ".ko", ".ko.xz", ".ko.zst", ".ko.gz" };
        size_t nl = strlen(name);

        if (n <= nl)
                return false;
        for (size_t i = 0; i < nl; i++) {
                char a = file[i] == '-' ? '_' : file[i], b = name[i] == '-' ? '_' : name[i];
                if (a != b)
                        return false;
        }
        for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
                if (n - nl == strlen(exts[i]) && !memcmp(file + nl, exts[i], n - nl))
                        return true;
        return false;
}

struct kmod_parse_moddep_st {
        const char *name;
        char *path;
};

static int kmod_parse_moddep_line(const char *line, size_t len, void *data)
{
        struct kmod_parse_moddep_st *md = data;
        const char *colon = memchr(line, ':', len);
        size_t n = colon ? (size_t)(colon - line) : 0;
        size_t base = n;

        while (base && line[base - 1] != '/')
                base--;
        if (!n || !kmod_parse_file_is(line + base, n - base, md->name) || memchr(line, '\0', n))
                return 0;
        md->path = xstrndup(line, n);
        return 1;
}

bool kmod_parse_is_module_file(const char *file, const char *name)
{
        return kmod_parse_file_is(file, strlen(file), name);
}

char *kmod_parse_moddep(const char *buf, size_t len, const char *name)
{
        struct kmod_parse_moddep_st md = { name, NULL };

        for_each_line(buf, len, kmod_parse_moddep_line, &md);
        return md.path;
}

struct kmod_parse_bl {
        const char *name;
        bool found;
};

static int kmod_parse_blacklist_line(const char *line, size_t len, void *data)
{
        static const char kw[] = "blacklist";
        struct kmod_parse_bl *bl = data;
        size_t pos = kmod_parse_skip_blanks(line, len), n;

        n = kmod_parse_token_len(line + pos, len - pos);
        if (n != sizeof(kw) - 1 || memcmp(line + pos, kw, n))
                return 0;
        pos += n;
        pos += kmod_parse_skip_blanks(line + pos, len - pos);
        n = kmod_parse_token_len(line + pos, len - pos);
        /* Like libkmod, the words after the module name are ignored. */
        if (n != strlen(bl->name) || memcmp(line + pos, bl->name, n))
                return 0;
        bl->found = true;
        return 1;
}

bool kmod_parse_blacklist(const char *buf, size_t len, const char *name)
{
        struct kmod_parse_bl bl = { name, false };

        for_each_line(buf, len, kmod_parse_blacklist_line, &bl);
        return bl.found;
}
