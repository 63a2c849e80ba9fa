/* Unit tests for core/xmlconv: golden files for every fixture in
 * tests/data/xmlconv (GENERATE=1 rewrites them), each output defined
 * into a real libvirt (test:///default, with libvirt's own schema
 * validation), the SLES 11 SP3 guest's expected KVM XML element by
 * element, one test per rule, and robustness (malformed, hostile, huge
 * and mutated input).
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <pthread.h>
#include <stdio.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/xpath.h>

#include "convert/xmlconv.h"
#include "testlib.h"
#include "xmlconv-lib.h"

/* ---- Golden files ------------------------------------------------------ */

static void
setup_keep(struct x2k_plan *p, struct x2k_xmlconv_opts *o)
{
    /* The disks are not copied: the image stays where it is. */
    o->disk_policy = X2K_DISKS_KEEP;
}

/* A xen-tools guest (xvda1 swap + xvda2 root volumes, the dom0's
 * kernel) migrated with --layout=keep. */
static void
setup_keep_layout(struct x2k_plan *p, struct x2k_xmlconv_opts *o)
{
    (void)o;
    p->layout = X2K_LAYOUT_KEEP;
}

/* A xen-tools guest with --layout=assemble: one partitioned disk. */
static void
setup_assemble(struct x2k_plan *p, struct x2k_xmlconv_opts *o)
{
    (void)o;
    p->layout = X2K_LAYOUT_ASSEMBLE;
}

static void
setup_local(struct x2k_plan *p, struct x2k_xmlconv_opts *o)
{
    p->output = X2K_OUTPUT_LOCAL;
    x2k_str_replace(&p->output_dir, "/srv/kvm/ubuntu");
}

static const struct x2k_xmlconv_disk_in qcow2_disks[] = {
    { "/var/lib/xen/images/opensuse/disk0.qcow2", "qcow2", NULL, NULL, NULL,
      NULL },
    { "/var/lib/xen/images/opensuse/data.vhd", "vpc", NULL, "fast", "data0",
      "raw" },
};

static void
setup_qcow2(struct x2k_plan *p, struct x2k_xmlconv_opts *o)
{
    p->format = X2K_FORMAT_QCOW2;
    o->disks = qcow2_disks;
    o->n_disks = X2K_N_ELEMENTS(qcow2_disks);
}

static void
setup_nets(struct x2k_plan *p, struct x2k_xmlconv_opts *o)
{
    x2k_plan_add_net(p, X2K_NET_BRIDGE, "xenbr0", "br0");
    x2k_plan_add_net(p, X2K_NET_NETWORK, "dmz", "isolated");
    x2k_str_replace(&p->new_name, "gateway-kvm");
}

static const struct fixture fixtures[] = {
    { "sles11sp3", "debian12", NULL, setup_keep },
    { "ubuntu1404", "debian12", NULL, setup_local },
    { "pv-pygrub", "debian12", NULL, NULL },
    { "pv-kernel", "debian12", NULL, NULL },
    { "hvm-linux", "debian12", NULL, NULL },
    { "hvm-windows", "debian12", NULL, NULL },
    { "hvm-uefi", "debian12", "debian12-domcaps", NULL },
    { "multidisk-cdrom", "rhel9", NULL, NULL },
    { "qcow2", "debian12", NULL, setup_qcow2 },
    { "two-nics", "debian12", NULL, setup_nets },
    { "running", "tcg-only", NULL, NULL },
    { "xend-era", NULL, NULL, NULL },
    { "passthrough", "debian12", NULL, NULL },
    { "hardware", "debian12", NULL, setup_hardware_options },
    { "rhel5-running", "debian12", NULL, NULL },
    { "rhel5-pxe", "debian12", NULL, NULL },
    { "sles-win2003", "debian12", NULL, NULL },
    { "debian-pygrub", "debian12", NULL, NULL },
    { "debian-nodisks", "debian12", NULL, NULL },
    { "debian-kiosk", "debian12", NULL, NULL },
    { "hvm-tuned", "debian12", NULL, NULL },
    { "xentools-i686", "debian12", NULL, setup_keep_layout },
    { "xentools-amd64", "debian12", NULL, setup_assemble },
};

/* The human-readable side of a result: disks, boot files, warnings. */
static char *
report(const struct x2k_xmlconv_result *r)
{
    struct x2k_buf b = { 0 };
    size_t i;

    x2k_buf_printf(&b, "name: %s\ntype: %s\npv: %s\n", r->name,
                   r->domain_type, r->was_pv ? "yes" : "no");
    if (r->windows)
        x2k_buf_puts(&b, "windows: yes\n");
    for (i = 0; i < r->n_disks; i++) {
        const struct x2k_xmlconv_disk *d = &r->disks[i];

        x2k_buf_printf(&b,
                       "disk: %s %s -> %s (%s) source %s%s format %s -> "
                       "%s%s%s%s%s%s%s%s\n",
                       d->device, d->old_target ? d->old_target : "-",
                       d->new_target, d->new_bus,
                       d->old_source ? d->old_source : "-",
                       d->old_block ? " (block)" : "",
                       d->old_format ? d->old_format : "?", d->new_format,
                       d->new_path ? " path " : "",
                       d->new_path ? d->new_path : "",
                       d->new_volume ? " volume " : "",
                       d->new_volume ? d->new_pool : "",
                       d->new_volume ? "/" : "",
                       d->new_volume ? d->new_volume : "",
                       d->copy ? " copy" : "");
        if (d->partition)
            x2k_buf_printf(&b, "partition: %s%d <- %s\n", d->new_target,
                           d->partition, d->old_target);
    }
    for (i = 0; i < r->n_nics; i++)
        x2k_buf_printf(&b, "nic: %s %s -> %s\n",
                       r->nics[i].mac ? r->nics[i].mac : "-",
                       r->nics[i].old_model ? r->nics[i].old_model : "-",
                       r->nics[i].new_model);
    if (r->root_override)
        x2k_buf_printf(&b, "root override: %s\n", r->root_override);
    for (i = 0; i < r->n_boot_files; i++)
        x2k_buf_printf(&b, "boot: %s %s -> %s\n", r->boot_files[i].kind,
                       r->boot_files[i].remote, r->boot_files[i].local);
    for (i = 0; i < r->n_warnings; i++)
        x2k_buf_printf(&b, "warning: %s: %s\n", r->warnings[i].id,
                       r->warnings[i].msg);
    return x2k_buf_steal(&b);
}

static void
compare_golden(const char *rel, const char *got)
{
    X2K_AUTOFREE char *path = data_path(rel);
    const char *gen = getenv("GENERATE");
    struct x2k_error err = X2K_ERROR_INIT;
    X2K_AUTOFREE char *want = NULL;
    size_t len;

    if (gen && strcmp(gen, "1") == 0) {
        FILE *fp = fopen(path, "w");

        assert_non_null(fp);
        fputs(got, fp);
        fclose(fp);
        return;
    }
    want = x2k_xmlconv_read_file(path, &len, &err);
    if (!want)
        fail_msg("%s missing (run with GENERATE=1): %s", path, err.msg);
    if (strcmp(want, got) != 0)
        fail_msg("%s differs (GENERATE=1 rewrites it); got:\n%s", path,
                 got);
}

