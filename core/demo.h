/* The bundled demo Xen host (--demo): DEMODIR/xenhost.xml for
 * libvirt's test driver, whose disk paths under /xen2kvm-demo/ stand
 * for small sparse images created on first use in the cache directory
 * ($XDG_CACHE_HOME/xen2kvm-tui/demo, sizes from DEMODIR/disks.txt).
 * Any thread; x2k_demo_prepare is idempotent.
 */
#ifndef X2K_DEMO_H
#define X2K_DEMO_H

#include "error.h"

#define X2K_DEMO_PREFIX "/xen2kvm-demo/"

/* The cache directory holding the demo's images.  Caller frees. */
char *x2k_demo_cache_dir(void);

/* Create the demo's images that do not exist yet (sparse, with a few
 * MiB of data so a copy has something to move).  0 or -1 with ERR. */
int x2k_demo_prepare(struct x2k_error *err);

/* The local file standing for PATH when PATH is one of the demo's
 * (under X2K_DEMO_PREFIX); otherwise a copy of PATH.  Caller frees. */
char *x2k_demo_map_path(const char *path) X2K_NONNULL(1);

#endif /* X2K_DEMO_H */
