/* os-release.h - parser for os-release(5) files. */
#pragma once

#include <stddef.h>

/* Returns the owned, unquoted value of key in an os-release buffer, or
 * NULL when the key is absent or its line is malformed. */
char *os_release_get(const char *buf, size_t len, const char *key);
