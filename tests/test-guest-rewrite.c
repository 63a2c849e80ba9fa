/* Unit tests for core/guest-rewrite: the pure text rewrites behind the
 * guest fixes (fstab, crypttab, kernel command lines, grub legacy and
 * GRUB 2, device.map, initrd module lists, inittab, securetty, getty
 * links) and the conversion report's line diff. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "guest/guest-rewrite.h"

/* Assert that FN's output equals WANT, then free it. */
#define CHECK(expr, want)                                                \
    do {                                                                 \
        char *got_ = (expr);                                             \
        assert_string_equal(got_, want);                                 \
        free(got_);                                                      \
    } while (0)

static void
test_devname(void **state)
{
    static const char *const map[] = { "hdc", "vdb", "xvdb", "vdc", NULL };

    CHECK(x2k_guest_rewrite_devname("/dev/xvda1", NULL), "/dev/vda1");
    CHECK(x2k_guest_rewrite_devname("xvdb12", NULL), "vdb12");
    CHECK(x2k_guest_rewrite_devname("/dev/hda", NULL), "/dev/vda");
    CHECK(x2k_guest_rewrite_devname("/dev/xvdaa3", NULL), "/dev/vdaa3");
    CHECK(x2k_guest_rewrite_devname("/dev/hdc2", map), "/dev/vdb2");
    CHECK(x2k_guest_rewrite_devname("/dev/xvdb", map), "/dev/vdc");
    assert_null(x2k_guest_rewrite_devname("/dev/sda1", NULL));
    assert_null(x2k_guest_rewrite_devname("/dev/vda1", NULL));
    assert_null(x2k_guest_rewrite_devname("/dev/xvd", NULL));
    assert_null(x2k_guest_rewrite_devname("/dev/xvda1b", NULL));
    assert_null(x2k_guest_rewrite_devname("/dev/hdx1/foo", NULL));
    CHECK(x2k_guest_rewrite_devices("(hd0) /dev/xvda /dev/hdb3 /dev/sda",
                                    NULL),
          "(hd0) /dev/vda /dev/vdb3 /dev/sda");
    CHECK(x2k_guest_rewrite_devices("/dev/disk/by-id/xvda", NULL),
          "/dev/disk/by-id/xvda");
}

/* xen-tools' per-partition volumes, one disk each (--layout=keep): the
 * converter's map names the partitions, which become whole disks;
 * assembled (no map entry), xvdaN stays partition N of vda. */
static void
test_devname_volumes(void **state)
{
    static const char *const keep[] = { "xvda1", "vda", "xvda2", "vdb",
                                        NULL };

    (void)state;
    CHECK(x2k_guest_rewrite_devname("/dev/xvda2", keep), "/dev/vdb");
    CHECK(x2k_guest_rewrite_devname("xvda1", keep), "vda");
    CHECK(x2k_guest_rewrite_devname("/dev/xvda3", keep), "/dev/vda3");
    CHECK(x2k_guest_rewrite_devname("/dev/xvda2", NULL), "/dev/vda2");
    CHECK(x2k_guest_rewrite_devices("root=/dev/xvda2 ro resume=/dev/xvda1",
                                    keep),
          "root=/dev/vdb ro resume=/dev/vda");
    CHECK(x2k_guest_rewrite_fstab("/dev/xvda2 / ext4 defaults 0 1\n"
                                  "/dev/xvda1 none swap sw 0 0\n",
                                  keep, NULL),
          "/dev/vdb / ext4 defaults 0 1\n/dev/vda none swap sw 0 0\n");
}

