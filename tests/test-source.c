/* Unit tests for core/source and core/inventory against libvirt's real
 * test driver loaded with tests/data/xenhost.xml (the fake Xen host):
 * list --all as virsh prints it, dumpxml, states, guided shutdown, and
 * the inventory of every kind of guest in the file. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/xml.h"
#include "source/demo.h"
#include "source/inventory.h"
#include "source/source.h"

static char *uri;

static struct x2k_source *
open_host(void)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_source *s = x2k_source_open(uri, NULL, NULL, &err);

    if (!s)
        fail_msg("%s", err.msg);
    return s;
}

static void
test_list(void **state)
{
    struct x2k_source *s = open_host();
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_source_dom *doms;
    size_t n;
    char *table;

    (void)state;
    assert_int_equal(x2k_source_list(s, &doms, &n, &err), 0);
    assert_int_equal(n, 7);
    /* Active first (by id), then inactive by name, as virsh does. */
    assert_string_equal(doms[0].name, "Domain-0");
    assert_true(doms[0].id >= 0);
    assert_int_equal(doms[0].state, X2K_DOM_RUNNING);
    assert_string_equal(doms[1].name, "web-running");
    assert_string_equal(doms[2].name, "multidisk-pv");
    assert_int_equal(doms[2].id, -1);
    assert_int_equal(doms[2].state, X2K_DOM_SHUTOFF);
    assert_string_equal(doms[6].name, "win2k8-hvm");
    table = x2k_source_format_list(doms, n);
    assert_non_null(strstr(table,
        " Id    Name                           State\n"
        "----------------------------------------------------\n"));
    assert_non_null(strstr(table,
        " -     rhel49-x86_64-pv               shut off\n"));
    free(table);
    x2k_source_doms_free(doms, n);
    x2k_source_free(s);
}

static void
test_dumpxml_state(void **state)
{
    struct x2k_source *s = open_host();
    struct x2k_error err = X2K_ERROR_INIT;
    enum x2k_domstate st;
    char *xml;

    (void)state;
    xml = x2k_source_dumpxml(s, "rhel49-x86_64-pv", &err);
    assert_non_null(xml);
    assert_non_null(strstr(xml, "<domain type='xen'>"));
    assert_non_null(strstr(xml, "<bootloader>/usr/bin/pygrub</bootloader>"));
    free(xml);
    assert_null(x2k_source_dumpxml(s, "no-such", &err));
    assert_int_equal(err.code, X2K_ERR_NOT_FOUND);
    x2k_error_clear(&err);

    assert_int_equal(x2k_source_state(s, "web-running", &st, &err), 0);
    assert_int_equal(st, X2K_DOM_RUNNING);
    assert_string_equal(x2k_domstate_name(st), "running");
    assert_int_equal(x2k_source_state(s, "ubuntu14.04", &st, &err), 0);
    assert_string_equal(x2k_domstate_name(st), "shut off");
    x2k_source_free(s);
}

static void
test_shutdown(void **state)
{
    struct x2k_source *s = open_host();
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_reporter r;
    enum x2k_domstate st;

    (void)state;
    x2k_reporter_init(&r, NULL, NULL);
    assert_int_equal(x2k_source_shutdown(s, "web-running", 5, false, &r,
                                         &err), 0);
    assert_int_equal(x2k_source_state(s, "web-running", &st, &err), 0);
    assert_int_equal(st, X2K_DOM_SHUTOFF);
    /* Already off: nothing to do. */
    assert_int_equal(x2k_source_shutdown(s, "ubuntu14.04", 5, false, &r,
                                         &err), 0);
    assert_int_equal(x2k_source_shutdown(s, "no-such", 5, false, &r, &err),
                     -1);
    assert_int_equal(err.code, X2K_ERR_NOT_FOUND);
    x2k_error_clear(&err);
    x2k_source_free(s);
}

