/* strv.h - a growable vector of owned strings. */
#pragma once

#include <stddef.h>

struct strv {
        char **v;
        size_t n;
        size_t alloc;
};

#define STRV_INIT { 0 }

/* Takes ownership of s. */
void strv_push(struct strv *sv, char *s);
void strv_pushf(struct strv *sv, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void strv_release(struct strv *sv);
void strv_sort(struct strv *sv);
/* Returns the index of s in sv, or -1. */
long strv_find(const struct strv *sv, const char *s);
