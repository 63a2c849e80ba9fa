/* libguestfs side of the guest fixes (see guest.h): the handle, the
 * run-time backend choice, inspection, the checks, and each fix as a
 * read -> pure rewrite (guest-rewrite.c) -> write step recorded in the
 * report.  Guest tools (grub2-mkconfig, dracut...) run inside the
 * appliance through guestfs_command, never on the host.  Runs on the
 * engine's thread; libguestfs callbacks arrive on the same thread.
 */
#include <config.h>

#include <errno.h>
#include <guestfs.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/log.h"
#include "convert/kvm.h"
#include "guest/guest.h"

struct x2k_guest {
    guestfs_h *g;
    struct x2k_reporter *rep;
    bool readonly;
    bool mounted;
    struct x2k_guest_info info;
    bool inspected;
    /* "sda", "vda", "sdb", "vdb", ..., NULL: the appliance's names of
     * the disks (in the order they were added) -> their KVM names. */
    char **appliance_map;
};

/* ---- Errors and events --------------------------------------------- */

void
x2k_error_from_guestfs(struct x2k_error *err, struct guestfs_h *g,
                       const char *fmt, ...)
{
    const char *detail = g ? guestfs_last_error(g) : NULL;
    int errnum = g ? guestfs_last_errno(g) : 0;
    va_list ap;
    char *msg;

    if (!err || err->code != X2K_ERR_NONE)
        return;
    va_start(ap, fmt);
    msg = x2k_strdup_vprintf(fmt, ap);
    va_end(ap);
    x2k_error_set(err, X2K_ERR_GUESTFS, "%s", msg);
    err->errnum = errnum;
    x2k_error_set_detail(err, detail);
    free(msg);
}

