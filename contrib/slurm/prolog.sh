#!/bin/sh
# Prolog example: refuse to start a job on a node whose GPUs fail. dlrig
# drains the node with the finding as reason; the prolog's non-zero exit then
# makes Slurm requeue the job elsewhere. Warnings (exit 1) and "could not
# judge" (exit 3) let the job start.
/usr/bin/dlrig health --slurm --timeout 5 >/dev/null 2>&1
[ $? -eq 2 ] && exit 1
exit 0