static void
test_golden(void **state)
{
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(fixtures); i++) {
        X2K_AUTO(x2k_xmlconv_result) r = convert_fixture(&fixtures[i]);
        X2K_AUTOFREE char *text = report(r);
        X2K_AUTOFREE char *xml_rel =
            x2k_strdup_printf("xmlconv/golden/%s.xml", fixtures[i].name);
        X2K_AUTOFREE char *txt_rel =
            x2k_strdup_printf("xmlconv/golden/%s.txt", fixtures[i].name);

        compare_golden(xml_rel, r->xml);
        compare_golden(txt_rel, text);
    }
}

static void
silent(void *opaque, virErrorPtr e)
{
}

/* Every converted fixture defines into a real libvirt, which also
 * checks it against its RNG schema (VIR_DOMAIN_DEFINE_VALIDATE). */
static void
test_define_libvirt(void **state)
{
    virConnectPtr conn;
    size_t i;

    virSetErrorFunc(NULL, silent);
    conn = virConnectOpen("test:///default");
    assert_non_null(conn);
    for (i = 0; i < X2K_N_ELEMENTS(fixtures); i++) {
        X2K_AUTO(x2k_xmlconv_result) r = convert_fixture(&fixtures[i]);
        virDomainPtr dom;
        char *back;

        dom = virDomainDefineXMLFlags(conn, r->xml,
                                      VIR_DOMAIN_DEFINE_VALIDATE);
        if (!dom)
            fail_msg("%s: libvirt refused the XML: %s\n%s",
                     fixtures[i].name, virGetLastErrorMessage(), r->xml);
        back = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
        assert_non_null(back);
        /* What libvirt kept is what we wrote. */
        assert_xp(back, "/domain/@type", r->domain_type);
        assert_xp(back, "/domain/name", r->name);
        assert_xp_count(back, "/domain/devices/memballoon[@model='virtio']",
                        1);
        assert_xp_count(back, "/domain/devices/disk[target/@bus='xen']", 0);
        free(back);
        assert_int_equal(virDomainUndefine(dom), 0);
        virDomainFree(dom);
    }
    virConnectClose(conn);
}

/* The least a domain can be still gives a complete, valid KVM guest. */
static void
test_minimal(void **state)
{
    X2K_AUTO(x2k_xmlconv_result) r = convert_simple(
        "<domain type='xen'><name>bare</name><memory>1024</memory>"
        "</domain>");
    virConnectPtr conn;
    virDomainPtr dom;

    assert_xp(r->xml, "name(/domain/*[3])", "os");
    assert_xp(r->xml, "/domain/os/type", "hvm");
    assert_xp(r->xml, "/domain/clock/@offset", "utc");
    assert_xp_count(r->xml, "/domain/devices/console", 1);
    virSetErrorFunc(NULL, silent);
    conn = virConnectOpen("test:///default");
    assert_non_null(conn);
    dom = virDomainDefineXMLFlags(conn, r->xml, VIR_DOMAIN_DEFINE_VALIDATE);
    if (!dom)
        fail_msg("libvirt refused: %s", virGetLastErrorMessage());
    virDomainUndefine(dom);
    virDomainFree(dom);
    virConnectClose(conn);
}

/* The converted SLES 11 SP3 PV guest has every element of its expected
 * KVM XML (tests/data/xmlconv/README): type kvm, hvm with arch and
 * boot hd, no bootloader, qemu raw driver on vda/virtio, no vif
 * script, a virtio balloon. */
static void
test_sles11sp3_target(void **state)
{
    X2K_AUTO(x2k_xmlconv_result) r = convert_fixture(&fixtures[0]);
    const char *x = r->xml;

    assert_xp(x, "/domain/@type", "kvm");
    assert_xp(x, "/domain/name", "SLES11SP3");
    assert_xp(x, "/domain/uuid", "fa9ea4d7-8f95-30c0-bce9-9e58ffcabeb2");
    assert_xp(x, "/domain/memory", "524288");
    assert_xp(x, "/domain/currentMemory", "524288");
    assert_xp(x, "/domain/vcpu", "1");
    assert_xp(x, "/domain/os/type", "hvm");
    assert_xp(x, "/domain/os/type/@arch", "x86_64");
    assert_xp(x, "/domain/os/boot/@dev", "hd");
    assert_xp(x, "/domain/clock/@offset", "utc");
    assert_xp(x, "/domain/on_poweroff", "destroy");
    assert_xp(x, "/domain/on_reboot", "restart");
    assert_xp(x, "/domain/on_crash", "restart");
    assert_xp_count(x, "/domain/bootloader", 0);
    assert_xp_count(x, "/domain/bootloader_args", 0);
    /* The emulator is the one the target's capabilities name:
     * qemu-system-x86_64 on Debian, not a fixed /usr/bin/qemu-kvm. */
    assert_xp(x, "/domain/devices/emulator", "/usr/bin/qemu-system-x86_64");
    assert_xp(x, "/domain/devices/disk/@type", "file");
    assert_xp(x, "/domain/devices/disk/@device", "disk");
    assert_xp(x, "/domain/devices/disk/driver/@name", "qemu");
    assert_xp(x, "/domain/devices/disk/driver/@type", "raw");
    assert_xp(x, "/domain/devices/disk/source/@file",
              "/var/lib/libvirt/images/"
              "SLES_11_SP2_JeOS.x86_64-0.0.2_para.raw");
    assert_xp(x, "/domain/devices/disk/target/@dev", "vda");
    assert_xp(x, "/domain/devices/disk/target/@bus", "virtio");
    assert_xp(x, "/domain/devices/interface/@type", "bridge");
    assert_xp(x, "/domain/devices/interface/mac/@address",
              "00:16:3e:2d:91:c3");
    assert_xp(x, "/domain/devices/interface/source/@bridge", "br0");
    assert_xp_count(x, "/domain/devices/interface/script", 0);
    assert_xp(x, "/domain/devices/graphics/@type", "vnc");
    assert_xp(x, "/domain/devices/graphics/@autoport", "yes");
    assert_xp(x, "/domain/devices/graphics/@keymap", "en-us");
    assert_xp(x, "/domain/devices/memballoon/@model", "virtio");
    /* A Xen mouse becomes ps2; a usb tablet keeps the VNC pointer in
     * step. */
    assert_xp(x, "/domain/devices/input[@type='mouse']/@bus", "ps2");
    assert_xp(x, "/domain/devices/input[@type='tablet']/@bus", "usb");
    assert_xp_count(x, "/domain/devices/console[target/@type='xen']", 0);
}

/* ---- One test per rule ------------------------------------------------- */