static void
test_fstab(void **state)
{
    static const char fstab[] =
        "# /etc/fstab: static file system information.\n"
        "# /dev/xvda1 was the root\n"
        "/dev/xvda1  /     ext4  defaults  0 1\n"
        "/dev/xvda2\tswap\tswap\tdefaults\t0 0\n"
        "UUID=1234-abcd /boot ext2 defaults 0 2\n"
        "LABEL=data /data xfs defaults 0 2\n"
        "  /dev/xvdb12 /srv ext3 noatime 0 2\n"
        "/dev/hda3 /var ext4 defaults 0 2\n"
        "/dev/sda1 /mnt ext4 noauto 0 0\n"
        "proc /proc proc defaults 0 0\n"
        "\n";
    static const char *const uuids[] = {
        "/dev/vda1", "0b5c7e1e-1111-2222-3333-444455556666",
        "/dev/vdb12", "", NULL,
    };

    CHECK(x2k_guest_rewrite_fstab(fstab, NULL, NULL),
          "# /etc/fstab: static file system information.\n"
          "# /dev/xvda1 was the root\n"
          "/dev/vda1  /     ext4  defaults  0 1\n"
          "/dev/vda2\tswap\tswap\tdefaults\t0 0\n"
          "UUID=1234-abcd /boot ext2 defaults 0 2\n"
          "LABEL=data /data xfs defaults 0 2\n"
          "  /dev/vdb12 /srv ext3 noatime 0 2\n"
          "/dev/vda3 /var ext4 defaults 0 2\n"
          "/dev/sda1 /mnt ext4 noauto 0 0\n"
          "proc /proc proc defaults 0 0\n"
          "\n");
    CHECK(x2k_guest_rewrite_fstab(fstab, NULL, uuids),
          "# /etc/fstab: static file system information.\n"
          "# /dev/xvda1 was the root\n"
          "UUID=0b5c7e1e-1111-2222-3333-444455556666  /     ext4  "
          "defaults  0 1\n"
          "/dev/vda2\tswap\tswap\tdefaults\t0 0\n"
          "UUID=1234-abcd /boot ext2 defaults 0 2\n"
          "LABEL=data /data xfs defaults 0 2\n"
          "  /dev/vdb12 /srv ext3 noatime 0 2\n"
          "/dev/vda3 /var ext4 defaults 0 2\n"
          "/dev/sda1 /mnt ext4 noauto 0 0\n"
          "proc /proc proc defaults 0 0\n"
          "\n");
    /* No trailing newline, and an already converted file. */
    CHECK(x2k_guest_rewrite_fstab("/dev/xvda1 / ext4 defaults 0 1", NULL,
                                  NULL),
          "/dev/vda1 / ext4 defaults 0 1");
    CHECK(x2k_guest_rewrite_fstab("/dev/vda1 / ext4 defaults 0 1\n", NULL,
                                  NULL),
          "/dev/vda1 / ext4 defaults 0 1\n");
    CHECK(x2k_guest_rewrite_fstab("", NULL, NULL), "");
}

static void
test_crypttab(void **state)
{
    CHECK(x2k_guest_rewrite_crypttab("# c\ncr_home /dev/xvdb1 none luks\n"
                                     "swap /dev/hda2 /dev/urandom swap\n"
                                     "x UUID=ab none luks\n",
                                     NULL, NULL),
          "# c\ncr_home /dev/vdb1 none luks\n"
          "swap /dev/vda2 /dev/urandom swap\n"
          "x UUID=ab none luks\n");
}

