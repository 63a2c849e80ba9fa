/* The list cache: the guests that the last successful URI test listed,
 * kept for the shell completion of --vm-name (completion/).  One
 * private file (0600, written atomically) in the cache directory:
 * the URI on the first line, then one guest name per line.  Names and
 * URIs with control characters are left out (a name cannot span
 * lines, and a terminal never receives remote control characters).
 * Any thread.
 */
#ifndef X2K_LISTCACHE_H
#define X2K_LISTCACHE_H

#include "base/error.h"

/* x2k_cache_dir()/guests.  Caller frees. */
char *x2k_listcache_path(void);

/* Replace the cache with URI's N guest NAMES (Domain-0 left out).
 * 0, or -1 with ERR (the cache is a convenience: callers log it). */
int x2k_listcache_write(const char *uri, const char *const *names, size_t n,
                        struct x2k_error *err) X2K_NONNULL(1);

#endif /* X2K_LISTCACHE_H */
