/* The SSH side of the transfer: one core/ssh session per worker thread
 * (host key check and login always go through it), the streamer over
 * its exec channel or, after a key or agent login, through the OpenSSH
 * client (AES-GCM; libssh2 1.10 decrypts 16 bytes per call and is 2-3x
 * slower), and an SFTP block reader (libssh2 SFTP on the same session;
 * SFTP cannot find holes, so every byte is sent and zeros are detected
 * here).  Runs on one transfer worker.
 */
#include <config.h>

#include <libssh2.h>
#include <libssh2_sftp.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/shquote.h"
#include "plan/options.h"
#include "ssh/ssh.h"
#include "transfer/transfer-ssh.h"

struct tx_ssh {
    struct x2k_ssh *s;
    bool owned;                 /* S is freed with this */
    struct x2k_ssh_opts o;      /* borrowed strings, no password */
    struct x2k_reporter *rep;
    bool openssh;               /* the data goes through the OpenSSH client */
    bool only_openssh;          /* ... and nothing else can (RSA-only) */
};

/* Wrap the logged-in session S (OWNED: freed with T) and decide
 * whether OpenSSH carries the data. */
static struct tx_ssh *
wrap(const struct x2k_ssh_opts *opts, struct x2k_ssh *s, bool owned,
     enum x2k_transfer_transport transport, struct x2k_reporter *rep,
     struct x2k_error *err)
{
    struct tx_ssh *t = x2k_xcalloc(1, sizeof *t);
    const char *method;

    t->o = *opts;
    t->o.reporter = rep;
    t->o.password = NULL;
    t->rep = rep;
    t->s = s;
    t->owned = owned;
    /* The OpenSSH client can only take over non-interactive logins;
     * a host only it can talk to gets nothing else. */
    method = x2k_ssh_auth_method(t->s);
    t->only_openssh = x2k_ssh_uses_openssh(t->s);
    if (t->only_openssh && transport == X2K_TRANSPORT_LIBSSH2) {
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("libssh2 cannot copy from %1$s: the host has only an RSA host key, which only the OpenSSH client can verify."),
                      opts->host);
        tx_ssh_free(t);
        return NULL;
    }
    t->openssh = t->only_openssh ||
                 (transport != X2K_TRANSPORT_LIBSSH2 &&
                  (x2k_str_equal(method, "agent") ||
                   x2k_str_equal(method, "publickey")));
    if (transport == X2K_TRANSPORT_OPENSSH && !t->openssh) {
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("The OpenSSH client can copy the disks only after a key or agent login, not after '%1$s'."),
                      method);
        tx_ssh_free(t);
        return NULL;
    }
    return t;
}

/* Log in with core/ssh and decide whether OpenSSH carries the data. */
struct tx_ssh *
tx_ssh_connect(const struct x2k_ssh_opts *opts,
               enum x2k_transfer_transport transport,
               struct x2k_reporter *rep, struct x2k_error *err)
{
    struct x2k_ssh_opts o = *opts;
    struct x2k_ssh *s;

    o.reporter = rep;
    s = x2k_ssh_connect(&o, err);
    return s ? wrap(opts, s, true, transport, rep, err) : NULL;
}

/* Use the session S the caller logged in (it stays the caller's). */
struct tx_ssh *
tx_ssh_adopt(const struct x2k_ssh_opts *opts, struct x2k_ssh *s,
             enum x2k_transfer_transport transport, struct x2k_reporter *rep,
             struct x2k_error *err)
{
    return wrap(opts, s, false, transport, rep, err);
}

/* Whether exec channels go through the OpenSSH client. */
bool
tx_ssh_uses_openssh(const struct tx_ssh *t)
{
    return t->openssh;
}

/* Use libssh2 for the next exec channels, if it can talk to the host. */
bool
tx_ssh_disable_openssh(struct tx_ssh *t)
{
    if (t->only_openssh)
        return false;
    t->openssh = false;
    return true;
}

/* The streamer command through `ssh', with the host key file and the
 * login that core/ssh has just checked (x2k_ssh_openssh_argv). */
static struct tx_chan *
openssh_chan(struct tx_ssh *t, const char *cmd, int timeout_ms,
             struct x2k_error *err)
{
    char **argv = x2k_ssh_openssh_argv(t->s, cmd);
    struct tx_chan *c = tx_spawn_chan("ssh", argv, NULL, timeout_ms, t->rep,
                                      err);

    x2k_argv_free(argv);
    return c;
}

