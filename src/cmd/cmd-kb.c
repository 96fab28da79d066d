/* cmd-kb.c - "dlrig kb TOPIC [QUERY]": answers questions from the built-in
 * knowledge base (the src/kb TSV tables), as text or, with --json, as one JSON
 * value. Every answer names its source so a reader can check it. */
#include "cmd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/kb.h"

static const char kb_help[] =
        "usage: dlrig kb cuda|torch|gpu|arch|xid [QUERY]\n"
        "\n"
        "Answers from the built-in knowledge base:\n"
        "  cuda [X.Y]        minimum driver of a CUDA release (no X.Y: the table)\n"
        "  torch [VERSION]   Python range, companions and wheel variants of a torch release\n"
        "  gpu [NAME]        a GPU model's specifications (words of the name, any case;\n"
        "                    a name several models match lists them)\n"
        "  arch [CC|NAME]    an architecture by compute capability (8.6) or name (Ampere)\n"
        "  xid [CODE]        what an Xid error means and what to do\n";

/* Prints j (and frees it); text mode has printed already when j is NULL. */
static int kb_emit(json_t *j)
{
        if (j) {
                char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
                json_decref(j);
                if (!s)
                        return EXIT_UNKNOWN;
                puts(s);
                free(s);
        }
        return EXIT_OK;
}

static json_t *kb_jstr(const char *s)
{
        return s ? json_string(s) : json_null();
}

static const char *kb_or(const char *s, const char *none)
{
        return s && *s ? s : none;
}

static json_t *kb_cuda_json(const struct kb_cuda *c)
{
        return json_pack("{s:s, s:s, s:o, s:s}", "version", c->version, "min_driver", c->min_driver,
                         "minor_compat_driver", kb_jstr(c->minor_compat_driver), "source", c->source);
}

static int kb_cmd_cuda(const char *q, struct ctx *ctx)
{
        const struct kb_cuda *c;
        json_t *arr = ctx->format == FMT_JSON ? json_array() : NULL;

        if (q) {
                if (!(c = kb_cuda_find(q))) {
                        cmd_error("kb cuda: unknown CUDA version '%s' (known: %s to %s)", q,
                                  kb_cuda_at(0)->version, kb_cuda_at(kb_cuda_count() - 1)->version);
                        return EXIT_UNKNOWN;
                }
                if (ctx->format == FMT_JSON)
                        return json_decref(arr), kb_emit(kb_cuda_json(c));
                printf("CUDA %s\n  min driver:          %s\n  minor-compat driver: %s\n"
                       "  source:              %s\n", c->version, c->min_driver,
                       kb_or(c->minor_compat_driver, "none"), c->source);
                return EXIT_OK;
        }
        if (ctx->format != FMT_JSON)
                printf("%-8s %-12s %s\n", "CUDA", "MIN DRIVER", "MINOR-COMPAT");
        for (size_t i = 0; (c = kb_cuda_at(i)); i++) {
                if (arr)
                        json_array_append_new(arr, kb_cuda_json(c));
                else
                        printf("%-8s %-12s %s\n", c->version, c->min_driver,
                               kb_or(c->minor_compat_driver, "-"));
        }
        return kb_emit(arr);
}

static json_t *kb_torch_json(const struct kb_torch *t)
{
        json_t *vars = json_array();
        const struct kb_torch_variant *v;

        for (size_t i = 0; (v = kb_torch_variant_nth(t->version, i)); i++)
                json_array_append_new(vars, json_pack("{s:s, s:s, s:o, s:s}", "variant", v->variant,
                                                      "index_url", v->index_url, "archs",
                                                      kb_jstr(v->archs), "source", v->source));
        return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:s}", "version", t->version,
                         "python_min", t->python_min, "python_max", t->python_max, "torchvision",
                         t->torchvision, "torchaudio", t->torchaudio, "default_variant",
                         kb_jstr(t->default_variant), "variants", vars, "source", t->source);
}

static void kb_torch_text(const struct kb_torch *t)
{
        const struct kb_torch_variant *v;

        printf("torch %s\n  python:          %s to %s\n  torchvision:     %s\n"
               "  torchaudio:      %s\n  default variant: %s (PyPI)\n  variants:\n",
               t->version, t->python_min, t->python_max, t->torchvision, t->torchaudio,
               kb_or(t->default_variant, "none"));
        for (size_t i = 0; (v = kb_torch_variant_nth(t->version, i)); i++)
                printf("    %-6s %s\n           archs: %s\n", v->variant, v->index_url,
                       kb_or(v->archs, "-"));
        printf("  source:          %s\n", t->source);
}

