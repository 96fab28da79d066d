/* test-klog-parse.c - Xid events and notable lines from kmsg records and
 * from syslog text files (this boot only), bus id normalisation, caps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "probe/klog-parse.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

static void test_kmsg(void **state)
{
        static const char buf[] =
                "6,1000,5000000,-;NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.161.08\n"
                " SUBSYSTEM=pci\n"
                " DEVICE=+pci:0000:3b:00.0\n"
                "4,1234,5678,-;NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, name=python, GPU has fallen off the bus.\n"
                "3,1235,5679,-;NVRM: GPU 0000:3b:00.0: GPU has fallen off the bus.\n"
                "4,1236,5680,-;NVRM: Xid (PCI:0000:AF:00): 13, pid='<unknown>', name=<unknown>, Graphics Exception\n"
                "4,1237,5681,-;NVRM: Xid (0000:5e:00.0): 48, DBE\n"
                "4,1238,5682,-;NVRM: Xid (PCI:0000:3b:00): x, not a code\n"
                "4,1239,5683,-;NVRM: Xid (PCI:garbage): 31\n"
                "6,1240,5684,-;usb 1-1: new high-speed USB device\n"
                "no semicolon line\n";
        struct snap_klog k = { 0 };
        (void)state;
        assert_int_equal(klog_parse(buf, strlen(buf), KLOG_KMSG, &k), 4);
        assert_string_equal(k.xids[0].pci_bus_id, "0000:3b:00.0");
        assert_int_equal(k.xids[0].code, 79);
        assert_string_equal(k.xids[0].detail, "pid=1234, name=python, GPU has fallen off the bus.");
        assert_string_equal(k.xids[1].pci_bus_id, "0000:af:00.0");
        assert_int_equal(k.xids[1].code, 13);
        assert_string_equal(k.xids[2].pci_bus_id, "0000:5e:00.0");
        assert_string_equal(k.xids[2].detail, "DBE");
        assert_string_equal(k.xids[3].pci_bus_id, "garbage"); /* kept as printed */
        assert_string_equal(k.xids[3].detail, "");
        assert_int_equal(k.nvrm.n, 2);
        assert_string_equal(k.nvrm.v[0], "NVRM: loading NVIDIA UNIX x86_64 Kernel Module  535.161.08");
        assert_string_equal(k.nvrm.v[1], "NVRM: GPU 0000:3b:00.0: GPU has fallen off the bus.");
        for (size_t i = 0; i < k.nxid; i++)
                free(k.xids[i].pci_bus_id), free(k.xids[i].detail);
        free(k.xids);
        strv_release(&k.nvrm);
}

static void test_text_boot(void **state)
{
        static const char buf[] =
                "Mar  4 10:00:00 gpu01 kernel: [    0.000000] Linux version 6.5.0-old\n"
                "Mar  4 11:00:00 gpu01 kernel: [ 100.1] NVRM: Xid (PCI:0000:3b:00): 79, old boot\n"
                "Mar  5 09:00:00 gpu01 kernel: [    0.000000] Linux version 6.8.0-40-generic (buildd@lcy02) #40-Ubuntu\n"
                "Mar  5 09:00:01 gpu01 kernel: [    5.123456] nvidia: module verification failed: signature and/or required key missing - tainting kernel\n"
                "Mar  5 09:00:02 gpu01 kernel: [    6.000000] NVRM: API mismatch: the client has the version 550.54.15, but this kernel module has the version 535.161.08.\n"
                "2024-03-05T09:00:03.000000+00:00 gpu01 kernel: NVRM: Xid (PCI:0000:86:00): 94, pid=77, Contained: SM (0x1).\n"
                "Mar  5 09:00:04 gpu01 kernel: [    7.0] Lockdown: modprobe: unsigned module loading is restricted; see man kernel_lockdown.7\n"
                "Mar  5 09:00:05 gpu01 systemd[1]: Started something.\n";
        struct snap_klog k = { 0 };
        (void)state;
        assert_int_equal(klog_parse(buf, strlen(buf), KLOG_TEXT, &k), 1);
        assert_string_equal(k.xids[0].pci_bus_id, "0000:86:00.0");
        assert_int_equal(k.xids[0].code, 94);
        assert_string_equal(k.xids[0].detail, "pid=77, Contained: SM (0x1).");
        assert_int_equal(k.nvrm.n, 3);
        assert_true(!strncmp(k.nvrm.v[0], "nvidia: module verification failed", 34));
        assert_true(!strncmp(k.nvrm.v[1], "NVRM: API mismatch", 18));
        assert_true(!strncmp(k.nvrm.v[2], "Lockdown: modprobe: unsigned module", 35));
        free(k.xids[0].pci_bus_id), free(k.xids[0].detail), free(k.xids);
        strv_release(&k.nvrm);
}

