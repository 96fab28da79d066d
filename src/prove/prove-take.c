/* prove-take.c - the harness's records into the snapshot's prove section,
 * read by snap-json.c's tables in strict mode (like bench's worker
 * records): a record with a key missing or of the wrong type is an error
 * that names it, never a silent 0. Lines without the "dlrig-prove " prefix
 * are the environment's own output (a sitecustomize that prints) and are
 * skipped. */
#include "prove.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "snap/snap-json.h"
#include "util/xalloc.h"

#define PROVE_PREFIX "dlrig-prove "
#define PROVE_MAX_RECORDS 4096

static int take_torch(json_t *j, struct snap_prove *p, char **err)
{
        struct snap_prove_torch t = { 0 };

        if (snap_prove_torch_from_record(j, &t, err) < 0) {
                snap_prove_torch_release(&t);
                return -EBADMSG;
        }
        snap_prove_torch_release(&p->torch);
        p->torch = t;
        return 0;
}

static int take_gpu(json_t *j, struct snap_prove *p, char **err)
{
        struct snap_prove_gpu g = { 0 };

        if (snap_prove_gpu_from_record(j, &g, err) < 0) {
                snap_prove_gpu_release(&g);
                return -EBADMSG;
        }
        *snap_add_prove_gpu(p) = g;
        return 0;
}

static int take_step(json_t *j, struct snap_prove *p, char **err)
{
        struct snap_prove_step s = { 0 };

        if (snap_prove_step_from_record(j, &s, err) < 0 || !s.name || !s.status) {
                if (!*err)
                        *err = xstrdup(s.name ? "status: null" : "name: null");
                snap_prove_step_release(&s);
                return -EBADMSG;
        }
        *snap_add_prove_step(p) = s;
        return 0;
}

/* One record line (after the prefix): KIND {json}. */
static int take_line(const char *rec, size_t len, struct snap_prove *p, char **err)
{
        static const struct {
                const char *kind;
                int (*take)(json_t *, struct snap_prove *, char **);
        } kinds[] = { { "torch", take_torch }, { "gpu", take_gpu }, { "step", take_step } };
        const char *sp = memchr(rec, ' ', len);
        size_t klen = sp ? (size_t)(sp - rec) : len;
        json_t *j;
        int r = -EBADMSG;

        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
                if (strlen(kinds[i].kind) != klen || memcmp(kinds[i].kind, rec, klen))
                        continue;
                j = sp ? json_loadb(sp + 1, len - klen - 1, JSON_REJECT_DUPLICATES, NULL) : NULL;
                if (!json_is_object(j))
                        *err = xasprintf("%s: not a JSON object", kinds[i].kind);
                else
                        r = kinds[i].take(j, p, err);
                json_decref(j);
                return r;
        }
        *err = xasprintf("unknown record '%.*s'", (int)(klen > 40 ? 40 : klen), rec);
        return r;
}

int prove_take(const char *out, size_t len, struct snap_prove *p, char **err)
{
        const char *end = out + len;
        size_t line = 0, records = 0;

        *err = NULL;
        for (const char *s = out; s < end; line++) {
                const char *nl = memchr(s, '\n', (size_t)(end - s));
                size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
                size_t plen = strlen(PROVE_PREFIX);
                if (n > plen && !memcmp(s, PROVE_PREFIX, plen)) {
                        char *why = NULL;
                        if (++records > PROVE_MAX_RECORDS || take_line(s + plen, n - plen, p, &why) < 0) {
                                *err = xasprintf("line %zu: %s", line + 1, why ? why : "too many records");
                                free(why);
                                return -EBADMSG;
                        }
                }
                s += n + 1;
        }
        return 0;
}

int prove_parse_gpus(const char *list, char **ret)
{
        struct strbuf sb = STRBUF_INIT;
        const char *s = list;

        while (s && *s) {
                char *e;
                long a = strtol(s, &e, 10), b = a;
                if (e == s || a < 0 || a > 1023)
                        break;
                if (*e == '-') {
                        s = e + 1;
                        b = strtol(s, &e, 10);
                        if (e == s || b < a || b > 1023)
                                break;
                }
                for (long i = a; i <= b; i++)
                        strbuf_addf(&sb, "%s%ld", sb.len ? "," : "", i);
                if (*e == 0) {
                        *ret = strbuf_detach(&sb);
                        return 0;
                }
                if (*e != ',')
                        break;
                s = e + 1;
        }
        strbuf_release(&sb);
        return -EINVAL;
}
