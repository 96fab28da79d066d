/* dpkg-status.h - parser for dpkg's database, /var/lib/dpkg/status:
 * one paragraph per package, "Field: value" lines, blank lines between. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Returns the owned upstream version (no epoch, no Debian revision:
 * "1:535.161.08-1ubuntu1" → "535.161.08") of the installed package
 * (Status "install ok installed") named name, or name-<digits> (a driver
 * branch: "nvidia-fabricmanager-535"); the highest when several are
 * installed. NULL when none is. */
char *dpkg_status_version(const char *buf, size_t len, const char *name);

/* True when an installed package whose name starts with prefix is on hold
 * (`apt-mark hold`: Status "hold ok installed"). */
bool dpkg_status_held(const char *buf, size_t len, const char *prefix);
