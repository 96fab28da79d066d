/* cleanup.h - scope-bound cleanup helpers (GCC/Clang cleanup attribute).
 *
 * _cleanup_free_ frees a heap pointer when it leaves scope; TAKE_PTR hands
 * ownership out of such a variable so that nothing is freed twice. */
#pragma once

#include <stdlib.h>
#include <unistd.h>

static inline void freep(void *p)
{
        free(*(void **)p);
}

static inline void closep(int *fd)
{
        if (*fd >= 0)
                close(*fd);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

#define TAKE_PTR(p)                                                            \
        ({                                                                     \
                __typeof__(p) _tp = (p);                                       \
                (p) = NULL;                                                    \
                _tp;                                                           \
        })

#define TAKE_FD(fd)                                                            \
        ({                                                                     \
                int _tf = (fd);                                                \
                (fd) = -1;                                                     \
                _tf;                                                           \
        })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
