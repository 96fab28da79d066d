/* cmd-doctor.c - "dlrig doctor": probe (or load) a snapshot, check it,
 * render the findings. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "probe/probe.h"
#include "render/render.h"
#include "snap/snap-json.h"
#include "util/cleanup.h"
#include "version.h"

#define SNAPSHOT_MAX_BYTES (64u << 20)

static const char doctor_help[] =
        "usage: dlrig doctor [--json] [--live] [--save FILE] [--from FILE]\n"
        "\n"
        "Inspects every layer from the PCI bus up (GPUs, kernel modules, driver,\n"
        "CUDA, health) and prints each finding with its evidence and the fix.\n"
        "\n"
        "  --json        print the report as JSON (docs/json-schema.md)\n"
        "  --live        also start each Python environment's interpreter (with a\n"
        "                timeout) and ask torch what it sees\n"
        "  --save FILE   also write the snapshot (all facts gathered) to FILE\n"
        "  --from FILE   judge a saved snapshot instead of this machine\n"
        "\n"
        "Exit status: 0 no problem, 1 warnings, 2 failures, 3 could not judge.\n";

struct doctor_opts {
        const char *save;
        const char *from;
        bool live;
};

const struct option cmd_doctor_opts[] = {
        { "json", no_argument, NULL, 'j' }, { "save", required_argument, NULL, 's' },
        { "from", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
        { "live", no_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 },
};

static int parse_doctor(int argc, char **argv, struct ctx *ctx, struct doctor_opts *o)
{
        int c;

        while ((c = getopt_long(argc, argv, "h", cmd_doctor_opts, NULL)) != -1) {
                switch (c) {
                case 'j': ctx->json = true; break;
                case 's': o->save = optarg; break;
                case 'f': o->from = optarg; break;
                case 'l': o->live = true; break;
                case 'h': fputs(doctor_help, stdout); return EXIT_OK;
                default:
                        return cmd_usage_error("doctor", "unknown option '%s'", argv[optind - 1]);
                }
        }
        if (optind < argc)
                return cmd_usage_error("doctor", "unexpected argument '%s'", argv[optind]);
        if (o->save && o->from)
                return cmd_usage_error("doctor", "--save and --from cannot be combined");
        if (o->live && o->from)
                return cmd_usage_error("doctor", "--live and --from cannot be combined");
        return -1;
}

int cmd_load_snapshot(const char *path, struct snapshot *s)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        struct sysroot *host = NULL;
        json_error_t jerr;
        char *err = NULL;
        json_t *j;
        int r = sysroot_open("/", &host);

        if (r >= 0)
                r = sys_read_file(host, path, SNAPSHOT_MAX_BYTES, &buf);
        sysroot_free(host);
        if (r < 0) {
                cmd_error("cannot read snapshot '%s': %s", path, strerror(-r));
                return -1;
        }
        j = json_loadb(buf.buf, buf.len, 0, &jerr);
        if (!j) {
                cmd_error("'%s' is not valid JSON: line %d: %s", path, jerr.line, jerr.text);
                return -1;
        }
        /* A full doctor report holds the snapshot under "snapshot". */
        r = snap_from_json(json_object_get(j, "snapshot") ? json_object_get(j, "snapshot") : j,
                           s, &err);
        json_decref(j);
        if (r < 0) {
                cmd_error("'%s' is not a dlrig snapshot: %s", path, err);
                free(err);
                return -1;
        }
        return 0;
}

static int save_snapshot(const char *path, const struct snapshot *s)
{
        json_t *j = snap_to_json(s);
        char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        int r = text ? sys_write_file_atomic(path, text, strlen(text)) : -ENOMEM;

        free(text);
        json_decref(j);
        if (r < 0)
                cmd_error("cannot save snapshot to '%s': %s", path, strerror(-r));
        return r;
}

static void gather(struct ctx *ctx, const struct doctor_opts *o, struct snapshot *s)
{
        struct strv diag = STRV_INIT;
        struct probe_ctx pc = { .root = ctx->root, .self_exe = ctx->self_exe, .diag = &diag,
                                .live = o->live };

        drv_limits_default(&pc.limits);
        probe_all(&pc, s);
        for (size_t i = 0; i < diag.n; i++)
                cmd_error("%s", diag.v[i]);
        strv_release(&diag);
}

static int report(struct ctx *ctx, const struct snapshot *s, const struct findings *fs)
{
        if (ctx->json) {
                json_t *j = render_doctor_json(s, fs);
                render_json_dump(stdout, j);
                json_decref(j);
        } else {
                struct render_opts o = { .color = ctx->color };
                render_doctor_text(stdout, s, fs, &o);
        }
        return cmd_exit_for(findings_worst(fs));
}

int cmd_doctor(int argc, char **argv, struct ctx *ctx)
{
        struct doctor_opts o = { 0 };
        struct findings fs = FINDINGS_INIT;
        struct snapshot s;
        int r = parse_doctor(argc, argv, ctx, &o);

        if (r >= 0)
                return r;
        snap_init(&s);
        if (o.from) {
                if (cmd_load_snapshot(o.from, &s) < 0) {
                        snap_release(&s);
                        return EXIT_UNKNOWN;
                }
        } else {
                s.dlrig_version = strdup(DLRIG_VERSION);
                gather(ctx, &o, &s);
        }
        if (o.save && save_snapshot(o.save, &s) < 0) {
                snap_release(&s);
                return EXIT_UNKNOWN;
        }
        check_all(&s, &fs);
        r = report(ctx, &s, &fs);
        findings_release(&fs);
        snap_release(&s);
        return r;
}
