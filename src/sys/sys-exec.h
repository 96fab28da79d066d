/* sys-exec.h - run a program with a hard deadline and bounded output.
 *
 * The child gets stdin from /dev/null, the parent's environment plus
 * env_delta ("NAME=value" sets, "NAME" unsets), no inherited fds above 2,
 * and SIGKILL if dlrig dies. stdout and stderr are drained by one poll()
 * loop into buffers capped at max_out (the excess is counted, not stored).
 * When timeout_ms passes, or idle_timeout_ms passes with no output, the
 * child gets SIGTERM, then SIGKILL after a short grace, and is reaped when
 * it can be: a child stuck in uninterruptible sleep is left behind and
 * reported as unreaped rather than waited on.
 *
 * With own_group the child leads a process group of its own, and every
 * signal goes to the group: a launcher's workers (torchrun's ranks) die
 * with it at the deadline, and members still running after the child ended
 * get SIGKILL too. Members that survive that are reported (group_left). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "sys.h"

struct exec_req {
        const char *const *argv;
        const char *const *env_delta;
        unsigned timeout_ms;
        unsigned idle_timeout_ms; /* 0: no idle limit */
        size_t max_out;           /* 0: 1 MiB */
        bool self;                /* argv[0] is dlrig itself: allowed for any root */
        bool root_program;        /* argv[0] is a program inside a foreign root that the
                                   * caller resolved on purpose (a fixture's stand-in) */
        bool host_tool;           /* argv[0] is a tool of this machine used on purpose for
                                   * any root (curl, sha256sum, setup's test runner) */
        bool own_group;           /* kill the child's whole process group (above) */
        /* Called with all of stdout so far whenever more arrived (a
         * progress line); NULL for none. */
        void (*on_output)(const struct strbuf *out, void *arg);
        void *on_output_arg;
};

struct exec_res {
        int exit_code;      /* 128+N after death by signal N, like a shell */
        bool timed_out;     /* overall deadline */
        bool idle_timed_out;
        bool unreaped;      /* child did not die after SIGKILL (D state) */
        bool group_left;    /* own_group: members of its group outlived SIGKILL */
        size_t dropped;     /* output bytes beyond max_out */
        struct strbuf out;
        struct strbuf err;
        uint64_t usec;
};

/* Runs the program. The inspected machine's programs only run when it is
 * this machine: for another root returns -EOPNOTSUPP (unless req->self,
 * dlrig's own driver worker). A child that cannot be started is exit code 127. */
int sys_exec(const struct sysroot *root, const struct exec_req *req,
             struct exec_res *ret);
void exec_res_release(struct exec_res *res);