static void
test_cmdline(void **state)
{
    CHECK(x2k_guest_rewrite_cmdline("root=/dev/xvda1 disk=/dev/xvda "
                                    "console=xvc0",
                                    NULL),
          "root=/dev/vda1 disk=/dev/vda console=ttyS0");
    CHECK(x2k_guest_rewrite_cmdline("ro root=/dev/hda2 resume=/dev/hda1 "
                                    "console=tty0 console=hvc0,115200 quiet",
                                    NULL),
          "ro root=/dev/vda2 resume=/dev/vda1 console=tty0 console=ttyS0 "
          "quiet");
    /* ttyS0 already there: the Xen console is dropped, not doubled. */
    CHECK(x2k_guest_rewrite_cmdline("console=hvc0 console=ttyS0,115200n8",
                                    NULL),
          "console=ttyS0,115200n8");
    CHECK(x2k_guest_rewrite_cmdline("  quiet xencons=tty  splash ", NULL),
          "  quiet  splash ");
    CHECK(x2k_guest_rewrite_cmdline("xencons=xvc root=UUID=abc", NULL),
          "root=UUID=abc");
    CHECK(x2k_guest_rewrite_cmdline("root=LABEL=/ console=tty1 "
                                    "console=hvc10 console=xvc", NULL),
          "root=LABEL=/ console=tty1 console=ttyS0 console=xvc");
    CHECK(x2k_guest_rewrite_cmdline("root=/dev/sda1 rd.lvm.lv=vg/root",
                                    NULL),
          "root=/dev/sda1 rd.lvm.lv=vg/root");
    CHECK(x2k_guest_rewrite_cmdline("", NULL), "");

    /* sdX only when the map names that disk: the libguestfs appliance's
     * names, written by a guest's grub-mkconfig run inside it. */
    {
        const char *appl[] = { "sda", "vda", "sdb", "vdc", NULL };

        CHECK(x2k_guest_rewrite_cmdline("root=/dev/sda1 ro resume=/dev/sdb2 "
                                        "x=/dev/sdc1 y=/dev/sda1x",
                                        appl),
              "root=/dev/vda1 ro resume=/dev/vdc2 x=/dev/sdc1 "
              "y=/dev/sda1x");
    }
}

static const char menu_lst[] =
    "# Modified by YaST2.\n"
    "default 0\n"
    "timeout 8\n"
    "\n"
    "title SUSE Linux Enterprise Server 11 - 2.6.32.12-0.7 (xen)\n"
    "    root (hd0,0)\n"
    "    kernel /boot/vmlinuz-2.6.32.12-0.7-xen root=/dev/xvda1 "
    "console=xvc0 splash=silent\n"
    "    initrd /boot/initrd-2.6.32.12-0.7-xen\n"
    "\n"
    "title SUSE Linux Enterprise Server 11 - 2.6.32.12-0.7\n"
    "    root (hd0,0)\n"
    "    kernel /boot/vmlinuz-2.6.32.12-0.7-default root=/dev/xvda1 "
    "resume=/dev/xvda2 console=tty0 console=xvc0\n"
    "    initrd /boot/initrd-2.6.32.12-0.7-default\n";

static void
test_grub_legacy(void **state)
{
    size_t n, nx;

    x2k_guest_grub_count(menu_lst, true, &n, &nx);
    assert_int_equal(n, 2);
    assert_int_equal(nx, 1);
    assert_int_equal(x2k_guest_grub_pick_default(menu_lst, true, 0), 1);
    assert_int_equal(x2k_guest_grub_pick_default(menu_lst, true, 1), 1);
    CHECK(x2k_guest_rewrite_grub_legacy(menu_lst, NULL),
          "# Modified by YaST2.\n"
          "default 1\n"
          "timeout 8\n"
          "\n"
          "title SUSE Linux Enterprise Server 11 - 2.6.32.12-0.7 (xen)\n"
          "    root (hd0,0)\n"
          "    kernel /boot/vmlinuz-2.6.32.12-0.7-xen root=/dev/vda1 "
          "console=ttyS0 splash=silent\n"
          "    initrd /boot/initrd-2.6.32.12-0.7-xen\n"
          "\n"
          "title SUSE Linux Enterprise Server 11 - 2.6.32.12-0.7\n"
          "    root (hd0,0)\n"
          "    kernel /boot/vmlinuz-2.6.32.12-0.7-default root=/dev/vda1 "
          "resume=/dev/vda2 console=tty0 console=ttyS0\n"
          "    initrd /boot/initrd-2.6.32.12-0.7-default\n");
    /* RHEL 5 style: hypervisor + module; "default=" with '='. */
    CHECK(x2k_guest_rewrite_grub_legacy(
              "default=0\n"
              "title CentOS (2.6.18-398.el5xen)\n"
              "\tkernel /xen.gz-2.6.18-398.el5\n"
              "\tmodule /vmlinuz-2.6.18-398.el5xen ro root=/dev/xvda1\n"
              "title CentOS (2.6.18-398.el5)\n"
              "\tkernel /vmlinuz-2.6.18-398.el5 ro root=/dev/xvda1\n",
              NULL),
          "default=1\n"
          "title CentOS (2.6.18-398.el5xen)\n"
          "\tkernel /xen.gz-2.6.18-398.el5\n"
          "\tmodule /vmlinuz-2.6.18-398.el5xen ro root=/dev/vda1\n"
          "title CentOS (2.6.18-398.el5)\n"
          "\tkernel /vmlinuz-2.6.18-398.el5 ro root=/dev/vda1\n");
    /* Only Xen kernels: nothing to pick, default untouched. */
    assert_int_equal(x2k_guest_grub_pick_default(
                         "title x\nkernel /boot/vmlinuz-2.6.16-xen\n", true,
                         0),
                     -1);
    /* "default saved" is left alone. */
    CHECK(x2k_guest_rewrite_grub_legacy("default saved\n", NULL),
          "default saved\n");
}

