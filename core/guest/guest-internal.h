/* Private to the appliance side of core/guest (guest.c, guest-io.c,
 * guest-inspect.c, guest-boot.c): the handle, the state the fix steps
 * share, file access and commands in the guest, and the steps that
 * guest.c's x2k_guest_fix runs.  Engine thread.
 *
 * Objects call downwards only: guest.c -> guest-boot.c ->
 * guest-inspect.c -> guest-io.c.
 */
#ifndef X2K_GUEST_INTERNAL_H
#define X2K_GUEST_INTERNAL_H

#include <guestfs.h>

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
    char **unreadable;          /* files already reported unreadable */
};

/* What the fix steps of one x2k_guest_fix share. */
struct guest_fixer {
    struct x2k_guest *g;
    const struct x2k_guest_fix_opts *opts;
    struct x2k_guest_report *rep;
    bool modules_changed;       /* an initrd module list was rewritten */
};

/* ---- guest-io.c: files and commands in the guest ------------------- */

/* Free a NULL-terminated list of strings (NULL is a no-op). */
void guest_strv_free(char **v);

/* True, with ERR set to X2K_ERR_CANCELLED, once the job is cancelled. */
bool guest_cancelled(struct x2k_guest *g, struct x2k_error *err);

bool guest_exists(struct x2k_guest *g, const char *path);
bool guest_is_file(struct x2k_guest *g, const char *path);

/* A text file's content (caller frees), or NULL if it is not a regular
 * file or cannot be read.  An unreadable file is reported once as a
 * warning (x2k_report_warning: the run's report and warning count). */
char *guest_read_text(struct x2k_guest *g, const char *path);

/* Write NEW_TEXT over PATH if it differs from OLD_TEXT and record the
 * change in the report.  1 if written, 0 if unchanged, -1 with ERR set. */
int guest_write_if_changed(struct guest_fixer *f, const char *path,
                           const char *old_text, const char *new_text,
                           struct x2k_error *err);

/* A pure rewrite of a whole file (guest-rewrite.h); caller frees. */
typedef char *(*guest_rewrite_fn)(const char *text, void *opaque);

/* Read PATH (if it exists), rewrite it with FN, write it back.  1 if
 * changed, 0 if not (or missing), -1 with ERR set. */
int guest_fix_file(struct guest_fixer *f, const char *path,
                   guest_rewrite_fn fn, void *opaque, struct x2k_error *err);

/* Run ARGV inside the appliance (chrooted in the guest).  -1 with ERR
 * set when it fails. */
int guest_command(struct guest_fixer *f, const char *const *argv,
                  struct x2k_error *err);

/* The first of CANDIDATES (NULL-terminated) that exists, or NULL. */
const char *guest_find_tool(struct guest_fixer *f,
                            const char *const *candidates);

/* ---- guest-inspect.c: what is in the guest ------------------------- */

/* Find the guest's OS and fill G's info with what libguestfs's
 * inspection says about it (root, type, distro, versions).  Mounts
 * nothing.  -1 with ERR set. */
int guest_inspect_os(struct x2k_guest *g, struct x2k_error *err);

/* With the filesystems mounted: the kernels, bootloader and init. */
void guest_inspect_linux(struct x2k_guest *g);

/* Does INITRD hold virtio_blk?  *RESULT = 1 yes, 0 no, -1 unknown (the
 * initrd cannot be listed; then false is returned). */
bool guest_initrd_has_virtio(struct x2k_guest *g, const char *initrd,
                             int *result);

/* Free what INFO holds and zero it. */
void guest_info_clear(struct x2k_guest_info *info);

/* ---- guest-boot.c: what the guest needs to boot under KVM ---------- */

/* grub legacy, GRUB 2 (its configuration, default entry, device.map,
 * and the guest's own grub2-mkconfig or update-grub). */
int guest_fix_bootloader(struct guest_fixer *f, struct x2k_error *err);

/* Rebuild each initrd that lacks virtio, with the guest's own tool. */
int guest_fix_initrds(struct guest_fixer *f, struct x2k_error *err);

/* Login consoles: inittab, systemd getty links, securetty. */
int guest_fix_consoles(struct guest_fixer *f, struct x2k_error *err);

/* An assembled disk (opts->assembled): the guest's own GRUB (grub-pc)
 * into the first disk's MBR, its configuration regenerated inside the
 * guest.  0 when not assembled; -1 with ERR (X2K_ERR_UNSUPPORTED, says
 * to use --layout=keep) when the guest has no GRUB or kernel of its
 * own. */
int guest_install_bootloader(struct guest_fixer *f, struct x2k_error *err);

#endif /* X2K_GUEST_INTERNAL_H */
