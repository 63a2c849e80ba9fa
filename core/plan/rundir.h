/* Run directories: every run keeps its original Xen XML, converted
 * XML, report, log and replay command under
 * STATE/runs/YYYYMMDD-HHMMSS-NAME (mode 0700, files 0600).  STATE is
 * --state-dir, else /var/lib/xen2kvm as root, else
 * $XDG_STATE_HOME/xen2kvm (~/.local/state/xen2kvm).  Any thread.
 */
#ifndef X2K_RUNDIR_H
#define X2K_RUNDIR_H

#include "base/error.h"
#include "plan/plan.h"

/* The state directory for PLAN.  Caller frees. */
char *x2k_rundir_state_dir(const struct x2k_plan *plan) X2K_NONNULL(1);

/* Create a new, unique run directory for guest NAME (made safe for a
 * path: '/', control characters and a leading '.' become '_').
 * Returns its path (caller frees), or NULL with ERR set. */
char *x2k_rundir_create(const struct x2k_plan *plan, const char *name,
                        struct x2k_error *err) X2K_NONNULL(1, 2);

/* Write DATA to DIR/FILE atomically (temp file, fsync, rename), mode
 * 0600.  0 or -1 with ERR set. */
int x2k_rundir_write(const char *dir, const char *file, const void *data,
                     size_t len, struct x2k_error *err) X2K_NONNULL(1, 2);

#endif /* X2K_RUNDIR_H */