static const char grub_cfg[] =
    "set default=\"0\"\n"
    "if [ x\"${feature_menuentry_id}\" = xy ]; then\n"
    "  menuentry_id_option=\"--id\"\n"
    "fi\n"
    "menuentry 'Debian GNU/Linux, with Xen hypervisor' --class xen {\n"
    "\tmultiboot2\t/boot/xen.gz placeholder\n"
    "\tmodule2\t/boot/vmlinuz-5.10.0-20-amd64 placeholder "
    "root=/dev/xvda1 ro console=hvc0\n"
    "}\n"
    "menuentry 'Debian GNU/Linux' --class debian {\n"
    "\tlinux\t/boot/vmlinuz-5.10.0-20-amd64 root=/dev/xvda1 ro "
    "console=tty0 console=hvc0 quiet\n"
    "\tinitrd\t/boot/initrd.img-5.10.0-20-amd64\n"
    "}\n"
    "submenu 'Advanced options' {\n"
    "\tmenuentry 'Debian, recovery' {\n"
    "\t\tlinux /boot/vmlinuz-5.10.0-20-amd64 root=/dev/xvda1 single\n"
    "\t}\n"
    "}\n";

static void
test_grub2(void **state)
{
    size_t n, nx;

    x2k_guest_grub_count(grub_cfg, false, &n, &nx);
    assert_int_equal(n, 3);
    assert_int_equal(nx, 1);
    assert_int_equal(x2k_guest_grub_pick_default(grub_cfg, false, 0), 1);
    CHECK(x2k_guest_rewrite_grub2_cfg(grub_cfg, NULL),
          "set default=\"1\"\n"
          "if [ x\"${feature_menuentry_id}\" = xy ]; then\n"
          "  menuentry_id_option=\"--id\"\n"
          "fi\n"
          "menuentry 'Debian GNU/Linux, with Xen hypervisor' --class xen {\n"
          "\tmultiboot2\t/boot/xen.gz placeholder\n"
          "\tmodule2\t/boot/vmlinuz-5.10.0-20-amd64 placeholder "
          "root=/dev/xvda1 ro console=hvc0\n"
          "}\n"
          "menuentry 'Debian GNU/Linux' --class debian {\n"
          "\tlinux\t/boot/vmlinuz-5.10.0-20-amd64 root=/dev/vda1 ro "
          "console=tty0 console=ttyS0 quiet\n"
          "\tinitrd\t/boot/initrd.img-5.10.0-20-amd64\n"
          "}\n"
          "submenu 'Advanced options' {\n"
          "\tmenuentry 'Debian, recovery' {\n"
          "\t\tlinux /boot/vmlinuz-5.10.0-20-amd64 root=/dev/vda1 single\n"
          "\t}\n"
          "}\n");
}

