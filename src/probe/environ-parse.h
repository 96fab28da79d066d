/* environ-parse.h - a process environment block: "KEY=VALUE" entries
 * separated by NUL bytes (/proc/PID/environ) or by newlines (what `env`
 * prints, and what a person writes into a fixture). */
#pragma once

#include <stddef.h>

/* The value of key (owned), or NULL when the block does not set it. A
 * block holding any NUL byte is split on NULs only, so a value may then
 * hold a newline. A later entry replaces an earlier one, as setenv does. */
char *environ_get(const char *buf, size_t len, const char *key);
