/* The bundled demo Xen host (--demo): DEMODIR/xenhost.xml for
 * libvirt's test driver, whose disk paths under /xen2kvm-demo/ stand
 * for small sparse images created on first use in the cache directory
 * ($XDG_CACHE_HOME/xen2kvm-tui/demo, sizes from DEMODIR/disks.txt).
 * The demo's KVM target is libvirt's test driver with a dir pool in
 * the same cache directory.  Any thread; x2k_demo_prepare is
 * idempotent.
 */
#ifndef X2K_DEMO_H
#define X2K_DEMO_H

#include "base/error.h"

#define X2K_DEMO_PREFIX "/xen2kvm-demo/"

/* The cache directory holding the demo's images.  Caller frees. */
char *x2k_demo_cache_dir(void);

/* Create the demo's images that do not exist yet (sparse, with a few
 * MiB of data so a copy has something to move).  0 or -1 with ERR. */
int x2k_demo_prepare(struct x2k_error *err);

/* The demo's KVM target: libvirt's test driver on CACHE/kvmhost.xml
 * (written by x2k_demo_prepare from DEMODIR/kvmhost.xml), whose dir
 * pool "default" is CACHE/pool.  Caller frees. */
char *x2k_demo_target_uri(void);
char *x2k_demo_pool_dir(void);

/* XML with every demo path (X2K_DEMO_PREFIX...) replaced by the local
 * file standing for it, so the engine reads the cache's images.
 * Caller frees. */
char *x2k_demo_map_xml(const char *xml) X2K_NONNULL(1);

/* The local file standing for PATH when PATH is one of the demo's
 * (under X2K_DEMO_PREFIX); otherwise a copy of PATH.  Caller frees. */
char *x2k_demo_map_path(const char *path) X2K_NONNULL(1);

#endif /* X2K_DEMO_H */