static void
free_string_list(char **v)
{
    size_t i;

    for (i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* libguestfs messages go to the debug log, never to a terminal. */
static void
guestfs_event_cb(guestfs_h *g, void *opaque, uint64_t event, int handle,
                 int flags, const char *buf, size_t buf_len,
                 const uint64_t *array, size_t array_len)
{
    size_t len = buf_len;

    while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    if (len)
        x2k_log(event == GUESTFS_EVENT_WARNING ? X2K_LOG_WARN : X2K_LOG_DEBUG,
                "libguestfs: %.*s", (int)len, buf);
}

static bool
cancelled(struct x2k_guest *g, struct x2k_error *err)
{
    if (!x2k_reporter_is_cancelled(g->rep))
        return false;
    x2k_error_set(err, X2K_ERR_CANCELLED,
                  _("the guest fixes were cancelled"));
    return true;
}

/* ---- Backend ------------------------------------------------------- */

static bool
socket_accepts(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd;
    bool ok;

    if (strlen(path) >= sizeof sa.sun_path)
        return false;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

static bool
libvirtd_reachable(void)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    char *p;
    bool ok;

    if (socket_accepts("/run/libvirt/libvirt-sock") ||
        socket_accepts("/var/run/libvirt/libvirt-sock"))
        return true;
    if (!xdg)
        return false;
    p = x2k_strdup_printf("%s/libvirt/libvirt-sock", xdg);
    ok = socket_accepts(p);
    free(p);
    return ok;
}

/* The environment (parsed by guestfs_create) wins; otherwise pick a
 * backend that works on this machine now. */
static int
configure_backend(struct x2k_guest *g, struct x2k_error *err)
{
    char *backend = guestfs_get_backend(g->g);
    char *why = NULL;

    if (!getenv("LIBGUESTFS_BACKEND") && backend &&
        x2k_str_has_prefix(backend, "libvirt") && !libvirtd_reachable()) {
        x2k_report_log(g->rep, "libguestfs: no libvirtd reachable, using "
                               "the direct backend instead of %s",
                       backend);
        if (guestfs_set_backend(g->g, "direct") < 0) {
            x2k_error_from_guestfs(err, g->g,
                                   _("cannot select the libguestfs backend"));
            free(backend);
            return -1;
        }
    }
    free(backend);
    if (!getenv("LIBGUESTFS_BACKEND_SETTINGS") && !x2k_kvm_is_usable(&why)) {
        x2k_report_log(g->rep, "libguestfs: KVM is not usable (%s), using "
                               "TCG (slower)",
                       why);
        if (guestfs_set_backend_setting(g->g, "force_tcg", "1") < 0) {
            x2k_error_from_guestfs(err, g->g,
                                   _("cannot select the libguestfs backend"));
            free(why);
            return -1;
        }
    }
    free(why);
    return 0;
}

/* ---- Open and close ------------------------------------------------ */

struct x2k_guest *
x2k_guest_open(const struct x2k_guest_disk *disks, size_t n_disks,
               bool readonly, struct x2k_reporter *rep, struct x2k_error *err)
{
    struct x2k_guest *g = x2k_xcalloc(1, sizeof *g);
    double t0;
    size_t i;

    g->rep = rep;
    g->appliance_map = x2k_xcalloc(2 * n_disks + 1, sizeof *g->appliance_map);
    for (i = 0; i < n_disks && i < 26; i++) {
        g->appliance_map[2 * i] = x2k_strdup_printf("sd%c", (char)('a' + i));
        g->appliance_map[2 * i + 1] =
            disks[i].target_dev ? x2k_xstrdup(disks[i].target_dev)
                                : x2k_strdup_printf("vd%c", (char)('a' + i));
    }
    g->readonly = readonly;
    /* The environment (LIBGUESTFS_DEBUG, _BACKEND...) is parsed only
     * once our handlers are in place, so nothing reaches stderr. */
    g->g = guestfs_create_flags(GUESTFS_CREATE_NO_ENVIRONMENT);
    if (!g->g) {
        x2k_error_set_errno(err, X2K_ERR_GUESTFS, errno,
                            _("cannot create a libguestfs handle"));
        goto fail;
    }
    guestfs_set_error_handler(g->g, NULL, NULL);
    /* Every message libguestfs would print (debug and trace included,
     * when LIBGUESTFS_DEBUG/TRACE are set) goes to the log instead. */
    guestfs_set_event_callback(g->g, guestfs_event_cb,
                               GUESTFS_EVENT_LIBRARY | GUESTFS_EVENT_WARNING |
                                   GUESTFS_EVENT_APPLIANCE |
                                   GUESTFS_EVENT_TRACE,
                               0, NULL);
    if (guestfs_parse_environment(g->g) < 0) {
        x2k_error_from_guestfs(err, g->g,
                               _("the LIBGUESTFS_* environment variables "
                                 "are not valid"));
        goto fail;
    }
    if (configure_backend(g, err) < 0)
        goto fail;
    for (i = 0; i < n_disks; i++) {
        int r;

        if (disks[i].format)
            r = guestfs_add_drive_opts(g->g, disks[i].path,
                                       GUESTFS_ADD_DRIVE_OPTS_FORMAT,
                                       disks[i].format,
                                       GUESTFS_ADD_DRIVE_OPTS_READONLY,
                                       readonly ? 1 : 0, -1);
        else
            r = guestfs_add_drive_opts(g->g, disks[i].path,
                                       GUESTFS_ADD_DRIVE_OPTS_READONLY,
                                       readonly ? 1 : 0, -1);
        if (r < 0) {
            x2k_error_from_guestfs(err, g->g,
                                   _("cannot add the disk image '%1$s'"),
                                   disks[i].path);
            goto fail;
        }
    }
    if (cancelled(g, err))
        goto fail;
    x2k_report_log(rep, "launching the libguestfs appliance on %zu disk(s)",
                   n_disks);
    t0 = x2k_now();
    if (guestfs_launch(g->g) < 0) {
        x2k_error_from_guestfs(err, g->g,
                               _("the libguestfs appliance did not start"));
        goto fail;
    }
    x2k_report_log(rep, "libguestfs appliance up in %.1f s", x2k_now() - t0);
    if (cancelled(g, err))
        goto fail;
    return g;
fail:
    x2k_guest_free(g);
    return NULL;
}

static void
info_clear(struct x2k_guest_info *info)
{
    size_t i;

    free(info->os_name);
    free(info->distro);
    free(info->product);
    free(info->root);
    free(info->package_format);
    free_string_list(info->mountpoints);
    for (i = 0; i < info->n_kernels; i++) {
        free(info->kernels[i].version);
        free(info->kernels[i].vmlinuz);
        free(info->kernels[i].initrd);
    }
    free(info->kernels);
    free(info->boot_config);
    memset(info, 0, sizeof *info);
}

void
x2k_guest_free(struct x2k_guest *g)
{
    if (!g)
        return;
    if (g->g)
        guestfs_close(g->g);
    info_clear(&g->info);
    if (g->appliance_map) {
        size_t i;

        for (i = 0; g->appliance_map[i]; i++)
            free(g->appliance_map[i]);
        free(g->appliance_map);
    }
    free(g);
}

int
x2k_guest_close(struct x2k_guest *g, struct x2k_error *err)
{
    int rc = 0;

    if (!g)
        return 0;
    if (g->g && g->mounted && guestfs_umount_all(g->g) < 0) {
        x2k_error_from_guestfs(err, g->g,
                               _("cannot unmount the guest's filesystems"));
        rc = -1;
    }
    /* Shutting down flushes the disks: a failure means lost writes. */
    if (g->g && guestfs_shutdown(g->g) < 0) {
        x2k_error_from_guestfs(err, g->g,
                               _("the libguestfs appliance did not shut "
                                 "down cleanly; the changes may be "
                                 "incomplete"));
        rc = -1;
    }
    x2k_guest_free(g);
    return rc;
}

/* ---- Inspection ---------------------------------------------------- */

static bool
exists(struct x2k_guest *g, const char *path)
{
    return guestfs_exists(g->g, path) > 0;
}

static bool
is_file(struct x2k_guest *g, const char *path)
{
    return guestfs_is_file_opts(g->g, path, -1) > 0;
}

/* A text file's content, or NULL if it does not exist or is unreadable. */
static char *
read_text(struct x2k_guest *g, const char *path)
{
    size_t size = 0;
    char *buf, *ret;

    if (!is_file(g, path))
        return NULL;
    buf = guestfs_read_file(g->g, path, &size);
    if (!buf) {
        x2k_log(X2K_LOG_WARN, "guest: cannot read %s: %s", path,
                guestfs_last_error(g->g));
        return NULL;
    }
    ret = x2k_xstrndup(buf, size);
    free(buf);
    return ret;
}

static int
compare_mountpoints(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;

    return (int)strlen(x[0]) - (int)strlen(y[0]);
}

static int
mount_all(struct x2k_guest *g, struct x2k_error *err)
{
    char **mp = guestfs_inspect_get_mountpoints(g->g, g->info.root);
    size_t n = 0, i;

    if (!mp) {
        x2k_error_from_guestfs(err, g->g,
                               _("cannot list the guest's filesystems"));
        return -1;
    }
    while (mp[n])
        n++;
    /* Shortest mountpoint first, so "/" comes before "/boot". */
    qsort(mp, n / 2, 2 * sizeof *mp, compare_mountpoints);
    g->info.mountpoints = mp;
    for (i = 0; i + 1 < n; i += 2) {
        int r = g->readonly ? guestfs_mount_ro(g->g, mp[i + 1], mp[i])
                            : guestfs_mount(g->g, mp[i + 1], mp[i]);

        if (r < 0) {
            if (strcmp(mp[i], "/") == 0) {
                x2k_error_from_guestfs(err, g->g,
                                       _("cannot mount the guest's root "
                                         "filesystem '%1$s'"),
                                       mp[i + 1]);
                return -1;
            }
            x2k_report_warning(g->rep,
                               _("cannot mount %1$s on %2$s in the guest; "
                                 "files there are not fixed"),
                               mp[i + 1], mp[i]);
            continue;
        }
        g->mounted = true;
    }
    return 0;
}

static bool
initrd_has_virtio(struct x2k_guest *g, const char *initrd, int *result)
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
    free_string_list(files);
    return true;
}

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
    if (exists(g, p)) {
        char *b = read_text(g, p);

        k->virtio_builtin = b && strstr(b, "/virtio_blk.ko");
        free(b);
    }
    free(p);
    p = x2k_strdup_printf("/lib/modules/%s/kernel/drivers/block/"
                          "virtio_blk.ko*",
                          version);
    glob = guestfs_glob_expand(g->g, p);
    k->virtio_module = k->virtio_builtin || (glob && glob[0]);
    free_string_list(glob);
    free(p);

    for (i = 0; i < X2K_N_ELEMENTS(initrds) && !k->initrd; i++) {
        p = x2k_strdup_printf("%s%s%s", initrds[i][0], version,
                              initrds[i][1]);
        if (is_file(g, p))
            k->initrd = x2k_steal(&p);
        free(p);
    }
    if (k->initrd)
        initrd_has_virtio(g, k->initrd, &k->initrd_virtio);
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

static void
inspect_linux(struct x2k_guest *g)
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
    free_string_list(boot);

    if (is_file(g, "/boot/grub2/grub.cfg") || is_file(g, "/boot/grub/grub.cfg")) {
        g->info.bootloader = X2K_BOOT_GRUB2;
        g->info.boot_config = x2k_xstrdup(is_file(g, "/boot/grub2/grub.cfg")
                                              ? "/boot/grub2/grub.cfg"
                                              : "/boot/grub/grub.cfg");
    } else if (is_file(g, "/boot/grub/menu.lst") ||
               is_file(g, "/boot/grub/grub.conf")) {
        g->info.bootloader = X2K_BOOT_GRUB_LEGACY;
        g->info.boot_config = x2k_xstrdup(is_file(g, "/boot/grub/menu.lst")
                                              ? "/boot/grub/menu.lst"
                                              : "/boot/grub/grub.conf");
    }
    if (exists(g, "/lib/systemd/systemd") ||
        exists(g, "/usr/lib/systemd/systemd"))
        g->info.init = X2K_INIT_SYSTEMD;
    else if (is_file(g, "/etc/inittab"))
        g->info.init = X2K_INIT_SYSV;
}

