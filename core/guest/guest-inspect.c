/* What is in the guest: libguestfs's inspection of the OS, then, with
 * its filesystems mounted (guest.c), the installed kernels (Xen
 * flavour or not, virtio_blk built in, as a module, in the initrd),
 * the bootloader and the init system; and x2k_guest_check, the pure
 * decision whether the builtin engine can make this guest boot under
 * KVM (also run by preflight on the same data).  Calls only
 * guest-io.c.  Engine thread.
 */
#include <config.h>

#include <guestfs.h>

#include "base/i18n.h"
#include "base/log.h"
#include "guest/guest-internal.h"

/* ---- Inspection ---------------------------------------------------- */

/* Free what INFO holds and zero it. */
void
guest_info_clear(struct x2k_guest_info *info)
{
    size_t i;

    free(info->os_name);
    free(info->distro);
    free(info->product);
    free(info->root);
    free(info->package_format);
    guest_strv_free(info->mountpoints);
    for (i = 0; i < info->n_kernels; i++) {
        free(info->kernels[i].version);
        free(info->kernels[i].vmlinuz);
        free(info->kernels[i].initrd);
    }
    free(info->kernels);
    free(info->boot_config);
    memset(info, 0, sizeof *info);
}

/* Does INITRD hold virtio_blk (*RESULT 1, 0, or -1 when unlistable)? */
bool
guest_initrd_has_virtio(struct x2k_guest *g, const char *initrd, int *result)
{
    char **files = guestfs_initrd_list(g->g, initrd);
    size_t i;

    if (!files) {
        x2k_log(X2K_LOG_DEBUG, "guest: cannot list %s: %s", initrd,
                guestfs_last_error(g->g));
        *result = -1;
        return false;
    }
    *result = 0;
    for (i = 0; files[i]; i++)
        if (strstr(files[i], "virtio_blk") || strstr(files[i], "virtio-blk"))
            *result = 1;
    guest_strv_free(files);
    return true;
}

/* Add kernel VERSION to the info: its files and its virtio driver. */
static void
inspect_kernel(struct x2k_guest *g, const char *version)
{
    /* Prefix and suffix around the version: Debian, SUSE, RHEL 6+, 5. */
    static const char *const initrds[][2] = {
        { "/boot/initrd.img-", "" }, { "/boot/initrd-", "" },
        { "/boot/initramfs-", ".img" }, { "/boot/initrd-", ".img" },
    };
    struct x2k_guest_kernel *k;
    char *p, **glob;
    size_t i;

    g->info.kernels = x2k_xreallocarray(g->info.kernels,
                                        g->info.n_kernels + 1,
                                        sizeof *g->info.kernels);
    k = &g->info.kernels[g->info.n_kernels++];
    memset(k, 0, sizeof *k);
    k->version = x2k_xstrdup(version);
    k->vmlinuz = x2k_strdup_printf("/boot/vmlinuz-%s", version);
    k->xen = x2k_guest_is_xen_kernel(version);
    k->initrd_virtio = -1;

    p = x2k_strdup_printf("/lib/modules/%s/modules.builtin", version);
    if (guest_exists(g, p)) {
        char *b = guest_read_text(g, p);

        k->virtio_builtin = b && strstr(b, "/virtio_blk.ko");
        free(b);
    }
    free(p);
    p = x2k_strdup_printf("/lib/modules/%s/kernel/drivers/block/"
                          "virtio_blk.ko*",
                          version);
    glob = guestfs_glob_expand(g->g, p);
    k->virtio_module = k->virtio_builtin || (glob && glob[0]);
    guest_strv_free(glob);
    free(p);

    for (i = 0; i < X2K_N_ELEMENTS(initrds) && !k->initrd; i++) {
        p = x2k_strdup_printf("%s%s%s", initrds[i][0], version,
                              initrds[i][1]);
        if (guest_is_file(g, p))
            k->initrd = x2k_steal(&p);
        free(p);
    }
    if (k->initrd)
        guest_initrd_has_virtio(g, k->initrd, &k->initrd_virtio);
    x2k_report_log(g->rep,
                   "guest kernel %s: %s, virtio_blk %s, initrd %s (%s)",
                   version, k->xen ? "Xen flavour" : "generic",
                   k->virtio_builtin   ? "built in"
                   : k->virtio_module  ? "module"
                                       : "missing",
                   k->initrd ? k->initrd : "none",
                   k->initrd_virtio > 0    ? "has virtio"
                   : k->initrd_virtio == 0 ? "lacks virtio"
                                           : "contents unknown");
}

