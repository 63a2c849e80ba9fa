/* File access and commands in the guest, through the libguestfs
 * handle: libguestfs errors as a struct x2k_error, cancellation, reading
 * and writing the guest's files (each write recorded in the change
 * report), and running the guest's own tools inside the appliance
 * (guestfs_command, never on the host).  The bottom of core/guest's
 * appliance side: it calls no other guest*.c.  Engine thread.
 */
#include <config.h>

#include <guestfs.h>

#include "base/i18n.h"
#include "base/log.h"
#include "guest/guest-internal.h"

/* ---- Errors -------------------------------------------------------- */

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

/* ---- Lists, cancellation ------------------------------------------- */

/* Free a NULL-terminated list of strings. */
void
guest_strv_free(char **v)
{
    size_t i;

    for (i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* Has the job been cancelled?  Then ERR says so. */
bool
guest_cancelled(struct x2k_guest *g, struct x2k_error *err)
{
    if (!x2k_reporter_is_cancelled(g->rep))
        return false;
    x2k_error_set(err, X2K_ERR_CANCELLED,
                  _("the guest fixes were cancelled"));
    return true;
}

/* ---- Files --------------------------------------------------------- */

/* Does PATH exist in the guest? */
bool
guest_exists(struct x2k_guest *g, const char *path)
{
    return guestfs_exists(g->g, path) > 0;
}

/* Is PATH a regular file in the guest (a symlink is not)? */
bool
guest_is_file(struct x2k_guest *g, const char *path)
{
    return guestfs_is_file_opts(g->g, path, -1) > 0;
}

/* Warn once per PATH that it exists but cannot be read: the fixes that
 * read it skip it, and the admin must know which files were left as
 * they were. */
static void
warn_unreadable(struct x2k_guest *g, const char *path)
{
    const char *why = guestfs_last_error(g->g);
    size_t n;

    for (n = 0; g->unreadable && g->unreadable[n]; n++)
        if (strcmp(g->unreadable[n], path) == 0)
            return;
    g->unreadable = x2k_xreallocarray(g->unreadable, n + 2,
                                      sizeof *g->unreadable);
    g->unreadable[n] = x2k_xstrdup(path);
    g->unreadable[n + 1] = NULL;
    x2k_report_warning_id(g->rep, "guest-read",
                       _("cannot read '%1$s' in the guest, so it was not "
                         "checked or fixed: %2$s"),
                       path, why ? why : "?");
}

/* A text file's content, or NULL if it does not exist or is unreadable. */
char *
guest_read_text(struct x2k_guest *g, const char *path)
{
    size_t size = 0;
    char *buf, *ret;

    if (!guest_is_file(g, path))
        return NULL;
    buf = guestfs_read_file(g->g, path, &size);
    if (!buf) {
        warn_unreadable(g, path);
        return NULL;
    }
    ret = x2k_xstrndup(buf, size);
    free(buf);
    return ret;
}

/* Write NEW_TEXT over PATH if it differs from OLD_TEXT; record it. */
int
guest_write_if_changed(struct guest_fixer *f, const char *path,
                       const char *old_text, const char *new_text,
                       struct x2k_error *err)
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

/* Read PATH (if it exists), rewrite, write back.  1 if changed. */
int
guest_fix_file(struct guest_fixer *f, const char *path, guest_rewrite_fn fn,
               void *opaque, struct x2k_error *err)
{
    char *old_text = guest_read_text(f->g, path);
    char *new_text;
    int r;

    if (!old_text)
        return 0;
    new_text = fn(old_text, opaque);
    r = guest_write_if_changed(f, path, old_text, new_text, err);
    free(old_text);
    free(new_text);
    return r;
}

/* ---- Commands ------------------------------------------------------ */

/* Run ARGV inside the appliance (chrooted in the guest). */
int
guest_command(struct guest_fixer *f, const char *const *argv,
              struct x2k_error *err)
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
const char *
guest_find_tool(struct guest_fixer *f, const char *const *candidates)
{
    size_t i;

    for (i = 0; candidates[i]; i++)
        if (guest_exists(f->g, candidates[i]))
            return candidates[i];
    return NULL;
}