static void
test_domain_type(void **state)
{
    const char *xml = domain("<os><type arch='x86_64'>linux</type></os>");
    struct x2k_plan plan;
    struct x2k_xmlconv_opts opts = { 0 };
    X2K_AUTO(x2k_caps) deb = load_caps("debian12", NULL);
    X2K_AUTO(x2k_caps) tcg = load_caps("tcg-only", NULL);
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    opts.caps = deb;
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/@type", "kvm");
    x2k_xmlconv_result_free(r);

    opts.caps = tcg;
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/@type", "qemu");
    assert_string_equal(r->domain_type, "qemu");
    x2k_xmlconv_result_free(r);

    /* TCG cannot pass the host CPU through. */
    r = convert(domain("<os><type arch='x86_64'>hvm</type></os>"
                       "<cpu mode='host-passthrough'/>"),
                &plan, &opts);
    assert_xp_count(r->xml, "/domain/cpu", 0);
    assert_true(has_warning(r, "cpu-model"));
    x2k_xmlconv_result_free(r);
    opts.caps = deb;
    r = convert(domain("<os><type arch='x86_64'>hvm</type></os>"
                       "<cpu mode='host-passthrough'/>"),
                &plan, &opts);
    assert_xp(r->xml, "/domain/cpu/@mode", "host-passthrough");
    x2k_xmlconv_result_free(r);
    opts.caps = tcg;

    /* The caller knows better (nested KVM broken): qemu. */
    opts.caps = deb;
    opts.domain_type = "qemu";
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/@type", "qemu");
    x2k_xmlconv_result_free(r);

    opts.caps = NULL;
    opts.domain_type = NULL;
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/@type", "kvm");
    assert_xp_count(r->xml, "/domain/devices/emulator", 0);
    assert_xp_count(r->xml, "/domain/os/type/@machine", 0);
    x2k_xmlconv_result_free(r);
    plan_free(&plan);
}

static void
test_pv_os(void **state)
{
    X2K_AUTO(x2k_xmlconv_result) r = convert_simple(domain(
        "<bootloader>/usr/bin/pygrub</bootloader>"
        "<bootloader_args>-q</bootloader_args>"
        "<os><type arch='i686' machine='xenpv'>linux</type></os>"));

    assert_true(r->was_pv);
    assert_xp(r->xml, "/domain/os/type", "hvm");
    assert_xp(r->xml, "/domain/os/type/@arch", "i686");
    assert_xp(r->xml, "/domain/os/type/@machine", "pc");
    assert_xp(r->xml, "/domain/os/boot/@dev", "hd");
    assert_xp_count(r->xml, "/domain/bootloader", 0);
    assert_xp_count(r->xml, "/domain/bootloader_args", 0);
    /* A PV guest gains ACPI (to shut down) and PAE (i686). */
    assert_xp_count(r->xml, "/domain/features/acpi", 1);
    assert_xp_count(r->xml, "/domain/features/apic", 1);
    assert_xp_count(r->xml, "/domain/features/pae", 1);
    assert_xp(r->xml, "/domain/devices/emulator", "/usr/bin/qemu-system-i386");
}

static void
test_hvm_firmware(void **state)
{
    const char *bios = domain(
        "<os><type arch='x86_64' machine='xenfv'>hvm</type>"
        "<loader type='rom'>/usr/lib/xen/boot/hvmloader</loader>"
        "<boot dev='cdrom'/></os>");
    const char *efi = domain(
        "<os><type arch='x86_64' machine='xenfv'>hvm</type>"
        "<loader type='pflash'>/usr/lib/xen/boot/ovmf.bin</loader></os>");
    struct x2k_plan plan;
    struct x2k_xmlconv_opts opts = { 0 };
    X2K_AUTO(x2k_caps) caps = load_caps("debian12", "debian12-domcaps");
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    opts.caps = caps;
    r = convert(bios, &plan, &opts);
    assert_xp_count(r->xml, "/domain/os/loader", 0);
    assert_xp_count(r->xml, "/domain/os/@firmware", 0);
    assert_xp(r->xml, "/domain/os/boot/@dev", "cdrom");
    assert_xp_count(r->xml, "/domain/os/boot", 1);
    x2k_xmlconv_result_free(r);

    r = convert(efi, &plan, &opts);
    /* The target's OVMF, never a secure-boot build. */
    assert_xp(r->xml, "/domain/os/loader", "/usr/share/OVMF/OVMF_CODE_4M.fd");
    assert_xp(r->xml, "/domain/os/loader/@type", "pflash");
    assert_xp(r->xml, "/domain/os/loader/@readonly", "yes");
    x2k_xmlconv_result_free(r);

    /* No domain capabilities: libvirt picks OVMF itself. */
    opts.caps = NULL;
    r = convert(efi, &plan, &opts);
    assert_xp_count(r->xml, "/domain/os/loader", 0);
    assert_xp(r->xml, "/domain/os/@firmware", "efi");
    x2k_xmlconv_result_free(r);
    plan_free(&plan);
}

static void
test_direct_kernel(void **state)
{
    struct x2k_plan plan;
    struct x2k_xmlconv_opts opts = { 0 };
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    opts.boot_dir = "/kvm/boot";
    r = convert(domain("<os><type arch='x86_64'>linux</type>"
                       "<kernel>/boot/vmlinuz-xen</kernel>"
                       "<initrd>/boot/initrd-xen</initrd>"
                       "<cmdline>root=/dev/xvda1 console=xvc0</cmdline>"
                       "</os><devices><disk type='file' device='disk'>"
                       "<source file='/x/a.img'/><target dev='xvda'/>"
                       "</disk></devices>"),
                &plan, &opts);
    assert_int_equal(r->n_boot_files, 2);
    assert_string_equal(r->boot_files[0].kind, "kernel");
    assert_string_equal(r->boot_files[0].remote, "/boot/vmlinuz-xen");
    assert_string_equal(r->boot_files[0].local, "/kvm/boot/g-vmlinuz-xen");
    assert_string_equal(r->boot_files[1].kind, "initrd");
    assert_xp(r->xml, "/domain/os/kernel", "/kvm/boot/g-vmlinuz-xen");
    assert_xp(r->xml, "/domain/os/initrd", "/kvm/boot/g-initrd-xen");
    assert_xp(r->xml, "/domain/os/cmdline", "root=/dev/vda1 console=ttyS0");
    x2k_xmlconv_result_free(r);
    plan_free(&plan);
}

static void
test_pv_grub(void **state)
{
    /* PV-GRUB as the kernel is a bootloader, not a kernel to fetch. */
    X2K_AUTO(x2k_xmlconv_result) r = convert_simple(domain(
        "<os><type arch='x86_64' machine='xenpv'>linux</type>"
        "<kernel>/usr/lib/xen-4.11/boot/pv-grub-x86_64.gz</kernel>"
        "<cmdline>(hd0,0)/boot/grub/menu.lst</cmdline></os>"));

    assert_int_equal(r->n_boot_files, 0);
    assert_xp_count(r->xml, "/domain/os/kernel", 0);
    assert_xp_count(r->xml, "/domain/os/cmdline", 0);
    assert_xp(r->xml, "/domain/os/boot/@dev", "hd");
    assert_false(has_warning(r, "no-boot-method"));
}