/* The kernels in /boot, the bootloader and the init system. */
void
guest_inspect_linux(struct x2k_guest *g)
{
    char **boot = guestfs_ls(g->g, "/boot");
    size_t i;

    for (i = 0; boot && boot[i]; i++) {
        char *p;

        if (!x2k_str_has_prefix(boot[i], "vmlinuz-"))
            continue;
        p = x2k_strdup_printf("/boot/%s", boot[i]);
        /* SUSE's vmlinuz-xen -> vmlinuz-<version>-xen duplicates. */
        if (guestfs_is_symlink(g->g, p) <= 0)
            inspect_kernel(g, boot[i] + 8);
        free(p);
    }
    guest_strv_free(boot);

    if (guest_is_file(g, "/boot/grub2/grub.cfg") ||
        guest_is_file(g, "/boot/grub/grub.cfg")) {
        g->info.bootloader = X2K_BOOT_GRUB2;
        g->info.boot_config =
            x2k_xstrdup(guest_is_file(g, "/boot/grub2/grub.cfg")
                            ? "/boot/grub2/grub.cfg"
                            : "/boot/grub/grub.cfg");
    } else if (guest_is_file(g, "/boot/grub/menu.lst") ||
               guest_is_file(g, "/boot/grub/grub.conf")) {
        g->info.bootloader = X2K_BOOT_GRUB_LEGACY;
        g->info.boot_config =
            x2k_xstrdup(guest_is_file(g, "/boot/grub/menu.lst")
                            ? "/boot/grub/menu.lst"
                            : "/boot/grub/grub.conf");
    }
    if (guest_exists(g, "/lib/systemd/systemd") ||
        guest_exists(g, "/usr/lib/systemd/systemd"))
        g->info.init = X2K_INIT_SYSTEMD;
    else if (guest_is_file(g, "/etc/inittab"))
        g->info.init = X2K_INIT_SYSV;
}

/* Find the guest's OS root and what libguestfs knows about it. */
int
guest_inspect_os(struct x2k_guest *g, struct x2k_error *err)
{
    char **roots = guestfs_inspect_os(g->g);
    size_t n;

    if (!roots) {
        x2k_error_from_guestfs(err, g->g, _("inspection of the guest failed"));
        return -1;
    }
    for (n = 0; roots[n]; n++)
        ;
    if (n == 0) {
        guest_strv_free(roots);
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("no operating system was found on the guest's "
                        "disks"));
        return -1;
    }
    if (n > 1)
        x2k_report_warning_id(g->rep, "guest-several-os",
                           _("the disks hold %1$zu operating systems; only "
                             "the first (%2$s) is fixed"),
                           n, roots[0]);
    g->info.root = x2k_xstrdup(roots[0]);
    guest_strv_free(roots);

    g->info.os_name = guestfs_inspect_get_type(g->g, g->info.root);
    g->info.os = !g->info.os_name                       ? X2K_OS_UNKNOWN
                 : strcmp(g->info.os_name, "linux") == 0   ? X2K_OS_LINUX
                 : strcmp(g->info.os_name, "windows") == 0 ? X2K_OS_WINDOWS
                                                           : X2K_OS_OTHER;
    g->info.distro = guestfs_inspect_get_distro(g->g, g->info.root);
    g->info.product = guestfs_inspect_get_product_name(g->g, g->info.root);
    g->info.major = guestfs_inspect_get_major_version(g->g, g->info.root);
    g->info.minor = guestfs_inspect_get_minor_version(g->g, g->info.root);
    g->info.package_format =
        guestfs_inspect_get_package_format(g->g, g->info.root);
    x2k_report_log(g->rep, "guest: %s %s (%s %d.%d), root %s",
                   g->info.os_name ? g->info.os_name : "?",
                   g->info.product ? g->info.product : "?",
                   g->info.distro ? g->info.distro : "?", g->info.major,
                   g->info.minor, g->info.root);
    return 0;
}

