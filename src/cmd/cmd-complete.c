/* cmd-complete.c - the hidden commands that keep the installed extras in
 * step with the binary: "__complete WORDS..." answers the shells'
 * completion scripts (completions/) from the command table, each command's
 * getopt options and the kb tables; "__findings" prints the findings
 * catalogue as scdoc for dlrig-doctor(1) (doc/man/meson.build). */
#include "cmd.h"

#include <stdio.h>
#include <string.h>

#include "kb/kb-model.h"
#include "kb/kb.h"

/* What an option's value may be: words, or "@file"/"@dir" (the shell
 * completes a path), "@cuda"/"@torch" (the kb's releases). Options not
 * listed take free text. The fit words are the ones cmd-fit.c accepts. */
static const struct {
        const char *opt, *values;
} value_hints[] = {
        { "root", "@dir" },
        { "save", "@file" },
        { "from", "@file" },
        { "bench", "@file" },
        { "color", "auto always never" },
        { "cuda", "@cuda" },
        { "torch", "@torch" },
        { "installer", "miniforge miniconda uv" },
        { "task", "infer lora qlora full" },
        { "engine", "exllamav2 transformers" },
        { "cache", "fp16 q8 q6 q4" },
        { "optimizer", "adamw adamw8bit cpu-offload" },
        { "lora-targets", "attn-mlp qv" },
        { "nf4", "torchao bitsandbytes" },
        { "weights", "bf16 gptq-int8 gptq-int4 awq bnb-int8 bnb-nf4 bnb-nf4-dq torchao-int4 torchao-int8 hqq-4bit" },
        { "packed", "flex sdpa" },
};

/* Options whose value differs by command: prove's --env is a path (an
 * environment's prefix or its python), plan's --env a new env's name. */
static const struct {
        const char *cmd, *opt, *values;
} cmd_value_hints[] = {
        { "prove", "env", "@file" },
};

struct comp {
        const char *cur;    /* the word being completed (after any "--opt=") */
        const char *prefix; /* "--opt=" written before each candidate, or "" */
};

static void offer(const struct comp *c, const char *word, size_t len)
{
        size_t n = strlen(c->cur);

        if (len >= n && !strncmp(word, c->cur, n))
                printf("%s%.*s\n", c->prefix, (int)len, word);
}

static const char *hint_for(const struct cmd *cmd, const char *opt, size_t len)
{
        for (size_t i = 0; cmd && i < sizeof(cmd_value_hints) / sizeof(cmd_value_hints[0]); i++)
                if (!strcmp(cmd_value_hints[i].cmd, cmd->name) && strlen(cmd_value_hints[i].opt) == len &&
                    !strncmp(cmd_value_hints[i].opt, opt, len))
                        return cmd_value_hints[i].values;
        for (size_t i = 0; i < sizeof(value_hints) / sizeof(value_hints[0]); i++)
                if (strlen(value_hints[i].opt) == len && !strncmp(value_hints[i].opt, opt, len))
                        return value_hints[i].values;
        return NULL;
}

static void offer_values(const struct comp *c, const struct cmd *cmd, const char *opt, size_t len)
{
        const char *v = hint_for(cmd, opt, len);

        if (!v)
                return;
        if (!strcmp(v, "@cuda")) {
                for (size_t i = 0; i < kb_cuda_count(); i++)
                        offer(c, kb_cuda_at(i)->version, strlen(kb_cuda_at(i)->version));
        } else if (!strcmp(v, "@torch")) {
                for (size_t i = 0; i < kb_torch_count(); i++)
                        offer(c, kb_torch_at(i)->version, strlen(kb_torch_at(i)->version));
        } else if (*v == '@') {
                if (!*c->prefix) /* a path after "--opt=": left to the shell's default */
                        puts(v);
        } else {
                for (const char *w = v; *w; w += strspn(w, " ")) {
                        size_t n = strcspn(w, " ");

                        offer(c, w, n);
                        w += n;
                }
        }
}

/* Is name one of the space-separated words of list? */
static bool in_list(const char *list, const char *name, size_t len)
{
        for (const char *w = list; w && *w; w += strspn(w, " ")) {
                size_t n = strcspn(w, " ");

                if (n == len && !strncmp(w, name, len))
                        return true;
                w += n;
        }
        return false;
}

static const struct option *find_opt(const struct option *opts, const char *name, size_t len)
{
        for (const struct option *o = opts; o && o->name; o++)
                if (strlen(o->name) == len && !strncmp(o->name, name, len))
                        return o;
        return NULL;
}

static const struct cmd *find_cmd(const char *name)
{
        for (const struct cmd *c = cmd_table; c->name; c++)
                if (!c->hidden && !strcmp(c->name, name))
                        return c;
        return NULL;
}

/* Where the words before the current one leave us. */
struct comp_state {
        const struct cmd *cmd;        /* NULL: still before COMMAND */
        const struct option *pending; /* the last word was this option, wanting a value */
        int positional;               /* COMMAND's arguments so far */
        bool unknown;                 /* an unknown command: offer nothing */
};

