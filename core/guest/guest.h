/* Guest OS fixes with libguestfs, the changes a paravirtualised Xen
 * guest needs before it boots under KVM: open the COPIED disk images
 * read-write (never the source, which must stay bootable under Xen),
 * inspect the guest, check that it has a non-Xen kernel with virtio
 * drivers, and rewrite its configuration for KVM (fstab/crypttab, grub
 * legacy and GRUB 2, initrd module lists and, only when the initrd
 * really lacks virtio, an initrd rebuild with the guest's own tool,
 * consoles).  Every change lands in a struct x2k_guest_report.
 * Blocking; runs on the engine's thread.  One appliance launch (~27 s
 * under TCG) per x2k_guest_open.
 *
 * Backend, decided at run time by x2k_guest_open: LIBGUESTFS_BACKEND
 * and LIBGUESTFS_BACKEND_SETTINGS from the environment win; otherwise a
 * libvirt backend without a reachable libvirtd socket is replaced by
 * "direct", and "force_tcg" is set when x2k_kvm_is_usable() says no.
 */
#ifndef X2K_GUEST_H
#define X2K_GUEST_H

#include "base/error.h"
#include "base/event.h"
#include "guest/guest-rewrite.h"

struct guestfs_h;

enum x2k_os_kind {
    X2K_OS_UNKNOWN,
    X2K_OS_LINUX,
    X2K_OS_WINDOWS,
    X2K_OS_OTHER,
};

enum x2k_bootloader {
    X2K_BOOT_NONE,              /* none found (direct kernel boot?) */
    X2K_BOOT_GRUB_LEGACY,
    X2K_BOOT_GRUB2,
};

enum x2k_init_system {
    X2K_INIT_UNKNOWN,
    X2K_INIT_SYSV,              /* /etc/inittab */
    X2K_INIT_SYSTEMD,
};

struct x2k_guest_kernel {
    char *version;              /* "2.6.32.12-0.7-default" */
    char *vmlinuz;              /* "/boot/vmlinuz-..." */
    char *initrd;               /* NULL if none found */
    bool xen;                   /* a Xen flavour: cannot boot under KVM */
    bool virtio_module;         /* virtio_blk in /lib/modules (or builtin) */
    bool virtio_builtin;        /* virtio_blk built into the kernel */
    int initrd_virtio;          /* 1 has virtio_blk, 0 lacks, -1 unknown */
};

struct x2k_guest_info {
    enum x2k_os_kind os;
    char *os_name;              /* inspection type: "linux", "windows"... */
    char *distro;               /* "sles", "debian"... or NULL */
    char *product;              /* product name or NULL */
    int major, minor;
    char *root;                 /* appliance device of the root fs */
    char *package_format;       /* "rpm", "deb"... or NULL */
    char **mountpoints;         /* pairs: mountpoint, device, ..., NULL */
    struct x2k_guest_kernel *kernels;
    size_t n_kernels;
    enum x2k_bootloader bootloader;
    char *boot_config;          /* main bootloader file or NULL */
    enum x2k_init_system init;
};

/* One disk image to open: a local file (the copy). */
struct x2k_guest_disk {
    const char *path;
    const char *format;         /* "raw", "qcow2"; NULL = probe (unsafe) */
    const char *target_dev;     /* its name under KVM ("vda"); NULL = vd +
                                 * the letter of its position */
};

struct x2k_guest;

/* Launch the appliance on DISKS (in the guest's disk order) and mount
 * nothing yet.  READONLY opens them read-only (inspection of a source;
 * x2k_guest_fix then refuses).  REP (may be NULL) receives log lines
 * and is polled for cancellation.  NULL with ERR set (X2K_ERR_GUESTFS,
 * X2K_ERR_CANCELLED). */
struct x2k_guest *x2k_guest_open(const struct x2k_guest_disk *disks,
                                 size_t n_disks, bool readonly,
                                 struct x2k_reporter *rep,
                                 struct x2k_error *err) X2K_NONNULL(1);

