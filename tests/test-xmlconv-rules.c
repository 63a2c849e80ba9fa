/* Unit tests for the converter's hardware choices (--vcpus, --memory,
 * --disk-bus, --nic-model, the Windows defaults) and its faithfulness
 * rules: nothing the QEMU driver refuses, nothing changed without a
 * warning.  One test per rule; each output also defines into libvirt's
 * test driver with schema validation (the real QEMU driver takes the
 * fixtures in test-xmlconv-qemu.sh; the goldens are test-xmlconv.c's).
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "convert/xmlconv.h"
#include "testlib.h"
#include "xmlconv-lib.h"

/* Convert BODY (a domain named g) with PLAN and Debian 12's caps. */
static struct x2k_xmlconv_result *
convert_with(const char *body, const struct x2k_plan *plan,
             const struct x2k_xmlconv_opts *in)
{
    struct x2k_xmlconv_opts opts = in ? *in : (struct x2k_xmlconv_opts){ 0 };
    X2K_AUTO(x2k_caps) caps = load_caps("debian12", NULL);
    struct x2k_xmlconv_result *r;

    if (!opts.caps)
        opts.caps = caps;
    r = convert(domain(body), plan, &opts);
    assert_defines(r->xml);
    return r;
}

/* ---- Hardware -------------------------------------------------------- */

/* --vcpus and --memory replace the source's and drop what named the
 * old numbers (topology, NUMA cells, memory hotplug), with warnings. */
static void
test_vcpus_memory(void **state)
{
    static const struct fixture f = { "hardware", "debian12", NULL,
                                      setup_hardware_options };
    X2K_AUTO(x2k_xmlconv_result) r = convert_fixture(&f);
    X2K_AUTO(x2k_xmlconv_result) keep = NULL;
    struct x2k_plan plan;

    assert_xp(r->xml, "/domain/vcpu", "2");
    assert_xp_count(r->xml, "/domain/vcpu/@current", 0);
    assert_xp(r->xml, "/domain/memory", "3145728");
    assert_xp(r->xml, "/domain/memory/@unit", "KiB");
    assert_xp(r->xml, "/domain/currentMemory", "3145728");
    assert_xp_count(r->xml, "/domain/cpu/topology", 0);
    assert_xp_count(r->xml, "/domain/cpu/numa", 0);
    assert_xp_count(r->xml, "/domain/maxMemory", 0);
    assert_true(has_warning(r, "cpu-topology"));
    assert_true(has_warning(r, "numa"));
    assert_true(has_warning(r, "max-memory"));
    assert_defines(r->xml);

    /* Without the options everything stays as the source has it. */
    x2k_plan_init(&plan);
    keep = convert_fixture(&(struct fixture){ "hardware", "debian12", NULL,
                                              NULL });
    assert_xp(keep->xml, "/domain/vcpu", "4");
    assert_xp(keep->xml, "/domain/vcpu/@current", "2");
    assert_xp(keep->xml, "/domain/currentMemory", "1048576");
    assert_xp(keep->xml, "/domain/cpu/topology/@sockets", "2");
    assert_xp_count(keep->xml, "/domain/cpu/numa/cell", 2);
    assert_xp(keep->xml, "/domain/maxMemory/@slots", "16");
    assert_false(has_warning(keep, "cpu-topology"));
    plan_free(&plan);

    /* A topology that still fits is kept; --vcpus adds <vcpu> if need
     * be. */
    x2k_plan_init(&plan);
    plan.vcpus = 4;
    {
        X2K_AUTO(x2k_xmlconv_result) t = convert_with(
            "<os><type arch='x86_64'>hvm</type></os>"
            "<cpu><topology sockets='1' cores='2' threads='2'/></cpu>",
            &plan, NULL);

        assert_xp(t->xml, "/domain/vcpu", "4");
        assert_xp(t->xml, "/domain/cpu/topology/@threads", "2");
        assert_false(has_warning(t, "cpu-topology"));
    }
    plan_free(&plan);
}