/* Secure Boot's refusals: module_sig_check()'s line is kept, whichever
 * module it names. */
static void test_key_rejected(void **state)
{
        static const char buf[] =
                "Mar  5 09:00:00 gpu01 kernel: [    0.000000] Linux version 5.15.0-105-generic\n"
                "Mar  5 09:00:05 gpu01 kernel: [    5.1] Loading of module with unavailable key is rejected\n"
                "Mar  5 09:00:06 gpu01 kernel: [    5.2] Loading of unsigned module is rejected\n"
                "Mar  5 09:00:07 gpu01 kernel: [    5.3] Loading of something else\n";
        struct snap_klog k = { 0 };
        (void)state;
        assert_int_equal(klog_parse(buf, strlen(buf), KLOG_TEXT, &k), 0);
        assert_int_equal(k.nvrm.n, 2);
        assert_string_equal(k.nvrm.v[0], "Loading of module with unavailable key is rejected");
        assert_string_equal(k.nvrm.v[1], "Loading of unsigned module is rejected");
        free(k.xids);
        strv_release(&k.nvrm);
}

static void test_text_no_boot_marker(void **state)
{
        static const char buf[] = "kernel: NVRM: Xid (PCI:0000:3b:00): 31, a\nkernel: NVRM: Xid (PCI:0000:3b:00): 31, b";
        struct snap_klog k = { 0 };
        (void)state;
        assert_int_equal(klog_parse(buf, strlen(buf), KLOG_TEXT, &k), 2);
        assert_string_equal(k.xids[1].detail, "b");
        for (size_t i = 0; i < k.nxid; i++)
                free(k.xids[i].pci_bus_id), free(k.xids[i].detail);
        free(k.xids);
        assert_int_equal(klog_parse("x Linux version 6\n", 18, KLOG_TEXT, &k), 0);
}

/* More events than the caps: the newest are kept, in log order. */
static void test_caps(void **state)
{
        struct strbuf sb = STRBUF_INIT;
        struct snap_klog k = { 0 };
        (void)state;
        for (int i = 0; i < KLOG_XID_MAX + 5; i++)
                strbuf_addf(&sb, "4,%d,0,-;NVRM: Xid (PCI:0000:3b:00): 13, n=%d\n", i, i);
        for (int i = 0; i < KLOG_NVRM_MAX + 3; i++)
                strbuf_addf(&sb, "3,%d,0,-;NVRM: RmInitAdapter failed! (0x%d)\n", i, i);
        assert_int_equal(klog_parse(sb.buf, sb.len, KLOG_KMSG, &k), KLOG_XID_MAX);
        assert_string_equal(k.xids[0].detail, "n=5");
        assert_string_equal(k.xids[KLOG_XID_MAX - 1].detail, "n=1004");
        assert_int_equal(k.nvrm.n, KLOG_NVRM_MAX);
        assert_string_equal(k.nvrm.v[0], "NVRM: RmInitAdapter failed! (0x3)");
        for (size_t i = 0; i < k.nxid; i++)
                free(k.xids[i].pci_bus_id), free(k.xids[i].detail);
        free(k.xids);
        strv_release(&k.nvrm);
        strbuf_release(&sb);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_kmsg), cmocka_unit_test(test_text_boot), cmocka_unit_test(test_key_rejected),
                cmocka_unit_test(test_text_no_boot_marker), cmocka_unit_test(test_caps),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
