/* One way to fail.  A fallible core function returns -1 or NULL and
 * fills its last parameter, a struct x2k_error, exactly once where the
 * failure happens.  Only front ends display errors.
 */
#ifndef X2K_ERROR_H
#define X2K_ERROR_H

#include "base/util.h"

enum x2k_errcode {
    X2K_ERR_NONE = 0,
    X2K_ERR_INTERNAL,           /* a bug */
    X2K_ERR_INVALID,            /* bad input: option, XML, name */
    X2K_ERR_IO,                 /* local file or device */
    X2K_ERR_NOSPACE,            /* ENOSPC or preflight space check */
    X2K_ERR_SSH_CONNECT,        /* TCP, handshake */
    X2K_ERR_SSH_HOSTKEY,        /* unknown, rejected or changed host key */
    X2K_ERR_SSH_AUTH,           /* no method worked */
    X2K_ERR_SSH,                /* channel, exec, sftp */
    X2K_ERR_REMOTE,             /* remote command failed */
    X2K_ERR_LIBVIRT,
    X2K_ERR_XML,
    X2K_ERR_GUESTFS,
    X2K_ERR_NOT_FOUND,          /* VM, pool, network, file */
    X2K_ERR_PREFLIGHT,          /* a preflight check failed */
    X2K_ERR_VERIFY,             /* checksum mismatch */
    X2K_ERR_UNSUPPORTED,
    X2K_ERR_TIMEOUT,
    X2K_ERR_CANCELLED,
    X2K_ERR_V2V,                /* virt-v2v failed (its log kept) */
};

struct x2k_error {
    enum x2k_errcode code;
    int errnum;                 /* errno or 0 */
    char *msg;                  /* translated sentence */
    char *detail;               /* raw library text or NULL */
};

#define X2K_ERROR_INIT { X2K_ERR_NONE, 0, NULL, NULL }

/* Set ERR (if not NULL).  A second set on an already-set ERR keeps the
 * first message: the innermost failure is the one that explains. */
void x2k_error_set(struct x2k_error *err, enum x2k_errcode code,
                   const char *fmt, ...) X2K_PRINTF(3, 4);

/* Same, with errno ERRNUM appended as strerror text in detail. */
void x2k_error_set_errno(struct x2k_error *err, enum x2k_errcode code,
                         int errnum, const char *fmt, ...)
    X2K_PRINTF(4, 5);

/* Attach raw library text to an already-set error (copied). */
void x2k_error_set_detail(struct x2k_error *err, const char *detail);

bool x2k_error_is_set(const struct x2k_error *err);

/* Release the strings and reset to X2K_ERR_NONE.  NULL is a no-op. */
void x2k_error_clear(struct x2k_error *err);

/* Move SRC into DST (DST cleared first); SRC is left empty. */
void x2k_error_move(struct x2k_error *dst, struct x2k_error *src);

/* "msg: detail" or "msg"; caller frees. */
char *x2k_error_format(const struct x2k_error *err);

/* Stable, untranslated name of CODE ("ssh-auth"), for JSON output. */
const char *x2k_errcode_name(enum x2k_errcode code);

#endif /* X2K_ERROR_H */