/* --disk-bus per disk and for the rest; names follow the bus; a SCSI
 * disk gets a virtio-scsi controller.  --nic-model per MAC (any case). */
static void
test_disk_bus_nic_model(void **state)
{
    static const struct fixture f = { "hardware", "debian12", NULL,
                                      setup_hardware_options };
    X2K_AUTO(x2k_xmlconv_result) r = convert_fixture(&f);

    assert_string_equal(r->disks[0].old_target, "xvda");
    assert_string_equal(r->disks[0].new_target, "sda");
    assert_string_equal(r->disks[0].new_bus, "sata");
    assert_string_equal(r->disks[1].new_target, "vda");
    assert_string_equal(r->disks[1].new_bus, "virtio");
    assert_string_equal(r->disks[2].new_target, "sdb");
    assert_string_equal(r->disks[2].new_bus, "scsi");
    assert_xp(r->xml, "/domain/devices/disk[target/@dev='sdb']/target/@bus",
              "scsi");
    assert_xp(r->xml, "/domain/devices/controller[@type='scsi']/@model",
              "virtio-scsi");
    assert_int_equal(r->n_nics, 2);
    assert_string_equal(r->nics[0].new_model, "virtio");
    assert_string_equal(r->nics[0].old_model, "netfront");
    assert_string_equal(r->nics[1].new_model, "rtl8139");
    assert_null(r->nics[1].old_model);
    assert_xp(r->xml,
              "/domain/devices/interface[mac/@address='00:16:3e:12:00:02']"
              "/model/@type",
              "rtl8139");
    /* The kernel command line's map follows the new names. */
    assert_false(r->windows);
}

/* IDE has four places, and none on q35: then SATA, with a warning, or
 * an i440fx machine when the target has one. */
static void
test_ide_limits(void **state)
{
    const char *body =
        "<os><type arch='x86_64'>hvm</type></os><devices>"
        "<disk type='file'><source file='/a'/><target dev='xvda'/></disk>"
        "<disk type='file'><source file='/b'/><target dev='xvdb'/></disk>"
        "<disk type='file'><source file='/c'/><target dev='xvdc'/></disk>"
        "<disk type='file'><source file='/d'/><target dev='xvdd'/></disk>"
        "<disk type='file'><source file='/e'/><target dev='xvde'/></disk>"
        "</devices>";
    struct x2k_xmlconv_opts opts = { 0 };
    X2K_AUTO(x2k_caps) rhel9 = load_caps("rhel9", NULL);
    struct x2k_plan plan;
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    x2k_devchoices_add(&plan.disk_buses, NULL, X2K_DISK_BUS_IDE);
    r = convert_with(body, &plan, NULL);
    assert_string_equal(r->disks[3].new_target, "hdd");
    assert_string_equal(r->disks[4].new_target, "sda");
    assert_string_equal(r->disks[4].new_bus, "sata");
    assert_true(has_warning(r, "ide-full"));
    x2k_xmlconv_result_free(r);

    /* RHEL 9 offers q35 first, and an i440fx machine for IDE. */
    opts.caps = rhel9;
    r = convert_with(body, &plan, &opts);
    assert_xp(r->xml, "/domain/os/type/@machine", "pc-i440fx-rhel7.6.0");
    assert_string_equal(r->disks[0].new_bus, "ide");
    assert_true(has_warning(r, "machine-i440fx"));
    x2k_xmlconv_result_free(r);
    plan_free(&plan);
}

/* Windows: IDE before Vista/2008 (and when unknown), SATA from then on,
 * e1000; the version from the caller, libosinfo metadata or the name;
 * Viridian and libxl's <hyperv> both say Windows. */
