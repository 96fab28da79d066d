/* cmd-doctor.c - "dlrig doctor": probe (or load) a snapshot, check it,
 * render the findings. */
#include "cmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "check/check-bench.h"
#include "check/check.h"
#include "probe/import.h"
#include "probe/probe.h"
#include "render/render.h"
#include "snap/snap-json.h"
#include "util/cleanup.h"
#include "version.h"

#define SNAPSHOT_MAX_BYTES (64u << 20)

static const char doctor_help[] =
        "usage: dlrig doctor [--json | --format FMT] [--output FILE] [--live] [--save FILE] [--from FILE]\n"
        "                    [--bench FILE]\n"
        "\n"
        "Inspects every layer from the PCI bus up (GPUs, kernel modules, driver,\n"
        "CUDA, health) and prints each finding with its evidence and the fix.\n"
        "\n"
        "  --json        print the report as JSON (docs/json-schema.md)\n"
        "  --format FMT  text, json, markdown (a table and folded findings to\n"
        "                paste into a GitHub issue) or prometheus (metrics for\n"
        "                node_exporter's textfile collector)\n"
        "  --output FILE write the report to FILE, replaced atomically, instead\n"
        "                of standard output\n"
        "  --live        also start each Python environment's interpreter (with a\n"
        "                timeout) and ask torch what it sees\n"
        "  --save FILE   also write the snapshot (all facts gathered) to FILE\n"
        "  --from FILE   judge a saved snapshot instead of this machine, or a\n"
        "                report: PyTorch's collect_env output or nvidia-smi -q -x\n"
        "  --bench FILE  with --format prometheus: also the figures and verdict of\n"
        "                a saved bench (dlrig bench --save FILE)\n"
        "  --health      the same as dlrig health: the checks on a hard deadline,\n"
        "                with its options (--timeout S, --slurm) instead of these\n"
        "\n"
        "Exit status: 0 no problem, 1 warnings, 2 failures, 3 could not judge.\n";

struct doctor_opts {
        const char *output;
        const char *save;
        const char *from;
        const char *bench;
        bool live;
};

/* doctor --bench FILE: the saved bench, judged as dlrig bench --from would. */
struct bench_in {
        struct snapshot s;
        struct findings fs;
        int64_t saved; /* the file's modification time */
        int status;    /* bench's exit status */
};