static void
test_cmdline(void **state)
{
    static const char *const map[] = { "xvda", "vda", "xvdb", "vdb",
                                       "hda", "vdc", NULL };
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "root=/dev/xvda1 ro", "root=/dev/vda1 ro" },
        { "root=/dev/xvda", "root=/dev/vda" },
        { "resume=/dev/xvdb2 root=/dev/hda3",
          "resume=/dev/vdb2 root=/dev/vdc3" },
        /* A Xen disk the map lacks keeps its letters on virtio. */
        { "root=/dev/xvdab1", "root=/dev/vdab1" },
        { "root=/dev/xvd1", "root=/dev/xvd1" },
        { "root=UUID=1234 quiet", "root=UUID=1234 quiet" },
        { "console=xvc0", "console=ttyS0" },
        { "console=hvc0,115200n8", "console=ttyS0,115200n8" },
        { "console=tty0 console=hvc0", "console=tty0 console=ttyS0" },
        { "console=xvc0 console=hvc0", "console=ttyS0" },
        { "console=xvc", "console=ttyS0" },
        { "xencons=tty xen_emul_unplug=never clocksource=xen quiet",
          "quiet" },
        /* The Xen root, disk and xvc console of a PV guest's GRUB. */
        { "root=/dev/xvda1 disk=/dev/xvda console=xvc",
          "root=/dev/vda1 disk=/dev/vda console=ttyS0" },
        { "  ", "" },
    };
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(cases); i++) {
        X2K_AUTOFREE char *got = x2k_xmlconv_cmdline(cases[i].in, map);

        if (strcmp(got, cases[i].out) != 0)
            fail_msg("'%s' -> '%s', want '%s'", cases[i].in, got,
                     cases[i].out);
    }
}

static void
test_disk_names(void **state)
{
    const char *end = NULL;
    static const char *const bad[] = { "xvda1", "vd", "nvme0n1", "sd1",
                                       "hdA", "" };
    size_t i;

    assert_int_equal(x2k_xmlconv_disk_index("xvda", &end), 0);
    assert_string_equal(end, "a");
    assert_int_equal(x2k_xmlconv_disk_index("hdc", NULL), 2);
    assert_int_equal(x2k_xmlconv_disk_index("sdz", NULL), 25);
    assert_int_equal(x2k_xmlconv_disk_index("xvdaa", NULL), 26);
    assert_int_equal(x2k_xmlconv_disk_index("vdab", NULL), 27);
    assert_int_equal(x2k_xmlconv_disk_index(NULL, NULL), -1);
    for (i = 0; i < X2K_N_ELEMENTS(bad); i++)
        assert_int_equal(x2k_xmlconv_disk_index(bad[i], NULL), -1);
    for (i = 0; i < 1000; i++) {
        X2K_AUTOFREE char *n = x2k_xmlconv_disk_name("vd", (int)i);

        assert_int_equal(x2k_xmlconv_disk_index(n, NULL), (int)i);
    }
}

static void
test_emulator(void **state)
{
    const char *xml = domain("<os><type arch='x86_64'>hvm</type></os>"
                             "<devices><emulator>/usr/lib/xen/bin/qemu-dm"
                             "</emulator></devices>");
    struct x2k_plan plan;
    struct x2k_xmlconv_opts opts = { 0 };
    X2K_AUTO(x2k_caps) rhel = load_caps("rhel9", NULL);
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    opts.caps = rhel;
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/devices/emulator", "/usr/libexec/qemu-kvm");
    /* RHEL 9 has no "pc" alias: q35, and cdroms on SATA there. */
    assert_xp(r->xml, "/domain/os/type/@machine", "q35");
    x2k_xmlconv_result_free(r);
    opts.caps = NULL;
    r = convert(xml, &plan, &opts);
    assert_xp_count(r->xml, "/domain/devices/emulator", 0);
    x2k_xmlconv_result_free(r);
    plan_free(&plan);
}

static void
test_disks(void **state)
{
    X2K_AUTO(x2k_xmlconv_result) r = convert_simple(domain(
        "<os><type arch='x86_64'>linux</type></os><devices>"
        "<disk type='file' device='disk'><driver name='tap' type='aio'/>"
        "<source file='/x/c.img'/><target dev='xvdc' bus='xen'/>"
        "<address type='xen' id='51744'/></disk>"
        "<disk type='block' device='disk'><driver name='phy'/>"
        "<source dev='/dev/vg/a'/><target dev='xvda' bus='xen'/>"
        "<readonly/></disk>"
        "<disk type='file' device='disk'><driver name='file'/>"
        "<source file='/x/b.img'/><target dev='xvdb' bus='xen'/>"
        "<shareable/></disk>"
        "<disk type='file' device='cdrom'><driver name='file'/>"
        "<source file='/iso/x.iso'/><target dev='hdc' bus='ide'/>"
        "<readonly/></disk>"
        "</devices>"));
    const char *x = r->xml;

    /* Order preserved by the old names, not by the XML order. */
    assert_xp(x, "/domain/devices/disk[source/@volume='g-vda.raw']"
                 "/target/@dev", "vda");
    assert_int_equal(r->n_disks, 4);
    assert_string_equal(r->disks[0].old_target, "xvda");
    assert_string_equal(r->disks[0].new_target, "vda");
    assert_true(r->disks[0].old_block);
    assert_true(r->disks[0].readonly);
    assert_true(r->disks[0].copy);
    assert_string_equal(r->disks[0].old_source, "/dev/vg/a");
    assert_string_equal(r->disks[0].new_pool, "default");
    assert_string_equal(r->disks[0].new_volume, "g-vda.raw");
    assert_string_equal(r->disks[1].old_target, "xvdb");
    assert_true(r->disks[1].shareable);
    assert_string_equal(r->disks[2].old_target, "xvdc");
    assert_string_equal(r->disks[2].new_target, "vdc");
    assert_string_equal(r->disks[2].old_format, "raw");
    assert_xp_count(x, "/domain/devices/disk[@device='disk']", 3);
    assert_xp_count(x, "/domain/devices/disk[@type='volume']", 3);
    assert_xp_count(x, "/domain/devices/disk[driver/@name='qemu']", 4);
    assert_xp_count(x, "/domain/devices/disk[target/@bus='virtio']", 3);
    assert_xp_count(x, "/domain/devices/disk//address", 0);
    assert_xp_count(x, "/domain/devices/disk[target/@dev='vda']/readonly", 1);
    assert_xp_count(x, "/domain/devices/disk[target/@dev='vdb']/shareable",
                    1);
    /* No virtio cdrom: IDE on the pc machine, medium ejected. */
    assert_xp(x, "/domain/devices/disk[@device='cdrom']/target/@bus", "ide");
    assert_xp(x, "/domain/devices/disk[@device='cdrom']/target/@dev", "hda");
    assert_xp_count(x, "/domain/devices/disk[@device='cdrom']/source", 0);
    assert_xp_count(x, "/domain/devices/disk[@device='cdrom']/readonly", 1);
    assert_true(has_warning(r, "media-ejected"));
}