const struct x2k_guest_info *
x2k_guest_inspect(struct x2k_guest *g, struct x2k_error *err)
{
    char **roots;
    size_t n;

    if (g->inspected)
        return &g->info;
    roots = guestfs_inspect_os(g->g);
    if (!roots) {
        x2k_error_from_guestfs(err, g->g, _("inspection of the guest failed"));
        return NULL;
    }
    for (n = 0; roots[n]; n++)
        ;
    if (n == 0) {
        free_string_list(roots);
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("no operating system was found on the guest's "
                        "disks"));
        return NULL;
    }
    if (n > 1)
        x2k_report_warning(g->rep,
                           _("the disks hold %1$zu operating systems; only "
                             "the first (%2$s) is fixed"),
                           n, roots[0]);
    g->info.root = x2k_xstrdup(roots[0]);
    free_string_list(roots);

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
    if (g->info.os == X2K_OS_LINUX) {
        if (mount_all(g, err) < 0)
            return NULL;
        inspect_linux(g);
    }
    g->inspected = true;
    return &g->info;
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

/* ---- Fixes --------------------------------------------------------- */

struct fixer {
    struct x2k_guest *g;
    const struct x2k_guest_fix_opts *opts;
    struct x2k_guest_report *rep;
    bool modules_changed;       /* an initrd module list was rewritten */
};

/* Write NEW_TEXT over PATH if it differs from OLD_TEXT; record it. */
static int
write_if_changed(struct fixer *f, const char *path, const char *old_text,
                 const char *new_text, struct x2k_error *err)
{
    if (strcmp(old_text, new_text) == 0)
        return 0;
    if (guestfs_write(f->g->g, path, new_text, strlen(new_text)) < 0) {
        x2k_error_from_guestfs(err, f->g->g,
                               _("cannot write '%1$s' in the guest"), path);
        return -1;
    }
    x2k_guest_report_diff(f->rep, path, old_text, new_text);
    x2k_report_log(f->g->rep, "guest: fixed %s", path);
    return 1;
}

typedef char *(*rewrite_fn)(const char *text, void *opaque);

/* Read PATH (if it exists), rewrite, write back.  1 if changed. */
static int
fix_file(struct fixer *f, const char *path, rewrite_fn fn, void *opaque,
         struct x2k_error *err)
{
    char *old_text = read_text(f->g, path);
    char *new_text;
    int r;

