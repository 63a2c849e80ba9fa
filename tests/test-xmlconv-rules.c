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

    /* Memory hotplug without NUMA cells: QEMU refuses it, so it goes. */
    x2k_plan_init(&plan);
    {
        X2K_AUTO(x2k_xmlconv_result) h = convert_with(
            "<maxMemory slots='16' unit='KiB'>8388608</maxMemory>"
            "<os><type arch='x86_64'>hvm</type></os>",
            &plan, NULL);

        assert_xp_count(h->xml, "/domain/maxMemory", 0);
        assert_true(has_warning(h, "max-memory"));
        assert_xp(h->xml, "/domain/memory", "524288");
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
        { "winsrv2003-files", "", "ide" },
        { "Windows Server 2019", "", "sata" },
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

/* ---- Faithful conversion ------------------------------------------- */

/* 1. Lifecycle actions the QEMU driver refuses become the nearest one
 * it takes, with a warning; those it takes stay. */
static void
test_lifecycle(void **state)
{
    static const struct {
        const char *elem, *in, *out;
    } cases[] = {
        { "on_poweroff", "preserve", "destroy" },
        { "on_poweroff", "rename-restart", "restart" },
        { "on_poweroff", "coredump-destroy", "destroy" },
        { "on_poweroff", "bogus", "destroy" },
        { "on_reboot", "preserve", "destroy" },
        { "on_reboot", "coredump-restart", "restart" },
        { "on_reboot", "bogus", "restart" },
        { "on_crash", "rename-restart", "restart" },
        { "on_crash", "preserve", NULL },
        { "on_crash", "coredump-destroy", NULL },
        { "on_poweroff", "restart", NULL },
        { "on_lockfailure", "pause", NULL },
    };
    struct x2k_plan plan;
    size_t i;

    x2k_plan_init(&plan);
    for (i = 0; i < X2K_N_ELEMENTS(cases); i++) {
        X2K_AUTOFREE char *body = x2k_strdup_printf(
            "<os><type arch='x86_64'>hvm</type></os><%s>%s</%s>",
            cases[i].elem, cases[i].in, cases[i].elem);
        X2K_AUTOFREE char *expr = x2k_strdup_printf("/domain/%s",
                                                    cases[i].elem);
        X2K_AUTO(x2k_xmlconv_result) r = convert_with(body, &plan, NULL);

        assert_xp(r->xml, expr, cases[i].out ? cases[i].out : cases[i].in);
        if (has_warning(r, "lifecycle") != (cases[i].out != NULL))
            fail_msg("case %zu: %s %s: warning %d", i, cases[i].elem,
                     cases[i].in, has_warning(r, "lifecycle"));
    }
    {
        X2K_AUTO(x2k_xmlconv_result) r = convert_with(
            "<os><type arch='x86_64'>hvm</type></os>"
            "<on_lockfailure>explode</on_lockfailure>",
            &plan, NULL);

        assert_xp_count(r->xml, "/domain/on_lockfailure", 0);
        assert_true(has_warning(r, "lifecycle"));
    }
    {
        /* The one pair QEMU refuses, also when it comes from a mapping. */
        static const char *const reboots[] = { "destroy", "preserve" };

        for (i = 0; i < X2K_N_ELEMENTS(reboots); i++) {
            X2K_AUTOFREE char *body = x2k_strdup_printf(
                "<os><type arch='x86_64'>hvm</type></os>"
                "<on_poweroff>restart</on_poweroff>"
                "<on_reboot>%s</on_reboot>", reboots[i]);
            X2K_AUTO(x2k_xmlconv_result) r = convert_with(body, &plan, NULL);

            assert_xp(r->xml, "/domain/on_poweroff", "destroy");
            assert_xp(r->xml, "/domain/on_reboot", "destroy");
            assert_true(has_warning(r, "lifecycle"));
        }
    }
    plan_free(&plan);
}

/* 2. libxl's <hyperv> says Windows: the SLES Windows 2003 guest gets
 * IDE and e1000, the warnings say so. */
static void
test_hyperv_windows(void **state)
{
    static const struct fixture f = { "sles-win2003", "debian12", NULL,
                                      NULL };
    X2K_AUTO(x2k_xmlconv_result) r = convert_fixture(&f);

    assert_true(r->windows);
    assert_string_equal(r->disks[0].new_bus, "ide");
    assert_string_equal(r->disks[0].new_target, "hda");
    assert_string_equal(r->disks[1].new_target, "hdb");
    assert_string_equal(r->nics[0].old_model, "rtl8139");
    assert_string_equal(r->nics[0].new_model, "e1000");
    assert_true(has_warning(r, "guest-os-guessed"));
    assert_true(has_warning(r, "windows-no-virtio"));
    assert_xp(r->xml, "/domain/features/hyperv/spinlocks/@retries", "4095");
    assert_true(has_warning(r, "hyperv"));
    assert_xp(r->xml, "/domain/os/type/@machine", "pc");
    assert_xp_count(r->xml, "/domain/devices/controller[@type='xenbus']", 0);
}

/* 3. A variable clock stays as it is; every timer is mapped to what
 * QEMU takes or warned about, never dropped silently. */
static void
test_clock_timers(void **state)
{
    struct x2k_plan plan;
    X2K_AUTO(x2k_xmlconv_result) r = NULL;
    X2K_AUTO(x2k_xmlconv_result) w = NULL;

    x2k_plan_init(&plan);
    r = convert_with(
        "<os><type arch='x86_64'>hvm</type></os>"
        "<clock offset='variable' adjustment='-7200' basis='utc'>"
        "<timer name='rtc' tickpolicy='merge' track='guest'/>"
        "<timer name='pit' tickpolicy='merge'/>"
        "<timer name='hpet' present='no'/>"
        "<timer name='tsc' present='yes' mode='native' frequency='2400000000'/>"
        "<timer name='platform' present='yes'/>"
        "<timer name='kvmclock' present='yes' tickpolicy='delay'/>"
        "</clock>",
        &plan, NULL);
    assert_xp(r->xml, "/domain/clock/@offset", "variable");
    assert_xp(r->xml, "/domain/clock/@adjustment", "-7200");
    assert_xp(r->xml, "/domain/clock/@basis", "utc");
    assert_xp(r->xml, "/domain/clock/timer[@name='rtc']/@tickpolicy", "delay");
    assert_xp(r->xml, "/domain/clock/timer[@name='rtc']/@track", "guest");
    assert_xp(r->xml, "/domain/clock/timer[@name='pit']/@tickpolicy",
              "discard");
    assert_xp(r->xml, "/domain/clock/timer[@name='hpet']/@present", "no");
    assert_xp(r->xml, "/domain/clock/timer[@name='tsc']/@frequency",
              "2400000000");
    assert_xp_count(r->xml, "/domain/clock/timer[@name='tsc']/@mode", 0);
    assert_xp_count(r->xml, "/domain/clock/timer[@name='platform']", 0);
    assert_xp_count(r->xml, "/domain/clock/timer[@name='kvmclock']"
                            "/@tickpolicy", 0);
    assert_xp_count(r->xml, "/domain/clock/timer", 5);
    /* rtc, pit, tsc's mode, platform, kvmclock's tick policy. */
    {
        size_t i, n = 0;

        for (i = 0; i < r->n_warnings; i++)
            n += strcmp(r->warnings[i].id, "timer") == 0;
        assert_int_equal(n, 5);
    }

    /* A Windows guest whose clock was UTC: local time, said aloud. */
    w = convert_with("<os><type arch='x86_64'>hvm</type></os>"
                     "<features><viridian/></features>"
                     "<clock offset='utc'/>",
                     &plan, NULL);
    assert_xp(w->xml, "/domain/clock/@offset", "localtime");
    assert_true(has_warning(w, "clock-localtime"));

    /* Catch-up settings go with the catchup policy, on any timer. */
    {
        X2K_AUTO(x2k_xmlconv_result) k = convert_with(
            "<os><type arch='x86_64'>hvm</type></os>"
            "<clock offset='utc'>"
            "<timer name='pit' tickpolicy='catchup'>"
            "<catchup threshold='123' slew='120' limit='10000'/></timer>"
            "<timer name='rtc' tickpolicy='delay'>"
            "<catchup threshold='10'/></timer>"
            "</clock>",
            &plan, NULL);

        assert_xp(k->xml,
                  "/domain/clock/timer[@name='pit']/catchup/@slew", "120");
        assert_xp_count(k->xml, "/domain/clock/timer[@name='rtc']/catchup",
                        0);
        assert_true(has_warning(k, "timer"));
    }
    plan_free(&plan);
}

/* 4. Every serial port is kept as a pty on its own port (ISA has
 * four); the console is on the first. */
static void
test_serial_ports(void **state)
{
    struct x2k_plan plan;
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    r = convert_with(
        "<os><type arch='x86_64'>hvm</type></os><devices>"
        "<serial type='pty'><source path='/dev/pts/4'/>"
        "<target port='0'/></serial>"
        "<serial type='pty'><target port='1'/></serial>"
        "<serial type='file'><source path='/var/log/xen/s2.log'/>"
        "<target port='2'/></serial>"
        "<console type='pty'><target type='serial' port='0'/></console>"
        "</devices>",
        &plan, NULL);
    assert_xp_count(r->xml, "/domain/devices/serial[@type='pty']", 3);
    assert_xp_count(r->xml, "/domain/devices/serial/source", 0);
    assert_xp(r->xml, "/domain/devices/serial[3]/target/@port", "2");
    assert_xp_count(r->xml, "/domain/devices/console", 1);
    assert_xp(r->xml, "/domain/devices/console/target/@port", "0");
    assert_true(has_warning(r, "serial"));
    x2k_xmlconv_result_free(r);

    /* ttyS1 stays ttyS1, the console follows it; a clash and a fifth
     * port. */
    r = convert_with(
        "<os><type arch='x86_64'>hvm</type></os><devices>"
        "<serial type='pty'><target port='1'/></serial>"
        "</devices>",
        &plan, NULL);
    assert_xp(r->xml, "/domain/devices/serial/target/@port", "1");
    assert_xp(r->xml, "/domain/devices/console/target/@port", "1");
    assert_false(has_warning(r, "serial"));
    x2k_xmlconv_result_free(r);
    r = convert_with(
        "<os><type arch='x86_64'>hvm</type></os><devices>"
        "<serial type='pty'><target port='0'/></serial>"
        "<serial type='pty'><target port='0'/></serial>"
        "<serial type='pty'/><serial type='pty'/><serial type='pty'/>"
        "</devices>",
        &plan, NULL);
    assert_xp_count(r->xml, "/domain/devices/serial", 4);
    assert_xp(r->xml, "/domain/devices/serial[2]/target/@port", "1");
    assert_xp(r->xml, "/domain/devices/serial[4]/target/@port", "3");
    assert_true(has_warning(r, "serial"));
    x2k_xmlconv_result_free(r);
    plan_free(&plan);
}

/* 5. pypxeboot: network boot, nothing else, with a warning. */
static void
test_pxe(void **state)
{
    static const struct fixture f = { "rhel5-pxe", "debian12", NULL, NULL };
    X2K_AUTO(x2k_xmlconv_result) r = convert_fixture(&f);

    assert_xp(r->xml, "/domain/os/boot/@dev", "network");
    assert_xp_count(r->xml, "/domain/os/boot", 1);
    assert_xp_count(r->xml, "/domain/os/kernel", 0);
    assert_xp_count(r->xml, "//boot[@order]", 0);
    assert_true(has_warning(r, "pxe-boot"));
    assert_false(has_warning(r, "no-boot-method"));
    assert_null(r->root_override);
    assert_xp(r->xml, "/domain/on_poweroff", "destroy");
    assert_xp(r->xml, "/domain/on_reboot", "destroy");
    assert_xp(r->xml, "/domain/on_crash", "restart");
}

/* 6. A pygrub guest's root= override goes to the guest fixes; pygrub's
 * copies of a running guest's kernel mean boot from disk. */
static void
test_pygrub_root(void **state)
{
    static const struct fixture deb = { "debian-pygrub", "debian12", NULL,
                                        NULL };
    static const struct fixture rhel = { "rhel5-running", "debian12", NULL,
                                         NULL };
    X2K_AUTO(x2k_xmlconv_result) r = convert_fixture(&deb);
    X2K_AUTO(x2k_xmlconv_result) run = convert_fixture(&rhel);
    struct x2k_plan plan;
    struct x2k_xmlconv_result *a;

    assert_string_equal(r->root_override, "/dev/vda2");
    assert_true(has_warning(r, "root-override"));
    assert_true(has_warning(r, "bootloader-cmdline"));
    assert_xp_count(r->xml, "/domain/os/cmdline", 0);

    assert_int_equal(run->n_boot_files, 0);
    assert_xp_count(run->xml, "/domain/os/kernel", 0);
    assert_xp_count(run->xml, "/domain/os/initrd", 0);
    assert_xp(run->xml, "/domain/os/boot/@dev", "hd");
    assert_true(has_warning(run, "bootloader-kernel"));
    assert_string_equal(run->root_override, "/dev/VolGroup00/LogVol00");

    /* pygrub's own --args in bootloader_args; the last root= wins. */
    x2k_plan_init(&plan);
    a = convert_with(
        "<bootloader>/usr/bin/pygrub</bootloader>"
        "<bootloader_args>-q --args=\"root=/dev/xvda1 root=/dev/xvdb1\""
        "</bootloader_args><os><type arch='x86_64'>linux</type></os>"
        "<devices><disk type='file'><source file='/a'/>"
        "<target dev='xvda'/></disk><disk type='file'><source file='/b'/>"
        "<target dev='xvdb'/></disk></devices>",
        &plan, NULL);
    assert_string_equal(a->root_override, "/dev/vdb1");
    assert_false(has_warning(a, "bootloader-cmdline"));
    x2k_xmlconv_result_free(a);

    /* pygrub's choice of entry or kernel is said; its plumbing is not. */
    a = convert_with(
        "<bootloader>/usr/bin/pygrub</bootloader>"
        "<bootloader_args>-q --output-format sxp --entry 1 "
        "--kernel='/boot/vmlinuz-2.6.32' --args 'root=/dev/xvda1 ro'"
        "</bootloader_args><os><type arch='x86_64'>linux</type></os>",
        &plan, NULL);
    {
        size_t i, n = 0;

        for (i = 0; i < a->n_warnings; i++) {
            if (strcmp(a->warnings[i].id, "bootloader-args") != 0)
                continue;
            n++;
            assert_true(strstr(a->warnings[i].msg, "--entry 1") ||
                        strstr(a->warnings[i].msg,
                               "--kernel /boot/vmlinuz-2.6.32"));
        }
        assert_int_equal(n, 2);
    }
    assert_string_equal(a->root_override, "/dev/vda1");
    x2k_xmlconv_result_free(a);
    a = convert_with("<bootloader>/usr/bin/pygrub</bootloader>"
                     "<bootloader_args>--wibble</bootloader_args>"
                     "<os><type arch='x86_64'>linux</type></os>",
                     &plan, NULL);
    assert_true(has_warning(a, "bootloader-args"));
    x2k_xmlconv_result_free(a);

    /* Repeated elements (found by fuzz-xmlconv): the last one counts,
     * nothing leaks (the unit tests also run under ASan). */
    a = convert_with("<bootloader>/usr/bin/pygrub</bootloader>"
                     "<bootloader>/usr/lib/xen/bin/pygrub</bootloader>"
                     "<bootloader_args>--entry 0</bootloader_args>"
                     "<bootloader_args>--entry 2</bootloader_args>"
                     "<os><type arch='x86_64'>linux</type></os>",
                     &plan, NULL);
    assert_true(has_warning(a, "bootloader-args"));
    x2k_xmlconv_result_free(a);

    /* No root= given: nothing to carry, nothing to say. */
    a = convert_with("<bootloader>/usr/bin/pygrub</bootloader>"
                     "<os><type arch='x86_64'>linux</type></os>",
                     &plan, NULL);
    assert_null(a->root_override);
    assert_false(has_warning(a, "root-override"));
    x2k_xmlconv_result_free(a);

    /* A real kernel without a bootloader is still booted directly. */
    a = convert_with("<os><type arch='x86_64'>linux</type>"
                     "<kernel>/var/lib/xen/vmlinuz-custom</kernel>"
                     "<cmdline>root=/dev/xvda1</cmdline></os>",
                     &plan, NULL);
    assert_int_equal(a->n_boot_files, 1);
    assert_xp(a->xml, "/domain/os/cmdline", "root=/dev/vda1");
    assert_null(a->root_override);
    x2k_xmlconv_result_free(a);
    plan_free(&plan);
}

/* 7. root=/dev/xvdXN is rewritten with no disks listed (on the default
 * bus); a USB device given by address is named by it. */
static void
test_root_without_disks(void **state)
{
    static const struct fixture f = { "debian-nodisks", "debian12", NULL,
                                      NULL };
    static const struct fixture win = { "sles-win2003", "debian12", NULL,
                                        NULL };
    X2K_AUTO(x2k_xmlconv_result) r = convert_fixture(&f);
    X2K_AUTO(x2k_xmlconv_result) w = convert_fixture(&win);
    struct x2k_plan plan;
    size_t i;
    bool named = false;

    assert_xp(r->xml, "/domain/os/cmdline",
              "root=/dev/vda1 ro resume=/dev/vdb console=ttyS0");
    x2k_plan_init(&plan);
    x2k_devchoices_add(&plan.disk_buses, NULL, X2K_DISK_BUS_SATA);
    {
        X2K_AUTO(x2k_xmlconv_result) s = convert_with(
            "<os><type arch='x86_64'>linux</type><kernel>/k</kernel>"
            "<cmdline>root=/dev/xvdc3</cmdline></os>",
            &plan, NULL);

        assert_xp(s->xml, "/domain/os/cmdline", "root=/dev/sdc3");
    }
    plan_free(&plan);
    for (i = 0; i < w->n_warnings; i++) {
        if (strcmp(w->warnings[i].id, "usb-passthrough") == 0) {
            assert_non_null(strstr(w->warnings[i].msg, "bus 1, device 3"));
            assert_null(strstr(w->warnings[i].msg, "?"));
            named = true;
        }
    }
    assert_true(named);
}

/* 8. The guest agent's channel stays, on virtio-serial with a socket
 * libvirt makes; other Xen channels are dropped with a warning. */
static void
test_guest_agent(void **state)
{
    static const struct fixture f = { "debian-pygrub", "debian12", NULL,
                                      NULL };
    X2K_AUTO(x2k_xmlconv_result) r = convert_fixture(&f);
    X2K_AUTO(x2k_xmlconv_result) o = NULL;
    struct x2k_plan plan;

    assert_xp(r->xml, "/domain/devices/channel/@type", "unix");
    assert_xp(r->xml, "/domain/devices/channel/target/@type", "virtio");
    assert_xp(r->xml, "/domain/devices/channel/target/@name",
              "org.qemu.guest_agent.0");
    assert_xp_count(r->xml, "/domain/devices/channel/source", 0);
    assert_false(has_warning(r, "channel"));

    x2k_plan_init(&plan);
    o = convert_with("<os><type arch='x86_64'>hvm</type></os><devices>"
                     "<channel type='pty'><target type='xen' "
                     "name='org.example.other'/></channel></devices>",
                     &plan, NULL);
    assert_xp_count(o->xml, "/domain/devices/channel", 0);
    assert_true(has_warning(o, "channel"));
    plan_free(&plan);
}

/* A display on a UNIX socket of the Xen host listens on an automatic
 * port instead, said; the result still passes libvirt's schema. */
static void
test_graphics_socket(void **state)
{
    static const char *const displays[] = {
        "<graphics type='vnc' socket='/var/run/xen/vnc-web'/>",
        "<graphics type='vnc' autoport='no' port='5901'>"
        "<listen type='socket' socket='/var/run/xen/vnc-web'/></graphics>",
        "<graphics type='spice' autoport='yes'>"
        "<listen type='address' address='127.0.0.1'/>"
        "<listen type='socket' socket='/run/xen/spice.sock'/></graphics>",
    };
    struct x2k_plan plan;
    size_t i;

    x2k_plan_init(&plan);
    for (i = 0; i < X2K_N_ELEMENTS(displays); i++) {
        X2K_AUTOFREE char *body = x2k_strdup_printf(
            "<os><type arch='x86_64'>hvm</type></os><devices>%s</devices>",
            displays[i]);
        X2K_AUTO(x2k_xmlconv_result) r = convert_with(body, &plan, NULL);

        assert_xp_count(r->xml, "/domain/devices/graphics/@socket", 0);
        assert_xp_count(r->xml,
                        "/domain/devices/graphics/listen[@type='socket']", 0);
        assert_xp(r->xml, "/domain/devices/graphics/@autoport", "yes");
        assert_true(has_warning(r, "graphics-port"));
        assert_defines(r->xml);
    }
    plan_free(&plan);
}

/* Disk cache and I/O modes: kept when QEMU takes them, said when not
 * (native I/O only without the host cache). */
static void
test_disk_driver(void **state)
{
    static const struct {
        const char *attrs, *cache, *io;
        bool warned;
    } cases[] = {
        { "cache='none' io='native'", "none", "native", false },
        { "cache='directsync' io='native'", "directsync", "native", false },
        { "cache='writeback' io='native'", "writeback", NULL, true },
        { "io='native'", NULL, NULL, true },
        { "cache='writeback' io='threads'", "writeback", "threads", false },
        { "cache='bogus'", NULL, NULL, true },
        { "io='posix'", NULL, NULL, true },
    };
    struct x2k_plan plan;
    size_t i;

    x2k_plan_init(&plan);
    for (i = 0; i < X2K_N_ELEMENTS(cases); i++) {
        X2K_AUTOFREE char *body = x2k_strdup_printf(
            "<os><type arch='x86_64'>hvm</type></os><devices>"
            "<disk type='file' device='disk'><driver name='qemu' "
            "type='raw' %s/><source file='/srv/a.img'/>"
            "<target dev='xvda' bus='xen'/></disk></devices>",
            cases[i].attrs);
        X2K_AUTO(x2k_xmlconv_result) r = convert_with(body, &plan, NULL);
        const char *d = "/domain/devices/disk/driver";
        X2K_AUTOFREE char *cache = x2k_strdup_printf("%s/@cache", d);
        X2K_AUTOFREE char *io = x2k_strdup_printf("%s/@io", d);

        if (cases[i].cache)
            assert_xp(r->xml, cache, cases[i].cache);
        else
            assert_xp_count(r->xml, cache, 0);
        if (cases[i].io)
            assert_xp(r->xml, io, cases[i].io);
        else
            assert_xp_count(r->xml, io, 0);
        if (has_warning(r, "disk-driver") != cases[i].warned)
            fail_msg("case %zu (%s): warning %d", i, cases[i].attrs,
                     has_warning(r, "disk-driver"));
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
        cmocka_unit_test(test_lifecycle),
        cmocka_unit_test(test_hyperv_windows),
        cmocka_unit_test(test_clock_timers),
        cmocka_unit_test(test_serial_ports),
        cmocka_unit_test(test_pxe),
        cmocka_unit_test(test_pygrub_root),
        cmocka_unit_test(test_root_without_disks),
        cmocka_unit_test(test_guest_agent),
        cmocka_unit_test(test_graphics_socket),
        cmocka_unit_test(test_disk_driver),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