static void
test_disk_mapping(void **state)
{
    static const struct x2k_xmlconv_disk_in in[] = {
        { "/x/a.qcow2", "qcow2", "/kvm/a.qcow2", NULL, NULL, "qcow2" },
        { "/dev/sdb", "raw", NULL, "fast", "vol-b", "raw" },
    };
    struct x2k_plan plan;
    struct x2k_xmlconv_opts opts = { 0 };
    struct x2k_xmlconv_result *r;
    const char *xml = domain(
        "<os><type arch='x86_64'>linux</type></os><devices>"
        "<disk type='file' device='disk'><driver name='tap' type='qcow'/>"
        "<source file='/x/a.qcow2'/><target dev='xvda'/></disk>"
        "<disk type='block' device='disk'><source dev='/dev/sdb'/>"
        "<target dev='xvdb'/></disk>"
        "<disk type='block' device='disk'><source dev='/dev/sdc'/>"
        "<target dev='xvdc'/></disk></devices>");

    x2k_plan_init(&plan);
    opts.disks = in;
    opts.n_disks = X2K_N_ELEMENTS(in);
    plan.output = X2K_OUTPUT_LOCAL;
    x2k_str_replace(&plan.output_dir, "/out");
    plan.format = X2K_FORMAT_QCOW2;
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/devices/disk[1]/source/@file", "/kvm/a.qcow2");
    assert_xp(r->xml, "/domain/devices/disk[1]/driver/@type", "qcow2");
    assert_string_equal(r->disks[0].old_format, "qcow2");
    assert_xp(r->xml, "/domain/devices/disk[2]/@type", "volume");
    assert_xp(r->xml, "/domain/devices/disk[2]/source/@pool", "fast");
    assert_xp(r->xml, "/domain/devices/disk[2]/source/@volume", "vol-b");
    assert_xp(r->xml, "/domain/devices/disk[2]/driver/@type", "raw");
    /* Not given: the plan's output dir and format. */
    assert_xp(r->xml, "/domain/devices/disk[3]/@type", "file");
    assert_xp(r->xml, "/domain/devices/disk[3]/source/@file",
              "/out/g-vdc.qcow2");
    assert_xp(r->xml, "/domain/devices/disk[3]/driver/@type", "qcow2");
    x2k_xmlconv_result_free(r);

    /* Keep: the block device stays a block device. */
    opts.disks = NULL;
    opts.n_disks = 0;
    opts.disk_policy = X2K_DISKS_KEEP;
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/devices/disk[2]/@type", "block");
    assert_xp(r->xml, "/domain/devices/disk[2]/source/@dev", "/dev/sdb");
    assert_xp(r->xml, "/domain/devices/disk[1]/driver/@type", "qcow");
    assert_false(r->disks[0].copy);
    x2k_xmlconv_result_free(r);
    plan_free(&plan);
}

static void
test_interfaces(void **state)
{
    const char *xml = domain(
        "<os><type arch='x86_64'>linux</type></os><devices>"
        "<interface type='bridge'><mac address='00:16:3e:00:00:01'/>"
        "<source bridge='xenbr0'/><script path='vif-bridge'/>"
        "<target dev='vif1.0'/></interface>"
        "<interface type='bridge'><mac address='00:16:3e:00:00:02'/>"
        "<source bridge='xenbr1'/><target dev='custom0'/>"
        "<model type='netfront'/></interface>"
        "<interface type='network'><mac address='00:16:3e:00:00:03'/>"
        "<source network='lan'/><target dev='vnet3'/></interface>"
        "<interface type='bridge'><mac address='00:16:3e:00:00:04'/>"
        "<source bridge='other'/><target dev='veth9'/>"
        "<script path='/etc/xen/scripts/my-fw'/></interface>"
        "</devices>");
    struct x2k_plan plan;
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    /* Default: same names. */
    r = convert(xml, &plan, NULL);
    assert_xp_count(r->xml, "//interface/script", 0);
    assert_xp_count(r->xml, "//interface/target", 1);
    assert_xp(r->xml, "//interface/target/@dev", "custom0");
    assert_xp_count(r->xml, "//interface/model[@type='virtio']", 4);
    assert_xp(r->xml, "//interface[mac/@address='00:16:3e:00:00:01']"
                      "/source/@bridge", "xenbr0");
    assert_xp(r->xml, "//interface[mac/@address='00:16:3e:00:00:03']"
                      "/source/@network", "lan");
    assert_true(has_warning(r, "custom-script"));
    assert_false(has_warning(r, "nic-unmapped"));
    x2k_xmlconv_result_free(r);

    /* Mapped: one by name, the rest by the catch-all. */
    x2k_plan_add_net(&plan, X2K_NET_NETWORK, "xenbr0", "default");
    x2k_plan_add_net(&plan, X2K_NET_BRIDGE, NULL, "br0");
    r = convert(xml, &plan, NULL);
    assert_xp(r->xml, "//interface[mac/@address='00:16:3e:00:00:01']/@type",
              "network");
    assert_xp(r->xml, "//interface[mac/@address='00:16:3e:00:00:01']"
                      "/source/@network", "default");
    assert_xp(r->xml, "//interface[mac/@address='00:16:3e:00:00:03']/@type",
              "bridge");
    assert_xp(r->xml, "//interface[mac/@address='00:16:3e:00:00:03']"
                      "/source/@bridge", "br0");
    assert_xp_count(r->xml, "//interface/mac", 4);
    x2k_xmlconv_result_free(r);
    plan_free(&plan);
}

static void
test_consoles_inputs_graphics(void **state)
{
    X2K_AUTO(x2k_xmlconv_result) r = convert_simple(domain(
        "<bootloader>pygrub</bootloader>"
        "<os><type arch='x86_64'>linux</type></os><devices>"
        "<console type='pty' tty='/dev/pts/4'><source path='/dev/pts/4'/>"
        "<target type='xen' port='0'/></console>"
        "<serial type='pty'><target port='0'/></serial>"
        "<input type='mouse' bus='xen'/><input type='keyboard' bus='xen'/>"
        "<graphics type='vnc' port='5901' autoport='no' keymap='fr' "
        "listen='10.0.0.1'><listen type='address' address='10.0.0.1'/>"
        "</graphics></devices>"));
    const char *x = r->xml;

    assert_xp_count(x, "/domain/devices/serial", 1);
    assert_xp(x, "/domain/devices/serial/@type", "pty");
    assert_xp(x, "/domain/devices/serial/target/@port", "0");
    assert_xp_count(x, "/domain/devices/console", 1);
    assert_xp(x, "/domain/devices/console/target/@type", "serial");
    assert_xp_count(x, "//*[@tty]", 0);
    assert_xp(x, "/domain/devices/input[@type='mouse']/@bus", "ps2");
    assert_xp(x, "/domain/devices/input[@type='keyboard']/@bus", "ps2");
    assert_xp(x, "/domain/devices/input[@type='tablet']/@bus", "usb");
    assert_xp_count(x, "/domain/devices/graphics/@port", 0);
    assert_xp(x, "/domain/devices/graphics/@autoport", "yes");
    assert_xp(x, "/domain/devices/graphics/@keymap", "fr");
    assert_xp(x, "/domain/devices/graphics/@listen", "10.0.0.1");
    assert_xp(x, "/domain/devices/graphics/listen/@address", "10.0.0.1");
    assert_xp_count(x, "/domain/devices/memballoon", 1);
    assert_xp(x, "/domain/devices/memballoon/@model", "virtio");
    /* The one thing that changed for the user: the fixed port. */
    assert_int_equal(r->n_warnings, 1);
    assert_true(has_warning(r, "graphics-port"));
    assert_non_null(strstr(r->warnings[0].msg, "5901"));
}

