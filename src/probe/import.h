/* import.h - other tools' reports as a partial snapshot (doctor --from).
 *
 * PyTorch's collect_env text (python -m torch.utils.collect_env, every
 * format since 1.x) and nvidia-smi -q -x XML each hold some of the facts a
 * probe gathers. An import fills those, as FACT_OK, and leaves every other
 * fact and every probe it has nothing for FACT_UNSET: "not in the report",
 * which the checks read as "cannot tell" and stay silent on. Pure parsers:
 * no file or program is touched (the caller reads the file). */
#pragma once

#include <stddef.h>

#include "snap/snap.h"

enum import_kind {
        IMPORT_SNAPSHOT,    /* dlrig's own JSON (a snapshot or a doctor report) */
        IMPORT_COLLECT_ENV, /* torch.utils.collect_env output */
        IMPORT_NVSMI,       /* nvidia-smi -q -x */
        IMPORT_UNKNOWN,
};

/* What the buffer holds, from its first bytes and its keys. */
enum import_kind import_detect(const char *buf, size_t len);
/* "a PyTorch collect_env report", "an nvidia-smi -q -x report". */
const char *import_kind_name(enum import_kind k);

/* Fill s (initialised by the caller) from the report. 0 when the report
 * gave at least its key line (collect_env: "PyTorch version:" or
 * "OS:"; nvidia-smi: a <nvidia_smi_log> root), else -EINVAL with *err set
 * (free it) when err is not NULL. */
int import_collect_env(const char *buf, size_t len, struct snapshot *s, char **err);
int import_nvsmi(const char *buf, size_t len, struct snapshot *s, char **err);

/* The compute capability the kb gives a GPU model's name ("NVIDIA H200"):
 * every model the name matches must agree; NULL when unknown. */
const char *import_cc_of_name(const char *name);