static struct x2k_inventory *
inventory_of(const char *name)
{
    struct x2k_source *s = open_host();
    struct x2k_error err = X2K_ERROR_INIT;
    char *xml = x2k_source_dumpxml(s, name, &err);
    struct x2k_inventory *inv;

    assert_non_null(xml);
    inv = x2k_inventory_from_xml(xml, &err);
    assert_non_null(inv);
    free(xml);
    x2k_source_free(s);
    return inv;
}

static void
test_inventory(void **state)
{
    struct x2k_inventory *inv;

    (void)state;
    inv = inventory_of("rhel49-x86_64-pv");
    assert_true(inv->pv);
    assert_string_equal(inv->arch, "x86_64");
    assert_int_equal(inv->n_disks, 1);
    assert_int_equal(inv->disks[0].type, X2K_DISK_FILE);
    assert_string_equal(inv->disks[0].path,
                        "/var/lib/xen/images/rhel49-x86_64-pv.img");
    assert_string_equal(inv->disks[0].target_dev, "xvda");
    assert_string_equal(inv->disks[0].bus, "xen");
    assert_string_equal(inv->disks[0].driver_name, "file");
    assert_null(inv->disks[0].declared_format);
    assert_int_equal(inv->n_nics, 1);
    assert_string_equal(inv->nics[0].mac, "00:16:3e:1a:2b:01");
    assert_string_equal(inv->nics[0].type, "bridge");
    assert_string_equal(inv->nics[0].source, "xenbr0");
    assert_false(inv->block_device);
    x2k_inventory_free(inv);

    inv = inventory_of("win2k8-hvm");
    assert_false(inv->pv);
    assert_int_equal(inv->n_disks, 2);
    assert_int_equal(inv->disks[1].device, X2K_DEV_CDROM);
    assert_true(inv->disks[1].readonly);
    assert_false(x2k_disk_is_copied(&inv->disks[1]));
    assert_string_equal(inv->nics[0].type, "network");
    assert_string_equal(inv->nics[0].source, "default");
    assert_string_equal(inv->nics[0].model, "rtl8139");
    x2k_inventory_free(inv);

    inv = inventory_of("ubuntu14.04");
    assert_true(inv->block_device);
    assert_non_null(strstr(inv->block_reason, "/dev/vg_xen/ubuntu-data"));
    assert_int_equal(inv->disks[1].type, X2K_DISK_BLOCK);
    assert_string_equal(inv->disks[1].path, "/dev/vg_xen/ubuntu-data");
    assert_string_equal(inv->disks[0].declared_format, "raw");
    x2k_inventory_free(inv);

    inv = inventory_of("multidisk-pv");
    assert_int_equal(inv->n_disks, 3);
    assert_string_equal(inv->disks[2].path,
                        "/var/lib/xen/images/multi log 'x'.img");
    assert_int_equal(inv->n_nics, 2);
    x2k_inventory_free(inv);

    inv = inventory_of("netdisk-pv");
    assert_true(inv->has_network_disks);
    assert_int_equal(inv->disks[0].type, X2K_DISK_NETWORK);
    assert_string_equal(inv->disks[0].protocol, "nbd");
    assert_false(x2k_disk_is_copied(&inv->disks[0]));
    x2k_inventory_free(inv);
}

