/* The libvirt source (the Xen host, or any libvirt URI such as
 * test:///abs/xenhost.xml): open with an auth callback, list all
 * domains (virsh list --all), fetch the inactive XML (virsh dumpxml),
 * read a domain's state and run a guided shutdown.  One struct
 * x2k_source is used by one thread at a time.
 */
#ifndef X2K_SOURCE_H
#define X2K_SOURCE_H

#include "base/error.h"
#include "base/event.h"

struct x2k_source;

/* Domain states, with libvirt's virDomainState numbering. */
enum x2k_domstate {
    X2K_DOM_NOSTATE = 0,
    X2K_DOM_RUNNING = 1,
    X2K_DOM_BLOCKED = 2,
    X2K_DOM_PAUSED = 3,
    X2K_DOM_SHUTDOWN = 4,           /* shutting down */
    X2K_DOM_SHUTOFF = 5,
    X2K_DOM_CRASHED = 6,
    X2K_DOM_PMSUSPENDED = 7,
};

struct x2k_source_dom {
    int id;                         /* -1 when inactive */
    char *name;
    enum x2k_domstate state;
};

/* Open URI.  USER/PASSWORD answer libvirt's credential questions (may
 * be NULL; borrowed).  NULL with X2K_ERR_LIBVIRT. */
struct x2k_source *x2k_source_open(const char *uri, const char *user,
                                   const char *password,
                                   struct x2k_error *err) X2K_NONNULL(1);
void x2k_source_free(struct x2k_source *s);
X2K_DEFINE_AUTO(x2k_source, x2k_source_free)

/* The URI this source was opened with (borrowed). */
const char *x2k_source_uri(const struct x2k_source *s) X2K_NONNULL(1);

/* All domains, active ones first by id, then inactive ones by name (as
 * virsh list --all).  *DOMS is freed with x2k_source_doms_free. */
int x2k_source_list(struct x2k_source *s, struct x2k_source_dom **doms,
                    size_t *n, struct x2k_error *err) X2K_NONNULL(1, 2, 3);
void x2k_source_doms_free(struct x2k_source_dom *doms, size_t n);

/* The table virsh list --all prints (Id, Name, State columns), untranslated
 * like virsh's C locale output.  Caller frees. */
char *x2k_source_format_list(const struct x2k_source_dom *doms, size_t n);

/* virsh's English name of a state ("running", "shut off"), and the
 * translated label. */
const char *x2k_domstate_name(enum x2k_domstate st);
const char *x2k_domstate_label(enum x2k_domstate st);

/* The inactive domain XML of NAME (virsh dumpxml --inactive).  NULL with
 * X2K_ERR_NOT_FOUND if there is no such domain. */
char *x2k_source_dumpxml(struct x2k_source *s, const char *name,
                         struct x2k_error *err) X2K_NONNULL(1, 2);

/* The same, with the source's warnings (the xl reader's) on R. */
char *x2k_source_dumpxml_r(struct x2k_source *s, const char *name,
                           struct x2k_reporter *r, struct x2k_error *err)
    X2K_NONNULL(1, 2);

/* Open the xl (or xm) toolstack of the Xen host on the logged-in SSH
 * session SSH (borrowed; it must outlive the source), URI naming it in
 * messages.  The guests are the configuration files found on the host
 * (/etc/xen/NAME.cfg, /etc/xen/NAME, /etc/xen/vm/NAME, /etc/xen/auto/,
 * matched by their name = setting) and what `xl list' shows running;
 * XL_CONFIG (may be NULL) is the one configuration file to read
 * instead.  NULL with X2K_ERR_REMOTE when the host has neither xl nor
 * xm. */
struct x2k_ssh;
struct x2k_source *x2k_source_open_xl(struct x2k_ssh *ssh, const char *uri,
                                      const char *xl_config,
                                      struct x2k_error *err)
    X2K_NONNULL(1, 2);

/* The same, and the source owns SSH: x2k_source_free frees it (and so
 * does a failure here). */
struct x2k_source *x2k_source_open_xl_owning(struct x2k_ssh *ssh,
                                             const char *uri,
                                             const char *xl_config,
                                             struct x2k_error *err)
    X2K_NONNULL(1, 2);

/* Image mode: the Xen HVM domain XML of PLAN's --image files (formats
 * probed with qemu-img; a backing file or a missing vmdk extent is
 * refused) and its domain options (--new-name, --vcpus, --memory,
 * --firmware, one NIC per --bridge/--network).  With STAGE_DIR, every
 * image but raw and qcow2 is first converted into a new raw file there
 * (0600, never replacing one) and the XML names that; without, it names
 * the images as they are (--print-source, --check).  R (may be NULL)
 * gets the log lines.  Caller frees; NULL with ERR. */
struct x2k_plan;
char *x2k_image_domain_xml(const struct x2k_plan *plan,
                           const char *stage_dir, struct x2k_reporter *r,
                           struct x2k_error *err) X2K_NONNULL(1);

/* State of NAME.  -1 with X2K_ERR_NOT_FOUND if there is no such
 * domain. */
int x2k_source_state(struct x2k_source *s, const char *name,
                     enum x2k_domstate *state, struct x2k_error *err)
    X2K_NONNULL(1, 2, 3);

/* Guided shutdown: ask NAME to shut down (ACPI / PV shutdown), wait up to
 * TIMEOUT_S seconds reporting progress (done/total = seconds) on R, and
 * check cancellation.  Only if FORCE_OFF, destroy (power off) it at the
 * timeout.  0 once it is shut off; -1 with X2K_ERR_TIMEOUT,
 * X2K_ERR_CANCELLED or X2K_ERR_LIBVIRT. */
int x2k_source_shutdown(struct x2k_source *s, const char *name,
                        int timeout_s, bool force_off,
                        struct x2k_reporter *r, struct x2k_error *err)
    X2K_NONNULL(1, 2);

#endif /* X2K_SOURCE_H */
