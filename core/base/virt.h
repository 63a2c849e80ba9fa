/* libvirt plumbing shared by core/source and core/target: silence
 * libvirt's default error printing, open a connection with an auth
 * callback (core never prompts: the answers come from the caller), and
 * turn libvirt's last error into a struct x2k_error.  Any thread.
 */
#ifndef X2K_VIRT_H
#define X2K_VIRT_H

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "base/error.h"

/* Install a silent libvirt error handler (idempotent, thread-safe). */
void x2k_virt_init(void);

/* Open URI with virConnectOpenAuth.  USER and PASSWORD (both may be
 * NULL; borrowed) answer libvirt's credential questions; with no
 * answer the question fails instead of prompting.  READ_ONLY opens
 * with VIR_CONNECT_RO.  NULL with X2K_ERR_LIBVIRT on failure. */
virConnectPtr x2k_virt_open(const char *uri, const char *user,
                            const char *password, bool read_only,
                            struct x2k_error *err) X2K_NONNULL(1);

/* A connection and the URI it was opened with: what core/source and
 * core/target each wrap. */
struct x2k_virt_conn {
    virConnectPtr conn;
    char *uri;
};

/* Open C (read-write) with x2k_virt_open.  0, or -1 with ERR set and C
 * left empty. */
int x2k_virt_conn_open(struct x2k_virt_conn *c, const char *uri,
                       const char *user, const char *password,
                       struct x2k_error *err) X2K_NONNULL(1, 2);

/* Close C's connection and free its URI; an empty C is a no-op. */
void x2k_virt_conn_close(struct x2k_virt_conn *c) X2K_NONNULL(1);

/* The version of the libvirt library this process runs with
 * ("9.0.0"), from virGetVersion; NULL if libvirt cannot say.  Caller
 * frees. */
char *x2k_virt_lib_version(void);

/* Set ERR to CODE with MSG... and libvirt's last error as the detail. */
void x2k_virt_error(struct x2k_error *err, enum x2k_errcode code,
                    const char *fmt, ...) X2K_PRINTF(3, 4);

/* True if libvirt's last error on this thread is VIR_ERR_NO_DOMAIN,
 * VIR_ERR_NO_STORAGE_POOL, VIR_ERR_NO_NETWORK or VIR_ERR_NO_INTERFACE. */
bool x2k_virt_last_is_not_found(void);

#endif /* X2K_VIRT_H */
