/* Pure text rewrites of a Linux guest's configuration for KVM (Xen disk
 * names xvdX become vdX, Xen drivers become virtio, Xen consoles become
 * ttyS0, the default boot entry moves off Xen kernels): fstab, crypttab,
 * kernel command lines, grub legacy and GRUB 2 configuration,
 * device.map, initrd module lists, inittab, securetty, systemd getty
 * links; plus the conversion report (a list of {file, before, after}
 * changes and warnings).  No I/O: core/guest/guest.c and guest-boot.c
 * read the files in the appliance, call these and write the result
 * back, so every rule is unit-tested without an appliance.  Any thread.
 *
 * Disk maps: MAP is NULL or pairs of whole-disk names "old", "new", ...,
 * NULL (e.g. "xvda", "vda", "hdc", "vdb").  A Xen or IDE disk not in MAP
 * keeps its letters: xvdX -> vdX, hdX -> vdX.  Partition numbers are
 * kept (xvdb12 -> vdb12).  sdX is left alone (it may really be SCSI).
 */
#ifndef X2K_GUEST_REWRITE_H
#define X2K_GUEST_REWRITE_H

#include "base/util.h"

/* ---- Conversion report ------------------------------------------- */

struct x2k_guest_change {
    char *file;                 /* path in the guest */
    char *before;               /* old line (or link), NULL if added */
    char *after;                /* new line (or link), NULL if removed */
};

struct x2k_guest_report {
    struct x2k_guest_change *changes;
    size_t n_changes;
    char **warnings;            /* translated sentences */
    size_t n_warnings;
    char **notes;               /* untranslated facts (inspection...) */
    size_t n_notes;
};

struct x2k_guest_report *x2k_guest_report_new(void);
void x2k_guest_report_free(struct x2k_guest_report *rep);
X2K_DEFINE_AUTO(x2k_guest_report, x2k_guest_report_free)

/* Record one change (strings copied; BEFORE or AFTER may be NULL). */
void x2k_guest_report_add(struct x2k_guest_report *rep, const char *file,
                          const char *before, const char *after)
    X2K_NONNULL(1, 2);
void x2k_guest_report_warn(struct x2k_guest_report *rep, const char *fmt,
                           ...) X2K_PRINTF(2, 3) X2K_NONNULL(1);
void x2k_guest_report_note(struct x2k_guest_report *rep, const char *fmt,
                           ...) X2K_PRINTF(2, 3) X2K_NONNULL(1);

/* Record the line-level differences between OLD and NEW of FILE (each
 * removed, added or replaced line).  Returns the number recorded. */
size_t x2k_guest_report_diff(struct x2k_guest_report *rep, const char *file,
                             const char *old_text, const char *new_text)
    X2K_NONNULL(1, 2, 3, 4);

/* The report as text for the run directory: one "file: - before" /
 * "file: + after" pair per change, then warnings.  Caller frees. */
char *x2k_guest_report_format(const struct x2k_guest_report *rep)
    X2K_NONNULL(1);

/* ---- Device names ------------------------------------------------ */

/* "/dev/xvda1" or "xvda1" -> "/dev/vda1" or "vda1" (same form as DEV);
 * NULL when DEV is not a Xen or IDE disk name. */
char *x2k_guest_rewrite_devname(const char *dev, const char *const *map)
    X2K_NONNULL(1);

/* Every "/dev/<xen disk>" in TEXT rewritten.  Caller frees. */
char *x2k_guest_rewrite_devices(const char *text, const char *const *map)
    X2K_NONNULL(1);

/* ---- Files ------------------------------------------------------- */

/* UUIDS is NULL or pairs "/dev/vda1", "uuid", ..., NULL: the new device
 * name of each filesystem that has a UUID.  A fstab entry on a Xen disk
 * becomes UUID=... when its new device is in UUIDS, else /dev/vdX.
 * UUID=, LABEL=, comments and other devices are left untouched. */
char *x2k_guest_rewrite_fstab(const char *text, const char *const *map,
                              const char *const *uuids) X2K_NONNULL(1);

/* crypttab: the second field (the encrypted device), same rule. */
char *x2k_guest_rewrite_crypttab(const char *text, const char *const *map,
                                 const char *const *uuids) X2K_NONNULL(1);

/* A kernel command line: root=/resume=/...=/dev/xvdX -> vdX,
 * console=xvc0|hvc0 -> console=ttyS0 (console=tty0 kept, no duplicate
 * ttyS0), xencons= dropped.  Separators are kept. */
char *x2k_guest_rewrite_cmdline(const char *cmdline, const char *const *map)
    X2K_NONNULL(1);

/* Index of the boot entry to make the default in a grub legacy
 * (LEGACY) or GRUB 2 configuration whose default is CURRENT: CURRENT
 * when that entry is not a Xen kernel, else the first non-Xen entry;
 * -1 when every entry is Xen.  Entries are counted as the bootloader
 * counts them (GRUB 2: top-level menuentry and submenu). */
int x2k_guest_grub_pick_default(const char *cfg, bool legacy, int current)
    X2K_NONNULL(1);