static void
test_name_uuid_lifecycle(void **state)
{
    const char *xml = domain("<uuid>fa9ea4d7-8f95-30c0-bce9-9e58ffcabeb2"
                             "</uuid><vcpu cpuset='0-3'>2</vcpu>"
                             "<os><type arch='x86_64'>linux</type></os>"
                             "<on_poweroff>destroy</on_poweroff>"
                             "<on_reboot>rename-restart</on_reboot>"
                             "<on_crash>coredump-destroy</on_crash>");
    struct x2k_plan plan;
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    r = convert(xml, &plan, NULL);
    assert_xp(r->xml, "/domain/uuid", "fa9ea4d7-8f95-30c0-bce9-9e58ffcabeb2");
    assert_xp(r->xml, "/domain/name", "g");
    assert_xp(r->xml, "/domain/vcpu", "2");
    assert_xp_count(r->xml, "/domain/vcpu/@cpuset", 0);
    assert_true(has_warning(r, "cpu-pinning"));
    assert_xp(r->xml, "/domain/on_reboot", "restart");
    assert_xp(r->xml, "/domain/on_crash", "coredump-destroy");
    assert_true(has_warning(r, "lifecycle"));
    x2k_xmlconv_result_free(r);

    x2k_str_replace(&plan.new_name, "g-kvm");
    plan.new_uuid = true;
    r = convert(xml, &plan, NULL);
    assert_xp(r->xml, "/domain/name", "g-kvm");
    assert_string_equal(r->name, "g-kvm");
    /* libvirt generates a fresh UUID at define time. */
    assert_xp_count(r->xml, "/domain/uuid", 0);
    x2k_xmlconv_result_free(r);
    plan_free(&plan);
}

static void
test_windows(void **state)
{
    const char *xml = domain(
        "<os><type arch='x86_64'>hvm</type></os>"
        "<features><acpi/><hap/><viridian/></features>"
        "<clock offset='utc'/><devices>"
        "<disk type='file' device='disk'><source file='/w/c.img'/>"
        "<target dev='hda' bus='ide'/></disk>"
        "<disk type='file' device='cdrom'><target dev='hdc'/></disk>"
        "<interface type='bridge'><source bridge='br0'/>"
        "<model type='rtl8139'/></interface></devices>");
    struct x2k_plan plan;
    struct x2k_xmlconv_opts opts = { 0 };
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    opts.guest_os = X2K_GUEST_OS_WINDOWS;
    opts.windows_major = 6;
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/clock/@offset", "localtime");
    assert_xp_count(r->xml, "/domain/features/hap", 0);
    assert_xp_count(r->xml, "/domain/features/viridian", 0);
    assert_xp(r->xml, "/domain/features/hyperv/relaxed/@state", "on");
    /* No virtio drivers in Windows: SATA (Vista/2008 on) and e1000. */
    assert_xp(r->xml, "/domain/devices/disk[@device='disk']/target/@bus",
              "sata");
    assert_xp(r->xml, "/domain/devices/disk[@device='disk']/target/@dev",
              "sda");
    /* No machine known: SATA cdroms share the sdX names. */
    assert_xp(r->xml, "/domain/devices/disk[@device='cdrom']/target/@dev",
              "sdb");
    assert_xp(r->xml, "/domain/devices/interface/model/@type", "e1000");
    assert_true(has_warning(r, "windows-no-virtio"));
    assert_true(r->windows);
    x2k_xmlconv_result_free(r);

    /* Before Vista, and when the version is unknown: IDE, which every
     * Windows boots from, on machine pc; disks and cdroms share the
     * four places. */
    opts.windows_major = 5;
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/devices/disk[@device='disk']/target/@bus",
              "ide");
    assert_xp(r->xml, "/domain/devices/disk[@device='disk']/target/@dev",
              "hda");
    assert_xp(r->xml, "/domain/devices/disk[@device='cdrom']/target/@dev",
              "hdb");
    assert_xp(r->xml, "/domain/os/type/@machine", "pc");
    assert_xp(r->xml, "/domain/devices/interface/model/@type", "e1000");
    x2k_xmlconv_result_free(r);
    opts.windows_major = 0;
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/devices/disk[@device='disk']/target/@bus",
              "ide");
    x2k_xmlconv_result_free(r);

    opts.virtio_drivers = true;
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/devices/disk[@device='disk']/target/@bus",
              "virtio");
    assert_xp(r->xml, "/domain/devices/interface/model/@type", "virtio");
    x2k_xmlconv_result_free(r);

    /* A Linux guest keeps UTC. */
    opts.guest_os = X2K_GUEST_OS_LINUX;
    r = convert(xml, &plan, &opts);
    assert_xp(r->xml, "/domain/clock/@offset", "utc");
    x2k_xmlconv_result_free(r);
    plan_free(&plan);
}

static void
test_warnings_never_silent(void **state)
{
    X2K_AUTO(x2k_xmlconv_result) r = convert_fixture(&fixtures[12]);
    static const char *const ids[] = {
        "pci-passthrough", "usb-passthrough", "nic-passthrough",
        "custom-script", "xen-namespace", "cpu-pinning", "xen-passthrough",
        "network-disk", "serial", "graphics-sdl", "lifecycle",
        "nic-ip", "nic-unmapped",
    };
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(ids); i++) {
        if (!has_warning(r, ids[i]))
            fail_msg("no '%s' warning", ids[i]);
    }
    assert_xp_count(r->xml, "//hostdev", 0);
    assert_xp_count(r->xml, "//interface[@type='hostdev']", 0);
    assert_xp_count(r->xml, "//*[local-name()='commandline']", 0);
    /* The guest agent's Xen channel is kept, on virtio-serial. */
    assert_xp(r->xml, "//channel[target/@name='org.qemu.guest_agent.0']"
                      "/target/@type", "virtio");
    for (i = 0; i < r->n_warnings; i++)
        assert_true(strlen(r->warnings[i].msg) > 10);
}

static void
test_unknown_devices(void **state)
{
    X2K_AUTO(x2k_xmlconv_result) r = convert_simple(domain(
        "<os><type arch='x86_64'>hvm</type></os><frobnicator/>"
        "<devices><teleporter model='x'/><sound model='ac97'/>"
        "<disk type='dir' device='disk'><source dir='/x'/>"
        "<target dev='xvdz'/></disk>"
        "<filesystem type='mount'><source dir='/s'/><target dir='s'/>"
        "</filesystem></devices>"));

    assert_true(has_warning(r, "unknown-device"));
    assert_true(has_warning(r, "unknown-element"));
    assert_true(has_warning(r, "disk-type"));
    assert_true(has_warning(r, "filesystem"));
    assert_xp_count(r->xml, "//teleporter", 0);
    assert_xp_count(r->xml, "//frobnicator", 0);
    assert_xp_count(r->xml, "//sound", 1);
    assert_xp_count(r->xml, "//disk", 0);
}