static int kb_cmd_torch(const char *q, struct ctx *ctx)
{
        const struct kb_torch *t;
        json_t *arr = ctx->format == FMT_JSON ? json_array() : NULL;

        if (q) {
                json_decref(arr);
                if (!(t = kb_torch_find(q))) {
                        cmd_error("kb torch: unknown torch release '%s' (known: %s to %s)", q,
                                  kb_torch_at(0)->version, kb_torch_at(kb_torch_count() - 1)->version);
                        return EXIT_UNKNOWN;
                }
                if (ctx->format == FMT_JSON)
                        return kb_emit(kb_torch_json(t));
                kb_torch_text(t);
                return EXIT_OK;
        }
        if (ctx->format != FMT_JSON)
                printf("%-8s %-12s %-8s\n", "TORCH", "PYTHON", "DEFAULT");
        for (size_t i = 0; (t = kb_torch_at(i)); i++) {
                if (arr)
                        json_array_append_new(arr, kb_torch_json(t));
                else
                        printf("%-8s %s-%-8s %s\n", t->version, t->python_min, t->python_max,
                               kb_or(t->default_variant, "-"));
        }
        return kb_emit(arr);
}

static json_t *kb_gpu_json(const struct kb_gpu *g)
{
        return json_pack("{s:s, s:o, s:s, s:s, s:i, s:i, s:f, s:f, s:f, s:i, s:s}", "name", g->name,
                         "pci_ids", kb_jstr(g->pci_ids), "arch", g->arch, "cc", g->cc, "mem_gib",
                         g->mem_gib, "mem_bw_gbps", g->mem_bw_gbps, "bf16_tflops", g->bf16_tflops,
                         "fp32_tflops", g->fp32_tflops, "nvlink_gbps", g->nvlink_gbps, "pcie_gen",
                         g->pcie_gen, "source", g->source);
}

static void kb_gpu_text(const struct kb_gpu *g)
{
        printf("%s\n  pci ids:      %s (vendor 10de)\n  architecture: %s (cc %s)\n"
               "  memory:       %d GiB, %d GB/s\n  bf16 dense:   %g TFLOPS\n  fp32:         %g TFLOPS\n"
               "  nvlink:       %g GB/s\n  pcie gen:     %d\n  source:       %s\n",
               g->name, kb_or(g->pci_ids, "unknown"), g->arch, g->cc, g->mem_gib, g->mem_bw_gbps,
               g->bf16_tflops, g->fp32_tflops, g->nvlink_gbps, g->pcie_gen, g->source);
}

/* One model a line, names padded to width (the longest name listed). */
static void kb_gpu_line(const struct kb_gpu *g, int width)
{
        printf("%-*s %-12s cc %-5s %4d GiB\n", width, g->name, g->arch, g->cc, g->mem_gib);
}

/* The longest name of the models listed: the query's matches, or all. */
static int kb_gpu_width(const char *q)
{
        const struct kb_gpu *g;
        size_t w = 0;

        for (size_t i = 0; (g = q ? kb_gpu_match(q, i) : kb_gpu_at(i)); i++)
                w = strlen(g->name) > w ? strlen(g->name) : w;
        return (int)w;
}

/* A name that several models match ("H200"): the list of them, exit 0;
 * exit 3 when nothing matches. */
static int kb_gpu_list(const char *q, struct ctx *ctx)
{
        const struct kb_gpu *g;
        json_t *arr = ctx->format == FMT_JSON ? json_array() : NULL;
        size_t n = 0;

        while (kb_gpu_match(q, n))
                n++;
        if (!n) {
                json_decref(arr);
                cmd_error("kb gpu: no GPU model matches '%s' (try: dlrig kb gpu)", q);
                return EXIT_UNKNOWN;
        }
        if (!arr)
                printf("%zu GPU models match '%s' (dlrig kb gpu \"NAME\" for one):\n", n, q);
        for (size_t i = 0, w = (size_t)kb_gpu_width(q); (g = kb_gpu_match(q, i)); i++) {
                if (arr)
                        json_array_append_new(arr, kb_gpu_json(g));
                else
                        kb_gpu_line(g, (int)w);
        }
        return kb_emit(arr);
}

static int kb_cmd_gpu(const char *q, struct ctx *ctx)
{
        const struct kb_gpu *g;
        json_t *arr;

        if (q) {
                if (!(g = kb_gpu_find(q)))
                        return kb_gpu_list(q, ctx);
                if (ctx->format == FMT_JSON)
                        return kb_emit(kb_gpu_json(g));
                kb_gpu_text(g);
                return EXIT_OK;
        }
        arr = ctx->format == FMT_JSON ? json_array() : NULL;
        for (size_t i = 0, w = (size_t)kb_gpu_width(NULL); (g = kb_gpu_at(i)); i++) {
                if (arr)
                        json_array_append_new(arr, kb_gpu_json(g));
                else
                        kb_gpu_line(g, (int)w);
        }
        return kb_emit(arr);
}

