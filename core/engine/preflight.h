/* Preflight: the ordered checks that must pass before a plan runs, so
 * that a run that cannot succeed stops before anything is copied or
 * changed.  Each check is {id, status, message}; its remedy is the help
 * entry "check-<id>" (help/help.c).  A check whose precondition failed
 * is reported as skipped.  Runs on the caller's thread (the wizard's
 * worker, or batch's main thread); never prompts: host-key questions go
 * through the callback in the options.
 */
#ifndef X2K_PREFLIGHT_H
#define X2K_PREFLIGHT_H

#include <stdarg.h>

#include "base/event.h"
#include "plan/plan.h"
#include "source/inventory.h"
#include "source/source.h"
#include "ssh/ssh.h"

enum x2k_check_status {
    X2K_CHECK_OK,
    X2K_CHECK_WARN,
    X2K_CHECK_FAIL,
    X2K_CHECK_SKIPPED,
};

struct x2k_check {
    const char *id;                 /* static: "ssh-reachable", "vm-shutoff" */
    enum x2k_check_status status;
    char *message;                  /* translated sentence */
};

struct x2k_preflight_opts {
    x2k_ssh_hostkey_fn hostkey_cb;  /* may be NULL */
    void *hostkey_opaque;
    const char *password;           /* wizard's password; NULL = plan's file */
    struct x2k_reporter *reporter;  /* may be NULL */
    const char *sysfs_net;          /* NULL = /sys/class/net */
    /* What the engine's connect/inspect stages already opened and
     * fetched (borrowed; NULL: preflight does it itself).  SSH is the
     * logged-in session of the data path, SOURCE the open libvirt
     * source, XML the guest's inactive domain XML. */
    struct x2k_ssh *ssh;
    struct x2k_source *source;
    const char *xml;
};

struct x2k_preflight {
    struct x2k_check *checks;
    size_t n_checks;
    struct x2k_inventory *inv;      /* the guest, if it was reached */
    uint64_t needed_bytes;          /* space the copy needs */
};

/* Run every check for PLAN (O may be NULL).  Never NULL. */
struct x2k_preflight *x2k_preflight_run(const struct x2k_plan *plan,
                                        const struct x2k_preflight_opts *o)
    X2K_NONNULL(1);
void x2k_preflight_free(struct x2k_preflight *p);
X2K_DEFINE_AUTO(x2k_preflight, x2k_preflight_free)

/* Append a check (ID static; the message a translated format), for the
 * checks the engine adds (core/engine/preflight-dest.c). */
void x2k_preflight_vadd(struct x2k_preflight *p, const char *id,
                        enum x2k_check_status st, const char *fmt,
                        va_list ap) X2K_NONNULL(1, 2, 4);

/* True when no check failed (warnings allowed). */
bool x2k_preflight_passed(const struct x2k_preflight *p) X2K_NONNULL(1);

/* The first check with ID, or NULL. */
const struct x2k_check *x2k_preflight_find(const struct x2k_preflight *p,
                                           const char *id) X2K_NONNULL(1, 2);

/* "ok", "warn", "FAIL", "skip" (untranslated, for machine output) and the
 * translated label. */
const char *x2k_check_status_name(enum x2k_check_status st);
const char *x2k_check_status_label(enum x2k_check_status st);

/* The help id of ID's remedy ("check-" ID).  Caller frees. */
char *x2k_check_help_id(const char *id) X2K_NONNULL(1);

/* Every check id in order (NULL-terminated, static), for help tests. */
const char *const *x2k_preflight_check_ids(void);

#endif /* X2K_PREFLIGHT_H */
