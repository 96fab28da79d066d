/* finding.h - what a check concludes: id, severity, summary, evidence, fix.
 *
 * Every id comes from the catalog (finding-catalog.c), which fixes its
 * severity and category; a check only fills in the instance's text. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strv.h"

enum severity { SEV_OK, SEV_INFO, SEV_WARN, SEV_FAIL, SEV_MAX, SEV_INVALID = -1 };

struct catalog_entry {
        const char *id;       /* stable: "driver.version-mismatch" */
        enum severity sev;
        const char *layer;    /* "hardware", "kernel", "driver", ... */
        const char *title;    /* what the finding means, one line */
};

struct finding {
        const struct catalog_entry *cat;
        char *summary;        /* this instance, one line */
        struct strv evidence; /* facts that led here */
        struct strv fix;      /* shell commands, in order */
        size_t seq;           /* insertion order, keeps sorting stable */
        int64_t gpu;          /* NVML index of the one GPU it is about; -1: none or several */
};

struct findings {
        struct finding *v;
        size_t n;
        size_t alloc;
};

#define FINDINGS_INIT { 0 }

/* Adds a finding of catalog id; an unknown id is a programming error. */
struct finding *finding_add(struct findings *fs, const char *id, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void finding_evidence(struct finding *f, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void finding_fix(struct finding *f, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
void findings_release(struct findings *fs);
/* Orders findings worst first; within a severity, catalog (layer) order,
 * so that a root cause low in the stack comes before its consequences. */
void findings_sort(struct findings *fs);
enum severity findings_worst(const struct findings *fs);
bool findings_has(const struct findings *fs, const char *id);

const char *severity_name(enum severity sev);
enum severity severity_from_name(const char *name);

/* The catalog, in layer order. */
extern const struct catalog_entry finding_catalog[];
extern const size_t finding_catalog_size;
const struct catalog_entry *catalog_find(const char *id);
