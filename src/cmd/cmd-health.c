/* cmd-health.c - "dlrig health": doctor on a short, hard budget for Slurm's
 * HealthCheckProgram and NHC. One short line per failing finding; with
 * --slurm the node is drained on a failure (reason "dlrig: <id> <text>")
 * and resumed once healthy, only when dlrig drained it. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check/check.h"
#include "probe/probe.h"
#include "sys/sys-exec.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "version.h"

#define HEALTH_DEFAULT_S 10
#define HEALTH_MAX_S 600
/* Slurm stores a node's reason as a plain string with no small limit that
 * we could find; dlrig keeps its own under 64 characters so that sinfo -R,
 * sinfo -o %E and the monitoring built on them show it whole. */
#define SLURM_REASON_MAX 63
#define SLURM_REASON_PREFIX "dlrig:"
#define LINE_MAX_CHARS 160

static const char health_help[] =
        "usage: dlrig health [--timeout S] [--slurm]\n"
        "\n"
        "The checks of dlrig doctor under a hard deadline, for Slurm's\n"
        "HealthCheckProgram, NHC and monitoring: a status line, then one short\n"
        "line per failing finding.\n"
        "\n"
        "  --timeout S   the whole run ends within S seconds (default 10); a\n"
        "                check that does not finish in time exits 3\n"
        "  --slurm       drain this node through scontrol on a failure, with the\n"
        "                reason \"dlrig: <finding> <text>\"; resume it when healthy\n"
        "                again, only when the reason is dlrig's own\n"
        "\n"
        "The node is SLURMD_NODENAME, else the short host name.\n"
        "Exit status: 0 no problem, 1 warnings, 2 failures, 3 could not judge\n"
        "(deadline passed, scontrol missing or not answering).\n";

struct health_opts {
        unsigned timeout_s;
        bool slurm;
};

