/* sys-exec.c - bounded subprocess execution (see sys-exec.h). */
#include "sys-exec.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/xalloc.h"

extern char **environ;

#define EXEC_GRACE_MS 200

static uint64_t now_usec(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Builds the child's environment (parent's plus delta) before fork, so the
 * child only calls async-signal-safe functions even in a threaded parent. */
static char **build_env(const char *const *delta)
{
        size_t n = 0, k = 0;
        char **env;

        while (environ[n])
                n++;
        for (const char *const *d = delta; d && *d; d++)
                k++;
        env = xcalloc(n + k + 1, sizeof(*env));
        k = 0;
        for (size_t i = 0; i < n; i++) {
                bool replaced = false;
                for (const char *const *d = delta; d && *d && !replaced; d++) {
                        size_t len = strcspn(*d, "=");
                        replaced = !strncmp(environ[i], *d, len) && environ[i][len] == '=';
                }
                if (!replaced)
                        env[k++] = environ[i];
        }
        for (const char *const *d = delta; d && *d; d++)
                if (strchr(*d, '='))
                        env[k++] = (char *)*d;
        return env;
}

/* In the child: wire stdio, drop other fds, exec. Never returns. */
static void child_exec(const struct exec_req *req, char **env, int out_w, int err_w)
{
        int devnull = open("/dev/null", O_RDONLY);

        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (req->own_group)
                setpgid(0, 0);
        if (devnull >= 0)
                dup2(devnull, 0);
        dup2(out_w, 1);
        dup2(err_w, 2);
        /* One call where the kernel has it (5.9); else the slow way,
         * a thousand syscalls in every child. */
        if (syscall(SYS_close_range, 3u, ~0u, 0u) < 0)
                for (int fd = 3; fd < 1024; fd++)
                        close(fd);
        /* A bare name (apt-get, curl) is looked up on PATH. */
        if (strchr(req->argv[0], '/'))
                execve(req->argv[0], (char *const *)req->argv, env);
        else
                execvpe(req->argv[0], (char *const *)req->argv, env);
        _exit(127);
}

static void drain(int *fd, struct strbuf *sb, size_t cap, size_t *dropped)
{
        char chunk[4096];
        ssize_t n = read(*fd, chunk, sizeof(chunk));

        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return;
        if (n <= 0) {
                close(*fd);
                *fd = -1;
                return;
        }
        if (sb->len + (size_t)n > cap || strbuf_add(sb, chunk, (size_t)n) < 0)
                *dropped += (size_t)n;
}

/* Waits for pid up to ms; returns true when reaped. A child that closed
 * its output is usually gone within microseconds, so the first naps are
 * short and grow to 5 ms. */
static bool reap_within(pid_t pid, unsigned ms, int *status)
{
        uint64_t start = now_usec();
        unsigned nap = 50;

        for (;;) {
                pid_t r = waitpid(pid, status, WNOHANG);
                if (r == pid)
                        return true;
                if (r < 0 && errno != EINTR)
                        return false;
                if (now_usec() - start >= (uint64_t)ms * 1000u)
                        return false;
                usleep(nap);
                nap = nap < 5000 ? nap * 2 : 5000;
        }
}

/* Has pid ended (without reaping it, so that its number, which names
 * its process group, stays taken)? */
static bool ended_within(pid_t pid, unsigned ms)
{
        uint64_t start = now_usec();

        for (;;) {
                siginfo_t si = { 0 };
                if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == pid)
                        return true;
                if (now_usec() - start >= (uint64_t)ms * 1000u)
                        return false;
                usleep(2000);
        }
}

/* Is any live (not zombie) process in process group pgid? Read from
 * /proc, because a container's init may never reap a killed worker. */
static bool group_alive(pid_t pgid)
{
        DIR *d = opendir("/proc");
        struct dirent *e;
        bool alive = false;

        while (d && !alive && (e = readdir(d))) {
                char path[300], buf[512], *p;
                ssize_t n;
                int fd;
                if (e->d_name[0] < '1' || e->d_name[0] > '9')
                        continue;
                snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
                if (fd >= 0)
                        close(fd);
                if (n <= 0)
                        continue;
                buf[n] = 0;
                /* "pid (comm) S ppid pgrp ...": comm may hold spaces */
                p = strrchr(buf, ')');
                char st = 0;
                long ppid = 0, pgrp = 0;
                if (p && sscanf(p + 1, " %c %ld %ld", &st, &ppid, &pgrp) == 3)
                        alive = pgrp == pgid && st != 'Z' && st != 'X';
        }
        if (d)
                closedir(d);
        return alive;
}

