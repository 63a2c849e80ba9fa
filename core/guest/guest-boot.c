/* What the guest needs to boot under KVM, fixed inside the appliance:
 * the bootloader (grub legacy menu.lst/grub.conf, GRUB 2's grub.cfg,
 * /etc/default/grub, grubenv's saved default, device.map, then the
 * guest's own grub2-mkconfig or update-grub), the initrd (rebuilt with
 * the guest's own update-initramfs, dracut or mkinitrd when it lacks
 * virtio_blk), and the login consoles (inittab, systemd getty links,
 * securetty: from the Xen console to ttyS0).  Each step reads a file,
 * applies a pure rewrite (guest-rewrite-boot.c) and writes it back,
 * recording every change in the report.  Run by guest.c's
 * x2k_guest_fix; calls guest-inspect.c and guest-io.c.  Engine thread.
 */
#include <config.h>

#include <guestfs.h>
#include <stdio.h>

#include "base/i18n.h"
#include "guest/guest-internal.h"

/* ---- Bootloader ---------------------------------------------------- */

/* TEXT (taken) with the root= override of OPTS, if any. */
static char *
with_root(char *text, bool legacy, const struct x2k_guest_fix_opts *opts)
{
    char *r;

    if (!opts->root)
        return text;
    r = x2k_guest_rewrite_grub_root(text, legacy, opts->root);
    free(text);
    return r;
}

/* guest_rewrite_fn adapters: OPAQUE is the fix options (disk map and
 * root= override), or the disk map for device.map. */
static char *
do_grub_legacy(const char *text, void *opaque)
{
    const struct x2k_guest_fix_opts *o = opaque;

    return with_root(x2k_guest_rewrite_grub_legacy(text, o->map), true, o);
}