/* GRUB 2 with GRUB_DEFAULT=saved: when SAVED (grubenv's saved_entry, a
 * top-level title or an index) names a Xen entry of CFG, the title of
 * the first non-Xen entry (caller frees); NULL when SAVED is fine or
 * unknown, or when no non-Xen entry exists. */
char *x2k_guest_grub2_saved_default(const char *cfg, const char *saved)
    X2K_NONNULL(1, 2);

/* grubenv with saved_entry set to ENTRY, kept at its size (the 1024-byte
 * block, '#' padding).  NULL if it does not fit. */
char *x2k_guest_rewrite_grubenv(const char *text, const char *entry)
    X2K_NONNULL(1, 2);

/* Number of boot entries, and of those not running a Xen kernel. */
void x2k_guest_grub_count(const char *cfg, bool legacy, size_t *n,
                          size_t *n_non_xen) X2K_NONNULL(1, 3, 4);

/* grub legacy menu.lst / grub.conf: kernel and module arguments as
 * x2k_guest_rewrite_cmdline, "default" moved off a Xen entry. */
char *x2k_guest_rewrite_grub_legacy(const char *text, const char *const *map)
    X2K_NONNULL(1);

/* GRUB 2 grub.cfg: linux/linux16/linuxefi/module arguments, and a
 * numeric `set default' moved off a Xen entry.  Used when the guest's
 * own grub2-mkconfig cannot run, and to pick the default. */
char *x2k_guest_rewrite_grub2_cfg(const char *text, const char *const *map)
    X2K_NONNULL(1);

/* /etc/default/grub: GRUB_CMDLINE_LINUX* values rewritten; when
 * NEW_DEFAULT >= 0 and GRUB_DEFAULT is numeric, it becomes NEW_DEFAULT. */
char *x2k_guest_rewrite_default_grub(const char *text, const char *const *map,
                                     int new_default) X2K_NONNULL(1);

/* A root= override (what Xen's command line gave a pygrub guest):
 * CMDLINE with root=ROOT, the first root= replaced and any later one
 * removed, or root=ROOT appended. */
char *x2k_guest_set_root(const char *cmdline, const char *root)
    X2K_NONNULL(1, 2);

/* Every kernel line of a grub legacy (LEGACY) or GRUB 2 configuration
 * (linux, linux16, linuxefi; never a multiboot module) with root=ROOT. */
char *x2k_guest_rewrite_grub_root(const char *text, bool legacy,
                                  const char *root) X2K_NONNULL(1, 3);

/* /etc/default/grub: root=ROOT in each GRUB_CMDLINE_LINUX(_DEFAULT)
 * that has a root=, else added to GRUB_CMDLINE_LINUX (which
 * grub-mkconfig writes after its own root=). */
char *x2k_guest_rewrite_default_grub_root(const char *text, const char *root)
    X2K_NONNULL(1, 2);

/* device.map: "(hd0) /dev/xvda" -> "(hd0) /dev/vda". */
char *x2k_guest_rewrite_device_map(const char *text, const char *const *map)
    X2K_NONNULL(1);

/* SLES 11 /etc/sysconfig/kernel: Xen drivers in INITRD_MODULES replaced
 * by "virtio_blk virtio_pci virtio_net virtio_balloon". */
char *x2k_guest_rewrite_sysconfig_kernel(const char *text) X2K_NONNULL(1);

/* dracut.conf(.d): add_drivers/force_drivers/drivers lists likewise. */
char *x2k_guest_rewrite_dracut_conf(const char *text) X2K_NONNULL(1);

/* Debian /etc/initramfs-tools/modules: Xen module lines removed and the
 * virtio modules appended (only when a Xen module was listed). */
char *x2k_guest_rewrite_initramfs_modules(const char *text) X2K_NONNULL(1);

/* modprobe.conf / modprobe.d: "alias X xenblk" -> "alias X virtio_blk",
 * "alias X xennet" (or xen-netfront) -> "alias X virtio_net" (RHEL 5
 * and SLES keep scsi_hostadapter and ethN aliases there). */
char *x2k_guest_rewrite_modprobe(const char *text) X2K_NONNULL(1);

/* /etc/inittab: a getty on xvc0/hvc0 moves to ttyS0 (commented out
 * instead when ttyS0 already has one). */
char *x2k_guest_rewrite_inittab(const char *text) X2K_NONNULL(1);

/* /etc/securetty: xvc0 -> ttyS0; ttyS0 appended when missing. */
char *x2k_guest_rewrite_securetty(const char *text) X2K_NONNULL(1);

/* A systemd getty.target.wants link name on a Xen console
 * ("getty@xvc0.service", "serial-getty@hvc0.service"...) -> the name of
 * its replacement, "serial-getty@ttyS0.service"; NULL otherwise. */
char *x2k_guest_rewrite_getty_link(const char *name) X2K_NONNULL(1);

/* True if MODULE names a Xen paravirtual driver (xenblk, xen-netfront). */
bool x2k_guest_is_xen_module(const char *module) X2K_NONNULL(1);

/* True if a kernel version or file name is a Xen flavour
 * ("2.6.32.12-0.7-xen", "vmlinuz-2.6.18-xen", "xen.gz"). */
bool x2k_guest_is_xen_kernel(const char *name) X2K_NONNULL(1);

#endif /* X2K_GUEST_REWRITE_H */