static void
test_windows_defaults(void **state)
{
    static const struct {
        const char *name;
        const char *metadata;
        const char *bus;
    } cases[] = {
        { "winxp-pos", "", "ide" },
        { "W2K3-dc01", "", "ide" },
        { "srv-win2k8r2", "", "sata" },
        { "Windows 10 desk", "", "sata" },
        { "fileserver", "", "ide" },
        { "twinpeaks7", "", "ide" },
        { "fileserver",
          "<metadata><libosinfo:libosinfo xmlns:libosinfo="
          "'http://libosinfo.org/xmlns/libvirt/domain/1.0'>"
          "<libosinfo:os id='http://microsoft.com/win/2k12r2'/>"
          "</libosinfo:libosinfo></metadata>",
          "sata" },
        { "fileserver",
          "<metadata><libosinfo:libosinfo xmlns:libosinfo="
          "'http://libosinfo.org/xmlns/libvirt/domain/1.0'>"
          "<libosinfo:os id='http://microsoft.com/win/2k3'/>"
          "</libosinfo:libosinfo></metadata>",
          "ide" },
    };
    struct x2k_plan plan;
    size_t i;

    x2k_plan_init(&plan);
    for (i = 0; i < X2K_N_ELEMENTS(cases); i++) {
        X2K_AUTOFREE char *xml = x2k_strdup_printf(
            "<domain type='xen'><name>%s</name>%s"
            "<memory>524288</memory>"
            "<os><type arch='x86_64'>hvm</type></os>"
            "<features><acpi/><hyperv><relaxed state='on'/>"
            "<vapic state='on'/><spinlocks state='on' retries='4096'/>"
            "</hyperv></features><devices>"
            "<disk type='file'><source file='/c.img'/>"
            "<target dev='hda' bus='ide'/></disk>"
            "<interface type='bridge'><mac address='00:16:3e:00:00:01'/>"
            "<source bridge='br0'/></interface></devices></domain>",
            cases[i].name, cases[i].metadata);
        X2K_AUTO(x2k_caps) caps = load_caps("debian12", NULL);
        struct x2k_xmlconv_opts opts = { .caps = caps };
        X2K_AUTO(x2k_xmlconv_result) r = convert(xml, &plan, &opts);

        if (!r->windows || strcmp(r->disks[0].new_bus, cases[i].bus) != 0)
            fail_msg("case %zu (%s): windows %d, bus %s, want %s", i,
                     cases[i].name, r->windows, r->disks[0].new_bus,
                     cases[i].bus);
        assert_string_equal(r->nics[0].new_model, "e1000");
        assert_true(has_warning(r, "guest-os-guessed"));
        assert_true(has_warning(r, "windows-no-virtio"));
        /* libosinfo metadata is the application's: kept as it is. */
        if (*cases[i].metadata)
            assert_xp_count(r->xml, "/domain/metadata/*[local-name()="
                                    "'libosinfo']/*[@id]", 1);
        assert_defines(r->xml);
    }

    /* What the options choose wins, and then there is nothing to warn
     * about. */
    x2k_devchoices_add(&plan.disk_buses, NULL, X2K_DISK_BUS_VIRTIO);
    x2k_devchoices_add(&plan.nic_models, NULL, X2K_NIC_VIRTIO);
    {
        struct x2k_xmlconv_opts opts = { .guest_os = X2K_GUEST_OS_WINDOWS };
        X2K_AUTO(x2k_xmlconv_result) r = convert_with(
            "<os><type arch='x86_64'>hvm</type></os><devices>"
            "<disk type='file'><source file='/c.img'/>"
            "<target dev='hda'/></disk>"
            "<interface type='bridge'><source bridge='br0'/></interface>"
            "</devices>",
            &plan, &opts);

        assert_string_equal(r->disks[0].new_bus, "virtio");
        assert_string_equal(r->nics[0].new_model, "virtio");
        assert_false(has_warning(r, "windows-no-virtio"));
    }
    plan_free(&plan);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vcpus_memory),
        cmocka_unit_test(test_disk_bus_nic_model),
        cmocka_unit_test(test_ide_limits),
        cmocka_unit_test(test_windows_defaults),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
