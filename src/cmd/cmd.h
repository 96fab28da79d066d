/* cmd.h - the command table and what main() sets up for every command. */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "check/finding.h"
#include "sys/sys.h"

/* Exit codes: the monitoring-plugin convention health checks speak. */
enum exit_code {
        EXIT_OK = 0,      /* nothing worse than info */
        EXIT_WARN = 1,    /* warnings */
        EXIT_FAIL = 2,    /* failures found */
        EXIT_UNKNOWN = 3, /* could not judge: usage, internal error, output not written */
};

/* The exit code of a report whose worst finding is sev: info and ok give
 * EXIT_OK, warnings EXIT_WARN, failures EXIT_FAIL (main.c). */
enum exit_code cmd_exit_for(enum severity sev);

/* What a report is written as: --format text|json|markdown|prometheus (--json is
 * --format json), before COMMAND or among its options (cmd-format.c). */
enum cmd_format {
        FMT_TEXT,
        FMT_JSON,
        FMT_MARKDOWN, /* GitHub-flavoured, to paste into an issue */
        FMT_PROMETHEUS, /* node_exporter's textfile collector (doctor) */
        FMT_MAX,
};

struct ctx {
        struct sysroot *root;
        const char *root_path;
        const char *self_exe;
        enum cmd_format format;
        bool color;
};

struct cmd {
        const char *name;
        int (*run)(int argc, char **argv, struct ctx *ctx);
        const char *usage;   /* the arguments, for "usage: dlrig NAME ..." */
        const char *summary; /* one line, for dlrig --help */
        bool hidden;
        const struct option *opts; /* its getopt options, for completion */
        const char *refused;       /* of those, the ones it refuses: "dry-run yes" */
};

extern const struct cmd cmd_table[];

/* Each command's getopt_long options (NULL-terminated), which completion
 * offers; plan and setup share theirs. */
extern const struct option cmd_bench_opts[], cmd_doctor_opts[], cmd_env_opts[];
extern const struct option cmd_fit_opts[], cmd_plan_opts[], cmd_topo_opts[];
extern const struct option cmd_fleet_opts[], cmd_prove_opts[];
extern const struct option cmd_main_opts[], cmd_health_opts[];

int cmd_bench(int argc, char **argv, struct ctx *ctx);
int cmd_bench_worker(int argc, char **argv, struct ctx *ctx);
int cmd_doctor(int argc, char **argv, struct ctx *ctx);
int cmd_driver_worker(int argc, char **argv, struct ctx *ctx);
int cmd_health(int argc, char **argv, struct ctx *ctx);
int cmd_env(int argc, char **argv, struct ctx *ctx);
int cmd_kb(int argc, char **argv, struct ctx *ctx);
/* kb's i-th topic ("cuda", ...), NULL past the last. */
const char *cmd_kb_topic(size_t i);
int cmd_plan(int argc, char **argv, struct ctx *ctx);
int cmd_setup(int argc, char **argv, struct ctx *ctx);
int cmd_fit(int argc, char **argv, struct ctx *ctx);
int cmd_fleet(int argc, char **argv, struct ctx *ctx);
int cmd_prove(int argc, char **argv, struct ctx *ctx);
/* Hidden: "__complete WORDS..." prints the candidates for the last word of
 * a command line (the shells' completion scripts call it); "__findings"
 * prints the catalogue as scdoc for dlrig-doctor(1). */
int cmd_complete(int argc, char **argv, struct ctx *ctx);
int cmd_findings(int argc, char **argv, struct ctx *ctx);

struct snapshot;
/* How a command gathers the machine's snapshot (cmd-probe.c): live asks
 * each environment's torch; budget_ms (0: none) caps the driver's time;
 * say_diag prints what could not be probed. */
struct cmd_probe_opts {
        bool live, say_diag;
        unsigned budget_ms;
};
void cmd_probe_machine(struct ctx *ctx, struct snapshot *s, const struct cmd_probe_opts *o);
/* Reads a snapshot (or a doctor --json report holding one) from a file of
 * this machine; prints the reason and returns -1 when it cannot. */
int cmd_load_snapshot(const char *path, struct snapshot *s);
int cmd_topo(int argc, char **argv, struct ctx *ctx);

/* Sets ctx->format from a --format argument; returns -1 when it is one of
 * text, json, markdown or prometheus, else the usage error's exit code. cmd is the
 * command whose usage to print (NULL: the global options). */
int cmd_set_format(const char *cmd, const char *name, struct ctx *ctx);
/* Returns -1 when the command has a form for ctx->format (a bit per enum
 * cmd_format in forms), else the usage error's exit code. */
int cmd_check_format(const char *cmd, const struct ctx *ctx, unsigned forms);
#define FMT_BIT(f) (1u << (f))
/* The forms of every report but doctor's (doctor adds prometheus). */
#define FMT_REPORT_FORMS (FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON) | FMT_BIT(FMT_MARKDOWN))

/* Prints "dlrig: <msg>" and the command's usage line to stderr; returns
 * EXIT_UNKNOWN so callers can "return cmd_usage_error(...)". */
int cmd_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "dlrig: <msg>" to stderr. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
