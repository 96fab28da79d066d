/* snap-schema.h - the one schema_version of every JSON dlrig writes: the
 * snapshot (doctor --save, bench --save) and the --json reports of doctor,
 * bench, plan, topo and fit (docs/json-schema.md). In snap/ because every
 * layer that writes JSON may include it (render, plan, topo, fit, cmd).
 * Bumped for all of them at once when a key of any is removed or changes
 * meaning; a new key needs no bump. tests/golden/schema-version.py checks
 * that every --json golden carries it. */
#pragma once

#define DLRIG_SCHEMA_VERSION 1
