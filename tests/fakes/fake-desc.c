/* fake-desc.c - answers the fake libraries' calls from the machine
 * description (see fake-desc.h and README.md). */
#include "fake-desc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static json_t *fake_root; /* the whole description; lives as long as the process */
static bool fake_tried;

static const char *fake_desc_path(void)
{
        const char *p = getenv("DLRIG_FAKE_MACHINE");

        return p && *p ? p : NULL;
}

/* Loads the description on the first call; reports a failure once. */
static json_t *fake_desc_section(const struct fake_lib *lib)
{
        json_error_t err;

        if (!fake_tried) {
                const char *path = fake_desc_path();

                fake_tried = true;
                if (!path)
                        fprintf(stderr, "%s: DLRIG_FAKE_MACHINE is not set\n", lib->tag);
                else if (!(fake_root = json_load_file(path, 0, &err)))
                        fprintf(stderr, "%s: cannot load '%s': %s (line %d)\n", lib->tag, path,
                                err.text, err.line);
        }
        return fake_root ? json_object_get(fake_root, lib->section) : NULL;
}

int fake_desc_ndevices(const struct fake_lib *lib)
{
        json_t *devs = json_object_get(fake_desc_section(lib), "devices");

        return json_is_array(devs) ? (int)json_array_size(devs) : 0;
}

static void fake_desc_where(char *buf, size_t len, int dev)
{
        if (dev == FAKE_SYSTEM)
                buf[0] = '\0';
        else
                snprintf(buf, len, " (device %d)", dev);
}

int fake_desc_bad(const struct fake_lib *lib, int dev, const char *key, const char *what)
{
        char where[32];

        fake_desc_where(where, sizeof(where), dev);
        fprintf(stderr, "%s: bad entry for %s%s in %s: %s\n", lib->tag, key, where,
                fake_desc_path() ? fake_desc_path() : "(no description)", what);
        return lib->unknown;
}

static int fake_desc_missing(const struct fake_lib *lib, int dev, const char *key)
{
        char where[32];

        fake_desc_where(where, sizeof(where), dev);
        fprintf(stderr, "%s: no entry for %s%s in %s\n", lib->tag, key, where,
                fake_desc_path() ? fake_desc_path() : "(no description)");
        return lib->unknown;
}

/* The full form is an object using only these keys; anything else is the
 * shorthand, a bare value. */
static bool fake_desc_is_full(json_t *e)
{
        static const char *const keys[] = { "ret", "value", "delay_ms", "hang", NULL };
        const char *k;
        json_t *v;

        if (!json_is_object(e))
                return false;
        json_object_foreach(e, k, v) {
                size_t i = 0;

                while (keys[i] && strcmp(keys[i], k))
                        i++;
                if (!keys[i])
                        return false;
        }
        return true;
}

static void fake_desc_sleep_ms(json_int_t ms)
{
        struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* "ret" is a number or one of the library's code names. */
static int fake_desc_ret(const struct fake_lib *lib, int dev, const char *key, json_t *ret)
{
        if (!ret)
                return 0;
        if (json_is_integer(ret))
                return (int)json_integer_value(ret);
        for (size_t i = 0; json_is_string(ret) && i < lib->ncodes; i++)
                if (!strcmp(lib->codes[i].name, json_string_value(ret)))
                        return lib->codes[i].code;
        return fake_desc_bad(lib, dev, key, "\"ret\" is not a number or a known code name");
}

static json_t *fake_desc_entry(const struct fake_lib *lib, int dev, const char *key)
{
        json_t *sec = fake_desc_section(lib);

        if (dev != FAKE_SYSTEM)
                sec = json_array_get(json_object_get(sec, "devices"), (size_t)dev);
        return json_object_get(sec, key);
}

int fake_desc_call(const struct fake_lib *lib, int dev, const char *key, int required,
                   json_t **ret_value)
{
        json_t *e = fake_desc_entry(lib, dev, key), *delay;

        *ret_value = NULL;
        if (!e)
                return required ? fake_desc_missing(lib, dev, key) : -1;
        if (!fake_desc_is_full(e)) {
                *ret_value = e;
                return 0;
        }
        delay = json_object_get(e, "delay_ms");
        if (json_is_integer(delay) && json_integer_value(delay) > 0)
                fake_desc_sleep_ms(json_integer_value(delay));
        if (json_is_true(json_object_get(e, "hang")))
                for (;;)
                        pause(); /* the GPU fell off the bus: only SIGKILL ends this */
        *ret_value = json_object_get(e, "value");
        return fake_desc_ret(lib, dev, key, json_object_get(e, "ret"));
}

/* A number given as an integer, a boolean or a numeric string. */
static int fake_desc_num(json_t *v, uint64_t *ret)
{
        const char *s;
        char *end;

        if (json_is_integer(v)) {
                *ret = (uint64_t)json_integer_value(v);
                return 0;
        }
        if (json_is_boolean(v)) {
                *ret = json_is_true(v);
                return 0;
        }
        if (!json_is_string(v) || !*(s = json_string_value(v)))
                return -EINVAL;
        errno = 0;
        *ret = strtoull(s, &end, 0);
        return errno || *end ? -EINVAL : 0;
}

int fake_desc_as_u64(const struct fake_lib *lib, int dev, const char *key, json_t *value,
                     uint64_t *ret)
{
        if (fake_desc_num(value, ret) < 0)
                return fake_desc_bad(lib, dev, key, "expected a number");
        return 0;
}

int fake_desc_u64(const struct fake_lib *lib, int dev, const char *key, uint64_t *ret)
{
        json_t *v;
        int r = fake_desc_call(lib, dev, key, 1, &v);

        return r != 0 ? r : fake_desc_as_u64(lib, dev, key, v, ret);
}

int fake_desc_str(const struct fake_lib *lib, int dev, const char *key, const char **ret)
{
        json_t *v;
        int r = fake_desc_call(lib, dev, key, 1, &v);

        if (r != 0)
                return r;
        if (!json_is_string(v))
                return fake_desc_bad(lib, dev, key, "expected a string");
        *ret = json_string_value(v);
        return 0;
}

int fake_desc_part_u64(const struct fake_lib *lib, int dev, const char *key, json_t *value,
                       size_t i, const char *name, uint64_t *ret)
{
        char what[96];
        json_t *part = json_is_array(value) ? json_array_get(value, i)
                                            : json_object_get(value, name);

        if (fake_desc_num(part, ret) == 0)
                return 0;
        snprintf(what, sizeof(what), "expected a number as \"%s\" (or at index %zu)", name, i);
        return fake_desc_bad(lib, dev, key, what);
}
