/* Unit tests for core/plan: defaults, validation, copy, equality. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "plan/plan.h"

static void
seed_plan(struct x2k_plan *p)
{
    x2k_plan_init(p);
    x2k_str_replace(&p->uri, "xen+ssh://172.16.7.54");
    x2k_str_replace(&p->vm_name, "ubuntu14.04");
    p->block_device = true;
}

static void
free_plan(struct x2k_plan *p)
{
    x2k_plan_clear(p);
    free(p->target_uri);
    free(p->pool);
}

static void
test_defaults(void **state)
{
    struct x2k_plan p;

    x2k_plan_init(&p);
    assert_int_equal(p.mode, X2K_MODE_XEN);
    assert_string_equal(p.target_uri, "qemu:///system");
    assert_string_equal(p.pool, "default");
    assert_int_equal(p.format, X2K_FORMAT_RAW);
    assert_int_equal(p.allocation, X2K_ALLOC_SPARSE);
    assert_int_equal(p.engine, X2K_ENGINE_BUILTIN);
    assert_int_equal(p.layout, X2K_LAYOUT_AUTO);
    assert_int_equal(p.output, X2K_OUTPUT_LIBVIRT);
    assert_int_equal(p.parallel, 1);
    assert_false(p.block_device);
    assert_false(p.verify);
    assert_false(p.start);
    free_plan(&p);
}

static void
expect_invalid(struct x2k_plan *p, const char *needle)
{
    struct x2k_error err = X2K_ERROR_INIT;

    assert_int_equal(x2k_plan_validate(p, &err), -1);
    assert_int_equal(err.code, X2K_ERR_INVALID);
    if (!strstr(err.msg, needle))
        fail_msg("'%s' does not mention '%s'", err.msg, needle);
    x2k_error_clear(&err);
}

static void
test_validate(void **state)
{
    struct x2k_plan p;
    struct x2k_error err = X2K_ERROR_INIT;

    seed_plan(&p);
    assert_int_equal(x2k_plan_validate(&p, &err), 0);

    x2k_str_replace(&p.uri, NULL);
    expect_invalid(&p, "--uri");
    p.demo = true;              /* the demo host stands in for --uri */
    assert_int_equal(x2k_plan_validate(&p, NULL), 0);
    p.demo = false;
    x2k_str_replace(&p.uri, "xen+ssh://h");

    x2k_str_replace(&p.vm_name, NULL);
    expect_invalid(&p, "--vm-name");
    x2k_str_replace(&p.vm_name, "g");

    p.mode = X2K_MODE_LIBVIRTXML;
    expect_invalid(&p, "--input");
    x2k_str_replace(&p.input_xml, "/tmp/g.xml");
    expect_invalid(&p, "--block-device");
    p.block_device = false;
    assert_int_equal(x2k_plan_validate(&p, NULL), 0);
    p.mode = X2K_MODE_XEN;
    expect_invalid(&p, "--input");
    x2k_str_replace(&p.input_xml, NULL);

    x2k_str_replace(&p.new_name, "a/b");
    expect_invalid(&p, "--new-name");
    x2k_str_replace(&p.new_name, "中文虚拟机 'x'");
    assert_int_equal(x2k_plan_validate(&p, NULL), 0);

    p.parallel = 0;
    expect_invalid(&p, "--parallel");
    p.parallel = 17;
    expect_invalid(&p, "--parallel");
    p.parallel = 4;

    p.output = X2K_OUTPUT_LOCAL;
    expect_invalid(&p, "--output-dir");
    x2k_str_replace(&p.output_dir, "/srv/out");
    assert_int_equal(x2k_plan_validate(&p, NULL), 0);
    p.start = true;
    expect_invalid(&p, "--start");
    p.start = false;
    p.output = X2K_OUTPUT_LIBVIRT;
    expect_invalid(&p, "--output-dir");
    x2k_str_replace(&p.output_dir, NULL);

    x2k_str_replace(&p.accept_host_key, "MD5:aa:bb");
    expect_invalid(&p, "SHA256");
    x2k_str_replace(&p.accept_host_key, NULL);

    p.force_off = true;
    expect_invalid(&p, "--shutdown-source");
    p.shutdown_source = true;
    assert_int_equal(x2k_plan_validate(&p, NULL), 0);

    x2k_plan_add_net(&p, X2K_NET_BRIDGE, "xenbr0", "br0");
    x2k_plan_add_net(&p, X2K_NET_NETWORK, NULL, "default");
    assert_int_equal(x2k_plan_validate(&p, NULL), 0);
    x2k_plan_add_net(&p, X2K_NET_NETWORK, "xenbr0", "other");
    expect_invalid(&p, "xenbr0");
    free_plan(&p);

    seed_plan(&p);
    x2k_plan_add_net(&p, X2K_NET_BRIDGE, "a:b", "br0");
    expect_invalid(&p, "--bridge");
    free_plan(&p);
}