/* Close the session. */
void
tx_ssh_free(struct tx_ssh *t)
{
    if (!t)
        return;
    if (t->owned)
        x2k_ssh_free(t->s);
    free(t);
}

/* ---- The streamer over an exec channel. ---- */

struct ssh_chan {
    struct tx_chan chan;
    struct x2k_ssh_chan *c;
    int timeout_ms;
};

/* Read from the exec channel; no byte for the timeout is an error. */
static ssize_t
ssh_chan_read(struct tx_chan *chan, void *buf, size_t n, struct x2k_error *err)
{
    struct ssh_chan *sc = (struct ssh_chan *)chan;
    struct x2k_error e = X2K_ERROR_INIT;
    ssize_t r = x2k_ssh_chan_read(sc->c, buf, n, sc->timeout_ms, &e);

    if (r < 0 && e.code == X2K_ERR_TIMEOUT) {
        x2k_error_clear(&e);
        tx_timeout_error(err, sc->timeout_ms);
    } else if (r < 0) {
        x2k_error_move(err, &e);
    }
    return r;
}

/* Close the exec channel: its exit status and stderr. */
static int
ssh_chan_close(struct tx_chan *chan, bool abort, int *status, char **errtext,
               struct x2k_error *err)
{
    struct ssh_chan *sc = (struct ssh_chan *)chan;
    int r;

    r = x2k_ssh_chan_close(sc->c, status, errtext, err);
    free(sc);
    return r;
}

/* The streamer asked for Q, through OpenSSH or a libssh2 channel. */
struct tx_chan *
tx_ssh_exec_chan(struct tx_ssh *t, const struct tx_stream_req *q,
                 struct x2k_error *err)
{
    X2K_AUTOFREE char *cmd = x2k_transfer_streamer_command(
        q->mode, q->path, q->offset, q->is_block, q->verify,
        tx_keepalive_for(q->timeout_ms), q->remote_path);
    struct ssh_chan *sc;
    struct x2k_ssh_chan *c;

    if (t->openssh)
        return openssh_chan(t, cmd, q->timeout_ms, err);
    c = x2k_ssh_exec_start(t->s, cmd, err);
    if (!c)
        return NULL;
    sc = x2k_xcalloc(1, sizeof *sc);
    sc->c = c;
    sc->timeout_ms = q->timeout_ms;
    sc->chan.read = ssh_chan_read;
    sc->chan.close = ssh_chan_close;
    return &sc->chan;
}

/* ---- SFTP. ---- */

struct sftp_src {
    struct tx_ssh *t;
    LIBSSH2_SESSION *session;
    LIBSSH2_SFTP *sftp;
    LIBSSH2_SFTP_HANDLE *h;
    char *path;
    uint64_t pos;
    int timeout_ms;
};

/* Set ERR from libssh2's last SFTP error. */
static void
sftp_fail(struct sftp_src *f, struct x2k_error *err)
{
    char *msg = NULL;

    x2k_error_set(err, X2K_ERR_SSH, _("Reading a disk over SFTP failed."));
    libssh2_session_last_error(f->session, &msg, NULL, 0);
    if (msg && *msg)
        x2k_error_set_detail(err, msg);
}

/* Read LEN bytes at OFF over SFTP. */
static int
sftp_read_at(void *h, void *buf, size_t len, uint64_t off,
             struct x2k_error *err)
{
    struct sftp_src *f = h;
    double start = x2k_now();
    size_t got = 0;
    ssize_t n;

    if (off != f->pos) {
        libssh2_sftp_seek64(f->h, off);
        f->pos = off;
    }
    while (got < len) {
        n = libssh2_sftp_read(f->h, (char *)buf + got, len - got);
        if (n > 0) {
            got += n;
            f->pos += n;
            start = x2k_now();
            continue;
        }
        if (n == 0) {
            x2k_error_set(err, X2K_ERR_REMOTE,
                          _("Reading the disk '%1$s' on the Xen host failed."),
                          f->path);
            x2k_error_set_detail(err, "unexpected end of file");
            return -1;
        }
        if (n != LIBSSH2_ERROR_EAGAIN) {
            sftp_fail(f, err);
            return -1;
        }
        if (x2k_now() - start >= f->timeout_ms / 1000.0) {
            tx_timeout_error(err, f->timeout_ms);
            return -1;
        }
        if (x2k_ssh_wait(f->t->s, 0, 0, err) < 0)
            return -1;
    }
    return 0;
}

