/* dpkg-status.h - parser for dpkg's database, /var/lib/dpkg/status:
 * one paragraph per package, "Field: value" lines, blank lines between.
 * A status file is parsed once into a dpkg_db (a desktop's holds a few
 * thousand packages and several probes ask it questions). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The installed packages (Status "install ok installed", or "hold ok
 * installed" after `apt-mark hold`), in file order. */
struct dpkg_pkg {
        char *package, *version; /* version NULL when the paragraph had none */
        bool held;
};

struct dpkg_db {
        struct dpkg_pkg *v;
        size_t n, alloc;
};

#define DPKG_DB_INIT { NULL, 0, 0 }

void dpkg_db_parse(const char *buf, size_t len, struct dpkg_db *ret);
void dpkg_db_release(struct dpkg_db *db);

/* Returns the owned upstream version (no epoch, no Debian revision:
 * "1:535.161.08-1ubuntu1" → "535.161.08") of the installed package named
 * name, or name-<digits> (a driver branch: "nvidia-fabricmanager-535"); the
 * highest when several are installed. NULL when none is. */
char *dpkg_db_version(const struct dpkg_db *db, const char *name);

/* True when an installed package whose name starts with prefix is on hold. */
bool dpkg_db_held(const struct dpkg_db *db, const char *prefix);

/* One-shot forms of the two questions, parsing buf each time. */
char *dpkg_status_version(const char *buf, size_t len, const char *name);
bool dpkg_status_held(const char *buf, size_t len, const char *prefix);
