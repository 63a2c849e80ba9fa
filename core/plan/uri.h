/* libvirt connection URIs: parse any URI into its parts, and build the
 * xen+ssh://[user@]host[:port][/path][?params] form a Xen host is
 * reached by.  Pure functions on caller-owned data; any thread.
 */
#ifndef X2K_URI_H
#define X2K_URI_H

#include "base/error.h"

struct x2k_uri_param {
    char *name;
    char *value;                    /* decoded */
};

struct x2k_uri {
    char *scheme;                   /* "xen+ssh", "test", "qemu" */
    char *driver;                   /* scheme before '+': "xen" */
    char *transport;                /* after '+': "ssh", or NULL */
    char *user;                     /* NULL if none */
    char *host;                     /* NULL for local URIs */
    int port;                       /* 0 if none */
    char *path;                     /* "/system", "/abs/file.xml" or NULL */
    struct x2k_uri_param *params;
    size_t n_params;
};

/* Parse S.  NULL with X2K_ERR_INVALID if it is not a URI with a
 * scheme. */
struct x2k_uri *x2k_uri_parse(const char *s, struct x2k_error *err)
    X2K_NONNULL(1);
void x2k_uri_free(struct x2k_uri *u);
X2K_DEFINE_AUTO(x2k_uri, x2k_uri_free)

/* Format U back into a string (params percent-encoded).  Caller frees. */
char *x2k_uri_format(const struct x2k_uri *u) X2K_NONNULL(1);

/* The value of query parameter NAME, or NULL.  Borrowed. */
const char *x2k_uri_get_param(const struct x2k_uri *u, const char *name)
    X2K_NONNULL(1, 2);
/* Set (replace or append) query parameter NAME. */
void x2k_uri_set_param(struct x2k_uri *u, const char *name,
                       const char *value) X2K_NONNULL(1, 2, 3);

/* Build "xen+ssh://[user@]host[:port]/" with ?keyfile=KEYFILE when
 * KEYFILE is not NULL (a key that is not one of ssh's defaults).  USER
 * and KEYFILE may be NULL, PORT 0 (= 22, left out).  Caller frees. */
char *x2k_uri_build_xen_ssh(const char *user, const char *host, int port,
                            const char *keyfile) X2K_NONNULL(2);

/* URI made safe to open without a terminal: an ssh transport
 * (xen+ssh://...) gets no_tty=1, so that libvirt runs ssh in batch mode
 * and a missing key fails instead of prompting.  Other URIs, and ones
 * that already say no_tty, come back unchanged.  Caller frees. */
char *x2k_uri_noninteractive(const char *uri) X2K_NONNULL(1);

/* True when the URI reaches another host (it has a host part). */
bool x2k_uri_is_remote(const struct x2k_uri *u) X2K_NONNULL(1);

#endif /* X2K_URI_H */