static void
test_grubenv(void **state)
{
    char env[1024 + 1], *out;
    static const char head[] = "# GRUB Environment Block\n"
                               "saved_entry=Debian GNU/Linux, with Xen "
                               "hypervisor\n";
    char *s;

    /* The saved default is a Xen entry: the first non-Xen title. */
    s = x2k_guest_grub2_saved_default(grub_cfg,
                                      "Debian GNU/Linux, with Xen "
                                      "hypervisor");
    assert_non_null(s);
    assert_string_equal(s, "Debian GNU/Linux");
    free(s);
    s = x2k_guest_grub2_saved_default(grub_cfg, "0");
    assert_string_equal(s, "Debian GNU/Linux");
    free(s);
    assert_null(x2k_guest_grub2_saved_default(grub_cfg, "Debian GNU/Linux"));
    assert_null(x2k_guest_grub2_saved_default(grub_cfg, "1"));
    assert_null(x2k_guest_grub2_saved_default(grub_cfg, "no such entry"));

    /* grubenv keeps its 1024 bytes. */
    memset(env, '#', 1024);
    env[1024] = '\0';
    memcpy(env, head, strlen(head));
    out = x2k_guest_rewrite_grubenv(env, "Debian GNU/Linux");
    assert_non_null(out);
    assert_int_equal(strlen(out), 1024);
    assert_true(x2k_str_has_prefix(out, "# GRUB Environment Block\n"
                                        "saved_entry=Debian GNU/Linux\n#"));
    assert_int_equal(strspn(out + 54, "#"), 1024 - 54);
    free(out);
    /* No saved_entry yet: added.  Too long: refused. */
    out = x2k_guest_rewrite_grubenv("# GRUB Environment Block\n"
                                    "#########################",
                                    "x");
    assert_string_equal(out, "# GRUB Environment Block\nsaved_entry=x\n"
                             "###########");
    free(out);
    assert_null(x2k_guest_rewrite_grubenv("# GRUB Environment Block\n###",
                                          "a much longer entry"));
}

static void
test_default_grub(void **state)
{
    static const char in[] =
        "GRUB_DEFAULT=0\n"
        "GRUB_TIMEOUT=5\n"
        "# GRUB_CMDLINE_LINUX=\"console=xvc0\"\n"
        "GRUB_CMDLINE_LINUX_DEFAULT=\"root=/dev/xvda1 disk=/dev/xvda "
        "console=xvc0 quiet\"\n"
        "GRUB_CMDLINE_LINUX='console=tty0 console=hvc0'\n"
        "GRUB_CMDLINE_LINUX_RECOVERY=resume=/dev/xvda2\n"
        "GRUB_TERMINAL=console\n";

    CHECK(x2k_guest_rewrite_default_grub(in, NULL, -1),
          "GRUB_DEFAULT=0\n"
          "GRUB_TIMEOUT=5\n"
          "# GRUB_CMDLINE_LINUX=\"console=xvc0\"\n"
          "GRUB_CMDLINE_LINUX_DEFAULT=\"root=/dev/vda1 disk=/dev/vda "
          "console=ttyS0 quiet\"\n"
          "GRUB_CMDLINE_LINUX='console=tty0 console=ttyS0'\n"
          "GRUB_CMDLINE_LINUX_RECOVERY=resume=/dev/vda2\n"
          "GRUB_TERMINAL=console\n");
    CHECK(x2k_guest_rewrite_default_grub("GRUB_DEFAULT=0\n", NULL, 2),
          "GRUB_DEFAULT=2\n");
    CHECK(x2k_guest_rewrite_default_grub("GRUB_DEFAULT=saved\n", NULL, 2),
          "GRUB_DEFAULT=saved\n");
}

