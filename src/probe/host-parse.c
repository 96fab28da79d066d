/* host-parse.c - parsers for the host probes' files (see host-parse.h). */
#include "host-parse.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/parse.h"
#include "util/xalloc.h"

/* A line copied out of the buffer, so the string functions may be used. */
static char *line_dup(const char *line, size_t n)
{
        return memchr(line, '\0', n) ? xstrdup("") : xstrndup(line, n);
}

struct mount_scan {
        const char *mountpoint;
        int64_t size;
};

/* "65536k", "64m", "1g" or bytes; -1 for a percentage or nonsense. */
static int64_t mount_size_value(const char *v)
{
        char *end;
        unsigned long long n = strtoull(v, &end, 10);
        int shift = 0;

        if (end == v || n > (1ULL << 50))
                return -1;
        switch (tolower((unsigned char)*end)) {
        case 'k': shift = 10; end++; break;
        case 'm': shift = 20; end++; break;
        case 'g': shift = 30; end++; break;
        default: break;
        }
        if (*end && *end != ',')
                return -1;
        return (int64_t)(n << shift);
}

static int mount_line(const char *line, size_t len, void *data)
{
        struct mount_scan *sc = data;
        char *l = line_dup(line, len), *save = NULL, *opt;
        char *dev = strtok_r(l, " \t", &save), *dir = strtok_r(NULL, " \t", &save);
        char *type = strtok_r(NULL, " \t", &save), *opts = strtok_r(NULL, " \t", &save);

        if (dev && dir && type && opts && !strcmp(dir, sc->mountpoint)) {
                sc->size = -1; /* the last mount on a point is the one seen */
                for (opt = strtok_r(opts, ",", &save); opt; opt = strtok_r(NULL, ",", &save))
                        if (startswith(opt, "size="))
                                sc->size = mount_size_value(opt + 5);
        }
        free(l);
        return 0;
}

int64_t host_parse_mount_size(const char *buf, size_t len, const char *mountpoint)
{
        struct mount_scan sc = { mountpoint, -1 };

        for_each_line(buf, len, mount_line, &sc);
        return sc.size;
}

struct tcp_scan {
        unsigned port;
        bool found;
};

/* "  0: 00000000:7374 00000000:0000 0A ..." - local address, then state
 * 0A (LISTEN). */
static int tcp_line(const char *line, size_t len, void *data)
{
        struct tcp_scan *sc = data;
        char *l = line_dup(line, len), *save = NULL;
        char *sl = strtok_r(l, " \t", &save), *local = strtok_r(NULL, " \t", &save);
        char *remote = strtok_r(NULL, " \t", &save), *st = strtok_r(NULL, " \t", &save);
        char *colon = local ? strrchr(local, ':') : NULL;

        if (sl && remote && st && colon && !strcmp(st, "0A") &&
            strtoul(colon + 1, NULL, 16) == sc->port)
                sc->found = true;
        free(l);
        return 0;
}

bool host_parse_tcp_listening(const char *buf, size_t len, unsigned port)
{
        struct tcp_scan sc = { port, false };

        for_each_line(buf, len, tcp_line, &sc);
        return sc.found;
}

/* The line without a // comment; apt also has # comments. */
static char *apt_line(const char *line, size_t len)
{
        char *l = line_dup(line, len), *c = strstr(l, "//");
        size_t lead = strspn(l, " \t");

        if (c)
                *c = '\0';
        if (l[lead] == '#')
                l[lead] = '\0';
        return l;
}

struct apt_scan {
        const char *name;
        char *value;
        bool in_block;
        bool hit;
};

static int apt_value_line(const char *line, size_t len, void *data)
{
        struct apt_scan *sc = data;
        char *l = apt_line(line, len), *p = strstr(l, sc->name), *q, *e;

        if (p && (p == l || isspace((unsigned char)p[-1])) &&
            (q = strchr(p + strlen(sc->name), '"')) && (e = strchr(q + 1, '"'))) {
                free(sc->value);
                sc->value = xstrndup(q + 1, (size_t)(e - q - 1));
        }
        free(l);
        return 0;
}

