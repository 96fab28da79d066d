/* plan-script.c - the plan as a POSIX sh script a person can read and run:
 * set -eu, system commands through as_root (sudo unless root), user
 * commands through as_user, every value quoted, and each step guarded by
 * its own already-done test so that running it twice changes nothing. */
#include "plan-internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char script_helpers[] =
        "as_root() {\n"
        "        if [ \"$(id -u)\" = 0 ]; then \"$@\"; else sudo \"$@\"; fi\n"
        "}\n"
        "as_user() {\n"
        "        if [ \"$(id -u)\" = 0 ]; then runuser -u \"$target_user\" -- \"$@\"; else \"$@\"; fi\n"
        "}\n"
        "pkg_installed() {\n"
        "        for p in \"$@\"; do\n"
        "                if command -v dpkg-query >/dev/null 2>&1; then\n"
        "                        dpkg-query -W -f='${Status}' \"$p\" 2>/dev/null | grep -q 'ok installed' || return 1\n"
        "                else\n"
        "                        rpm -q \"$p\" >/dev/null 2>&1 || return 1\n"
        "                fi\n"
        "        done\n"
        "}\n"
        "# Refuses a package transaction that would install or upgrade a kernel.\n"
        "kernel_guard() {\n"
        "        if { \"$@\" 2>/dev/null || true; } | grep -Eq '^(Inst linux-(image|modules-[0-9]|generic|virtual)| kernel(-core|-modules[a-z-]*|-uek)? )'; then\n"
        "                echo \"refusing: '$*' would change the kernel; update and reboot the kernel first\" >&2\n"
        "                exit 1\n"
        "        fi\n"
        "}\n"
        "# fetch URL SHA256_URL FILE: resumes a partial download, checks the published SHA-256.\n"
        "fetch() {\n"
        "        mkdir -p \"$(dirname \"$3\")\"\n"
        "        curl -fL --retry 3 -C - -o \"$3.part\" \"$1\"\n"
        "        want=$(curl -fsSL \"$2\" | cut -c1-64)\n"
        "        printf '%s  %s\\n' \"$want\" \"$3.part\" | sha256sum -c - >/dev/null\n"
        "        mv \"$3.part\" \"$3\"\n"
        "}\n"
        "# put_block FILE [system]: replaces dlrig's marked block in FILE with stdin (a backup\n"
        "# first); a marker without its pair is the user's text and stays.\n"
        "put_block() {\n"
        "        tmp=$(mktemp)\n"
        "        if [ -f \"$1\" ]; then\n"
        "                [ -e \"$1.dlrig-bak\" ] || write_as \"${2:-user}\" cp -p \"$1\" \"$1.dlrig-bak\"\n"
        "                awk -v b='" PLAN_BLOCK_BEGIN "' -v e='" PLAN_BLOCK_END "' '\n"
        "                        $0 == b { if (inb) printf \"%s\", buf; buf = $0 \"\\n\"; inb = 1; next }\n"
        "                        inb && $0 == e { inb = 0; buf = \"\"; next }\n"
        "                        inb { buf = buf $0 \"\\n\"; next }\n"
        "                        { print }\n"
        "                        END { if (inb) printf \"%s\", buf }' \"$1\" >\"$tmp\"\n"
        "        fi\n"
        "        { echo '" PLAN_BLOCK_BEGIN "'; cat; echo '" PLAN_BLOCK_END "'; } >>\"$tmp\"\n"
        "        write_as \"${2:-user}\" tee \"$1\" <\"$tmp\" >/dev/null\n"
        "        rm -f \"$tmp\"\n"
        "        if [ \"${2:-user}\" = user ] && [ \"$(id -u)\" = 0 ]; then chown \"$target_user\" \"$1\"; fi\n"
        "}\n"
        "write_as() { # user|system COMMAND...\n"
        "        if [ \"$1\" = system ]; then shift; as_root \"$@\"; else shift; \"$@\"; fi\n"
        "}\n";

static void script_words(FILE *out, const struct strv *argv)
{
        struct strbuf sb = STRBUF_INIT;

        for (size_t i = 0; i < argv->n; i++) {
                strbuf_addch(&sb, ' ');
                plan_sh_quote(&sb, argv->v[i]);
        }
        fputs(sb.buf, out);
        strbuf_release(&sb);
}