static void
test_device_map(void **state)
{
    CHECK(x2k_guest_rewrite_device_map("# this device map was generated\n"
                                       "(hd0)\t/dev/xvda\n"
                                       "(hd1) /dev/hdb\n",
                                       NULL),
          "# this device map was generated\n"
          "(hd0)\t/dev/vda\n"
          "(hd1) /dev/vdb\n");
}

static void
test_modules(void **state)
{
    CHECK(x2k_guest_rewrite_sysconfig_kernel(
              "## Type: string\n"
              "INITRD_MODULES=\"xenblk xennet\"\n"
              "DOMU_INITRD_MODULES=\"xennet xenblk\"\n"),
          "## Type: string\n"
          "INITRD_MODULES=\"virtio_blk virtio_pci virtio_net "
          "virtio_balloon\"\n"
          "DOMU_INITRD_MODULES=\"xennet xenblk\"\n");
    CHECK(x2k_guest_rewrite_sysconfig_kernel(
              "INITRD_MODULES=\"processor thermal xenblk virtio_pci "
              "xennet fan\"\n"),
          "INITRD_MODULES=\"processor thermal virtio_pci fan virtio_blk "
          "virtio_net virtio_balloon\"\n");
    CHECK(x2k_guest_rewrite_sysconfig_kernel("INITRD_MODULES=\"ata_piix\"\n"),
          "INITRD_MODULES=\"ata_piix\"\n");
    CHECK(x2k_guest_rewrite_dracut_conf(
              "# xen\nadd_drivers+=\" xenblk xennet \"\n"
              "omit_drivers+=\" xennet \"\n"),
          "# xen\nadd_drivers+=\" virtio_blk virtio_pci virtio_net "
          "virtio_balloon \"\n"
          "omit_drivers+=\" xennet \"\n");
    CHECK(x2k_guest_rewrite_initramfs_modules(
              "# List of modules\nxen-blkfront\nloop\nxen-netfront\n"),
          "# List of modules\nloop\nvirtio_blk\nvirtio_pci\nvirtio_net\n"
          "virtio_balloon\n");
    CHECK(x2k_guest_rewrite_initramfs_modules("# none\nloop"),
          "# none\nloop");
    CHECK(x2k_guest_rewrite_modprobe(
              "alias eth0 xennet\n"
              "alias scsi_hostadapter xenblk\n"
              "alias\teth1 xen-netfront # second NIC\n"
              "# alias eth2 xennet\n"
              "alias scsi_hostadapter1 ata_piix\n"
              "options xennet rx_copy=1\n"),
          "alias eth0 virtio_net\n"
          "alias scsi_hostadapter virtio_blk\n"
          "alias\teth1 virtio_net # second NIC\n"
          "# alias eth2 xennet\n"
          "alias scsi_hostadapter1 ata_piix\n"
          "options xennet rx_copy=1\n");
    assert_true(x2k_guest_is_xen_module("xen-blkfront"));
    assert_false(x2k_guest_is_xen_module("virtio_blk"));
}

static void
test_xen_kernel(void **state)
{
    assert_true(x2k_guest_is_xen_kernel("2.6.32.12-0.7-xen"));
    assert_true(x2k_guest_is_xen_kernel("/boot/vmlinuz-2.6.18-398.el5xen"));
    assert_true(x2k_guest_is_xen_kernel("/boot/xen.gz"));
    assert_true(x2k_guest_is_xen_kernel("/xen.gz-2.6.18-398.el5"));
    assert_true(x2k_guest_is_xen_kernel("vmlinuz-2.6.26-2-xen-amd64"));
    assert_false(x2k_guest_is_xen_kernel("5.10.0-20-amd64"));
    assert_false(x2k_guest_is_xen_kernel("/boot/vmlinuz-3.0.101-63-default"));
}