const struct option cmd_doctor_opts[] = {
        { "json", no_argument, NULL, 'j' }, { "save", required_argument, NULL, 's' },
        { "from", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' },
        { "live", no_argument, NULL, 'l' }, { "format", required_argument, NULL, 'F' },
        { "output", required_argument, NULL, 'o' }, { "health", no_argument, NULL, 'H' },
        { "bench", required_argument, NULL, 'b' }, { NULL, 0, NULL, 0 },
};

static int parse_doctor(int argc, char **argv, struct ctx *ctx, struct doctor_opts *o)
{
        int c;

        while ((c = getopt_long(argc, argv, "h", cmd_doctor_opts, NULL)) != -1) {
                switch (c) {
                case 'j': ctx->format = FMT_JSON; break;
                case 'F':
                        if ((c = cmd_set_format("doctor", optarg, ctx)) >= 0)
                                return c;
                        break;
                case 's': o->save = optarg; break;
                case 'o': o->output = optarg; break;
                case 'f': o->from = optarg; break;
                case 'l': o->live = true; break;
                case 'b': o->bench = optarg; break;
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
        if (o->bench && ctx->format != FMT_PROMETHEUS)
                return cmd_usage_error("doctor", "--bench adds a bench's figures to --format prometheus only; "
                                                 "'dlrig bench --from FILE' prints a saved bench");
        return -1;
}

static int read_input(const char *path, struct strbuf *buf)
{
        struct sysroot *host = NULL;
        int r = sysroot_open("/", &host);

        if (r >= 0)
                r = sys_read_file(host, path, SNAPSHOT_MAX_BYTES, buf);
        sysroot_free(host);
        if (r < 0)
                cmd_error("cannot read snapshot '%s': %s", path, strerror(-r));
        return r;
}

static int load_snapshot_json(const char *path, const struct strbuf *buf, struct snapshot *s)
{
        json_error_t jerr;
        char *err = NULL;
        json_t *j;
        int r;

        j = json_loadb(buf->buf, buf->len, 0, &jerr);
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

int cmd_load_snapshot(const char *path, struct snapshot *s)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;

        if (read_input(path, &buf) < 0)
                return -1;
        return load_snapshot_json(path, &buf, s);
}

/* doctor --from: a snapshot, or a report other tools print (probe/import.h),
 * which becomes a partial snapshot. */
static int load_any(const char *path, struct snapshot *s, enum import_kind *kind)
{
        _cleanup_(strbuf_releasep) struct strbuf buf = STRBUF_INIT;
        char *err = NULL;
        int r;

        if (read_input(path, &buf) < 0)
                return -1;
        *kind = import_detect(buf.buf, buf.len);
        switch (*kind) {
        case IMPORT_COLLECT_ENV: r = import_collect_env(buf.buf, buf.len, s, &err); break;
        case IMPORT_NVSMI: r = import_nvsmi(buf.buf, buf.len, s, &err); break;
        default: return load_snapshot_json(path, &buf, s);
        }
        if (r < 0) {
                cmd_error("'%s' is not %s: %s", path, import_kind_name(*kind), err ? err : strerror(-r));
                free(err);
                return -1;
        }
        return 0;
}

/* The report said only what it holds: say so first, with what it lacks. */
static void note_report(struct findings *fs, const char *path, enum import_kind kind)
{
        struct finding *f;

        if (kind != IMPORT_COLLECT_ENV && kind != IMPORT_NVSMI)
                return;
        f = finding_add(fs, "report.partial", "judged from %s (%s): only the facts it holds", import_kind_name(kind),
                        path);
        if (kind == IMPORT_COLLECT_ENV)
                finding_evidence(f, "read: torch and its CUDA build, torchvision/torchaudio and nvidia-* wheels, "
                                    "Python, the OS, the driver version, the GPU models");
        else
                finding_evidence(f, "read: the driver and CUDA versions, and per GPU its name, bus id, memory, "
                                    "ECC, retired pages, remapped rows, temperature, power, clock events, PCIe link, "
                                    "persistence and MIG modes");
        finding_evidence(f, "not in the report: the PCI bus, kernel modules, kernel log (Xid), device nodes, "
                            "toolkits, shell and %s: the checks that need them stay silent",
                         kind == IMPORT_NVSMI ? "Python environments" : "GPU health");
        finding_fix(f, "# for the full diagnosis run on that machine: dlrig doctor --save snapshot.json");
        findings_sort(fs);
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
        cmd_probe_machine(ctx, s, &(struct cmd_probe_opts){ .live = o->live, .say_diag = true });
}

/* The time of the check; a fixed one for the goldens (DLRIG_DETERMINISTIC=1). */
static int64_t check_time(void)
{
        const char *det = getenv("DLRIG_DETERMINISTIC");

        return det && !strcmp(det, "1") ? 0 : (int64_t)time(NULL);
}

static void render(FILE *out, struct ctx *ctx, const struct snapshot *s, const struct findings *fs,
                   const struct bench_in *b)
{
        if (ctx->format == FMT_PROMETHEUS) {
                render_doctor_prom(out, s, fs, check_time(), cmd_exit_for(findings_worst(fs)));
                if (b)
                        render_bench_prom(out, s, &b->s.bench, &b->fs, b->saved, b->status);
        } else if (ctx->format == FMT_JSON) {
                json_t *j = render_doctor_json(s, fs);
                render_json_dump(out, j);
                json_decref(j);
        } else if (ctx->format == FMT_MARKDOWN) {
                render_doctor_md(out, s, fs);
        } else {
                struct render_opts o = { .color = ctx->color && out == stdout };
                render_doctor_text(out, s, fs, &o);
        }
}

/* --output FILE: the whole report, then one atomic replacement (temporary
 * file and rename in FILE's folder), so a reader such as node_exporter's
 * textfile collector never sees half of it. */
static int report(struct ctx *ctx, const char *output, const struct snapshot *s,
                  const struct findings *fs, const struct bench_in *b)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *mem;
        int r;

        if (!output) {
                render(stdout, ctx, s, fs, b);
                return cmd_exit_for(findings_worst(fs));
        }
        mem = open_memstream(&buf, &len);
        if (!mem) {
                cmd_error("cannot write '%s': %s", output, strerror(errno));
                return EXIT_UNKNOWN;
        }
        render(mem, ctx, s, fs, b);
        r = fclose(mem) ? -errno : sys_write_file_atomic(output, buf, len);
        free(buf);
        if (r < 0) {
                cmd_error("cannot write '%s': %s", output, strerror(-r));
                return EXIT_UNKNOWN;
        }
        return cmd_exit_for(findings_worst(fs));
}

/* Reads and judges the bench of doctor --bench FILE before any probing, so
 * a wrong file fails fast. 0, or -1 after saying why. */
static int load_bench(const char *path, struct bench_in *b)
{
        struct sysroot *host = NULL;
        struct stat st;

        if (cmd_load_snapshot(path, &b->s) < 0)
                return -1;
        if (b->s.bench.probe.st == FACT_UNSET) {
                cmd_error("'%s' holds no bench: save one with 'dlrig bench --save FILE' (a 'dlrig --json "
                          "bench' report has no figures to read back)", path);
                return -1;
        }
        check_bench(&b->s.bench, &b->fs);
        b->status = findings_has(&b->fs, "bench.not-run") ? EXIT_UNKNOWN : cmd_exit_for(findings_worst(&b->fs));
        if (sysroot_open("/", &host) >= 0 && sys_stat(host, path, &st) >= 0)
                b->saved = (int64_t)st.st_mtim.tv_sec;
        sysroot_free(host);
        if (check_time() == 0)
                b->saved = 0; /* the goldens' fixed time */
        return 0;
}

/* "doctor --health ARGS" is "health ARGS" (the name issue 15 and NHC
 * users know): dlrig health parses the remaining words itself. */
static int doctor_health(int argc, char **argv, struct ctx *ctx)
{
        char **hv = calloc((size_t)argc + 1, sizeof(*hv));
        bool seen = false;
        int hc = 0, r;

        if (!hv) {
                cmd_error("out of memory");
                return EXIT_UNKNOWN;
        }
        hv[hc++] = (char *)"health";
        for (int i = 1; i < argc; i++) {
                if (!seen && !strcmp(argv[i], "--health")) {
                        seen = true; /* the first one: wants_health() found it before any "--" */
                        continue;
                }
                hv[hc++] = argv[i];
        }
        r = cmd_health(hc, hv, ctx);
        free(hv);
        return r;
}

static bool wants_health(int argc, char **argv)
{
        for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
                if (!strcmp(argv[i], "--health"))
                        return true;
        return false;
}

int cmd_doctor(int argc, char **argv, struct ctx *ctx)
{
        struct doctor_opts o = { 0 };
        struct findings fs = FINDINGS_INIT;
        struct bench_in b = { .fs = FINDINGS_INIT };
        enum import_kind kind = IMPORT_SNAPSHOT;
        struct snapshot s;
        int r;

        if (wants_health(argc, argv))
                return doctor_health(argc, argv, ctx);
        r = parse_doctor(argc, argv, ctx, &o);
        if (r >= 0)
                return r;
        snap_init(&s);
        snap_init(&b.s);
        r = EXIT_UNKNOWN;
        if (o.bench && load_bench(o.bench, &b) < 0)
                goto out;
        if (o.from) {
                if (load_any(o.from, &s, &kind) < 0)
                        goto out;
        } else {
                s.dlrig_version = strdup(DLRIG_VERSION);
                gather(ctx, &o, &s);
        }
        if (o.save && save_snapshot(o.save, &s) < 0)
                goto out;
        check_all(&s, &fs);
        if (o.from)
                note_report(&fs, o.from, kind);
        r = report(ctx, o.output, &s, &fs, o.bench ? &b : NULL);
out:
        findings_release(&fs);
        findings_release(&b.fs);
        snap_release(&b.s);
        snap_release(&s);
        return r;
}