static void comp_walk(char **w, int n, struct comp_state *st)
{
        for (int i = 0; i < n; i++) {
                const struct option *opts = st->cmd ? st->cmd->opts : cmd_main_opts;

                if (st->pending) {
                        st->pending = NULL;
                } else if (!strcmp(w[i], "=") && i > 0 && w[i - 1][0] == '-') {
                        st->pending = find_opt(opts, w[i - 1] + 2, strlen(w[i - 1] + 2)); /* bash's "--opt" "=" */
                } else if (st->cmd && !strcmp(st->cmd->name, "doctor") && !strcmp(w[i], "--health")) {
                        st->cmd = find_cmd("health"); /* doctor --health takes health's options */
                } else if (!strncmp(w[i], "--", 2) && w[i][2]) {
                        const struct option *o = find_opt(opts, w[i] + 2, strcspn(w[i] + 2, "="));

                        if (o && o->has_arg == required_argument && !strchr(w[i], '=') &&
                            !(i + 1 < n && !strcmp(w[i + 1], "=")))
                                st->pending = o;
                } else if (w[i][0] == '-') {
                        continue;
                } else if (!st->cmd) {
                        st->cmd = find_cmd(w[i]);
                        st->unknown = !st->cmd;
                        if (st->unknown)
                                return;
                } else {
                        st->positional++;
                }
        }
}

static void offer_positional(const struct comp *c, const struct comp_state *st)
{
        if (!st->cmd) {
                for (const struct cmd *k = cmd_table; k->name; k++)
                        if (!k->hidden)
                                offer(c, k->name, strlen(k->name));
        } else if (!strcmp(st->cmd->name, "kb") && st->positional == 0) {
                for (size_t i = 0; cmd_kb_topic(i); i++)
                        offer(c, cmd_kb_topic(i), strlen(cmd_kb_topic(i)));
        } else if (!strcmp(st->cmd->name, "fit") && st->positional == 0) {
                if (strchr("./~", c->cur[0]) && c->cur[0]) { /* a local model folder */
                        puts("@file");
                        return;
                }
                for (size_t i = 0; i < kb_model_count(); i++)
                        offer(c, kb_model_at(i)->repo, strlen(kb_model_at(i)->repo));
        }
}

static void offer_options(const struct comp *c, const struct comp_state *st)
{
        const struct option *opts = st->cmd ? st->cmd->opts : cmd_main_opts;
        const char *refused = st->cmd ? st->cmd->refused : NULL;
        char buf[64];

        for (const struct option *o = opts; o && o->name; o++) {
                if (in_list(refused, o->name, strlen(o->name)))
                        continue;
                snprintf(buf, sizeof(buf), "--%s", o->name);
                offer(c, buf, strlen(buf));
        }
}

/* argv: "__complete" PROGRAM WORD... CURRENT */
int cmd_complete(int argc, char **argv, struct ctx *ctx)
{
        struct comp_state st = { 0 };
        struct comp c = { .cur = argc > 2 ? argv[argc - 1] : "", .prefix = "" };
        int n = argc - 3; /* the words between PROGRAM and CURRENT */

        (void)ctx;
        if (argc < 3)
                return cmd_usage_error("__complete", "want the command line's words");
        if (!strcmp(c.cur, "=") && n > 0 && argv[argc - 2][0] == '-') {
                c.cur = ""; /* bash split "--opt=" into "--opt" "=" */
                comp_walk(argv + 2, n, &st);
                st.pending = find_opt(st.cmd ? st.cmd->opts : cmd_main_opts, argv[argc - 2] + 2,
                                      strlen(argv[argc - 2] + 2));
        } else {
                comp_walk(argv + 2, n, &st);
        }
        if (st.unknown)
                return EXIT_OK;
        if (st.pending) {
                offer_values(&c, st.cmd, st.pending->name, strlen(st.pending->name));
        } else if (!strncmp(c.cur, "--", 2) && strchr(c.cur, '=')) {
                static char prefix[64];
                size_t len = (size_t)(strchr(c.cur, '=') - c.cur) + 1;

                snprintf(prefix, sizeof(prefix), "%.*s", (int)len, c.cur);
                c.prefix = prefix;
                c.cur += len;
                offer_values(&c, st.cmd, prefix + 2, len - 3);
        } else if (c.cur[0] == '-') {
                offer_options(&c, &st);
        } else {
                offer_positional(&c, &st);
        }
        return EXIT_OK;
}

/* scdoc marks up *, _ and \; a catalogue title is plain text. */
static void scdoc_text(const char *s)
{
        for (; *s; s++) {
                if (strchr("*_\\", *s))
                        putchar('\\');
                putchar(*s);
        }
}

int cmd_findings(int argc, char **argv, struct ctx *ctx)
{
        const char *layer = "";

        (void)argv;
        (void)ctx;
        if (argc != 1)
                return cmd_usage_error("__findings", "takes no arguments");
        for (size_t i = 0; i < finding_catalog_size; i++) {
                const struct catalog_entry *e = &finding_catalog[i];

                if (strcmp(e->layer, layer)) {
                        layer = e->layer;
                        printf("## %s\n\n", layer);
                }
                fputs("*", stdout);
                scdoc_text(e->id);
                printf("* (%s)\n\t", severity_name(e->sev));
                scdoc_text(e->title);
                fputs("\n\n", stdout);
        }
        return EXIT_OK;
}
