/* cmd-fleet.c - "dlrig fleet REPORTS...": many nodes' reports (dlrig --json
 * doctor, doctor --save) side by side, drift against the majority marked,
 * nodes sharing a fault grouped (docs/fleet.md). */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "check/check.h"
#include "fleet/fleet.h"
#include "render/render.h"
#include "snap/snap-json.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#define REPORT_MAX_BYTES (64u << 20)

static const char fleet_help[] =
        "usage: dlrig fleet [--json | --format FMT] REPORT|FOLDER...\n"
        "\n"
        "Compares many nodes: each REPORT is the output of 'dlrig --json doctor' or a\n"
        "'dlrig doctor --save' file; a FOLDER stands for its *.json files. One row\n"
        "per node (host, status, driver, CUDA, nvcc, torch, NCCL, GPU count and\n"
        "model, failing and warning findings), a '*' on a value that differs from\n"
        "the majority of the nodes, then the nodes that share each fault.\n"
        "\n"
        "  --json        print it as JSON (docs/fleet.md)\n"
        "  --format FMT  text, json or markdown\n"
        "\n"
        "A file that cannot be read, is not JSON, is truncated, is not a dlrig\n"
        "report or comes from a newer schema is named on stderr and skipped. Two\n"
        "reports of one host: the newer file is kept, and stderr says so.\n"
        "\n"
        "Exit status: the worst node's (0 ok, 1 warnings, 2 failures), at least 1\n"
        "when a file was skipped; 3 when no report could be read.\n";