/* Inspect the guest and mount its filesystems (rw unless READONLY).
 * The result is borrowed until x2k_guest_close/free.  NULL with ERR
 * set (X2K_ERR_GUESTFS, X2K_ERR_UNSUPPORTED when no OS is found). */
const struct x2k_guest_info *x2k_guest_inspect(struct x2k_guest *g,
                                               struct x2k_error *err)
    X2K_NONNULL(1);

/* Can the builtin engine convert and boot this guest under KVM?  Pure:
 * callable from preflight on inspection data.  -1 with ERR set:
 * X2K_ERR_UNSUPPORTED for Windows or non-Linux guests (the message
 * points at --engine virt-v2v), X2K_ERR_PREFLIGHT when no kernel is
 * installed, every installed kernel is a Xen flavour, or none has
 * virtio_blk (the message tells the admin to install the distribution's
 * default kernel on the Xen guest and migrate again) unless
 * DIRECT_KERNEL_BOOT (the plan boots a kernel from outside the guest). */
int x2k_guest_check(const struct x2k_guest_info *info,
                    bool direct_kernel_boot, struct x2k_error *err)
    X2K_NONNULL(1);

struct x2k_guest_fix_opts {
    const char *const *map;     /* disk renames, see guest-rewrite.h */
    bool direct_kernel_boot;    /* passed to x2k_guest_check */
    bool no_initrd_rebuild;     /* never run mkinitrd/dracut/... */
    bool no_grub_regen;         /* never run grub2-mkconfig/update-grub */
    const char *root;           /* root= for every boot entry (the one
                                 * Xen's command line gave a pygrub
                                 * guest, on KVM's disk names), or NULL */
    bool assembled;             /* the first disk was assembled from
                                 * per-partition volumes (--layout=
                                 * assemble) and boots from its own MBR:
                                 * the guest's GRUB is installed in it */
};

/* Check (x2k_guest_check), then apply every fix, recording each change
 * and warning in REP.  Progress events (stage FIX_GUEST, disk -1) count
 * the fix steps done out of their total.  Runs after x2k_guest_inspect.
 * OPTS may be NULL (defaults).  Cancellation is honoured between fixes
 * (X2K_ERR_CANCELLED; the files fixed so far stay fixed: it is a copy). */
int x2k_guest_fix(struct x2k_guest *g, const struct x2k_guest_fix_opts *opts,
                  struct x2k_guest_report *rep, struct x2k_error *err)
    X2K_NONNULL(1, 4);

/* Unmount, sync and shut the appliance down, then free G.  A failure
 * here means the copies may not hold every change: -1 with ERR set.
 * NULL is a no-op returning 0. */
int x2k_guest_close(struct x2k_guest *g, struct x2k_error *err);

/* Free without reporting errors (on an error path). */
void x2k_guest_free(struct x2k_guest *g);
X2K_DEFINE_AUTO(x2k_guest, x2k_guest_free)

/* The whole fix stage in one call: open DISKS read-write, inspect,
 * fix, close.  REPORT receives the changes (also on failure, what was
 * done so far). */
int x2k_guest_convert(const struct x2k_guest_disk *disks, size_t n_disks,
                      const struct x2k_guest_fix_opts *opts,
                      struct x2k_reporter *rep,
                      struct x2k_guest_report *report,
                      struct x2k_error *err) X2K_NONNULL(1, 5);

/* Fill ERR from libguestfs's last error on G: message FMT, detail the
 * library's text. */
void x2k_error_from_guestfs(struct x2k_error *err, struct guestfs_h *g,
                            const char *fmt, ...) X2K_PRINTF(3, 4);

const char *x2k_os_kind_name(enum x2k_os_kind os);
const char *x2k_bootloader_name(enum x2k_bootloader b);

/* The version of the libguestfs library this process runs with
 * ("1.48.6"), asked of a handle that is never launched; NULL if no
 * handle can be made.  Caller frees. */
char *x2k_guest_lib_version(void);

#endif /* X2K_GUEST_H */