/* Close the SFTP file and subsystem. */
static void
sftp_close(void *h)
{
    struct sftp_src *f = h;

    if (f->h) {
        while (libssh2_sftp_close_handle(f->h) == LIBSSH2_ERROR_EAGAIN &&
               x2k_ssh_wait(f->t->s, x2k_now(), 5000, NULL) == 0)
            ;
    }
    if (f->sftp) {
        while (libssh2_sftp_shutdown(f->sftp) == LIBSSH2_ERROR_EAGAIN &&
               x2k_ssh_wait(f->t->s, x2k_now(), 5000, NULL) == 0)
            ;
    }
    free(f->path);
    free(f);
}

/* The size of a host block device (SFTP reports 0). */
static int
remote_device_size(struct tx_ssh *t, const char *path, uint64_t *size,
                   struct x2k_error *err)
{
    /* blockdev takes no "--": a relative path gets "./" instead. */
    X2K_AUTOFREE char *dot = x2k_strdup_printf("%s%s",
                                               path[0] == '/' ? "" : "./",
                                               path);
    X2K_AUTOFREE char *q = x2k_shell_quote(path);
    X2K_AUTOFREE char *qd = x2k_shell_quote(dot);
    X2K_AUTOFREE char *cmd = x2k_strdup_printf(
        "blockdev --getsize64 %s 2>/dev/null || "
        "perl -e 'open(F, \"<\", $ARGV[0]) or die; print sysseek(F, 0, 2)' "
        "-- %s", qd, q);
    X2K_AUTOFREE char *out = NULL;

    if (x2k_ssh_run(t->s, cmd, 60000, &out, err) < 0)
        return -1;
    *size = strtoull(out, NULL, 10);
    return 0;
}

/* A block reader over SFTP on session T. */
struct tx_reader *
tx_sftp_reader_new(struct tx_ssh *t, const char *path, bool is_block,
                   uint64_t offset, int timeout_ms, struct x2k_reporter *rep,
                   struct x2k_error *err)
{
    struct tx_block_src src = {
        .read_at = sftp_read_at,
        .seek_data = NULL,
        .close = sftp_close,
    };
    LIBSSH2_SFTP_ATTRIBUTES attrs;
    struct sftp_src *f = x2k_xcalloc(1, sizeof *f);
    double start = x2k_now();
    uint64_t size;
    int r;

    f->t = t;
    f->session = x2k_ssh_raw_session(t->s);
    if (!f->session) {
        free(f);
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("SFTP cannot read the disks of %1$s: the host has only an RSA host key, so only the OpenSSH client talks to it; use the default reader."),
                      t->o.host);
        return NULL;
    }
    f->path = x2k_xstrdup(path);
    f->timeout_ms = timeout_ms;
    while (!(f->sftp = libssh2_sftp_init(f->session))) {
        if (libssh2_session_last_errno(f->session) != LIBSSH2_ERROR_EAGAIN) {
            sftp_fail(f, err);
            goto fail;
        }
        if (x2k_ssh_wait(t->s, start, 30000, err) < 0)
            goto fail;
    }
    while (!(f->h = libssh2_sftp_open_ex(f->sftp, path, strlen(path),
                                         LIBSSH2_FXF_READ, 0,
                                         LIBSSH2_SFTP_OPENFILE))) {
        if (libssh2_session_last_errno(f->session) != LIBSSH2_ERROR_EAGAIN) {
            x2k_error_set(err, X2K_ERR_NOT_FOUND,
                          _("Cannot open the disk '%1$s' over SFTP."), path);
            goto fail;
        }
        if (x2k_ssh_wait(t->s, start, 30000, err) < 0)
            goto fail;
    }
    while ((r = libssh2_sftp_fstat_ex(f->h, &attrs, 0)) ==
           LIBSSH2_ERROR_EAGAIN) {
        if (x2k_ssh_wait(t->s, start, 30000, err) < 0)
            goto fail;
    }
    if (r != 0) {
        sftp_fail(f, err);
        goto fail;
    }
    size = attrs.filesize;
    if (is_block || (LIBSSH2_SFTP_S_ISBLK(attrs.permissions) && size == 0)) {
        if (remote_device_size(t, path, &size, err) < 0)
            goto fail;
    }
    src.h = f;
    /* The checksum must come from the Xen host itself: tx_source_hash
     * runs the streamer's hash mode there. */
    return tx_block_reader_new("sftp", &src, size, attrs.mtime, offset,
                               false, rep, err);

fail:
    sftp_close(f);
    return NULL;
}
