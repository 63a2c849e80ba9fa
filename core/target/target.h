/* The libvirt target (the KVM host): queries used by preflight and the
 * wizard — storage pools (existence, state, free space, path), libvirt
 * networks, host bridges, and whether a domain name is taken — and the
 * pipeline's last steps: define (and start) the converted domain,
 * refresh a pool after files were written into it.  One struct
 * x2k_target is used by one thread at a time.
 */
#ifndef X2K_TARGET_H
#define X2K_TARGET_H

#include <stdint.h>

#include <libvirt/libvirt.h>

#include "base/error.h"

struct x2k_target;

struct x2k_pool_info {
    bool active;
    uint64_t capacity;
    uint64_t available;             /* bytes free */
    char *path;                     /* target path (dir pools) or NULL */
    char *type;                     /* "dir", "logical"... or NULL */
};

/* Open the target URI (e.g. qemu:///system).  NULL with
 * X2K_ERR_LIBVIRT. */
struct x2k_target *x2k_target_open(const char *uri, struct x2k_error *err)
    X2K_NONNULL(1);
void x2k_target_free(struct x2k_target *t);
X2K_DEFINE_AUTO(x2k_target, x2k_target_free)

const char *x2k_target_uri(const struct x2k_target *t) X2K_NONNULL(1);

/* Facts about pool NAME.  -1 with X2K_ERR_NOT_FOUND if there is none.
 * Free INFO's strings with x2k_pool_info_clear. */
int x2k_target_pool_info(struct x2k_target *t, const char *name,
                         struct x2k_pool_info *info, struct x2k_error *err)
    X2K_NONNULL(1, 2, 3);
void x2k_pool_info_clear(struct x2k_pool_info *info);

/* Names of all pools / libvirt networks (NULL-terminated; free with
 * x2k_target_names_free).  NULL with ERR set. */
char **x2k_target_list_pools(struct x2k_target *t, struct x2k_error *err)
    X2K_NONNULL(1);
char **x2k_target_list_networks(struct x2k_target *t, struct x2k_error *err)
    X2K_NONNULL(1);
void x2k_target_names_free(char **names);

/* Whether libvirt network NAME exists (and *ACTIVE, if not NULL). */
bool x2k_target_has_network(struct x2k_target *t, const char *name,
                            bool *active) X2K_NONNULL(1, 2);

/* Whether bridge NAME exists: a host bridge (SYSFS_NET/NAME/bridge;
 * SYSFS_NET NULL = /sys/class/net, only meaningful when the target is
 * this machine) or a bridge interface known to the target's libvirt. */
bool x2k_target_has_bridge(struct x2k_target *t, const char *name,
                           const char *sysfs_net) X2K_NONNULL(1, 2);

/* Host bridges under SYSFS_NET (NULL = /sys/class/net).  NULL-terminated,
 * possibly empty; free with x2k_target_names_free. */
char **x2k_host_bridges(const char *sysfs_net);

/* Whether a domain called NAME is defined on the target.  -1 on error. */
int x2k_target_has_domain(struct x2k_target *t, const char *name,
                          bool *exists, struct x2k_error *err)
    X2K_NONNULL(1, 2, 3);

/* The libvirt connection (borrowed; for core/transfer's volume
 * writer). */
virConnectPtr x2k_target_conn(struct x2k_target *t) X2K_NONNULL(1);

/* Define the domain XML (virDomainDefineXML); START also starts it.
 * 0 or -1 with X2K_ERR_LIBVIRT. */
int x2k_target_define(struct x2k_target *t, const char *xml, bool start,
                      struct x2k_error *err) X2K_NONNULL(1, 2);

/* Refresh pool NAME so that files written into its directory show up
 * as volumes.  0 or -1 with ERR set. */
int x2k_target_pool_refresh(struct x2k_target *t, const char *name,
                            struct x2k_error *err) X2K_NONNULL(1, 2);

/* The local path of volume VOLUME in pool POOL (caller frees), or NULL
 * with ERR set. */
char *x2k_target_volume_path(struct x2k_target *t, const char *pool,
                             const char *volume, struct x2k_error *err)
    X2K_NONNULL(1, 2, 3);

#endif /* X2K_TARGET_H */
