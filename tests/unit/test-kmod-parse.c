/* test-kmod-parse.c - /proc/modules, the NVRM version line, modules.dep
 * and modprobe.d blacklist parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "probe/kmod-parse.h"
#include "util/cleanup.h"

static void test_proc_modules(void **state)
{
        static const char buf[] =
                "nvidia_uvm 1437696 0 - Live 0x0000000000000000 (POE)\n"
                "nvidia_drm 90112 2 - Live 0x0000000000000000 (POE)\n"
                "nvidia 56717312 123 nvidia_uvm,nvidia_modeset, Live 0x0000000000000000 (POE)\n"
                "\n"
                "  \n"
                "nouveau";
        struct strv names = STRV_INIT;
        (void)state;
        assert_int_equal(kmod_parse_proc_modules(buf, strlen(buf), &names), 4);
        assert_string_equal(names.v[0], "nvidia_uvm");
        assert_string_equal(names.v[2], "nvidia");
        assert_string_equal(names.v[3], "nouveau");
        assert_true(strv_find(&names, "nvidia_modeset") < 0);
        strv_release(&names);
        assert_int_equal(kmod_parse_proc_modules("", 0, &names), 0);
        strv_release(&names);
}

static void test_nvrm_line(void **state)
{
        static const struct { const char *in, *line; bool open; } cases[] = {
                { "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.161.08  Tue Mar  5 22:42:15 UTC 2024\n"
                  "GCC version:  gcc version 12.3.0 (Ubuntu 12.3.0-1ubuntu1~22.04)\n",
                  "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.161.08  Tue Mar  5 22:42:15 UTC 2024",
                  false },
                { "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.15  Release Build  (dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 22:15:33 UTC 2024\n",
                  "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.15  Release Build  (dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 22:15:33 UTC 2024",
                  true },
                { "GCC version:  gcc\n  NVRM version: x 1.2  \n", "NVRM version: x 1.2", false },
                { "GCC version: only\n", NULL, false },
                { "", NULL, false },
        };
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                _cleanup_free_ char *line = kmod_parse_nvrm_line(cases[i].in, strlen(cases[i].in));

                if (!cases[i].line) {
                        assert_null(line);
                        continue;
                }
                assert_string_equal(line, cases[i].line);
                assert_int_equal(kmod_parse_nvrm_is_open(line), cases[i].open);
        }
}

static void test_moddep(void **state)
{
        static const struct { const char *in, *name, *path; } cases[] = {
                { "kernel/drivers/video/fbdev/core/fb.ko.zst:\n"
                  "updates/dkms/nvidia.ko.zst:\n"
                  "updates/dkms/nvidia-uvm.ko.zst: updates/dkms/nvidia.ko.zst\n",
                  "nvidia", "updates/dkms/nvidia.ko.zst" },
                { "updates/dkms/nvidia-uvm.ko: updates/dkms/nvidia.ko\n", "nvidia_uvm",
                  "updates/dkms/nvidia-uvm.ko" },
                { "kernel/nvidia-535/nvidia.ko.xz: kernel/x.ko\n", "nvidia", "kernel/nvidia-535/nvidia.ko.xz" },
                { "nvidia.ko:", "nvidia", "nvidia.ko" },
                { "/lib/modules/5.4.0/kernel/nvidia.ko:\n", "nvidia", "/lib/modules/5.4.0/kernel/nvidia.ko" },
                { "kernel/nvidia-drm.ko:\nkernel/nvidiafb.ko:\nkernel/nvidia.ko.bz2:\n", "nvidia", NULL },
                { "updates/dkms/nvidia.ko\n", "nvidia", NULL }, /* no colon */
                { "", "nvidia", NULL },
        };
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
                _cleanup_free_ char *p = kmod_parse_moddep(cases[i].in, strlen(cases[i].in),
                                                           cases[i].name);
                if (cases[i].path)
                        assert_string_equal(p, cases[i].path);
                else
                        assert_null(p);
        }
        assert_true(kmod_parse_is_module_file("nvidia.ko.gz", "nvidia"));
        assert_false(kmod_parse_is_module_file("nvidia.ko.sig", "nvidia"));
        assert_false(kmod_parse_is_module_file("nvidia", "nvidia"));
}

static void test_blacklist(void **state)
{
        static const struct { const char *in; bool found; } cases[] = {
                { "blacklist nouveau\noptions nouveau modeset=0\n", true },
                { "# comment\n\tblacklist   nouveau  \n", true },
                { "blacklist nouveau extra words\n", true },
                { "#blacklist nouveau\n", false },
                { "blacklist nouveaux\n", false },
                { "blacklist\n", false },
                { "install nouveau /bin/false\n", false },
                { "options nouveau modeset=0\n", false },
                { "", false },
        };
        (void)state;
        for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
                assert_int_equal(kmod_parse_blacklist(cases[i].in, strlen(cases[i].in), "nouveau"),
                                 cases[i].found);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_proc_modules), cmocka_unit_test(test_nvrm_line),
                cmocka_unit_test(test_moddep), cmocka_unit_test(test_blacklist),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
