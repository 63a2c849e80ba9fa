/* struct x2k_error helpers.  No global state; any thread. */
#include <config.h>

#include <stdio.h>

#include "base/error.h"

static void
error_vset(struct x2k_error *err, enum x2k_errcode code, int errnum,
           const char *fmt, va_list ap)
{
    if (!err || err->code != X2K_ERR_NONE)
        return;
    err->code = code;
    err->errnum = errnum;
    err->msg = x2k_strdup_vprintf(fmt, ap);
    if (errnum)
        err->detail = x2k_xstrdup(strerror(errnum));
}

void
x2k_error_set(struct x2k_error *err, enum x2k_errcode code,
              const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vset(err, code, 0, fmt, ap);
    va_end(ap);
}

void
x2k_error_set_errno(struct x2k_error *err, enum x2k_errcode code,
                    int errnum, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vset(err, code, errnum, fmt, ap);
    va_end(ap);
}

void
x2k_error_set_detail(struct x2k_error *err, const char *detail)
{
    if (!err || err->code == X2K_ERR_NONE || !detail)
        return;
    x2k_str_replace(&err->detail, detail);
}

bool
x2k_error_is_set(const struct x2k_error *err)
{
    return err && err->code != X2K_ERR_NONE;
}

void
x2k_error_clear(struct x2k_error *err)
{
    if (!err)
        return;
    free(err->msg);
    free(err->detail);
    err->code = X2K_ERR_NONE;
    err->errnum = 0;
    err->msg = err->detail = NULL;
}

void
x2k_error_move(struct x2k_error *dst, struct x2k_error *src)
{
    x2k_error_clear(dst);
    *dst = *src;
    src->code = X2K_ERR_NONE;
    src->errnum = 0;
    src->msg = src->detail = NULL;
}

char *
x2k_error_format(const struct x2k_error *err)
{
    if (!err->msg)
        return x2k_xstrdup(x2k_errcode_name(err->code));
    if (err->detail && *err->detail)
        return x2k_strdup_printf("%s: %s", err->msg, err->detail);
    return x2k_xstrdup(err->msg);
}

const char *
x2k_errcode_name(enum x2k_errcode code)
{
    static const char *const names[] = {
        [X2K_ERR_NONE] = "none",
        [X2K_ERR_INTERNAL] = "internal",
        [X2K_ERR_INVALID] = "invalid",
        [X2K_ERR_IO] = "io",
        [X2K_ERR_NOSPACE] = "no-space",
        [X2K_ERR_SSH_CONNECT] = "ssh-connect",
        [X2K_ERR_SSH_HOSTKEY] = "ssh-hostkey",
        [X2K_ERR_SSH_AUTH] = "ssh-auth",
        [X2K_ERR_SSH] = "ssh",
        [X2K_ERR_REMOTE] = "remote",
        [X2K_ERR_LIBVIRT] = "libvirt",
        [X2K_ERR_XML] = "xml",
        [X2K_ERR_GUESTFS] = "guestfs",
        [X2K_ERR_NOT_FOUND] = "not-found",
        [X2K_ERR_PREFLIGHT] = "preflight",
        [X2K_ERR_VERIFY] = "verify",
        [X2K_ERR_UNSUPPORTED] = "unsupported",
        [X2K_ERR_TIMEOUT] = "timeout",
        [X2K_ERR_CANCELLED] = "cancelled",
        [X2K_ERR_V2V] = "virt-v2v",
    };

    if ((size_t)code < X2K_N_ELEMENTS(names) && names[code])
        return names[code];
    return "unknown";
}
