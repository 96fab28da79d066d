/* inject.c - an LD_PRELOAD shim that makes the C library fail on purpose, so
 * the error-path tests can prove dlrig fails gracefully (STYLE.md §21):
 *
 *   DLRIG_INJECT_OPEN=SUBSTR   opens of a path containing SUBSTR fail with
 *                              DLRIG_INJECT_ERRNO (a number; default EACCES)
 *   DLRIG_INJECT_WRITE=SUBSTR  writes to a file whose path contains SUBSTR
 *                              fail with ENOSPC (a full disk)
 *   DLRIG_INJECT_ALLOC=N       allocations succeed N-1 times, then every one
 *                              fails (the torture countdown of SQLite and curl)
 *
 * Each process counts for itself: the driver workers dlrig re-executes
 * inherit the variables and start their own countdown. Only test code uses
 * this; it is never linked into dlrig. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
long syscall(long nr, ...);

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static long (*real_syscall)(long, ...);

/* dlsym may allocate before the real allocator is known: serve it here. */
static char bootstrap[4096] __attribute__((aligned(16)));
static size_t bootstrap_used;
static bool resolving;

static void *bootstrap_alloc(size_t n)
{
        void *p;

        n = (n + 15) & ~(size_t)15;
        if (bootstrap_used + n > sizeof(bootstrap))
                return NULL;
        p = bootstrap + bootstrap_used;
        bootstrap_used += n;
        return p;
}

static bool from_bootstrap(const void *p)
{
        return (const char *)p >= bootstrap && (const char *)p < bootstrap + sizeof(bootstrap);
}

static void resolve(void)
{
        if (real_malloc || resolving)
                return;
        resolving = true;
        real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
        real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
        real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
        real_syscall = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
        real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
        resolving = false;
}

/* The countdown starts when this library's constructor has read it: the
 * sanitizer runtimes allocate before the environment can be read, and
 * those start-up allocations are not dlrig's. */
static long countdown;
static long allocations;

__attribute__((constructor)) static void read_countdown(void)
{
        const char *v = getenv("DLRIG_INJECT_ALLOC");

        countdown = v ? atol(v) : 0;
}

/* True when this allocation is one the countdown says must fail. */
static bool alloc_should_fail(void)
{
        if (countdown <= 0)
                return false;
        return ++allocations >= countdown;
}

void *malloc(size_t n)
{
        resolve();
        if (!real_malloc)
                return bootstrap_alloc(n);
        if (alloc_should_fail()) {
                errno = ENOMEM;
                return NULL;
        }
        return real_malloc(n);
}

void *calloc(size_t n, size_t size)
{
        resolve();
        if (!real_calloc) {
                void *p = n && size > (size_t)-1 / n ? NULL : bootstrap_alloc(n * size);

                return p ? memset(p, 0, n * size) : NULL;
        }
        if (alloc_should_fail()) {
                errno = ENOMEM;
                return NULL;
        }
        return real_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
        resolve();
        if (from_bootstrap(p) || !real_realloc) {
                void *q = malloc(n);

                if (q && p)
                        memcpy(q, p, n < sizeof(bootstrap) ? n : sizeof(bootstrap));
                return q;
        }
        if (n && alloc_should_fail()) {
                errno = ENOMEM;
                return NULL;
        }
        return real_realloc(p, n);
}

void free(void *p)
{
        if (!p || from_bootstrap(p))
                return;
        resolve();
        if (real_free)
                real_free(p);
}

/* Paths below --root arrive relative to the root ("proc/modules"): they are
 * matched as the absolute paths of the described machine ("/proc/modules"). */
static bool path_matches(const char *var, const char *path)
{
        const char *want = getenv(var);
        char abs[4096];

        if (!want || !*want || !path)
                return false;
        if (path[0] != '/') {
                /* A path too long to prefix cannot name a fixture file. */
                if (snprintf(abs, sizeof(abs), "/%s", path) >= (int)sizeof(abs))
                        return false;
                path = abs;
        }
        return strstr(path, want) != NULL;
}

static int injected_errno(void)
{
        const char *v = getenv("DLRIG_INJECT_ERRNO");

        return v ? atoi(v) : EACCES;
}

/* dlrig opens everything below --root with openat2(2) through syscall(2). */
long syscall(long nr, ...)
{
        va_list ap;
        long a[6];

        va_start(ap, nr);
        for (int i = 0; i < 6; i++)
                a[i] = va_arg(ap, long);
        va_end(ap);
        resolve();
        if (nr == SYS_openat2 && path_matches("DLRIG_INJECT_OPEN", (const char *)a[1])) {
                errno = injected_errno();
                return -1;
        }
        return real_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static int (*real_open_fn(const char *name))(const char *, int, ...)
{
        return (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, name);
}

int open(const char *path, int flags, ...);
int open(const char *path, int flags, ...)
{
        static int (*real)(const char *, int, ...);
        va_list ap;
        mode_t mode;

        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
        if (path_matches("DLRIG_INJECT_OPEN", path)) {
                errno = injected_errno();
                return -1;
        }
        if (!real)
                real = real_open_fn("open");
        return real(path, flags, mode);
}

/* The path of an open descriptor, for the write filter. */
static bool fd_matches(const char *var, int fd)
{
        char link[64], path[4096];
        ssize_t n;

        if (!getenv(var))
                return false;
        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        n = readlink(link, path, sizeof(path) - 1);
        if (n < 0)
                return false;
        path[n] = '\0';
        return path_matches(var, path);
}

ssize_t write(int fd, const void *buf, size_t n)
{
        static ssize_t (*real)(int, const void *, size_t);

        if (fd > 2 && fd_matches("DLRIG_INJECT_WRITE", fd)) {
                errno = ENOSPC;
                return -1;
        }
        if (!real)
                real = (ssize_t (*)(int, const void *, size_t))dlsym(RTLD_NEXT, "write");
        return real(fd, buf, n);
}
