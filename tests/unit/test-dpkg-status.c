/* test-dpkg-status.c - installed package versions from dpkg's status file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "probe/dpkg-status.h"
#include "util/cleanup.h"

static void test_version(void **state)
{
        static const struct { const char *in, *want; } cases[] = {
                { "Package: nvidia-fabricmanager-535\nStatus: install ok installed\n"
                  "Priority: optional\nVersion: 535.161.08-1\nDescription: x\n continued\n", "535.161.08" },
                { "Package: nvidia-fabricmanager\nVersion: 1:570.86.15-1ubuntu0.1\nStatus: install ok installed\n",
                  "570.86.15" },
                /* removed but config left: not installed */
                { "Package: nvidia-fabricmanager-535\nStatus: deinstall ok config-files\nVersion: 535.161.08-1\n", NULL },
                /* a different package with the same prefix */
                { "Package: nvidia-fabricmanager-dev-535\nStatus: install ok installed\nVersion: 535.1-1\n", NULL },
                { "Package: libnvidia-nscq-535\nStatus: install ok installed\nVersion: 535.1-1\n", NULL },
                /* two branches installed: the higher wins */
                { "Package: nvidia-fabricmanager-535\nStatus: install ok installed\nVersion: 535.161.08-1\n\n"
                  "Package: vim\nStatus: install ok installed\nVersion: 2:9.0-1\n\r\n"
                  "Package: nvidia-fabricmanager-550\nStatus: install ok installed\nVersion: 550.54.15-1\n",
                  "550.54.15" },
                { "Package: nvidia-fabricmanager-535\nStatus: install ok installed\n", NULL },
                { "Package: nvidia-fabricmanager\nStatus: install ok installed\nVersion: 535.54\n", "535.54" },
                /* `apt-mark hold` keeps the package installed */
                { "Package: nvidia-fabricmanager-535\nStatus: hold ok installed\nVersion: 535.161.08-1\n",
                  "535.161.08" },
                { "", NULL },
        };
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                _cleanup_free_ char *v = dpkg_status_version(cases[i].in, strlen(cases[i].in),
                                                             "nvidia-fabricmanager");
                if (cases[i].want)
                        assert_string_equal(v, cases[i].want);
                else
                        assert_null(v);
        }
}

/* The database parsed once answers every question; only installed
 * packages are kept. */
static void test_db(void **state)
{
        static const char st[] =
                "Package: nvidia-driver-535\nStatus: hold ok installed\nVersion: 535.161.08-0ubuntu1\n\n"
                "Package: vim\nStatus: deinstall ok config-files\nVersion: 2:9.0-1\n\n"
                "Package: unattended-upgrades\nVersion: 2.9.1+nmu3\nStatus: install ok installed\n";
        struct dpkg_db db;
        (void)state;
        dpkg_db_parse(st, sizeof(st) - 1, &db);
        assert_int_equal(db.n, 2);
        assert_true(db.v[0].held);
        assert_false(db.v[1].held);
        assert_true(dpkg_db_held(&db, "nvidia-driver-"));
        assert_false(dpkg_db_held(&db, "unattended"));
        _cleanup_free_ char *uu = dpkg_db_version(&db, "unattended-upgrades");
        assert_string_equal(uu, "2.9.1+nmu3");
        assert_null(dpkg_db_version(&db, "vim"));
        dpkg_db_release(&db);
        assert_int_equal(db.n, 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_version), cmocka_unit_test(test_db),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