static void
test_consoles(void **state)
{
    char *s;

    CHECK(x2k_guest_rewrite_inittab(
              "id:3:initdefault:\n"
              "1:2345:respawn:/sbin/mingetty tty1\n"
              "x0:2345:respawn:/sbin/agetty -L 9600 xvc0 xterm\n"
              "# h0:2345:respawn:/sbin/agetty hvc0\n"),
          "id:3:initdefault:\n"
          "1:2345:respawn:/sbin/mingetty tty1\n"
          "x0:2345:respawn:/sbin/agetty -L 9600 ttyS0 xterm\n"
          "# h0:2345:respawn:/sbin/agetty hvc0\n");
    CHECK(x2k_guest_rewrite_inittab(
              "S0:2345:respawn:/sbin/agetty -L 9600 ttyS0 vt102\n"
              "h0:2345:respawn:/sbin/agetty -L 9600 hvc0 vt102\n"),
          "S0:2345:respawn:/sbin/agetty -L 9600 ttyS0 vt102\n"
          "#h0:2345:respawn:/sbin/agetty -L 9600 hvc0 vt102\n");
    CHECK(x2k_guest_rewrite_securetty("console\ntty1\nxvc0\n"),
          "console\ntty1\nttyS0\n");
    CHECK(x2k_guest_rewrite_securetty("console\ntty1"),
          "console\ntty1\nttyS0\n");
    CHECK(x2k_guest_rewrite_securetty("ttyS0\nxvc0\n"), "ttyS0\nxvc0\n");
    CHECK(x2k_guest_rewrite_securetty(""), "ttyS0\n");
    CHECK(x2k_guest_rewrite_getty_link("getty@xvc0.service"),
          "serial-getty@ttyS0.service");
    CHECK(x2k_guest_rewrite_getty_link("serial-getty@hvc0.service"),
          "serial-getty@ttyS0.service");
    assert_null(x2k_guest_rewrite_getty_link("getty@tty1.service"));
    assert_null(x2k_guest_rewrite_getty_link("getty@xvc0.target"));
    s = x2k_guest_rewrite_getty_link("getty@xvc1.service");
    assert_non_null(s);
    free(s);
}

static void
test_report(void **state)
{
    X2K_AUTO(x2k_guest_report) rep = x2k_guest_report_new();
    char *text;

    assert_int_equal(x2k_guest_report_diff(rep, "/etc/fstab", "a\nb\nc\n",
                                           "a\nB\nc\n"),
                     1);
    assert_string_equal(rep->changes[0].file, "/etc/fstab");
    assert_string_equal(rep->changes[0].before, "b");
    assert_string_equal(rep->changes[0].after, "B");
    assert_int_equal(x2k_guest_report_diff(rep, "/etc/securetty", "tty1\n",
                                           "tty1\nttyS0\n"),
                     1);
    assert_null(rep->changes[1].before);
    assert_string_equal(rep->changes[1].after, "ttyS0");
    assert_int_equal(x2k_guest_report_diff(rep, "/m", "x\nxen\ny\n",
                                           "x\ny\n"),
                     1);
    assert_string_equal(rep->changes[2].before, "xen");
    assert_null(rep->changes[2].after);
    assert_int_equal(x2k_guest_report_diff(rep, "/same", "q\n", "q\n"), 0);
    x2k_guest_report_warn(rep, "w %d", 1);
    x2k_guest_report_note(rep, "os %s", "linux");
    text = x2k_guest_report_format(rep);
    assert_string_equal(text, "note: os linux\n"
                              "/etc/fstab: - b\n"
                              "/etc/fstab: + B\n"
                              "/etc/securetty: + ttyS0\n"
                              "/m: - xen\n"
                              "warning: w 1\n");
    free(text);
}

/* A root= override (Xen's command line of a pygrub guest) in every
 * kernel line and in /etc/default/grub. */