/* own_group: SIGKILL to whatever of the group still runs, and whether any
 * of it outlives that. */
static void stop_group(pid_t pid, struct exec_res *res)
{
        for (unsigned waited = 0; group_alive(pid) && waited <= 2 * EXEC_GRACE_MS; waited += 10) {
                kill(-pid, SIGKILL);
                usleep(10000);
        }
        res->group_left = group_alive(pid);
}

static void stop_child(pid_t pid, bool group, struct exec_res *res, int *status)
{
        pid_t target = group ? -pid : pid;

        kill(target, SIGTERM);
        /* a group's leader gets its grace to stop its workers without being
         * reaped, so that the group's number stays ours for the SIGKILL */
        if (group)
                ended_within(pid, EXEC_GRACE_MS);
        else if (reap_within(pid, EXEC_GRACE_MS, status))
                return;
        kill(target, SIGKILL);
        if (!reap_within(pid, EXEC_GRACE_MS, status))
                res->unreaped = true;
}

static void pump(pid_t pid, int fds[2], const struct exec_req *req,
                 struct exec_res *res, int *status)
{
        size_t cap = req->max_out ? req->max_out : (1u << 20);
        uint64_t start = now_usec(), last = start;

        while (fds[0] >= 0 || fds[1] >= 0) {
                struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
                uint64_t now = now_usec();
                size_t before = res->out.len + res->err.len + res->dropped;

                if (now - start >= (uint64_t)req->timeout_ms * 1000u)
                        res->timed_out = true;
                else if (req->idle_timeout_ms && now - last >= (uint64_t)req->idle_timeout_ms * 1000u)
                        res->idle_timed_out = true;
                if (res->timed_out || res->idle_timed_out) {
                        stop_child(pid, req->own_group, res, status);
                        return;
                }
                if (poll(p, 2, 10) < 0 && errno != EINTR)
                        break;
                if (fds[0] >= 0 && (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
                        drain(&fds[0], &res->out, cap, &res->dropped);
                if (fds[1] >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)))
                        drain(&fds[1], &res->err, cap, &res->dropped);
                if (res->out.len + res->err.len + res->dropped != before) {
                        last = now_usec();
                        if (req->on_output)
                                req->on_output(&res->out, req->on_output_arg);
                }
        }
        /* Output closed: the child is exiting; still bound the wait. */
        if (!reap_within(pid, req->timeout_ms, status))
                stop_child(pid, req->own_group, res, status);
}

int sys_exec(const struct sysroot *root, const struct exec_req *req,
             struct exec_res *ret)
{
        struct exec_res res = { .out = STRBUF_INIT, .err = STRBUF_INIT };
        int out[2], err[2], status = 0;
        uint64_t start = now_usec();
        char **env;
        pid_t pid;

        if (!sysroot_is_host(root) && !req->self && !req->root_program && !req->host_tool)
                return -EOPNOTSUPP;
        if (pipe2(out, O_CLOEXEC) < 0)
                return -errno;
        if (pipe2(err, O_CLOEXEC) < 0) {
                close(out[0]), close(out[1]);
                return -errno;
        }
        env = build_env(req->env_delta);
        pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(out[0]), close(out[1]), close(err[0]), close(err[1]);
                free(env);
                return r;
        }
        if (pid == 0)
                child_exec(req, env, out[1], err[1]);
        free(env);
        close(out[1]);
        close(err[1]);
        int fds[2] = { out[0], err[0] };
        pump(pid, fds, req, &res, &status);
        if (req->own_group)
                stop_group(pid, &res);
        for (int i = 0; i < 2; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
        if (WIFSIGNALED(status))
                res.exit_code = 128 + WTERMSIG(status);
        else
                res.exit_code = WEXITSTATUS(status);
        res.usec = now_usec() - start;
        *ret = res;
        return 0;
}

void exec_res_release(struct exec_res *res)
{
        strbuf_release(&res->out);
        strbuf_release(&res->err);
}
