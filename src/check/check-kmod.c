/* check-kmod.c - placeholder until the kmod checks land. */
#include "check.h"

void check_kmod(const struct snapshot *s, struct findings *fs)
{
        (void)s;
        (void)fs;
}
