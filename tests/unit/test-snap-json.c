/* test-snap-json.c - a snapshot survives JSON and back; bad input is named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "snap/snap-json.h"

static void fill(struct snapshot *s)
{
        struct snap_gpu *g;
        struct snap_pci_dev *d;

        snap_init(s);
        s->dlrig_version = strdup("test");
        probe_set(&s->os.probe, FACT_OK, NULL);
        fact_set_str(&s->os.distro_id, "ubuntu");
        fact_fail_num(&s->os.secure_boot, FACT_DENIED, "permission denied");
        d = snap_add_pci_dev(&s->pci);
        d->bus_id = strdup("0000:3b:00.0");
        d->kind = strdup("gpu");
        d->device_id = 0x2237;
        g = snap_add_gpu(s);
        fact_set_str(&g->name, "NVIDIA A10G");
        fact_set_num(&g->memory_total_bytes, 24146608128);
        fact_fail_num(&g->remap_pending, FACT_UNSUPPORTED, "NVML_ERROR_NOT_SUPPORTED");
        strv_push(&s->devnodes.gpus, strdup("nvidia0"));
}

static void test_roundtrip(void **state)
{
        struct snapshot a, b;
        char *err = NULL, *ta, *tb;
        json_t *ja, *jb;

        (void)state;
        fill(&a);
        ja = snap_to_json(&a);
        snap_init(&b);
        assert_int_equal(snap_from_json(ja, &b, &err), 0);
        jb = snap_to_json(&b);
        ta = json_dumps(ja, JSON_PRESERVE_ORDER);
        tb = json_dumps(jb, JSON_PRESERVE_ORDER);
        assert_string_equal(ta, tb);
        assert_int_equal(b.gpus[0].remap_pending.st, FACT_UNSUPPORTED);
        assert_string_equal(b.gpus[0].remap_pending.why, "NVML_ERROR_NOT_SUPPORTED");
        assert_int_equal(b.pci.devs[0].device_id, 0x2237);
        free(ta), free(tb);
        json_decref(ja), json_decref(jb);
        snap_release(&a), snap_release(&b);
}

static void test_bad_field_is_named(void **state)
{
        struct snapshot s;
        char *err = NULL;
        json_error_t jerr;
        json_t *j = json_loads("{\"schema_version\":1,\"os\":{\"status\":\"ok\"},"
                               "\"gpus\":[{\"index\":0,\"memory_total_bytes\":\"lots\"}]}",
                               0, &jerr);

        (void)state;
        snap_init(&s);
        assert_int_equal(snap_from_json(j, &s, &err), -74 /* EBADMSG */);
        assert_non_null(strstr(err, "gpus[0].memory_total_bytes"));
        free(err);
        snap_release(&s);
        json_decref(j);
}

static void test_wrong_schema(void **state)
{
        struct snapshot s;
        char *err = NULL;
        json_t *j = json_pack("{s:i}", "schema_version", 99);

        (void)state;
        snap_init(&s);
        assert_int_not_equal(snap_from_json(j, &s, &err), 0);
        free(err);
        snap_release(&s);
        json_decref(j);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_bad_field_is_named),
                cmocka_unit_test(test_wrong_schema),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