static void
test_local_sources(void **state)
{
    static const struct x2k_xmlconv_disk_in in[] = {
        { "/dev/vdb1", "raw", "/var/lib/x2k/ubuntu-xvdb.raw", NULL, NULL,
          "raw" },
    };
    struct x2k_error err = X2K_ERROR_INIT;
    X2K_AUTOFREE char *xml = slurp("xmlconv/ubuntu1404.xml");
    xmlDocPtr doc = x2k_xmlconv_parse(xml, strlen(xml), &err);
    X2K_AUTOFREE char *out = NULL;

    assert_non_null(doc);
    out = x2k_xmlconv_local_sources(doc, in, 1, &err);
    xmlFreeDoc(doc);
    assert_non_null(out);
    /* Still the Xen guest, for virt-v2v; only the block disk moved. */
    assert_xp(out, "/domain/@type", "xen");
    assert_xp_count(out, "/domain/bootloader", 1);
    assert_xp(out, "/domain/devices/disk[target/@dev='xvdb']/@type", "file");
    assert_xp(out, "/domain/devices/disk[target/@dev='xvdb']/source/@file",
              "/var/lib/x2k/ubuntu-xvdb.raw");
    assert_xp(out, "/domain/devices/disk[target/@dev='xvdb']/driver/@type",
              "raw");
    assert_xp(out, "/domain/devices/disk[target/@dev='xvda']/source/@file",
              "/var/lib/libvirt/images/ubuntu14.04.img");
    assert_xp_count(out, "/domain/devices/disk/source/@dev", 0);
}

static void
test_hostile_names(void **state)
{
    struct x2k_plan plan;
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    plan.output = X2K_OUTPUT_LOCAL;
    x2k_str_replace(&plan.output_dir, "/out");
    r = convert("<domain type='xen'><name>../../etc/cron.d/x</name>"
                "<memory>1</memory><os><type arch='x86_64'>linux</type>"
                "<kernel>/boot/../..</kernel></os><devices>"
                "<disk type='file' device='disk'><source file='/a'/>"
                "<target dev='xvda'/></disk></devices></domain>",
                &plan, NULL);
    /* The copy stays inside the output directory. */
    assert_string_equal(r->disks[0].new_path,
                        "/out/_._.._etc_cron.d_x-vda.raw");
    assert_null(strstr(r->boot_files[0].local + 5, "/"));
    x2k_xmlconv_result_free(r);
    plan_free(&plan);
}

/* ---- Robustness -------------------------------------------------------- */

static void
expect_error(const char *xml, size_t len, const char *needle)
{
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_plan plan;
    struct x2k_xmlconv_result *r;

    x2k_plan_init(&plan);
    r = x2k_xmlconv_convert_string(xml, len, &plan, NULL, &err);
    assert_null(r);
    assert_int_equal(err.code, X2K_ERR_XML);
    if (!strstr(err.msg, needle))
        fail_msg("'%s' lacks '%s'", err.msg, needle);
    x2k_error_clear(&err);
    plan_free(&plan);
}

static void
test_errors(void **state)
{
    static const char bomb[] =
        "<!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;'>]>"
        "<domain><name>&b;</name><memory>1</memory></domain>";
    static const char ext[] =
        "<!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
        "<domain><name>&x;</name><memory>1</memory></domain>";
    struct x2k_error err = X2K_ERROR_INIT;
    size_t big = X2K_XMLCONV_MAX_INPUT + 1;
    char *huge;

    expect_error("", 0, "malformed");
    expect_error("<domain", 7, "malformed");
    expect_error("<domain><name>x</nam></domain>", 30, "malformed");
    expect_error("<capabilities/>", 15, "<capabilities>");
    expect_error("<domain><memory>1</memory></domain>", 35, "<name>");
    expect_error("<domain><name>x</name></domain>", 31, "<memory>");
    expect_error(bomb, strlen(bomb), "DOCTYPE");
    expect_error(ext, strlen(ext), "DOCTYPE");

    huge = x2k_xmalloc(big);
    memset(huge, ' ', big);
    expect_error(huge, big, "too large");
    free(huge);

    /* The parser's message is kept as detail. */
    assert_null(x2k_xmlconv_parse("<a><b></a>", 10, &err));
    assert_non_null(err.detail);
    assert_non_null(strstr(err.detail, "line 1"));
    x2k_error_clear(&err);
}

static void
test_huge_valid(void **state)
{
    struct x2k_buf b = { 0 };
    struct x2k_plan plan;
    struct x2k_error err = X2K_ERROR_INIT;
    struct x2k_xmlconv_result *r;
    double t0;
    int i;

    /* 2000 disks and 2000 NICs: linear enough, still correct. */
    x2k_buf_puts(&b, "<domain type='xen'><name>big</name><memory>1</memory>"
                     "<os><type arch='x86_64'>linux</type></os><devices>");
    for (i = 0; i < 2000; i++) {
        X2K_AUTOFREE char *dev = x2k_xmlconv_disk_name("xvd", 1999 - i);

        x2k_buf_printf(&b, "<disk type='file' device='disk'><source "
                           "file='/d/%d.img'/><target dev='%s'/></disk>"
                           "<interface type='bridge'><source bridge='b%d'/>"
                           "<script path='vif-bridge'/></interface>",
                       i, dev, i);
    }
    x2k_buf_puts(&b, "</devices></domain>");
    x2k_plan_init(&plan);
    t0 = x2k_now();
    r = x2k_xmlconv_convert_string(b.data, b.len, &plan, NULL, &err);
    assert_non_null(r);
    assert_int_equal(r->n_disks, 2000);
    assert_string_equal(r->disks[0].old_target, "xvda");
    assert_string_equal(r->disks[0].new_target, "vda");
    assert_string_equal(r->disks[1999].new_target, "vdbxx");
    if (x2k_now() - t0 > 20.0)
        fail_msg("2000 disks took %.1f s", x2k_now() - t0);
    x2k_xmlconv_result_free(r);
    x2k_buf_clear(&b);
    plan_free(&plan);
}