static const char *const kb_open_names[] = {
        [KB_OPEN_UNAVAILABLE] = "unavailable", [KB_OPEN_ALLOWED] = "allowed",
        [KB_OPEN_REQUIRED] = "required",
};

static json_t *kb_arch_json(const struct kb_arch *a)
{
        return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s}", "name", a->name, "ccs", a->ccs,
                         "first_cuda", a->first_cuda, "last_cuda", kb_jstr(a->last_cuda),
                         "first_branch", kb_jstr(a->first_branch), "last_branch",
                         kb_jstr(a->last_branch), "open_modules", kb_open_names[a->open_modules],
                         "source", a->source);
}

static int kb_cmd_arch(const char *q, struct ctx *ctx)
{
        const struct kb_arch *a;
        json_t *arr = ctx->format == FMT_JSON ? json_array() : NULL;

        if (q) {
                json_decref(arr);
                if (!(a = kb_arch_find(q))) {
                        cmd_error("kb arch: unknown architecture or compute capability '%s' "
                                  "(try: dlrig kb arch)", q);
                        return EXIT_UNKNOWN;
                }
                if (ctx->format == FMT_JSON)
                        return kb_emit(kb_arch_json(a));
                printf("%s\n  compute capabilities: %s\n  CUDA:                 %s to %s\n"
                       "  driver branches:      %s to %s\n  open kernel modules:  %s\n"
                       "  source:               %s\n", a->name, a->ccs, a->first_cuda,
                       kb_or(a->last_cuda, "current"), kb_or(a->first_branch, "?"),
                       kb_or(a->last_branch, "current"), kb_open_names[a->open_modules], a->source);
                return EXIT_OK;
        }
        for (size_t i = 0; (a = kb_arch_at(i)); i++) {
                if (arr)
                        json_array_append_new(arr, kb_arch_json(a));
                else
                        printf("%-10s %s\n", a->name, a->ccs);
        }
        return kb_emit(arr);
}

static const char *const kb_xid_classes[] = {
        [KB_XID_APP] = "app", [KB_XID_WARNING] = "warning", [KB_XID_CRITICAL] = "critical",
};

static int kb_cmd_xid(const char *q, struct ctx *ctx)
{
        char *end;
        long code = q ? strtol(q, &end, 10) : -1;
        const struct kb_xid *x = q && *q && !*end && code >= 0 && code < 100000 ?
                                 kb_xid_find((int)code) : NULL;

        if (!q)
                return cmd_usage_error("kb", "kb xid needs a code, e.g. dlrig kb xid 79");
        if (!x) {
                cmd_error("kb xid: unknown Xid '%s'", q);
                return EXIT_UNKNOWN;
        }
        if (ctx->format == FMT_JSON)
                return kb_emit(json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "code", x->code, "name",
                                         x->name, "class", kb_xid_classes[x->cls], "meaning",
                                         x->meaning, "action", x->action, "source", x->source));
        printf("Xid %d (%s, %s)\n  meaning: %s\n  action:  %s\n  source:  %s\n", x->code, x->name,
               kb_xid_classes[x->cls], x->meaning, x->action, x->source);
        return EXIT_OK;
}

/* The nested command table (STYLE §2): one topic a row. */
static const struct {
        const char *name;
        int (*run)(const char *query, struct ctx *ctx);
} kb_topics[] = {
        { "cuda", kb_cmd_cuda }, { "torch", kb_cmd_torch }, { "gpu", kb_cmd_gpu },
        { "arch", kb_cmd_arch }, { "xid", kb_cmd_xid },
};

const char *cmd_kb_topic(size_t i)
{
        return i < sizeof(kb_topics) / sizeof(kb_topics[0]) ? kb_topics[i].name : NULL;
}

int cmd_kb(int argc, char **argv, struct ctx *ctx)
{
        if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
                fputs(kb_help, stdout);
                return EXIT_OK;
        }
        if (cmd_check_format("kb", ctx, FMT_BIT(FMT_TEXT) | FMT_BIT(FMT_JSON)) >= 0)
                return EXIT_UNKNOWN;
        if (argc < 2)
                return cmd_usage_error("kb", "kb needs a topic: cuda, torch, gpu, arch or xid");
        if (argc > 3)
                return cmd_usage_error("kb", "kb takes one query; quote names with spaces");
        for (size_t i = 0; i < sizeof(kb_topics) / sizeof(kb_topics[0]); i++)
                if (!strcmp(argv[1], kb_topics[i].name))
                        return kb_topics[i].run(argc == 3 ? argv[2] : NULL, ctx);
        return cmd_usage_error("kb", "unknown kb topic '%s' (cuda, torch, gpu, arch or xid)", argv[1]);
}