/* --vcpus, --memory, --disk-bus and --nic-model as the wizard sets
 * them: ranges, disk names, MAC addresses, each device chosen once. */
static void
test_validate_hardware(void **state)
{
    struct x2k_plan p;

    seed_plan(&p);
    p.vcpus = X2K_MAX_VCPUS + 1;
    expect_invalid(&p, "--vcpus");
    p.vcpus = 2;
    p.memory_kib = 512;
    expect_invalid(&p, "--memory");
    p.memory_kib = 2 * 1024 * 1024;
    assert_int_equal(x2k_plan_validate(&p, NULL), 0);

    x2k_devchoices_add(&p.disk_buses, "xvda", X2K_DISK_BUS_SATA);
    x2k_devchoices_add(&p.disk_buses, NULL, X2K_DISK_BUS_IDE);
    assert_int_equal(x2k_plan_validate(&p, NULL), 0);
    x2k_devchoices_add(&p.disk_buses, "XVDA", X2K_DISK_BUS_IDE);
    expect_invalid(&p, "chosen twice");
    x2k_devchoices_clear(&p.disk_buses);
    x2k_devchoices_add(&p.disk_buses, "xvd a", X2K_DISK_BUS_IDE);
    expect_invalid(&p, "--disk-bus");
    x2k_devchoices_clear(&p.disk_buses);
    x2k_devchoices_add(&p.disk_buses, NULL, X2K_N_DISK_BUSES);
    expect_invalid(&p, "--disk-bus");
    x2k_devchoices_clear(&p.disk_buses);

    x2k_devchoices_add(&p.nic_models, "00:16:3e:AA:bb:01", X2K_NIC_E1000);
    assert_int_equal(x2k_plan_validate(&p, NULL), 0);
    x2k_devchoices_add(&p.nic_models, "00:16:3e:aa:bb", X2K_NIC_E1000);
    expect_invalid(&p, "MAC address");
    x2k_devchoices_clear(&p.nic_models);
    free_plan(&p);
}

static void
test_copy_equal(void **state)
{
    struct x2k_plan a, b;

    seed_plan(&a);
    x2k_plan_add_net(&a, X2K_NET_BRIDGE, "xenbr0", "br0");
    x2k_str_replace(&a.password_file, "/root/pw");
    a.vcpus = 3;
    a.memory_kib = 1536;
    x2k_devchoices_add(&a.disk_buses, "xvda", X2K_DISK_BUS_SCSI);
    x2k_devchoices_add(&a.nic_models, NULL, X2K_NIC_RTL8139);
    x2k_plan_init(&b);
    x2k_plan_copy(&b, &a);
    assert_true(x2k_plan_equal(&a, &b));
    assert_ptr_not_equal(a.nets, b.nets);
    assert_ptr_not_equal(a.uri, b.uri);
    assert_ptr_not_equal(a.disk_buses.v, b.disk_buses.v);
    b.disk_buses.v[0].key[0] = 'h';
    assert_false(x2k_plan_equal(&a, &b));
    b.disk_buses.v[0].key[0] = 'x';
    b.nic_models.v[0].value = X2K_NIC_VIRTIO;
    assert_false(x2k_plan_equal(&a, &b));
    b.nic_models.v[0].value = X2K_NIC_RTL8139;
    b.memory_kib = 2048;
    assert_false(x2k_plan_equal(&a, &b));
    b.memory_kib = a.memory_kib;
    assert_true(x2k_plan_equal(&a, &b));
    b.nets[0].out[0] = 'X';
    assert_false(x2k_plan_equal(&a, &b));
    free_plan(&a);
    free_plan(&b);
    x2k_plan_free(NULL);
    x2k_plan_free(x2k_plan_new());
}

static void
test_source_uri(void **state)
{
    struct x2k_plan p;
    char *uri;

    x2k_plan_init(&p);
    assert_null(x2k_plan_source_uri(&p));
    p.demo = true;
    setenv("X2K_DEMO_DIR", "/opt/demo", 1);
    uri = x2k_plan_source_uri(&p);
    assert_string_equal(uri, "test:///opt/demo/xenhost.xml");
    free(uri);
    x2k_str_replace(&p.uri, "xen+ssh://x");
    uri = x2k_plan_source_uri(&p);
    assert_string_equal(uri, "xen+ssh://x");
    free(uri);
    free_plan(&p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_validate_hardware),
        cmocka_unit_test(test_copy_equal),
        cmocka_unit_test(test_source_uri),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
