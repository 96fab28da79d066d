#!/bin/sh
# Epilog example: check the node after every job, so a GPU a job broke
# (Xid, ECC, fell off the bus) is drained before the next job lands on it.
# A non-zero epilog exit would make slurmd drain the node itself with the
# reason "Epilog error"; dlrig drains with the finding instead, so exit 0.
/usr/bin/dlrig health --slurm --timeout 10 >/dev/null 2>&1 || :
exit 0