static void
test_root_override(void **state)
{
    static const struct {
        const char *in, *out;
    } cmd[] = {
        { "ro root=/dev/VolGroup00/LogVol00 rhgb", "ro root=/dev/vda2 rhgb" },
        { "root=LABEL=/ ro root=/dev/vda1 quiet", "root=/dev/vda2 ro quiet" },
        { "ro quiet", "ro quiet root=/dev/vda2" },
        { "", "root=/dev/vda2" },
        { "  ro  ", "  ro root=/dev/vda2" },
    };
    const char *legacy =
        "default 0\n"
        "title Debian\n"
        "    kernel /boot/vmlinuz-6.1 root=/dev/xvda1 ro\n"
        "    initrd /boot/initrd.img-6.1\n"
        "title failsafe\n"
        "    kernel /boot/vmlinuz-6.1\n"
        "title xen\n"
        "    kernel /boot/xen.gz\n"
        "    module /boot/vmlinuz-xen root=/dev/xvda1\n";
    const char *cfg =
        "menuentry 'Debian' {\n"
        "\tlinux /boot/vmlinuz-6.1 root=UUID=1234 ro quiet\n"
        "\tinitrd /boot/initrd.img-6.1\n"
        "}\n";
    size_t i;
    char *r;

    for (i = 0; i < X2K_N_ELEMENTS(cmd); i++) {
        r = x2k_guest_set_root(cmd[i].in, "/dev/vda2");
        if (strcmp(r, cmd[i].out) != 0)
            fail_msg("'%s' -> '%s', want '%s'", cmd[i].in, r, cmd[i].out);
        free(r);
    }
    r = x2k_guest_rewrite_grub_root(legacy, true, "/dev/vda2");
    assert_non_null(strstr(r, "kernel /boot/vmlinuz-6.1 root=/dev/vda2 ro\n"));
    assert_non_null(strstr(r, "kernel /boot/vmlinuz-6.1 root=/dev/vda2\n"));
    /* A multiboot module is no kernel of this guest. */
    assert_non_null(strstr(r, "module /boot/vmlinuz-xen root=/dev/xvda1\n"));
    assert_non_null(strstr(r, "    kernel /boot/xen.gz\n"));
    free(r);
    r = x2k_guest_rewrite_grub_root(cfg, false, "/dev/vda2");
    assert_non_null(strstr(r, "\tlinux /boot/vmlinuz-6.1 root=/dev/vda2 ro "
                              "quiet\n"));
    assert_non_null(strstr(r, "\tinitrd /boot/initrd.img-6.1\n"));
    free(r);

    r = x2k_guest_rewrite_default_grub_root(
        "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n",
        "/dev/vda2");
    assert_string_equal(r, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n"
                           "GRUB_CMDLINE_LINUX=\"root=/dev/vda2\"\n");
    free(r);
    r = x2k_guest_rewrite_default_grub_root(
        "GRUB_CMDLINE_LINUX=\"console=tty0\"\n"
        "GRUB_CMDLINE_LINUX_DEFAULT=\"root=/dev/xvda1 quiet\"\n",
        "/dev/vda2");
    assert_string_equal(r, "GRUB_CMDLINE_LINUX=\"console=tty0\"\n"
                           "GRUB_CMDLINE_LINUX_DEFAULT=\"root=/dev/vda2 "
                           "quiet\"\n");
    free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_devname),
        cmocka_unit_test(test_devname_volumes),
        cmocka_unit_test(test_fstab),
        cmocka_unit_test(test_crypttab),
        cmocka_unit_test(test_cmdline),
        cmocka_unit_test(test_grub_legacy),
        cmocka_unit_test(test_grub2),
        cmocka_unit_test(test_grubenv),
        cmocka_unit_test(test_default_grub),
        cmocka_unit_test(test_root_override),
        cmocka_unit_test(test_device_map),
        cmocka_unit_test(test_modules),
        cmocka_unit_test(test_xen_kernel),
        cmocka_unit_test(test_consoles),
        cmocka_unit_test(test_report),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