static void script_pkg(FILE *out, const struct plan *p, const struct plan_act *a)
{
        struct strv sim = STRV_INIT, inst = STRV_INIT;

        plan_pkg_argv(p, a, true, &sim);
        plan_pkg_argv(p, a, false, &inst);
        fputs("        kernel_guard", out);
        script_words(out, &sim);
        fputs(p->pm == PLAN_PM_APT ? "\n        as_root env DEBIAN_FRONTEND=noninteractive" : "\n        as_root", out);
        script_words(out, &inst);
        fputc('\n', out);
        strv_release(&sim), strv_release(&inst);
}

static void script_quoted(FILE *out, const char *prefix, const char *w)
{
        struct strbuf sb = STRBUF_INIT;

        plan_sh_quote(&sb, w);
        fprintf(out, "%s%s", prefix, sb.buf);
        strbuf_release(&sb);
}

static void script_act(FILE *out, const struct plan *p, const struct plan_act *a)
{
        switch (a->kind) {
        case ACT_RUN:
                fputs(a->as_user ? "        as_user" : "        as_root", out);
                script_words(out, &a->argv);
                fputc('\n', out);
                break;
        case ACT_PKG:
                script_pkg(out, p, a);
                break;
        case ACT_BLOCK:
                script_quoted(out, "        put_block ", a->path);
                fprintf(out, "%s <<'EOF'\n%sEOF\n", a->as_user ? "" : " system", a->text);
                break;
        case ACT_FILE:
                script_quoted(out, "        as_root tee ", a->path);
                fprintf(out, " >/dev/null <<'EOF'\n%sEOF\n", a->text);
                break;
        case ACT_DOWNLOAD:
                if (!a->sha_url) {
                        /* No published checksum: only after checking it by hand. */
                        fputs("        if [ \"${DLRIG_UNVERIFIED_OK:-0}\" != 1 ]; then\n", out);
                        script_quoted(out, "                echo 'no published SHA-256 for '", a->text);
                        fputs("' : check it by hand, then run again with DLRIG_UNVERIFIED_OK=1' >&2\n"
                              "                exit 1\n        fi\n", out);
                        script_quoted(out, "        mkdir -p \"$(dirname ", a->path);
                        script_quoted(out, ")\"\n        curl -fL --retry 3 -C - -o ", a->path);
                        script_quoted(out, " ", a->text);
                        fputc('\n', out);
                        break;
                }
                script_quoted(out, "        fetch ", a->text);
                script_quoted(out, " ", a->sha_url);
                script_quoted(out, " ", a->path);
                fputc('\n', out);
                break;
        case ACT_REBOOT:
                fputs("        echo 'reboot now (sudo reboot), then run this script again to verify'\n"
                      "        exit 0\n", out);
                break;
        case ACT_VERIFY:
                fputs("        dlrig doctor\n", out);
                break;
        }
}

static void script_step(FILE *out, const struct plan *p, const struct plan_step *st, size_t k)
{
        char *test = plan_step_test(p, st);

        fprintf(out, "\n# Step %zu: %s%s\n# %s\n", k, st->title, st->system ? " (root)" : "", st->why);
        if (st->state == STEP_OFFERED)
                fputs("if [ \"${DLRIG_HOLD_KERNEL:-0}\" = 1 ] && ! ", out);
        else
                fputs("if ! ", out);
        fprintf(out, "%s; then\n", test);
        for (size_t i = 0; i < st->nact; i++)
                script_act(out, p, &st->acts[i]);
        if (!st->nact)
                fputs("        echo 'nothing dlrig can do here: see dlrig doctor' >&2\n        exit 1\n", out);
        fputs("fi\n", out);
        free(test);
}

void plan_print_script(FILE *out, const struct plan *p)
{
        struct strbuf user = STRBUF_INIT;

        plan_sh_quote(&user, p->user);
        fprintf(out, "#!/bin/sh\n# Written by dlrig plan --script for %s.\n", p->distro);
        for (size_t i = 0; i < p->nchoices; i++)
                fprintf(out, "# %-10s %s\n", p->choices[i].what, p->choices[i].value);
        fprintf(out, "# Each step runs only when its own test says it is not done yet.\nset -eu\n\n"
                     "target_user=%s\n%s", user.buf, script_helpers);
        for (size_t i = 0; i < p->nsteps; i++)
                script_step(out, p, &p->steps[i], i + 1);
        strbuf_release(&user);
}