char *host_parse_apt_value(const char *buf, size_t len, const char *name)
{
        struct apt_scan sc = { name, NULL, false, false };

        for_each_line(buf, len, apt_value_line, &sc);
        return sc.value;
}

static int apt_block_line(const char *line, size_t len, void *data)
{
        struct apt_scan *sc = data;
        char *l = apt_line(line, len), *q;

        if (strstr(l, "Unattended-Upgrade::Package-Blacklist"))
                sc->in_block = true;
        if (sc->in_block && (q = strchr(l, '"')) && strstr(q, sc->name))
                sc->hit = true;
        if (sc->in_block && strstr(l, "};"))
                sc->in_block = false;
        free(l);
        return 0;
}

bool host_parse_apt_blacklists(const char *buf, size_t len, const char *word)
{
        struct apt_scan sc = { word, NULL, false, false };

        for_each_line(buf, len, apt_block_line, &sc);
        return sc.hit;
}

struct yaml_scan {
        const char *key;
        char *value;
};

static int yaml_line(const char *line, size_t len, void *data)
{
        struct yaml_scan *sc = data;
        size_t k = strlen(sc->key);
        char *v;

        if (sc->value || len <= k || memcmp(line, sc->key, k) || line[k] != ':')
                return 0;
        v = strip_dup(line + k + 1, len - k - 1);
        if (strchr(v, '#'))
                *strchr(v, '#') = '\0';
        sc->value = strip_dup(v, strlen(v));
        free(v);
        v = sc->value;
        if ((v[0] == '\'' || v[0] == '"') && strlen(v) >= 2 && v[strlen(v) - 1] == v[0]) {
                memmove(v, v + 1, strlen(v) - 2);
                v[strlen(v) - 2] = '\0';
        }
        return 0;
}

char *host_parse_yaml_value(const char *buf, size_t len, const char *key)
{
        struct yaml_scan sc = { key, NULL };

        for_each_line(buf, len, yaml_line, &sc);
        return sc.value;
}

struct unit_scan {
        const char *name;
        char *value;
};

static int unit_line(const char *line, size_t len, void *data)
{
        struct unit_scan *sc = data;
        char *l, *p, *end;
        size_t k = strlen(sc->name);

        if (sc->value || len < 12 || memcmp(line, "Environment=", 12))
                return 0;
        l = line_dup(line + 12, len - 12);
        for (p = l; (p = strstr(p, sc->name)); p += k) {
                if ((p != l && p[-1] != ' ' && p[-1] != '"') || p[k] != '=')
                        continue;
                end = p + strcspn(p, p > l && p[-1] == '"' ? "\"" : " \t");
                sc->value = xstrndup(p, (size_t)(end - p));
                break;
        }
        free(l);
        return 0;
}

char *host_parse_unit_env(const char *buf, size_t len, const char *name)
{
        struct unit_scan sc = { name, NULL };

        for_each_line(buf, len, unit_line, &sc);
        return sc.value;
}

struct flag_scan {
        const char *word;
        int found;
};

/* "flags\t\t: fpu vme ... hypervisor ..." */
static int flag_line(const char *line, size_t len, void *data)
{
        struct flag_scan *sc = data;
        char *l = line_dup(line, len), *colon = strchr(l, ':'), *save = NULL, *w;

        if (colon && startswith(l, "flags") && strspn(l + 5, " \t") == (size_t)(colon - l - 5)) {
                if (sc->found < 0)
                        sc->found = 0;
                for (w = strtok_r(colon + 1, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
                        if (!strcmp(w, sc->word))
                                sc->found = 1;
        }
        free(l);
        return 0;
}

int host_parse_cpu_flag(const char *buf, size_t len, const char *word)
{
        struct flag_scan sc = { word, -1 };

        for_each_line(buf, len, flag_line, &sc);
        return sc.found;
}
