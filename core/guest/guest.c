/* The libguestfs handle of the guest fixes (see guest.h): its
 * creation with libguestfs's messages sent to the log, the run-time
 * backend choice (direct when no libvirtd answers, TCG when KVM is not
 * usable), the drives, the launch, mounting the guest's filesystems
 * and the shutdown that flushes them.  Also x2k_guest_fix, which runs
 * the fix steps in order: fstab and crypttab, bootloader, initrd module
 * lists and modprobe aliases, initrd rebuild, consoles.  The device and
 * driver name steps are here, the others in guest-boot.c.  The top of
 * core/guest's appliance side (see guest-internal.h).  Runs on the
 * engine's thread; libguestfs callbacks arrive on the same thread.
 */
#include <config.h>

#include <errno.h>
#include <guestfs.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/log.h"
#include "convert/kvm.h"
#include "guest/guest-internal.h"

/* ---- Handle -------------------------------------------------------- */

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

/* ---- Backend ------------------------------------------------------- */

/* Does a server accept connections on the Unix socket PATH? */
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

/* Does a libvirtd (system or session) answer on its socket? */
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
    if (guest_cancelled(g, err))
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
    if (guest_cancelled(g, err))
        goto fail;
    return g;
fail:
    x2k_guest_free(g);
    return NULL;
}

void
x2k_guest_free(struct x2k_guest *g)
{
    if (!g)
        return;
    if (g->g)
        guestfs_close(g->g);
    guest_info_clear(&g->info);
    guest_strv_free(g->appliance_map);
    guest_strv_free(g->unreadable);
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

/* ---- Filesystems --------------------------------------------------- */

/* qsort order of mountpoint pairs: shorter mountpoint first. */
static int
compare_mountpoints(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;

    return (int)strlen(x[0]) - (int)strlen(y[0]);
}

/* Mount every filesystem of the inspected OS (read-only if READONLY). */
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
            x2k_report_warning_id(g->rep, "guest-mount",
                               _("cannot mount %1$s on %2$s in the guest; "
                                 "files there are not fixed"),
                               mp[i + 1], mp[i]);
            continue;
        }
        g->mounted = true;
    }
    return 0;
}

const struct x2k_guest_info *
x2k_guest_inspect(struct x2k_guest *g, struct x2k_error *err)
{
    if (g->inspected)
        return &g->info;
    if (guest_inspect_os(g, err) < 0)
        return NULL;
    if (g->info.os == X2K_OS_LINUX) {
        if (mount_all(g, err) < 0)
            return NULL;
        guest_inspect_linux(g);
    }
    g->inspected = true;
    return &g->info;
}

/* ---- Device and driver names --------------------------------------- */

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
fstab_uuids(struct guest_fixer *f, const char *fstab)
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

/* guest_rewrite_fn adapter: OPAQUE is a struct tab_args. */
static char *
do_crypttab(const char *text, void *opaque)
{
    const struct tab_args *a = opaque;

    return x2k_guest_rewrite_crypttab(text, a->map, NULL);
}

/* fstab (Xen disks by UUID where one is known), then crypttab. */
static int
fix_fstab(struct guest_fixer *f, struct x2k_error *err)
{
    char *fstab = guest_read_text(f->g, "/etc/fstab");
    char **uuids = fstab ? fstab_uuids(f, fstab) : NULL;
    struct tab_args a = { f->opts->map, (const char *const *)uuids };
    int r = 0;

    if (fstab) {
        char *new_text = x2k_guest_rewrite_fstab(fstab, a.map, a.uuids);

        r = guest_write_if_changed(f, "/etc/fstab", fstab, new_text, err);
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
    guest_strv_free(uuids);
    if (r < 0)
        return -1;
    return guest_fix_file(f, "/etc/crypttab", do_crypttab, &a, err) < 0
               ? -1
               : 0;
}

/* guest_rewrite_fn adapters for rewrites that take no argument. */
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

/* modprobe aliases and the initrd module lists; notes whether any
 * list changed (guest-boot.c then decides on rebuilding the initrd). */
static int
fix_module_lists(struct guest_fixer *f, struct x2k_error *err)
{
    char **conf = NULL;
    int r;
    size_t i;

    if (guest_fix_file(f, "/etc/modprobe.conf", do_modprobe, NULL, err) < 0)
        return -1;
    if (guestfs_is_dir_opts(f->g->g, "/etc/modprobe.d", -1) > 0)
        conf = guestfs_ls(f->g->g, "/etc/modprobe.d");
    for (i = 0; conf && conf[i]; i++) {
        char *p = x2k_strdup_printf("/etc/modprobe.d/%s", conf[i]);

        r = x2k_str_has_suffix(conf[i], ".conf")
                ? guest_fix_file(f, p, do_modprobe, NULL, err)
                : 0;
        free(p);
        if (r < 0) {
            guest_strv_free(conf);
            return -1;
        }
    }
    guest_strv_free(conf);
    conf = NULL;

    if ((r = guest_fix_file(f, "/etc/sysconfig/kernel", do_sysconfig_kernel,
                            NULL, err)) < 0)
        return -1;
    f->modules_changed |= r > 0;
    if ((r = guest_fix_file(f, "/etc/dracut.conf", do_dracut, NULL, err)) < 0)
        return -1;
    f->modules_changed |= r > 0;
    if (guestfs_is_dir_opts(f->g->g, "/etc/dracut.conf.d", -1) > 0)
        conf = guestfs_ls(f->g->g, "/etc/dracut.conf.d");
    for (i = 0; conf && conf[i]; i++) {
        char *p;

        if (!x2k_str_has_suffix(conf[i], ".conf"))
            continue;
        p = x2k_strdup_printf("/etc/dracut.conf.d/%s", conf[i]);
        r = guest_fix_file(f, p, do_dracut, NULL, err);
        free(p);
        if (r < 0) {
            guest_strv_free(conf);
            return -1;
        }
        f->modules_changed |= r > 0;
    }
    guest_strv_free(conf);
    if ((r = guest_fix_file(f, "/etc/initramfs-tools/modules",
                            do_initramfs_modules, NULL, err)) < 0)
        return -1;
    f->modules_changed |= r > 0;
    return 0;
}

/* ---- The fix stage ------------------------------------------------- */

int
x2k_guest_fix(struct x2k_guest *g, const struct x2k_guest_fix_opts *opts,
              struct x2k_guest_report *rep, struct x2k_error *err)
{
    static const struct x2k_guest_fix_opts defaults = { 0 };
    static int (*const steps[])(struct guest_fixer *, struct x2k_error *) = {
        fix_fstab, guest_fix_bootloader, fix_module_lists, guest_fix_initrds,
        guest_fix_consoles, guest_install_bootloader,
    };
    struct guest_fixer f = { g, opts ? opts : &defaults, rep, false };
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
        if (guest_cancelled(g, err) || steps[i](&f, err) < 0)
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

char *
x2k_guest_lib_version(void)
{
    guestfs_h *g = guestfs_create_flags(GUESTFS_CREATE_NO_ENVIRONMENT |
                                        GUESTFS_CREATE_NO_CLOSE_ON_EXIT);
    struct guestfs_version *v;
    char *s = NULL;

    if (!g)
        return NULL;
    guestfs_set_error_handler(g, NULL, NULL);
    v = guestfs_version(g);
    if (v) {
        s = x2k_strdup_printf("%" PRIi64 ".%" PRIi64 ".%" PRIi64 "%s",
                              v->major, v->minor, v->release, v->extra);
        guestfs_free_version(v);
    }
    guestfs_close(g);
    return s;
}
