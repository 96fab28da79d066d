/* test-catalog.c - the finding catalog: ids unique and well-formed
 * (layer.kebab-case), every entry complete, layers in one block each, and
 * docs/findings.md (argv[1]) with one "### <id>" section per id, no more. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check/finding.h"
#include "util/parse.h"
#include "util/strbuf.h"
#include "util/strv.h"
#include "util/xalloc.h"

static const char *docs_path;

/* layer.kebab-case: lowercase words of letters and digits. */
static bool id_well_formed(const char *id)
{
        const char *dot = strchr(id, '.');
        const char *p;

        if (!dot || dot == id || !dot[1] || strchr(dot + 1, '.'))
                return false;
        for (p = id; *p; p++) {
                bool word = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
                if (!word && *p != '.' && *p != '-')
                        return false;
                if (*p == '-' && (p[-1] == '-' || p[-1] == '.' || !p[1]))
                        return false;
        }
        return true;
}

static void test_ids(void **state)
{
        (void)state;
        assert_true(finding_catalog_size > 0);
        for (size_t i = 0; i < finding_catalog_size; i++) {
                const struct catalog_entry *e = &finding_catalog[i];
                if (!id_well_formed(e->id))
                        fail_msg("malformed id '%s'", e->id);
                for (size_t j = 0; j < i; j++)
                        if (!strcmp(e->id, finding_catalog[j].id))
                                fail_msg("duplicate id '%s'", e->id);
                assert_ptr_equal(catalog_find(e->id), e);
        }
}

static void test_entries(void **state)
{
        (void)state;
        for (size_t i = 0; i < finding_catalog_size; i++) {
                const struct catalog_entry *e = &finding_catalog[i];
                if (!e->title || !*e->title || !e->layer || !*e->layer)
                        fail_msg("'%s' has no title or layer", e->id);
                if (e->sev < SEV_OK || e->sev >= SEV_MAX)
                        fail_msg("'%s' has no valid severity", e->id);
        }
}

/* The catalog is in layer order, so each layer is one block. */
static void test_layers_contiguous(void **state)
{
        (void)state;
        for (size_t i = 1; i < finding_catalog_size; i++) {
                const char *layer = finding_catalog[i].layer;
                if (!strcmp(layer, finding_catalog[i - 1].layer))
                        continue;
                for (size_t j = 0; j + 1 < i; j++)
                        if (!strcmp(finding_catalog[j].layer, layer))
                                fail_msg("layer '%s' is split (at '%s')", layer, finding_catalog[i].id);
        }
}

static int collect_heading(const char *line, size_t len, void *data)
{
        if (len > 4 && !strncmp(line, "### ", 4))
                strv_push(data, strip_dup(line + 4, len - 4));
        return 0;
}

static void read_headings(struct strv *ret)
{
        struct strbuf sb = STRBUF_INIT;
        char buf[4096];
        size_t n;
        FILE *f = fopen(docs_path, "r");

        if (!f)
                fail_msg("cannot open '%s'", docs_path);
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
                strbuf_add(&sb, buf, n);
        fclose(f);
        for_each_line(sb.buf, sb.len, collect_heading, ret);
        strbuf_release(&sb);
}

static void test_documented(void **state)
{
        struct strv headings = STRV_INIT;

        (void)state;
        read_headings(&headings);
        for (size_t i = 0; i < finding_catalog_size; i++)
                if (strv_find(&headings, finding_catalog[i].id) < 0)
                        fail_msg("'%s' has no '### %s' section in %s", finding_catalog[i].id,
                                 finding_catalog[i].id, docs_path);
        for (size_t i = 0; i < headings.n; i++) {
                if (!catalog_find(headings.v[i]))
                        fail_msg("%s documents '%s', which is not in the catalog", docs_path, headings.v[i]);
                for (size_t j = 0; j < i; j++)
                        if (!strcmp(headings.v[i], headings.v[j]))
                                fail_msg("%s documents '%s' twice", docs_path, headings.v[i]);
        }
        strv_release(&headings);
}

int main(int argc, char **argv)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ids),       cmocka_unit_test(test_entries),
                cmocka_unit_test(test_layers_contiguous), cmocka_unit_test(test_documented),
        };

        docs_path = argc > 1 ? argv[1] : "docs/findings.md";
        return cmocka_run_group_tests(tests, NULL, NULL);
}
