/* prove.h - dlrig prove: run the harness (prove.py, embedded at build time)
 * in the user's PyTorch environment and read its records into the
 * snapshot's prove section (docs/prove.md). Runs programs, so it sits
 * beside bench and probe; check/check-prove.c judges what it gathered. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "snap/snap.h"
#include "sys/sys.h"

/* The harness, byte for byte (build/src/prove/prove-script.c). */
extern const char prove_script[];
extern const size_t prove_script_len;

struct prove_opts {
        const char *env;        /* --env: a prefix or an interpreter; NULL: choose */
        const char *gpus;       /* --gpus: torch ordinals "0,2-3", or NULL */
        unsigned timeout_s;     /* each run's deadline */
        bool cpu;               /* DLRIG_PROVE_CPU=1: gloo on the CPU */
        unsigned cpu_nproc;     /* processes in CPU mode */
};

/* Chooses the environment: o->env, else the one PATH selects when it has
 * torch, else the best with torch (a CUDA build first). Fills p->env,
 * env_chosen_by and python; returns -ENOENT with p->not_run set when there
 * is none. */
int prove_choose_env(const struct sysroot *host, const struct snap_python *py,
                     const struct prove_opts *o, struct snap_prove *p);
/* Runs step 1-2 and, when torch can, step 3 under torchrun, each under the
 * deadline with its process group killed past it. Fills p; returns 0, or a
 * negative errno when the harness could not even be written. */
int prove_run(const struct sysroot *host, const struct prove_opts *o, struct snap_prove *p);
/* Reads the harness's records ("dlrig-prove KIND {json}" lines; other
 * lines are ignored) into p. A malformed record stops the reading:
 * -EBADMSG with an owned message naming the line and key in *err. */
int prove_take(const char *out, size_t len, struct snap_prove *p, char **err);
/* Expands "0,2-3" into "0,2,3"; -EINVAL for anything else. Owned. */
int prove_parse_gpus(const char *list, char **ret);