static char *
do_grub2_cfg(const char *text, void *opaque)
{
    const struct x2k_guest_fix_opts *o = opaque;

    return with_root(x2k_guest_rewrite_grub2_cfg(text, o->map), false, o);
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
fix_grubenv(struct guest_fixer *f, const char *cfg, const char *cfg_text,
            struct x2k_error *err)
{
    char *env_path = x2k_strdup_printf("%.*s/grubenv",
                                       (int)(strrchr(cfg, '/') - cfg), cfg);
    char *env = guest_read_text(f->g, env_path);
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

/* Does /etc/default/grub say GRUB_DEFAULT=saved? */
static bool
grub_default_is_saved(const char *defgrub)
{
    return strstr(defgrub, "\nGRUB_DEFAULT=saved") ||
           strstr(defgrub, "\nGRUB_DEFAULT=\"saved\"") ||
           x2k_str_has_prefix(defgrub, "GRUB_DEFAULT=saved") ||
           x2k_str_has_prefix(defgrub, "GRUB_DEFAULT=\"saved\"");
}

/* GRUB 2: default entry, grubenv, /etc/default/grub, device.map,
 * grub.cfg, then the guest's own grub2-mkconfig or update-grub. */
static int
fix_grub2(struct guest_fixer *f, struct x2k_error *err)
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
        if (guest_is_file(f->g, cfgs[i]))
            cfg = cfgs[i];
    if (!cfg)
        return 0;
    cfg_text = guest_read_text(f->g, cfg);
    defgrub = guest_read_text(f->g, "/etc/default/grub");

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
        int r;

        if (f->opts->root) {
            char *n2 = x2k_guest_rewrite_default_grub_root(n, f->opts->root);

            free(n);
            n = n2;
        }
        r = guest_write_if_changed(f, "/etc/default/grub", defgrub, n, err);

        free(n);
        if (r < 0)
            goto fail;
    }
    for (i = 0; cfgs[i]; i++) {
        char *dm = x2k_strdup_printf("%.*s/device.map",
                                     (int)(strrchr(cfgs[i], '/') - cfgs[i]),
                                     cfgs[i]);
        int r = guest_fix_file(f, dm, do_device_map, (void *)f->opts->map, err);

        free(dm);
        if (r < 0)
            goto fail;
    }
    /* Edit grub.cfg directly first: it is what boots if the guest's own
     * tool is missing or fails. */
    if (guest_fix_file(f, cfg, do_grub2_cfg, (void *)f->opts, err) < 0)
        goto fail;

    tool = f->opts->no_grub_regen ? NULL : guest_find_tool(f, mkconfig);
    if (!tool && !f->opts->no_grub_regen) {
        static const char *const update[] = {
            "/usr/sbin/update-grub", "/usr/sbin/update-grub2", NULL,
        };

        tool = guest_find_tool(f, update);
    }
    if (tool) {
        struct x2k_error local = X2K_ERROR_INIT;
        char *before = guest_read_text(f->g, cfg);
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
            char *after = guest_read_text(f->g, cfg);

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
                        x2k_error_from_guestfs(
                            err, f->g->g,
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

/* Every grub legacy configuration (each file once), then GRUB 2. */
int
guest_fix_bootloader(struct guest_fixer *f, struct x2k_error *err)
{
    static const char *const legacy[] = {
        "/boot/grub/menu.lst", "/boot/grub/grub.conf", "/etc/grub.conf",
    };
    char *seen[X2K_N_ELEMENTS(legacy)] = { NULL };
    size_t i, k;
    int rc = 0;
    bool found = guest_is_file(f->g, "/boot/grub2/grub.cfg") ||
                 guest_is_file(f->g, "/boot/grub/grub.cfg");

    for (i = 0; i < X2K_N_ELEMENTS(legacy) && rc == 0; i++) {
        char *real;
        bool dup = false;

        if (!guest_is_file(f->g, legacy[i]))
            continue;
        found = true;
        /* /etc/grub.conf is usually a link to /boot/grub/grub.conf. */
        real = guestfs_realpath(f->g->g, legacy[i]);
        for (k = 0; k < i && real; k++)
            dup = dup || (seen[k] && strcmp(seen[k], real) == 0);
        seen[i] = real;
        if (!dup && guest_fix_file(f, real ? real : legacy[i], do_grub_legacy,
                                   (void *)f->opts, err) < 0)
            rc = -1;
    }
    for (i = 0; i < X2K_N_ELEMENTS(legacy); i++)
        free(seen[i]);
    if (rc == 0 && fix_grub2(f, err) < 0)
        rc = -1;
    if (rc == 0 && f->opts->root && !found && !f->opts->assembled)
        x2k_guest_report_warn(f->rep,
                              _("the guest has no grub configuration, so "
                                "the root=%1$s that Xen gave it was not "
                                "set: set it in its bootloader yourself"),
                              f->opts->root);
    return rc;
}

/* ---- Initrd -------------------------------------------------------- */

/* Debian's MODULES=most puts every disk driver in the initrd. */
static bool
initramfs_tools_most(struct guest_fixer *f)
{
    char *conf = guest_read_text(f->g, "/etc/initramfs-tools/initramfs.conf");
    bool most = conf && (strstr(conf, "\nMODULES=most") ||
                         x2k_str_has_prefix(conf, "MODULES=most"));

    free(conf);
    return most;
}

/* Is the guest a SUSE distribution (whose mkinitrd takes no driver list)? */
static bool
is_suse(const struct x2k_guest_info *info)
{
    return info->distro && (strstr(info->distro, "suse") ||
                            strcmp(info->distro, "sles") == 0);
}

/* Rebuild the initrd of kernel K with the guest's own tool. */
static int
rebuild_initrd(struct guest_fixer *f, const struct x2k_guest_kernel *k,
               struct x2k_error *err)
{
    static const char *const dracut[] = {
        "/usr/bin/dracut", "/sbin/dracut", "/usr/sbin/dracut", NULL,
    };
    static const char *const mkinitrd[] = {
        "/sbin/mkinitrd", "/usr/sbin/mkinitrd", NULL,
    };
    const char *argv[12];
    char *kpath = NULL, *ipath = NULL;
    const char *tool;
    int r;
    size_t n = 0;

    if (guest_exists(f->g, "/usr/sbin/update-initramfs")) {
        tool = "/usr/sbin/update-initramfs";
        argv[n++] = tool;
        argv[n++] = "-u";
        argv[n++] = "-k";
        argv[n++] = k->version;
    } else if ((tool = guest_find_tool(f, dracut))) {
        argv[n++] = tool;
        argv[n++] = "-f";
        argv[n++] = "--add-drivers";
        argv[n++] = "virtio_blk virtio_pci virtio_net virtio_balloon";
        argv[n++] = k->initrd;
        argv[n++] = k->version;
    } else if ((tool = guest_find_tool(f, mkinitrd))) {
        argv[n++] = tool;
        if (is_suse(&f->g->info)) {
            /* SUSE's mkinitrd reads INITRD_MODULES (fixed by an
             * earlier step). */
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

        guest_initrd_has_virtio(f->g, k->initrd, &has);
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

/* Rebuild each initrd that lacks virtio_blk for a kernel that has it. */
int
guest_fix_initrds(struct guest_fixer *f, struct x2k_error *err)
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
        if (guest_cancelled(f->g, err))
            return -1;
    }
    return 0;
}

/* ---- Consoles ------------------------------------------------------ */

/* guest_rewrite_fn adapters for rewrites that take no argument. */
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

/* systemd: getty links on a Xen console become serial-getty@ttyS0. */
static int
fix_getty_links(struct guest_fixer *f, struct x2k_error *err)
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
        if (!guest_exists(f->g, newp)) {
            const char *tmpl = guest_find_tool(f, templates);
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
    guest_strv_free(names);
    return rc;
}

/* inittab, getty links, securetty: a login prompt on ttyS0. */
int
guest_fix_consoles(struct guest_fixer *f, struct x2k_error *err)
{
    if (guest_fix_file(f, "/etc/inittab", do_inittab, NULL, err) < 0 ||
        fix_getty_links(f, err) < 0 ||
        guest_fix_file(f, "/etc/securetty", do_securetty, NULL, err) < 0)
        return -1;
    return 0;
}

/* ---- The MBR of an assembled disk ---------------------------------- */

/* The appliance's whole disk that holds the partition DEV
 * ("/dev/sda2" -> "/dev/sda"); caller frees. */
static char *
whole_disk_of(const char *dev)
{
    size_t n = strlen(dev);

    while (n > 0 && dev[n - 1] >= '0' && dev[n - 1] <= '9')
        n--;
    return x2k_xstrndup(dev, n);
}

int
guest_install_bootloader(struct guest_fixer *f, struct x2k_error *err)
{
    static const char *const install[] = {
        "/usr/sbin/grub-install", "/sbin/grub-install",
        "/usr/sbin/grub2-install", "/sbin/grub2-install", NULL,
    };
    static const char *const mkconfig[] = {
        "/usr/sbin/grub-mkconfig", "/sbin/grub-mkconfig",
        "/usr/sbin/grub2-mkconfig", "/sbin/grub2-mkconfig", NULL,
    };
    const struct x2k_guest_info *info = &f->g->info;
    const char *inst, *mk, *cfg;
    X2K_AUTOFREE char *disk = NULL;
    X2K_AUTOFREE char *old_cfg = NULL;
    X2K_AUTOFREE char *new_cfg = NULL;
    X2K_AUTOFREE char *what = NULL;
    X2K_AUTOFREE char *defgrub = NULL;

    if (!f->opts->assembled)
        return 0;
    inst = guest_find_tool(f, install);
    mk = guest_find_tool(f, mkconfig);
    if (!inst || !mk || !guest_exists(f->g, "/usr/lib/grub/i386-pc") ||
        !info->root) {
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("the guest has no GRUB for BIOS of its own "
                        "(grub-install, grub-mkconfig and "
                        "/usr/lib/grub/i386-pc, package grub-pc), so its "
                        "assembled disk cannot boot by itself: run it again "
                        "with --layout=keep, which boots it with the Xen "
                        "host's kernel, or install grub-pc in the Xen guest "
                        "first"));
        return -1;
    }
    disk = whole_disk_of(info->root);
    cfg = strstr(mk, "grub2-") ? "/boot/grub2/grub.cfg"
                               : "/boot/grub/grub.cfg";
    {
        const char *argv[] = { inst, "--target=i386-pc", disk, NULL };

        if (guest_command(f, argv, err) < 0)
            return -1;
    }
    what = x2k_strdup_printf("GRUB (%s --target=i386-pc)", inst);
    x2k_guest_report_add(f->rep, "boot sector of the assembled disk", NULL,
                         what);
    if (f->opts->no_grub_regen && guest_is_file(f->g, cfg))
        return 0;
    old_cfg = guest_read_text(f->g, cfg);
    /* Xen's disk and console names out of /etc/default/grub first (no
     * grub.cfg, so guest_fix_bootloader did not touch it). */
    if ((defgrub = guest_read_text(f->g, "/etc/default/grub")) != NULL) {
        char *n = x2k_guest_rewrite_default_grub(defgrub, f->opts->map, -1);
        int r = guest_write_if_changed(f, "/etc/default/grub", defgrub, n,
                                       err);

        free(n);
        if (r < 0)
            return -1;
    }
    {
        const char *argv[] = { mk, "-o", cfg, NULL };

        if (guest_command(f, argv, err) < 0)
            return -1;
    }
    /* What the guest's tool wrote: the appliance's /dev/sdX as KVM
     * names them, root= and consoles as for any GRUB 2 guest. */
    if ((new_cfg = guest_read_text(f->g, cfg)) != NULL) {
        char *fixed = x2k_guest_rewrite_grub2_cfg(
            new_cfg, (const char *const *)f->g->appliance_map);
        char *fixed2 = do_grub2_cfg(fixed, (void *)f->opts);

        if (guestfs_write(f->g->g, cfg, fixed2, strlen(fixed2)) < 0) {
            x2k_error_from_guestfs(err, f->g->g,
                                   _("cannot write '%1$s' in the guest"),
                                   cfg);
            free(fixed);
            free(fixed2);
            return -1;
        }
        free(new_cfg);
        free(fixed);
        new_cfg = fixed2;
    }
    if (!old_cfg)
        x2k_guest_report_add(f->rep, cfg, NULL,
                             "(new, written by grub-mkconfig)");
    else if (new_cfg)
        x2k_guest_report_diff(f->rep, cfg, old_cfg, new_cfg);
    return 0;
}
