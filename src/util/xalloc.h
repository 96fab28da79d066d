/* xalloc.h - allocation that cannot fail quietly.
 *
 * dlrig is a short-lived diagnostic tool whose inputs are size-capped, so
 * running out of memory is not a state worth threading through every
 * function: these helpers print one line and exit with status 3 ("could not
 * judge"), as git's xmalloc dies. The torture test (tests/inject) holds
 * every other allocation failure to the same graceful end. */
#pragma once

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *arr (of *alloc elements of size each) to hold at least want. */
void xgrow(void *arr, size_t *alloc, size_t want, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xstrdup that maps NULL to NULL. */
char *xstrdup_or_null(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
