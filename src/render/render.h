/* render.h - turning findings and snapshots into reports. Only render/ and
 * cmd/ write to the user. */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "check/finding.h"
#include "snap/snap.h"

struct render_opts {
        bool color;
};

/* The human report: machine summary, GPU table, findings worst first. */
void render_doctor_text(FILE *out, const struct snapshot *s, const struct findings *fs,
                        const struct render_opts *o);
/* Findings worst first with evidence and fixes, then the tally; for any
 * command's report (doctor, bench). */
void render_findings_text(FILE *out, const struct findings *fs, const struct render_opts *o);
/* The JSON report (new reference): schema_version, status, findings, snapshot. */
json_t *render_doctor_json(const struct snapshot *s, const struct findings *fs);
json_t *render_findings_json(const struct findings *fs);
/* Writes j to out, pretty and key-ordered, with a final newline. */
int render_json_dump(FILE *out, json_t *j);

/* prove's report (render-prove.c): where it ran, torch, each GPU and each
 * rank's steps, then the findings; the JSON holds the prove section. */
void render_prove_text(FILE *out, const struct snap_prove *p, const struct findings *fs,
                       const struct render_opts *o);
json_t *render_prove_json(const struct snap_prove *p, const struct findings *fs);

/* bench's report (render-bench.c): the figures of the snapshot's bench
 * section beside what the knowledge base expects, then the findings. */
void render_bench_text(FILE *out, const struct snap_bench *b, const struct findings *fs,
                       const struct render_opts *o);
/* New reference: the figures, plan, findings, status, schema_version. */
json_t *render_bench_json(const struct snap_bench *b, const struct findings *fs);
/* Writes it to out with figures as rounded; -EIO when the write fails. */
int render_bench_json_dump(FILE *out, json_t *j);

/* dlrig topo's forms of the topology model (render-topo.c): nvidia-smi
 * topo -m's matrix with P2P and NVLink, the JSON answer (with
 * schema_version), and Graphviz DOT. */
struct topo_model;
void render_topo_text(FILE *out, const struct topo_model *m);
json_t *render_topo_json(const struct topo_model *m);
void render_topo_dot(FILE *out, const struct topo_model *m);

/* dlrig fit's answer (render-fit.c): text with a bar per GPU, or JSON with
 * every number of the text in bytes (and schema_version). */
struct fit_model;
struct fit_job;
struct fit_gpu_name;
struct fit_advice;
void render_fit_text(FILE *out, const struct fit_model *m, const struct fit_job *j,
                     const struct fit_gpu_name *names, const struct fit_advice *adv);
json_t *render_fit_json(const struct fit_model *m, const struct fit_job *j,
                        const struct fit_gpu_name *names, const struct fit_advice *adv);

/* bench's figures alone (render-bench.c), for the Markdown report's block. */
void render_bench_figures_text(FILE *out, const struct snap_bench *b);

/* Markdown (GitHub-flavoured) to paste into an issue (render-md.c,
 * render-md-report.c, docs/findings.md "Markdown"): a summary table, then
 * the findings worst first, each folded in <details> with its evidence and
 * its fix in a sh block. Facts are escaped: render_md_text for Markdown
 * (| ` * _ [ ] \ ~ # ! backslashed, < > & as entities, line breaks as
 * spaces), render_md_html inside raw HTML such as <summary> (entities
 * only); render_md_code fences a block with a fence longer than any run of
 * backticks inside. */
void render_md_text(FILE *out, const char *s);
void render_md_html(FILE *out, const char *s);
void render_md_code(FILE *out, const char *lang, const char *body);
void render_md_code_strv(FILE *out, const char *lang, const struct strv *lines);
/* "| key | value |" with value escaped (key is written as is). */
void render_md_row(FILE *out, const char *key, const char *value);
void render_md_tally(const struct findings *fs, size_t count[SEV_MAX]);
void render_md_findings_row(FILE *out, const struct findings *fs);
void render_md_heading(FILE *out, const char *what, const struct findings *fs);
void render_findings_md(FILE *out, const struct findings *fs);
void render_doctor_md(FILE *out, const struct snapshot *s, const struct findings *fs);
void render_bench_md(FILE *out, const struct snap_bench *b, const struct findings *fs);
void render_topo_md(FILE *out, const struct topo_model *m);
void render_fit_md(FILE *out, const struct fit_model *m, const struct fit_job *j,
                   const struct fit_gpu_name *names, const struct fit_advice *adv);
struct fleet;
/* dlrig fleet: the nodes table with drift marked, the legend, the shared
 * faults (docs/fleet.md); its JSON. */
void render_fleet_text(FILE *out, const struct fleet *f);
void render_fleet_md(FILE *out, const struct fleet *f);
json_t *render_fleet_json(const struct fleet *f);
struct plan;
void render_plan_md(FILE *out, const struct plan *p);

/* Prometheus metrics (render-prom.c, docs/fleet.md "Prometheus"): the text
 * exposition format node_exporter's textfile collector reads; now is the
 * time of the check, status doctor's exit status. render_prom_label
 * writes a label value escaped (backslash, double quote, line feed). */
void render_doctor_prom(FILE *out, const struct snapshot *s, const struct findings *fs, int64_t now,
                        int status);
void render_prom_label(FILE *out, const char *s);
/* doctor --bench FILE: a saved bench's figures, its findings fs and bench's
 * exit status for them, after doctor's metrics. A GPU is labelled with its
 * NVML index, found by bus id among the GPUs of doctor's snapshot s, else
 * "cuda<N>" (bench's CUDA ordinal); saved: when the bench was saved. */
void render_bench_prom(FILE *out, const struct snapshot *s, const struct snap_bench *b, const struct findings *fs,
                       int64_t saved, int status);

/* The Python environment python finds first, else the first with torch;
 * NULL when none has torch (render-md.c). */
const struct snap_pyenv *render_torch_env(const struct snapshot *s);

/* Formatting helpers shared by renderers. */
const char *render_fact_str(const struct fact_str *f, const char *unknown);
/* "23028 MiB"; buf must hold 32 bytes. */
const char *render_bytes(int64_t bytes, char *buf);