const struct option cmd_fleet_opts[] = {
        { "json", no_argument, NULL, 'j' }, { "format", required_argument, NULL, 'F' },
        { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
};

static int parse_fleet(int argc, char **argv, struct ctx *ctx)
{
        int c;

        while ((c = getopt_long(argc, argv, "h", cmd_fleet_opts, NULL)) != -1) {
                switch (c) {
                case 'j': ctx->format = FMT_JSON; break;
                case 'F':
                        if ((c = cmd_set_format("fleet", optarg, ctx)) >= 0)
                                return c;
                        break;
                case 'h': fputs(fleet_help, stdout); return EXIT_OK;
                default: return cmd_usage_error("fleet", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind >= argc)
                return cmd_usage_error("fleet", "no report given");
        return -1;
}

/* The snapshot a parsed file holds, or NULL with *why set. */
static json_t *snapshot_of(json_t *j, const char **why, char **owned)
{
        json_t *ver = json_object_get(j, "schema_version"), *s;
        json_int_t v;

        if (!json_is_object(j)) {
                *why = "not a dlrig report: not a JSON object";
                return NULL;
        }
        if (!json_is_integer(ver)) {
                *why = "not a dlrig report or snapshot: no schema_version";
                return NULL;
        }
        v = json_integer_value(ver);
        if (v != DLRIG_SCHEMA_VERSION) {
                *owned = xasprintf("schema_version %lld is %s than this dlrig's %d%s", (long long)v,
                                   v > DLRIG_SCHEMA_VERSION ? "newer" : "older", DLRIG_SCHEMA_VERSION,
                                   v > DLRIG_SCHEMA_VERSION ? ": update dlrig to read it" : "");
                return NULL;
        }
        s = json_object_get(j, "snapshot");
        if (!s && json_object_get(j, "findings")) {
                *why = "a doctor report without its snapshot";
                return NULL;
        }
        s = s ? s : j;
        if (!json_is_object(json_object_get(s, "os"))) {
                *why = "a dlrig file without the os section (not doctor's: bench --save?)";
                return NULL;
        }
        return s;
}

/* The findings the report holds; a --save file is judged here. */
static void add_findings(struct fleet_node *n, json_t *j, const struct snapshot *s)
{
        json_t *list = json_object_get(j, "findings"), *f;
        size_t i;

        if (json_is_array(list)) {
                json_array_foreach(list, i, f) {
                        const char *id = json_string_value(json_object_get(f, "id"));
                        const char *sev = json_string_value(json_object_get(f, "severity"));

                        if (id && sev)
                                fleet_add_finding(n, id, severity_from_name(sev));
                }
                return;
        }
        struct findings fs = FINDINGS_INIT;

        check_all(s, &fs);
        findings_sort(&fs);
        for (i = 0; i < fs.n; i++)
                fleet_add_finding(n, fs.v[i].cat->id, fs.v[i].cat->sev);
        findings_release(&fs);
}

static void read_report(struct fleet *f, const struct sysroot *host, const char *path,
                        const struct stat *st)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        const char *why = NULL;
        char *owned = NULL, *err = NULL;
        json_error_t jerr;
        struct snapshot s;
        json_t *j, *sj;
        int r = sys_read_file(host, path, REPORT_MAX_BYTES, &buf);

        if (r < 0) {
                owned = xasprintf("cannot read it: %s", strerror(-r));
                goto skip;
        }
        if (!buf.len) {
                why = "empty file";
                goto skip;
        }
        j = json_loadb(buf.buf, buf.len, 0, &jerr);
        if (!j) {
                owned = xasprintf("%s: line %d: %s",
                                  jerr.position >= (int)buf.len ? "truncated JSON" : "not JSON",
                                  jerr.line, jerr.text);
                goto skip;
        }
        sj = snapshot_of(j, &why, &owned);
        if (sj) {
                snap_init(&s);
                if (snap_from_json(sj, &s, &err) < 0) {
                        owned = xasprintf("not a dlrig snapshot: %s", err);
                        free(err);
                } else {
                        int64_t mtime = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
                        struct fleet_node *n = fleet_add(f, path, mtime, &s);

                        if (n)
                                add_findings(n, j, &s);
                }
                snap_release(&s);
        }
        json_decref(j);
        if (!why && !owned)
                return;
skip:
        fleet_skip(f, path, owned ? owned : why);
        free(owned);
}

static bool is_json_name(const char *name)
{
        size_t len = strlen(name);

        return name[0] != '.' && len > 5 && !strcmp(name + len - 5, ".json");
}

static void read_arg(struct fleet *f, const struct sysroot *host, const char *arg)
{
        struct strv names = STRV_INIT;
        struct stat st;
        size_t taken = 0;
        int r = sys_stat(host, arg, &st);

        if (r < 0) {
                _cleanup_free_ char *why = xasprintf("cannot read it: %s", strerror(-r));

                fleet_skip(f, arg, why);
                return;
        }
        if (!S_ISDIR(st.st_mode)) {
                read_report(f, host, arg, &st);
                return;
        }
        r = sys_list_dir(host, arg, &names);
        for (size_t i = 0; r >= 0 && i < names.n; i++) {
                _cleanup_free_ char *path = NULL;
                struct stat est;

                if (!is_json_name(names.v[i]))
                        continue;
                path = xasprintf("%s%s%s", arg, arg[strlen(arg) - 1] == '/' ? "" : "/", names.v[i]);
                if (sys_stat(host, path, &est) < 0 || !S_ISREG(est.st_mode))
                        continue;
                read_report(f, host, path, &est);
                taken++;
        }
        if (r < 0) {
                _cleanup_free_ char *why = xasprintf("cannot list the folder: %s", strerror(-r));

                fleet_skip(f, arg, why);
        } else if (!taken) {
                fleet_skip(f, arg, "a folder with no *.json report in it");
        }
        strv_release(&names);
}

int cmd_fleet(int argc, char **argv, struct ctx *ctx)
{
        struct sysroot *host = NULL;
        struct fleet f;
        enum severity worst;
        int r = parse_fleet(argc, argv, ctx), code;

        if (r >= 0)
                return r;
        r = sysroot_open("/", &host);
        if (r < 0) {
                cmd_error("cannot open /: %s", strerror(-r));
                return EXIT_UNKNOWN;
        }
        fleet_init(&f);
        for (int i = optind; i < argc; i++)
                read_arg(&f, host, argv[i]);
        sysroot_free(host);
        fleet_finish(&f);
        for (size_t i = 0; i < f.skipped.n; i++)
                cmd_error("skipped %s", f.skipped.v[i]);
        for (size_t i = 0; i < f.notes.n; i++)
                cmd_error("%s", f.notes.v[i]);
        worst = fleet_worst(&f);
        if (worst == SEV_INVALID) {
                cmd_error("no readable report among the %d argument%s", argc - optind,
                          argc - optind == 1 ? "" : "s");
                fleet_release(&f);
                return EXIT_UNKNOWN;
        }
        if (ctx->format == FMT_JSON) {
                json_t *j = render_fleet_json(&f);

                render_json_dump(stdout, j);
                json_decref(j);
        } else if (ctx->format == FMT_MARKDOWN) {
                render_fleet_md(stdout, &f);
        } else {
                render_fleet_text(stdout, &f);
        }
        code = cmd_exit_for(worst);
        if (f.skipped.n && code < EXIT_WARN)
                code = EXIT_WARN;
        fleet_release(&f);
        return code;
}
