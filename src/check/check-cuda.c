/* check-cuda.c - placeholder until the cuda checks land. */
#include "check.h"

void check_cuda(const struct snapshot *s, struct findings *fs)
{
        (void)s;
        (void)fs;
}