static void
test_local_probe(void **state)
{
    static const unsigned char qcow2[32] = {
        'Q', 'F', 'I', 0xfb, 0, 0, 0, 3, [24] = 0, 0, 0, 0, 0x40, 0, 0, 0,
    };
    char dir[] = "/tmp/x2k-inv.XXXXXX";
    char raw[256], qc[256], missing[256], *xml;
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_inventory *inv;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(raw, sizeof(raw), "%s/raw 'img'", dir);
    snprintf(qc, sizeof(qc), "%s/d.qcow2", dir);
    snprintf(missing, sizeof(missing), "%s/missing", dir);
    f = fopen(raw, "w");
    assert_int_equal(ftruncate(fileno(f), 1 << 20), 0);
    fclose(f);
    f = fopen(qc, "w");
    fwrite(qcow2, 1, sizeof(qcow2), f);
    fclose(f);
    xml = x2k_strdup_printf(
        "<domain type='xen'><name>t</name><os><type>linux</type></os><devices>"
        "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file=\"%s\"/><target dev='xvda'/></disk>"
        "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='%s'/><target dev='xvdb'/></disk>"
        "<disk type='file' device='disk'><source file='%s'/>"
        "<target dev='xvdc'/></disk>"
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        "<source file='%s'/><target dev='xvdd'/></disk>"
        "</devices></domain>", raw, qc, missing, qc);
    inv = x2k_inventory_from_xml(xml, &err);
    assert_non_null(inv);
    assert_int_equal(x2k_inventory_probe(inv, NULL, &err), 0);
    assert_true(inv->disks[0].readable);
    assert_int_equal(inv->disks[0].size, 1 << 20);
    assert_string_equal(inv->disks[0].real_format, "raw");
    assert_true(inv->disks[1].readable);
    /* Declared raw: raw, whatever its first bytes (never probed). */
    assert_string_equal(inv->disks[1].real_format, "raw");
    assert_string_equal(inv->disks[1].header_format, "qcow2");
    assert_int_equal(inv->disks[1].size, sizeof(qcow2));
    assert_false(inv->disks[2].readable);
    assert_non_null(inv->disks[2].probe_error);
    /* Declared qcow2: verified, the guest-visible size. */
    assert_string_equal(inv->disks[3].real_format, "qcow2");
    assert_int_equal(inv->disks[3].size, 1ULL << 30);
    assert_false(inv->disks[3].has_backing);
    assert_int_equal(x2k_inventory_copy_size(inv),
                     (1 << 20) + sizeof(qcow2) + (1ULL << 30));
    x2k_inventory_free(inv);
    free(xml);
    unlink(raw);
    unlink(qc);
    rmdir(dir);

    assert_null(x2k_inventory_from_xml("<notadomain/>", &err));
    assert_int_equal(err.code, X2K_ERR_XML);
    x2k_error_clear(&err);
    assert_null(x2k_inventory_from_xml("garbage <", &err));
    x2k_error_clear(&err);
}

/* A demo path is the demo's only in a demo plan: another guest whose
 * disk is named like one is probed at that path, not in the cache. */
static void
test_demo_path_not_demo(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_inventory *inv;
    const char *xml =
        "<domain type='xen'><name>t</name><os><type>linux</type></os>"
        "<devices><disk type='file' device='disk'>"
        "<source file='" X2K_DEMO_PREFIX "images/demo-pv.img'/>"
        "<target dev='xvda'/></disk></devices></domain>";

    (void)state;
    inv = x2k_inventory_from_xml(xml, &err);
    assert_non_null(inv);
    assert_false(inv->demo);
    assert_int_equal(x2k_inventory_probe(inv, NULL, &err), 0);
    assert_string_equal(inv->disks[0].path,
                        X2K_DEMO_PREFIX "images/demo-pv.img");
    assert_false(inv->disks[0].exists);
    x2k_inventory_free(inv);
}

/* Names in hand-built XML (the volume of an upload) are escaped. */
static void
test_xml_escape(void **state)
{
    char *e = x2k_xml_escape("a&b<c>'d\"");

    (void)state;
    assert_string_equal(e, "a&amp;b&lt;c&gt;&apos;d&quot;");
    free(e);
    e = x2k_xml_escape("");
    assert_string_equal(e, "");
    free(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list),
        cmocka_unit_test(test_dumpxml_state),
        cmocka_unit_test(test_shutdown),
        cmocka_unit_test(test_inventory),
        cmocka_unit_test(test_local_probe),
        cmocka_unit_test(test_demo_path_not_demo),
        cmocka_unit_test(test_xml_escape),
    };
    const char *top = getenv("top_srcdir");
    char *abs;
    int rc;

    abs = realpath(top ? top : "..", NULL);
    uri = x2k_strdup_printf("test://%s/tests/data/xenhost.xml", abs);
    free(abs);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    free(uri);
    return rc;
}