    if (!old_text)
        return 0;
    new_text = fn(old_text, opaque);
    r = write_if_changed(f, path, old_text, new_text, err);
    free(old_text);
    free(new_text);
    return r;
}

/* The appliance device mounted on MP, or NULL. */
static const char *
device_of_mountpoint(const struct x2k_guest_info *info, const char *mp)
{
    size_t i;

    for (i = 0; info->mountpoints && info->mountpoints[i] &&
                info->mountpoints[i + 1];
         i += 2)
        if (strcmp(info->mountpoints[i], mp) == 0)
            return info->mountpoints[i + 1];
    return NULL;
}

/* For each fstab entry on a Xen disk whose filesystem inspection
 * found, the pair (new device, UUID). */
static char **
fstab_uuids(struct fixer *f, const char *fstab)
{
    char *copy = x2k_xstrdup(fstab), *save = NULL, *line;
    char **v = NULL;
    size_t n = 0;

    for (line = strtok_r(copy, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char dev[256], mp[256];
        const char *adev;
        char *newdev, *uuid;

        if (sscanf(line, " %255s %255s", dev, mp) != 2 || dev[0] == '#')
            continue;
        newdev = x2k_guest_rewrite_devname(dev, f->opts->map);
        adev = device_of_mountpoint(&f->g->info, mp);
        if (!newdev || !adev) {
            free(newdev);
            continue;
        }
        uuid = guestfs_vfs_uuid(f->g->g, adev);
        if (uuid && *uuid) {
            v = x2k_xreallocarray(v, n + 3, sizeof *v);
            v[n++] = x2k_steal(&newdev);
            v[n++] = x2k_steal(&uuid);
            v[n] = NULL;
        }
        free(uuid);
        free(newdev);
    }
    free(copy);
    return v;
}

struct tab_args {
    const char *const *map;
    const char *const *uuids;
};

static char *
do_crypttab(const char *text, void *opaque)
{
    const struct tab_args *a = opaque;

    return x2k_guest_rewrite_crypttab(text, a->map, NULL);
}

static int
fix_fstab(struct fixer *f, struct x2k_error *err)
{
    char *fstab = read_text(f->g, "/etc/fstab");
    char **uuids = fstab ? fstab_uuids(f, fstab) : NULL;
    struct tab_args a = { f->opts->map, (const char *const *)uuids };
    int r = 0;

    if (fstab) {
        char *new_text = x2k_guest_rewrite_fstab(fstab, a.map, a.uuids);

        r = write_if_changed(f, "/etc/fstab", fstab, new_text, err);
        if (r > 0) {
            size_t n = 0;

            while (uuids && uuids[n])
                n++;
            x2k_guest_report_note(f->rep, "/etc/fstab: Xen disk names "
                                          "replaced by UUID= for %zu "
                                          "filesystem(s) that have one, "
                                          "by /dev/vdX otherwise",
                                  n / 2);
        }
        free(new_text);
    }
    free(fstab);
    free_string_list(uuids);
    if (r < 0)
        return -1;
    return fix_file(f, "/etc/crypttab", do_crypttab, &a, err) < 0 ? -1 : 0;
}

static char *
do_grub_legacy(const char *text, void *opaque)
{
    return x2k_guest_rewrite_grub_legacy(text, opaque);
}

static char *
do_grub2_cfg(const char *text, void *opaque)
{
    return x2k_guest_rewrite_grub2_cfg(text, opaque);
}

static char *
do_device_map(const char *text, void *opaque)
{
    return x2k_guest_rewrite_device_map(text, opaque);
}

/* GRUB_DEFAULT's numeric value, or -1. */
static int
grub_default_value(const char *text)
{
    const char *p = text;
    long v;

    while ((p = strstr(p, "GRUB_DEFAULT=")) != NULL) {
        if (p == text || p[-1] == '\n') {
            char num[16] = "";

            p += 13;
            if (*p == '"' || *p == '\'')
                p++;
            sscanf(p, "%15[0-9]", num);
            return x2k_parse_long(num, 0, 9999, &v) ? (int)v : -1;
        }
        p++;
    }
    return -1;
}

/* GRUB_DEFAULT=saved: grubenv's saved_entry must not be a Xen entry. */
static int
fix_grubenv(struct fixer *f, const char *cfg, const char *cfg_text,
            struct x2k_error *err)
{
    char *env_path = x2k_strdup_printf("%.*s/grubenv",
                                       (int)(strrchr(cfg, '/') - cfg), cfg);
    char *env = read_text(f->g, env_path);
    char *saved = NULL, *title = NULL, *new_env = NULL;
    const char *p;
    int rc = 0;

    if (!env)
        goto out;
    p = strstr(env, "\nsaved_entry=");
    if (!p)
        goto out;
    p += 13;
    saved = x2k_xstrndup(p, strcspn(p, "\n"));
    title = x2k_guest_grub2_saved_default(cfg_text, saved);
    if (!title)
        goto out;
    new_env = x2k_guest_rewrite_grubenv(env, title);
    if (!new_env) {
        x2k_guest_report_warn(f->rep,
                              _("the saved GRUB 2 default entry is a Xen "
                                "kernel and %1$s has no room to change "
                                "it"),
                              env_path);
        goto out;
    }
    /* Report the entry, not the '#' padding that moved with it. */
    if (guestfs_write(f->g->g, env_path, new_env, strlen(new_env)) < 0) {
        x2k_error_from_guestfs(err, f->g->g,
                               _("cannot write '%1$s' in the guest"),
                               env_path);
        rc = -1;
    } else {
        char *before = x2k_strdup_printf("saved_entry=%s", saved);
        char *after = x2k_strdup_printf("saved_entry=%s", title);

        x2k_guest_report_add(f->rep, env_path, before, after);
        free(before);
        free(after);
    }
out:
    free(env_path);
    free(env);
    free(saved);
    free(title);
    free(new_env);
    return rc;
}

static bool
grub_default_is_saved(const char *defgrub)
{
    return strstr(defgrub, "\nGRUB_DEFAULT=saved") ||
           strstr(defgrub, "\nGRUB_DEFAULT=\"saved\"") ||
           x2k_str_has_prefix(defgrub, "GRUB_DEFAULT=saved") ||
           x2k_str_has_prefix(defgrub, "GRUB_DEFAULT=\"saved\"");
}

/* Run ARGV inside the appliance (chrooted in the guest). */
static int
guest_command(struct fixer *f, const char *const *argv, struct x2k_error *err)
{
    char *cmd = x2k_strdup_printf("%s", argv[0]);
    char *out;
    double t0 = x2k_now();
    size_t i;

    for (i = 1; argv[i]; i++) {
        char *c = x2k_strdup_printf("%s %s", cmd, argv[i]);

        free(cmd);
        cmd = c;
    }
    x2k_report_log(f->g->rep, "guest: running %s inside the appliance", cmd);
    out = guestfs_command(f->g->g, (char *const *)argv);
    if (!out) {
        x2k_error_from_guestfs(err, f->g->g,
                               _("the guest command '%1$s' failed"), cmd);
        free(cmd);
        return -1;
    }
    x2k_log(X2K_LOG_DEBUG, "guest: %s (%.1f s): %s", cmd, x2k_now() - t0,
            out);
    free(out);
    free(cmd);
    return 0;
}

/* The first of CANDIDATES that exists in the guest, or NULL. */
static const char *
find_guest_tool(struct fixer *f, const char *const *candidates)
{
    size_t i;

    for (i = 0; candidates[i]; i++)
        if (exists(f->g, candidates[i]))
            return candidates[i];
    return NULL;
}

static int
fix_grub2(struct fixer *f, struct x2k_error *err)
{
    static const char *const cfgs[] = {
        "/boot/grub2/grub.cfg", "/boot/grub/grub.cfg", NULL,
    };
    static const char *const mkconfig[] = {
        "/usr/sbin/grub2-mkconfig", "/sbin/grub2-mkconfig",
        "/usr/sbin/grub-mkconfig", "/sbin/grub-mkconfig", NULL,
    };
    const char *cfg = NULL, *tool;
    char *cfg_text, *defgrub;
    int cur, pick = -1;
    size_t i;

    for (i = 0; cfgs[i] && !cfg; i++)
        if (is_file(f->g, cfgs[i]))
            cfg = cfgs[i];
    if (!cfg)
        return 0;
    cfg_text = read_text(f->g, cfg);
    defgrub = read_text(f->g, "/etc/default/grub");

    /* The entry GRUB_DEFAULT names must not be a Xen kernel. */
    if (defgrub && cfg_text && (cur = grub_default_value(defgrub)) >= 0) {
        pick = x2k_guest_grub_pick_default(cfg_text, false, cur);
        if (pick < 0)
            x2k_guest_report_warn(f->rep,
                                  _("every GRUB 2 boot entry runs a Xen "
                                    "kernel; the default entry was not "
                                    "changed"));
        else if (pick == cur)
            pick = -1;
    }
    if (defgrub && cfg_text && grub_default_is_saved(defgrub) &&
        fix_grubenv(f, cfg, cfg_text, err) < 0)
        goto fail;
    if (defgrub) {
        char *n = x2k_guest_rewrite_default_grub(defgrub, f->opts->map, pick);
        int r = write_if_changed(f, "/etc/default/grub", defgrub, n, err);

        free(n);
        if (r < 0)
            goto fail;
    }
    for (i = 0; cfgs[i]; i++) {
        char *dm = x2k_strdup_printf("%.*s/device.map",
                                     (int)(strrchr(cfgs[i], '/') - cfgs[i]),
                                     cfgs[i]);
        int r = fix_file(f, dm, do_device_map, (void *)f->opts->map, err);

        free(dm);
        if (r < 0)
            goto fail;
    }
    /* Edit grub.cfg directly first: it is what boots if the guest's own
     * tool is missing or fails. */
    if (fix_file(f, cfg, do_grub2_cfg, (void *)f->opts->map, err) < 0)
        goto fail;

    tool = f->opts->no_grub_regen ? NULL : find_guest_tool(f, mkconfig);
    if (!tool && !f->opts->no_grub_regen) {
        static const char *const update[] = {
            "/usr/sbin/update-grub", "/usr/sbin/update-grub2", NULL,
        };

        tool = find_guest_tool(f, update);
    }
    if (tool) {
        struct x2k_error local = X2K_ERROR_INIT;
        char *before = read_text(f->g, cfg);
        const char *argv[] = { tool, "-o", cfg, NULL };

        if (strstr(tool, "update-grub"))
            argv[1] = NULL;
        if (guest_command(f, argv, &local) < 0) {
            char *msg = x2k_error_format(&local);

            x2k_guest_report_warn(f->rep,
                                  _("the guest's %1$s failed, so %2$s was "
                                    "edited directly instead: %3$s"),
                                  tool, cfg, msg);
            free(msg);
            x2k_error_clear(&local);
        } else {
            char *after = read_text(f->g, cfg);

            /* Inside the appliance the disks are /dev/sdX: a guest that
             * writes device names (GRUB_DISABLE_LINUX_UUID=true, as
             * Debian's Xen guests do) got root=/dev/sda1 from its own
             * tool.  Name them as KVM will. */
            if (after) {
                char *fixed = x2k_guest_rewrite_grub2_cfg(
                    after, (const char *const *)f->g->appliance_map);

                if (strcmp(fixed, after) != 0) {
                    if (guestfs_write(f->g->g, cfg, fixed,
                                      strlen(fixed)) < 0) {
                        x2k_error_from_guestfs(err, f->g->g,
                                               _("cannot write '%1$s' in the guest"), cfg);
                        free(fixed);
                        free(after);
                        free(before);
                        goto fail;
                    }
                    free(after);
                    after = fixed;
                } else {
                    free(fixed);
                }
            }
            if (before && after) {
                x2k_guest_report_diff(f->rep, cfg, before, after);
                x2k_guest_report_note(f->rep, "%s regenerated by the "
                                              "guest's %s",
                                      cfg, tool);
            }
            free(after);
        }
        free(before);
    } else if (!f->opts->no_grub_regen) {
        x2k_guest_report_warn(f->rep,
                              _("the guest has no grub2-mkconfig or "
                                "update-grub, so %1$s was edited "
                                "directly"),
                              cfg);
    }
    free(cfg_text);
    free(defgrub);
    return 0;
fail:
    free(cfg_text);
    free(defgrub);
    return -1;
}

static int
fix_bootloader(struct fixer *f, struct x2k_error *err)
{
    static const char *const legacy[] = {
        "/boot/grub/menu.lst", "/boot/grub/grub.conf", "/etc/grub.conf",
    };
    char *seen[X2K_N_ELEMENTS(legacy)] = { NULL };
    size_t i, k;
    int rc = 0;

    for (i = 0; i < X2K_N_ELEMENTS(legacy) && rc == 0; i++) {
        char *real;
        bool dup = false;

        if (!is_file(f->g, legacy[i]))
            continue;
        /* /etc/grub.conf is usually a link to /boot/grub/grub.conf. */
        real = guestfs_realpath(f->g->g, legacy[i]);
        for (k = 0; k < i && real; k++)
            dup = dup || (seen[k] && strcmp(seen[k], real) == 0);
        seen[i] = real;
        if (!dup && fix_file(f, real ? real : legacy[i], do_grub_legacy,
                             (void *)f->opts->map, err) < 0)
            rc = -1;
    }
    for (i = 0; i < X2K_N_ELEMENTS(legacy); i++)
        free(seen[i]);
    if (rc == 0 && fix_grub2(f, err) < 0)
        rc = -1;
    return rc;
}

static char *
do_sysconfig_kernel(const char *text, void *opaque)
{
    return x2k_guest_rewrite_sysconfig_kernel(text);
}

static char *
do_dracut(const char *text, void *opaque)
{
    return x2k_guest_rewrite_dracut_conf(text);
}

static char *
do_initramfs_modules(const char *text, void *opaque)
{
    return x2k_guest_rewrite_initramfs_modules(text);
}

static char *
do_modprobe(const char *text, void *opaque)
{
    return x2k_guest_rewrite_modprobe(text);
}

static int
fix_module_lists(struct fixer *f, struct x2k_error *err)
{
    char **conf = NULL;
    int r;
    size_t i;

    if (fix_file(f, "/etc/modprobe.conf", do_modprobe, NULL, err) < 0)
        return -1;
    if (guestfs_is_dir_opts(f->g->g, "/etc/modprobe.d", -1) > 0)
        conf = guestfs_ls(f->g->g, "/etc/modprobe.d");
    for (i = 0; conf && conf[i]; i++) {
        char *p = x2k_strdup_printf("/etc/modprobe.d/%s", conf[i]);

        r = x2k_str_has_suffix(conf[i], ".conf")
                ? fix_file(f, p, do_modprobe, NULL, err)
                : 0;
        free(p);
        if (r < 0) {
            free_string_list(conf);
            return -1;
        }
    }
    free_string_list(conf);
    conf = NULL;

    if ((r = fix_file(f, "/etc/sysconfig/kernel", do_sysconfig_kernel, NULL,
                      err)) < 0)
        return -1;
    f->modules_changed |= r > 0;
    if ((r = fix_file(f, "/etc/dracut.conf", do_dracut, NULL, err)) < 0)
        return -1;
    f->modules_changed |= r > 0;
    if (guestfs_is_dir_opts(f->g->g, "/etc/dracut.conf.d", -1) > 0)
        conf = guestfs_ls(f->g->g, "/etc/dracut.conf.d");
    for (i = 0; conf && conf[i]; i++) {
        char *p;

        if (!x2k_str_has_suffix(conf[i], ".conf"))
            continue;
        p = x2k_strdup_printf("/etc/dracut.conf.d/%s", conf[i]);
        r = fix_file(f, p, do_dracut, NULL, err);
        free(p);
        if (r < 0) {
            free_string_list(conf);
            return -1;
        }
        f->modules_changed |= r > 0;
    }
    free_string_list(conf);
    if ((r = fix_file(f, "/etc/initramfs-tools/modules",
                      do_initramfs_modules, NULL, err)) < 0)
        return -1;
    f->modules_changed |= r > 0;
    return 0;
}

/* Debian's MODULES=most puts every disk driver in the initrd. */
static bool
initramfs_tools_most(struct fixer *f)
{
    char *conf = read_text(f->g, "/etc/initramfs-tools/initramfs.conf");
    bool most = conf && (strstr(conf, "\nMODULES=most") ||
                         x2k_str_has_prefix(conf, "MODULES=most"));

    free(conf);
    return most;
}

static bool
is_suse(const struct x2k_guest_info *info)
{
    return info->distro && (strstr(info->distro, "suse") ||
                            strcmp(info->distro, "sles") == 0);
}

/* Rebuild the initrd of kernel K with the guest's own tool. */
static int
rebuild_initrd(struct fixer *f, const struct x2k_guest_kernel *k,
               struct x2k_error *err)
{
    const char *argv[12];
    char *kpath = NULL, *ipath = NULL;
    const char *tool;
    int r;
    size_t n = 0;

    if (exists(f->g, "/usr/sbin/update-initramfs")) {
        tool = "/usr/sbin/update-initramfs";
        argv[n++] = tool;
        argv[n++] = "-u";
        argv[n++] = "-k";
        argv[n++] = k->version;
    } else if ((tool = exists(f->g, "/usr/bin/dracut")   ? "/usr/bin/dracut"
                       : exists(f->g, "/sbin/dracut")    ? "/sbin/dracut"
                       : exists(f->g, "/usr/sbin/dracut") ? "/usr/sbin/dracut"
                                                          : NULL)) {
        argv[n++] = tool;
        argv[n++] = "-f";
        argv[n++] = "--add-drivers";
        argv[n++] = "virtio_blk virtio_pci virtio_net virtio_balloon";
        argv[n++] = k->initrd;
        argv[n++] = k->version;
    } else if ((tool = exists(f->g, "/sbin/mkinitrd")      ? "/sbin/mkinitrd"
                       : exists(f->g, "/usr/sbin/mkinitrd") ? "/usr/sbin/mkinitrd"
                                                            : NULL)) {
        argv[n++] = tool;
        if (is_suse(&f->g->info)) {
            /* SUSE's mkinitrd reads INITRD_MODULES (fixed above). */
            kpath = x2k_strdup_printf("vmlinuz-%s", k->version);
            ipath = x2k_xstrdup(k->initrd + strlen("/boot/"));
            argv[n++] = "-k";
            argv[n++] = kpath;
            argv[n++] = "-i";
            argv[n++] = ipath;
        } else {
            argv[n++] = "-f";
            argv[n++] = "--with=virtio_blk";
            argv[n++] = "--with=virtio_pci";
            argv[n++] = "--with=virtio_net";
            argv[n++] = k->initrd;
            argv[n++] = k->version;
        }
    } else {
        x2k_guest_report_warn(f->rep,
                              _("the initrd %1$s lacks the virtio drivers "
                                "and the guest has no mkinitrd, dracut or "
                                "update-initramfs to rebuild it; the guest "
                                "may not find its disks under KVM"),
                              k->initrd);
        return 0;
    }
    argv[n] = NULL;
    x2k_report_log(f->g->rep, "guest: rebuilding %s (this takes several "
                              "minutes without KVM)",
                   k->initrd);
    r = guest_command(f, argv, err);
    if (r == 0) {
        int has = -1;

        initrd_has_virtio(f->g, k->initrd, &has);
        x2k_guest_report_add(f->rep, k->initrd, "initrd without virtio_blk",
                             has > 0 ? "initrd rebuilt with virtio_blk"
                                     : "initrd rebuilt");
        if (has == 0)
            x2k_guest_report_warn(f->rep,
                                  _("the rebuilt initrd %1$s still lacks "
                                    "virtio_blk"),
                                  k->initrd);
    }
    free(kpath);
    free(ipath);
    return r;
}

static int
fix_initrds(struct fixer *f, struct x2k_error *err)
{
    const struct x2k_guest_info *info = &f->g->info;
    size_t i;

    for (i = 0; i < info->n_kernels; i++) {
        const struct x2k_guest_kernel *k = &info->kernels[i];
        bool rebuild;

        if (k->xen || !k->initrd || k->virtio_builtin || !k->virtio_module)
            continue;
        if (k->initrd_virtio > 0)
            continue;
        if (k->initrd_virtio < 0) {
            /* Contents unknown: decide from the configuration. */
            rebuild = f->modules_changed && !initramfs_tools_most(f);
            x2k_guest_report_note(f->rep, "%s: contents unknown; %s",
                                  k->initrd,
                                  rebuild ? "module list changed, rebuilt"
                                          : "configuration includes virtio "
                                            "or was not changed, kept");
        } else {
            rebuild = true;
        }
        if (!rebuild)
            continue;
        if (f->opts->no_initrd_rebuild) {
            x2k_guest_report_warn(f->rep,
                                  _("the initrd %1$s lacks the virtio "
                                    "drivers and was not rebuilt (rebuilds "
                                    "are disabled)"),
                                  k->initrd);
            continue;
        }
        if (rebuild_initrd(f, k, err) < 0)
            return -1;
        if (cancelled(f->g, err))
            return -1;
    }
    return 0;
}

static char *
do_inittab(const char *text, void *opaque)
{
    return x2k_guest_rewrite_inittab(text);
}

static char *
do_securetty(const char *text, void *opaque)
{
    return x2k_guest_rewrite_securetty(text);
}

static int
fix_getty_links(struct fixer *f, struct x2k_error *err)
{
    static const char dir[] = "/etc/systemd/system/getty.target.wants";
    static const char *const templates[] = {
        "/usr/lib/systemd/system/serial-getty@.service",
        "/lib/systemd/system/serial-getty@.service", NULL,
    };
    char **names;
    size_t i;
    int rc = 0;

    if (guestfs_is_dir_opts(f->g->g, dir, -1) <= 0)
        return 0;
    names = guestfs_ls(f->g->g, dir);
    for (i = 0; names && names[i] && rc == 0; i++) {
        char *repl = x2k_guest_rewrite_getty_link(names[i]);
        char *old = x2k_strdup_printf("%s/%s", dir, names[i]);
        char *target = guestfs_readlink(f->g->g, old);
        char *before = x2k_strdup_printf("%s -> %s", names[i],
                                         target ? target : "?");
        char *newp = repl ? x2k_strdup_printf("%s/%s", dir, repl) : NULL;

        if (!repl)
            goto next;
        if (guestfs_rm(f->g->g, old) < 0) {
            x2k_error_from_guestfs(err, f->g->g,
                                   _("cannot remove '%1$s' in the guest"),
                                   old);
            rc = -1;
            goto next;
        }
        x2k_guest_report_add(f->rep, old, before, NULL);
        if (!exists(f->g, newp)) {
            const char *tmpl = find_guest_tool(f, templates);
            char *after;

            if (!tmpl) {
                x2k_guest_report_warn(f->rep,
                                      _("no serial-getty@.service in the "
                                        "guest: no login prompt on ttyS0"));
                goto next;
            }
            if (guestfs_ln_s(f->g->g, tmpl, newp) < 0) {
                x2k_error_from_guestfs(err, f->g->g,
                                       _("cannot create '%1$s' in the "
                                         "guest"),
                                       newp);
                rc = -1;
                goto next;
            }
            after = x2k_strdup_printf("%s -> %s", repl, tmpl);
            x2k_guest_report_add(f->rep, newp, NULL, after);
            free(after);
        }
    next:
        free(repl);
        free(old);
        free(target);
        free(before);
        free(newp);
    }
    free_string_list(names);
    return rc;
}

static int
fix_consoles(struct fixer *f, struct x2k_error *err)
{
    if (fix_file(f, "/etc/inittab", do_inittab, NULL, err) < 0 ||
        fix_getty_links(f, err) < 0 ||
        fix_file(f, "/etc/securetty", do_securetty, NULL, err) < 0)
        return -1;
    return 0;
}

int
x2k_guest_fix(struct x2k_guest *g, const struct x2k_guest_fix_opts *opts,
              struct x2k_guest_report *rep, struct x2k_error *err)
{
    static const struct x2k_guest_fix_opts defaults = { 0 };
    static int (*const steps[])(struct fixer *, struct x2k_error *) = {
        fix_fstab, fix_bootloader, fix_module_lists, fix_initrds,
        fix_consoles,
    };
    struct fixer f = { g, opts ? opts : &defaults, rep, false };
    const struct x2k_guest_info *info;
    size_t i, k;

    if (g->readonly) {
        x2k_error_set(err, X2K_ERR_INTERNAL,
                      "x2k_guest_fix on a read-only handle");
        return -1;
    }
    if (!(info = x2k_guest_inspect(g, err)))
        return -1;
    x2k_guest_report_note(rep, "guest: %s, %s %d.%d (%s), root %s",
                          info->os_name ? info->os_name : "?",
                          info->product ? info->product : "?", info->major,
                          info->minor, info->distro ? info->distro : "?",
                          info->root);
    x2k_guest_report_note(rep, "bootloader: %s%s%s, init: %s",
                          x2k_bootloader_name(info->bootloader),
                          info->boot_config ? " " : "",
                          info->boot_config ? info->boot_config : "",
                          info->init == X2K_INIT_SYSTEMD ? "systemd"
                          : info->init == X2K_INIT_SYSV  ? "sysvinit"
                                                         : "unknown");
    for (k = 0; k < info->n_kernels; k++)
        x2k_guest_report_note(rep, "kernel %s%s", info->kernels[k].version,
                              info->kernels[k].xen ? " (Xen flavour)" : "");
    if (x2k_guest_check(info, f.opts->direct_kernel_boot, err) < 0)
        return -1;
    for (i = 0; i < X2K_N_ELEMENTS(steps); i++) {
        struct x2k_event ev = {
            .kind = X2K_EVENT_PROGRESS, .stage = X2K_STAGE_FIX_GUEST,
            .disk = -1, .done = i, .total = X2K_N_ELEMENTS(steps), .eta = -1,
        };

        x2k_report(g->rep, &ev);
        if (cancelled(g, err) || steps[i](&f, err) < 0)
            return -1;
    }
    {
        struct x2k_event ev = {
            .kind = X2K_EVENT_PROGRESS, .stage = X2K_STAGE_FIX_GUEST,
            .disk = -1, .done = X2K_N_ELEMENTS(steps),
            .total = X2K_N_ELEMENTS(steps), .eta = -1,
        };

        x2k_report(g->rep, &ev);
    }
    return 0;
}

int
x2k_guest_convert(const struct x2k_guest_disk *disks, size_t n_disks,
                  const struct x2k_guest_fix_opts *opts,
                  struct x2k_reporter *rep, struct x2k_guest_report *report,
                  struct x2k_error *err)
{
    struct x2k_guest *g = x2k_guest_open(disks, n_disks, false, rep, err);

    if (!g)
        return -1;
    if (x2k_guest_fix(g, opts, report, err) < 0) {
        /* Keep what was written: the copies are ours to fix. */
        x2k_guest_close(g, NULL);
        return -1;
    }
    return x2k_guest_close(g, err);
}

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