const struct option cmd_health_opts[] = {
        { "timeout", required_argument, NULL, 't' }, { "slurm", no_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
};

static int parse_health(int argc, char **argv, struct ctx *ctx, struct health_opts *o)
{
        uint64_t v;
        int c;

        while ((c = getopt_long(argc, argv, "h", cmd_health_opts, NULL)) != -1) {
                switch (c) {
                case 't':
                        if (parse_u64(optarg, 10, &v) < 0 || v < 1 || v > HEALTH_MAX_S)
                                return cmd_usage_error("health", "--timeout must be whole seconds from 1 to %d, "
                                                       "not '%s'", HEALTH_MAX_S, optarg);
                        o->timeout_s = (unsigned)v;
                        break;
                case 's': o->slurm = true; break;
                case 'h': fputs(health_help, stdout); return EXIT_OK;
                default:
                        return cmd_usage_error("health", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cmd_usage_error("health", "unexpected argument '%s'", argv[optind]);
        return cmd_check_format("health", ctx, FMT_BIT(FMT_TEXT));
}

static uint64_t now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* The backstop of the deadline: whatever still runs when it passes (a
 * probe stuck in a read of a hung device) ends the run with no verdict. */
static char expired_msg[160];

static void on_deadline(int sig)
{
        (void)sig;
        ssize_t w = write(STDOUT_FILENO, expired_msg, strlen(expired_msg));
        (void)w;
        _exit(EXIT_UNKNOWN);
}

static void arm_deadline(unsigned ms)
{
        struct itimerval it = { .it_value = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 } };
        struct sigaction sa = { .sa_handler = on_deadline };

        fflush(stdout);
        sigemptyset(&sa.sa_mask);
        sigaction(SIGALRM, &sa, NULL);
        setitimer(ITIMER_REAL, &it, NULL);
}

static void disarm_deadline(void)
{
        struct itimerval it = { 0 };

        setitimer(ITIMER_REAL, &it, NULL);
        signal(SIGALRM, SIG_DFL);
}

static void gather(struct ctx *ctx, unsigned check_ms, struct snapshot *s)
{
        cmd_probe_machine(ctx, s, &(struct cmd_probe_opts){ .budget_ms = check_ms, .say_diag = true });
}

/* Printable ASCII without quotes, at most max characters. */
static void put_clean(struct strbuf *sb, const char *text, size_t max)
{
        for (const char *p = text; *p && sb->len < max; p++)
                strbuf_addf(sb, "%c", (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\'') ? *p : ' ');
        while (sb->len && sb->buf[sb->len - 1] == ' ')
                sb->buf[--sb->len] = '\0';
}

static void print_verdict(const struct findings *fs)
{
        size_t nfail = 0, nwarn = 0;

        for (size_t i = 0; i < fs->n; i++) {
                nfail += fs->v[i].cat->sev == SEV_FAIL;
                nwarn += fs->v[i].cat->sev == SEV_WARN;
        }
        if (nfail)
                printf("dlrig health: FAIL - %zu failure%s, %zu warning%s\n", nfail, nfail == 1 ? "" : "s",
                       nwarn, nwarn == 1 ? "" : "s");
        else if (nwarn)
                printf("dlrig health: WARN - %zu warning%s\n", nwarn, nwarn == 1 ? "" : "s");
        else
                printf("dlrig health: OK\n");
        for (size_t i = 0; i < fs->n; i++) {
                struct strbuf line = STRBUF_INIT;

                if (fs->v[i].cat->sev != SEV_FAIL)
                        continue;
                strbuf_addf(&line, "FAIL %s: ", fs->v[i].cat->id);
                put_clean(&line, fs->v[i].summary, LINE_MAX_CHARS);
                printf("%s\n", line.buf);
                strbuf_release(&line);
        }
}

/* ---- Slurm ---- */

struct slurm {
        char node[256];
        uint64_t deadline; /* now_ms() value */
        unsigned timeout_s;
};

/* Runs scontrol ARGS; on success leaves its stdout in out and returns 0,
 * else prints why and returns -1. */
static int scontrol(const struct ctx *ctx, const struct slurm *sl, const char *const *argv, struct strbuf *out)
{
        uint64_t now = now_ms();
        struct exec_req req = { .argv = argv, .host_tool = true, .max_out = 64u << 10 };
        struct exec_res res;
        int r;

        if (now >= sl->deadline) {
                cmd_error("health: no time left within --timeout %u for scontrol %s", sl->timeout_s, argv[1]);
                return -1;
        }
        req.timeout_ms = (unsigned)(sl->deadline - now);
        r = sys_exec(ctx->root, &req, &res);
        if (r < 0) {
                cmd_error("health: cannot run scontrol: %s", strerror(-r));
                return -1;
        }
        r = -1;
        if (res.timed_out)
                cmd_error("health: scontrol %s did not answer within %u ms (is slurmctld up and reachable?); "
                          "the node was not changed", argv[1], req.timeout_ms);
        else if (res.exit_code == 127)
                cmd_error("health: scontrol not found on PATH: --slurm needs Slurm's client tools on this node");
        else if (res.exit_code != 0)
                cmd_error("health: scontrol %s failed (exit %d): %.*s", argv[1], res.exit_code,
                          (int)strcspn(res.err.buf ? res.err.buf : "", "\n"), res.err.buf ? res.err.buf : "");
        else {
                strbuf_add(out, res.out.buf ? res.out.buf : "", res.out.len);
                r = 0;
        }
        exec_res_release(&res);
        return r;
}

/* From "scontrol show node": State= (a token) and Reason= (the rest of its
 * line: reasons hold spaces, and Slurm appends " [user@time]"). */
static void parse_node(const char *text, char **state, char **reason)
{
        const char *p;

        *state = *reason = NULL;
        for (p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
                const char *q = p + strspn(p, " \t");
                size_t len = strcspn(q, "\n");

                if (!strncmp(q, "Reason=", 7))
                        *reason = strndup(q + 7, len - 7);
                for (const char *t = q; t < q + len; t += strcspn(t, " \n"), t += strspn(t, " "))
                        if (!strncmp(t, "State=", 6) && !*state)
                                *state = strndup(t + 6, strcspn(t + 6, " \n"));
        }
}

static bool starts_with(const char *s, const char *prefix)
{
        return s && !strncmp(s, prefix, strlen(prefix));
}

static void build_reason(const struct findings *fs, struct strbuf *reason)
{
        for (size_t i = 0; i < fs->n; i++)
                if (fs->v[i].cat->sev == SEV_FAIL) {
                        strbuf_addf(reason, SLURM_REASON_PREFIX " %s ", fs->v[i].cat->id);
                        put_clean(reason, fs->v[i].summary, SLURM_REASON_MAX);
                        return;
                }
}

static int node_name(struct slurm *sl)
{
        const char *env = getenv("SLURMD_NODENAME");

        if (env && *env) {
                snprintf(sl->node, sizeof(sl->node), "%s", env);
                return 0;
        }
        if (gethostname(sl->node, sizeof(sl->node) - 1) < 0) {
                cmd_error("health: cannot read the host name: %s", strerror(errno));
                return -1;
        }
        sl->node[sizeof(sl->node) - 1] = '\0';
        sl->node[strcspn(sl->node, ".")] = '\0';
        return 0;
}

static int slurm_sync(const struct ctx *ctx, struct slurm *sl, const struct findings *fs, bool failing)
{
        struct strbuf out = STRBUF_INIT, arg = STRBUF_INIT, reason = STRBUF_INIT;
        char *state = NULL, *cur = NULL;
        int r = -1;

        if (node_name(sl) < 0)
                return -1;
        strbuf_addf(&arg, "nodename=%s", sl->node);
        if (scontrol(ctx, sl, (const char *const[]){ "scontrol", "show", "node", sl->node, NULL }, &out) < 0)
                goto out;
        parse_node(out.buf ? out.buf : "", &state, &cur);
        if (!state) {
                cmd_error("health: scontrol show node %s printed no State=", sl->node);
                goto out;
        }
        bool drained = strstr(state, "DRAIN") != NULL, ours = starts_with(cur, SLURM_REASON_PREFIX);
        r = 0;
        if (failing) {
                build_reason(fs, &reason);
                if (drained && !ours) {
                        printf("slurm: node %s is already drained by someone else (Reason=%s): left alone\n",
                               sl->node, cur ? cur : "");
                } else if (drained && starts_with(cur, reason.buf)) {
                        printf("slurm: node %s stays drained: %s\n", sl->node, reason.buf);
                } else {
                        struct strbuf rarg = STRBUF_INIT;
                        strbuf_addf(&rarg, "reason=%s", reason.buf);
                        r = scontrol(ctx, sl, (const char *const[]){ "scontrol", "update", arg.buf, "state=drain",
                                                                    rarg.buf, NULL }, &out);
                        if (r == 0)
                                printf("slurm: drained node %s: %s\n", sl->node, reason.buf);
                        strbuf_release(&rarg);
                }
        } else if (drained && ours) {
                r = scontrol(ctx, sl, (const char *const[]){ "scontrol", "update", arg.buf, "state=resume", NULL },
                             &out);
                if (r == 0)
                        printf("slurm: resumed node %s (was drained: %s)\n", sl->node, cur);
        } else if (drained) {
                printf("slurm: node %s is drained by someone else (Reason=%s): left drained\n", sl->node,
                       cur ? cur : "");
        }
out:
        free(state);
        free(cur);
        strbuf_release(&out);
        strbuf_release(&arg);
        strbuf_release(&reason);
        return r;
}

int cmd_health(int argc, char **argv, struct ctx *ctx)
{
        struct health_opts o = { .timeout_s = HEALTH_DEFAULT_S };
        struct findings fs = FINDINGS_INIT;
        struct snapshot s;
        uint64_t start = now_ms();
        unsigned budget, reserve, check_ms;
        int r = parse_health(argc, argv, ctx, &o);

        if (r >= 0)
                return r;
        budget = o.timeout_s * 1000u;
        /* --slurm keeps a third of the budget (at most 3 s) for scontrol. */
        reserve = o.slurm ? (budget / 3 < 3000 ? budget / 3 : 3000) : 0;
        check_ms = budget - reserve;
        snprintf(expired_msg, sizeof(expired_msg),
                 "dlrig health: UNKNOWN - the checks did not finish within %u ms (--timeout %u)%s\n", check_ms,
                 o.timeout_s, o.slurm ? "; the node was not changed" : "");
        arm_deadline(check_ms);
        snap_init(&s);
        s.dlrig_version = strdup(DLRIG_VERSION);
        gather(ctx, check_ms, &s);
        check_all(&s, &fs);
        disarm_deadline();
        print_verdict(&fs);
        r = cmd_exit_for(findings_worst(&fs));
        if (o.slurm) {
                struct slurm sl = { .deadline = start + budget, .timeout_s = o.timeout_s };
                fflush(stdout);
                if (slurm_sync(ctx, &sl, &fs, r == EXIT_FAIL) < 0)
                        r = EXIT_UNKNOWN;
        }
        findings_release(&fs);
        snap_release(&s);
        return r;
}