/* Mutated fixtures: never a crash; either a result or an error. */
static void
test_mutations(void **state)
{
    struct x2k_plan plan;
    struct x2k_xmlconv_opts opts = { 0 };
    X2K_AUTO(x2k_caps) caps = load_caps("debian12", "debian12-domcaps");
    static const char *const tokens[] = {
        "<", ">", "/", "'", "\"", "&amp;", "<disk>", "</devices>",
        "<os>", "<type>hvm</type>", "type='block'", "dev='xvda'",
        "<kernel/>", "<cmdline>root=/dev/xvda1</cmdline>", "\xe4\xb8\xad",
        "<target dev=''/>", "<source/>", "]]>", "<!--", "-->",
    };
    size_t iter, ok = 0, bad = 0;

    testlib_seed(42);
    x2k_plan_init(&plan);
    opts.caps = caps;
    for (iter = 0; iter < 3000; iter++) {
        const struct fixture *fx =
            &fixtures[testlib_rand() % X2K_N_ELEMENTS(fixtures)];
        X2K_AUTOFREE char *rel = x2k_strdup_printf("xmlconv/%s.xml",
                                                   fx->name);
        X2K_AUTOFREE char *xml = slurp(rel);
        struct x2k_buf b = { 0 };
        struct x2k_error err = X2K_ERROR_INIT;
        struct x2k_xmlconv_result *r;
        size_t pos, n;

        x2k_buf_puts(&b, xml);
        for (n = 1 + testlib_rand() % 4; n > 0; n--) {
            pos = testlib_rand() % b.len;
            switch (testlib_rand() % 4) {
            case 0:             /* flip a byte */
                b.data[pos] = (char)(testlib_rand() % 255 + 1);
                break;
            case 1: {           /* delete a run */
                size_t del = testlib_rand() % 64;

                if (pos + del > b.len)
                    del = b.len - pos;
                memmove(b.data + pos, b.data + pos + del,
                        b.len - pos - del + 1);
                b.len -= del;
                break;
            }
            case 2: {           /* insert a token */
                const char *t =
                    tokens[testlib_rand() % X2K_N_ELEMENTS(tokens)];
                struct x2k_buf c = { 0 };

                x2k_buf_append(&c, b.data, pos);
                x2k_buf_puts(&c, t);
                x2k_buf_puts(&c, b.data + pos);
                x2k_buf_clear(&b);
                b = c;
                break;
            }
            default:            /* truncate */
                b.len = pos;
                b.data[pos] = '\0';
                break;
            }
            if (b.len == 0)
                break;
        }
        r = x2k_xmlconv_convert_string(b.data ? b.data : "", b.len, &plan,
                                       &opts, &err);
        if (r) {
            assert_non_null(r->xml);
            ok++;
        } else {
            assert_true(x2k_error_is_set(&err));
            assert_non_null(err.msg);
            bad++;
        }
        x2k_xmlconv_result_free(r);
        x2k_error_clear(&err);
        x2k_buf_clear(&b);
    }
    /* Both paths were exercised. */
    assert_true(ok > 100);
    assert_true(bad > 100);
    plan_free(&plan);
}

struct thread_job {
    char *want[X2K_N_ELEMENTS(fixtures)];
    int mismatches;
};

static void *
convert_all(void *opaque)
{
    struct thread_job *job = opaque;
    size_t i, round;

    for (round = 0; round < 20; round++) {
        for (i = 0; i < X2K_N_ELEMENTS(fixtures); i++) {
            struct x2k_xmlconv_result *r = convert_fixture(&fixtures[i]);

            if (strcmp(r->xml, job->want[i]) != 0)
                __atomic_add_fetch(&job->mismatches, 1, __ATOMIC_RELAXED);
            x2k_xmlconv_result_free(r);
        }
    }
    return NULL;
}

/* The wizard converts on its engine thread: calls share no state. */
static void
test_threads(void **state)
{
    struct thread_job job = { { NULL }, 0 };
    pthread_t t[4];
    size_t i;

    for (i = 0; i < X2K_N_ELEMENTS(fixtures); i++) {
        struct x2k_xmlconv_result *r = convert_fixture(&fixtures[i]);

        job.want[i] = x2k_steal(&r->xml);
        x2k_xmlconv_result_free(r);
    }
    for (i = 0; i < X2K_N_ELEMENTS(t); i++)
        assert_int_equal(pthread_create(&t[i], NULL, convert_all, &job), 0);
    for (i = 0; i < X2K_N_ELEMENTS(t); i++)
        pthread_join(t[i], NULL);
    assert_int_equal(job.mismatches, 0);
    for (i = 0; i < X2K_N_ELEMENTS(fixtures); i++)
        free(job.want[i]);
}

static void
test_caps(void **state)
{
    struct x2k_error err = X2K_ERROR_INIT;
    X2K_AUTO(x2k_caps) caps = load_caps("debian12", "debian12-domcaps");
    struct x2k_caps *c;

    assert_non_null(caps);
    assert_null(x2k_caps_parse("<domain/>", NULL, &err));
    assert_int_equal(err.code, X2K_ERR_XML);
    x2k_error_clear(&err);
    assert_null(x2k_caps_parse("<capabilities>", NULL, &err));
    x2k_error_clear(&err);
    assert_null(x2k_caps_parse("<capabilities/>", "<x", &err));
    x2k_error_clear(&err);
    /* Empty but valid: nothing offered; conversion still works. */
    c = x2k_caps_parse("<capabilities/>", NULL, &err);
    assert_non_null(c);
    x2k_caps_free(c);
    x2k_caps_free(NULL);

    assert_false(x2k_caps_is_test_driver(caps));
    assert_false(x2k_caps_is_test_driver(NULL));

    /* A real libvirt's capabilities (the test driver: no kvm, only i686
     * guests of type 'test').  They say nothing about a KVM guest: the
     * converter ignores them, and does not warn that x86_64 is missing. */
    c = x2k_caps_from_uri("test:///default", &err);
    assert_non_null(c);
    assert_true(x2k_caps_is_test_driver(c));
    {
        struct x2k_plan plan;
        struct x2k_xmlconv_opts opts = { 0 };
        X2K_AUTOFREE char *xml = slurp("xmlconv/pv-pygrub.xml");
        struct x2k_xmlconv_result *r;

        x2k_plan_init(&plan);
        opts.caps = c;
        r = convert(xml, &plan, &opts);
        assert_false(has_warning(r, "arch-unsupported"));
        assert_false(has_warning(r, "no-kvm"));
        x2k_xmlconv_result_free(r);
        plan_free(&plan);
    }
    x2k_caps_free(c);
    assert_null(x2k_caps_from_uri("nosuchdriver:///x", &err));
    assert_int_equal(err.code, X2K_ERR_LIBVIRT);
    x2k_error_clear(&err);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_define_libvirt),
        cmocka_unit_test(test_sles11sp3_target),
        cmocka_unit_test(test_minimal),
        cmocka_unit_test(test_domain_type),
        cmocka_unit_test(test_pv_os),
        cmocka_unit_test(test_hvm_firmware),
        cmocka_unit_test(test_direct_kernel),
        cmocka_unit_test(test_pv_grub),
        cmocka_unit_test(test_cmdline),
        cmocka_unit_test(test_disk_names),
        cmocka_unit_test(test_emulator),
        cmocka_unit_test(test_disks),
        cmocka_unit_test(test_disk_mapping),
        cmocka_unit_test(test_interfaces),
        cmocka_unit_test(test_consoles_inputs_graphics),
        cmocka_unit_test(test_name_uuid_lifecycle),
        cmocka_unit_test(test_windows),
        cmocka_unit_test(test_warnings_never_silent),
        cmocka_unit_test(test_unknown_devices),
        cmocka_unit_test(test_local_sources),
        cmocka_unit_test(test_hostile_names),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_huge_valid),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_caps),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
