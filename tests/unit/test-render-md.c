/* test-render-md.c - the Markdown report's escaping (render-md.c): a fact
 * never becomes a table border, code, emphasis, a link or HTML, in Markdown
 * and inside <summary>; a code fence cannot be closed by the code; and a
 * finding is folded in <details> with its fix in a sh block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "render/render.h"

/* What fn wrote for s, as a string the caller frees. */
static char *capture(void (*fn)(FILE *, const char *), const char *s)
{
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        assert_non_null(f);
        fn(f, s);
        assert_int_equal(fclose(f), 0);
        return buf;
}

static void code_sh(FILE *f, const char *s)
{
        render_md_code(f, "sh", s);
}

static const struct {
        const char *in, *md, *html;
} cases[] = {
        { "plain 1.2-3", "plain 1.2-3", "plain 1.2-3" },
        { "a|b", "a\\|b", "a|b" },
        { "`nvidia-smi`", "\\`nvidia-smi\\`", "`nvidia-smi`" },
        { "<script>&amp;", "&lt;script&gt;&amp;amp;", "&lt;script&gt;&amp;amp;" },
        { "*bold* _it_ [x](y) ~s~", "\\*bold\\* \\_it\\_ \\[x\\](y) \\~s\\~",
          "*bold* _it_ [x](y) ~s~" },
        { "# title !", "\\# title \\!", "# title !" },
        { "back\\slash", "back\\\\slash", "back\\slash" },
        { "two\nlines\r\tend", "two lines  end", "two lines  end" },
        { "say \"hi\"", "say \"hi\"", "say &quot;hi&quot;" },
        { "", "", "" },
};

static void test_escape(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                char *md = capture(render_md_text, cases[i].in);
                char *html = capture(render_md_html, cases[i].in);

                assert_string_equal(md, cases[i].md);
                assert_string_equal(html, cases[i].html);
                free(md);
                free(html);
        }
}

static void test_null_is_empty(void **state)
{
        char *md = capture(render_md_text, NULL);

        (void)state;
        assert_string_equal(md, "");
        free(md);
}

static void test_fence(void **state)
{
        char *a = capture(code_sh, "echo hi");
        char *b = capture(code_sh, "echo ```` and `x`\n");
        char *c = capture(code_sh, "");

        (void)state;
        assert_string_equal(a, "```sh\necho hi\n```\n");
        /* four backticks inside: a fence of five */
        assert_string_equal(b, "`````sh\necho ```` and `x`\n`````\n");
        assert_string_equal(c, "```sh\n```\n");
        free(a);
        free(b);
        free(c);
}

static void test_finding_folded(void **state)
{
        struct findings fs = FINDINGS_INIT;
        struct finding *f = finding_add(&fs, "topo.acs-enabled", "GPU <0> | `x` & y");
        char *buf = NULL;
        size_t len = 0;
        FILE *out = open_memstream(&buf, &len);

        (void)state;
        finding_evidence(f, "bridge a|b <c>");
        finding_fix(f, "sudo setpci -s 0000:02:00.0 ECAP_ACS+0x6.w=0000 | tee `x`");
        finding_add(&fs, "driver.ok", "driver *535* answers");
        findings_sort(&fs);
        assert_non_null(out);
        render_findings_md(out, &fs);
        assert_int_equal(fclose(out), 0);
        assert_non_null(strstr(buf, "<details><summary><b>FAIL</b> <code>topo.acs-enabled</code> "
                                    "GPU &lt;0&gt; | `x` &amp; y</summary>\n\n"));
        assert_non_null(strstr(buf, "- bridge a\\|b &lt;c&gt;\n"));
        assert_non_null(strstr(buf, "```sh\nsudo setpci -s 0000:02:00.0 ECAP_ACS+0x6.w=0000 | tee `x`\n```\n"));
        assert_non_null(strstr(buf, "<details><summary>1 check passed</summary>\n\n"
                                    "- `driver.ok` driver \\*535\\* answers\n"));
        /* every fold closes */
        for (const char *p = buf, *q; (q = strstr(p, "<details>")); p = q + 1)
                assert_non_null(strstr(q, "</details>"));
        free(buf);
        findings_release(&fs);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_escape),
                cmocka_unit_test(test_null_is_empty),
                cmocka_unit_test(test_fence),
                cmocka_unit_test(test_finding_folded),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