/* ---- Checks -------------------------------------------------------- */

int
x2k_guest_check(const struct x2k_guest_info *info, bool direct_kernel_boot,
                struct x2k_error *err)
{
    struct x2k_buf xen = { 0 };
    size_t i, n_generic = 0, n_virtio = 0;
    int rc = -1;

    if (info->os == X2K_OS_WINDOWS) {
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("this is a Windows guest: the builtin engine "
                        "converts Linux guests only.  Use --engine virt-v2v, "
                        "which installs the virtio drivers in Windows."));
        return -1;
    }
    if (info->os != X2K_OS_LINUX) {
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("the guest's operating system is '%1$s': the "
                        "builtin engine converts Linux guests only.  Try "
                        "--engine virt-v2v."),
                      info->os_name ? info->os_name : "unknown");
        return -1;
    }
    if (direct_kernel_boot)
        return 0;
    for (i = 0; i < info->n_kernels; i++) {
        if (info->kernels[i].xen) {
            x2k_buf_printf(&xen, "%s%s", xen.len ? ", " : "",
                           info->kernels[i].version);
            continue;
        }
        n_generic++;
        if (info->kernels[i].virtio_module)
            n_virtio++;
    }
    if (info->n_kernels == 0) {
        x2k_error_set(err, X2K_ERR_PREFLIGHT,
                      _("no kernel was found in the guest's /boot, so it "
                        "cannot boot under KVM.  On the Xen guest, install "
                        "a generic kernel first (SUSE: zypper in "
                        "kernel-default; RHEL/CentOS: yum install kernel; "
                        "Debian: apt-get install linux-image-amd64), then "
                        "migrate again."));
    } else if (n_generic == 0) {
        x2k_error_set(err, X2K_ERR_PREFLIGHT,
                      _("every kernel installed in the guest is a Xen "
                        "kernel (%1$s), which cannot boot under KVM.  On "
                        "the Xen guest, install the default kernel first "
                        "(SUSE: zypper in kernel-default; RHEL/CentOS: yum "
                        "install kernel; Debian: apt-get install "
                        "linux-image-amd64), check that it has the virtio "
                        "drivers (find /lib/modules/VERSION/kernel/drivers "
                        "-name 'virtio*'), then migrate again."),
                      xen.data);
    } else if (n_virtio == 0) {
        x2k_error_set(err, X2K_ERR_PREFLIGHT,
                      _("no kernel in the guest has the virtio disk driver "
                        "(virtio_blk), so it cannot find its disks under "
                        "KVM.  On the Xen guest, install a kernel with "
                        "virtio drivers (SUSE: kernel-default), then "
                        "migrate again."));
    } else {
        rc = 0;
    }
    free(xen.data);
    return rc;
}

/* ---- Names --------------------------------------------------------- */

const char *
x2k_os_kind_name(enum x2k_os_kind os)
{
    switch (os) {
    case X2K_OS_LINUX: return "linux";
    case X2K_OS_WINDOWS: return "windows";
    case X2K_OS_OTHER: return "other";
    default: return "unknown";
    }
}

const char *
x2k_bootloader_name(enum x2k_bootloader b)
{
    switch (b) {
    case X2K_BOOT_GRUB_LEGACY: return "grub-legacy";
    case X2K_BOOT_GRUB2: return "grub2";
    default: return "none";
    }
}
