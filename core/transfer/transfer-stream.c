/* The x2k-streamer: its embedded script, the command that runs it, a
 * local child process as its byte channel (a /bin/sh running it, or the
 * OpenSSH client), with every read bounded by the I/O timeout, and the
 * reader that turns those bytes into records through the strict decoder
 * (transfer-decode.c, protocol version 2).  Runs on one transfer worker
 * thread per disk.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/shquote.h"
#include "transfer/transfer-internal.h"

extern char **environ;

static const char streamer_script[] =
#include "transfer-streamer.inc"
    ;

/* The streamer script, embedded at build time. */
const char *
x2k_transfer_streamer_script(void)
{
    return streamer_script;
}

/* The remote shell command that runs the streamer. */
char *
x2k_transfer_streamer_command(const char *mode, const char *path,
                              uint64_t offset, bool is_block, bool verify,
                              int keepalive, const char *remote_path)
{
    struct x2k_buf b = { 0 };

    if (remote_path) {
        x2k_buf_puts(&b, "PATH=");
        x2k_shell_quote_buf(&b, remote_path);
        x2k_buf_puts(&b, "; export PATH; ");
    }
    x2k_buf_puts(&b, "exec /bin/sh -c ");
    x2k_shell_quote_buf(&b, streamer_script);
    x2k_buf_puts(&b, " x2k-streamer ");
    x2k_shell_quote_buf(&b, mode);
    x2k_buf_puts(&b, " ");
    x2k_shell_quote_buf(&b, path);
    x2k_buf_printf(&b, " %llu %d %d %d", (unsigned long long)offset,
                   is_block ? 1 : 0, verify ? 1 : 0,
                   keepalive > 0 ? keepalive : 5);
    return x2k_buf_steal(&b);
}

/* The streamer's keepalive interval for reads bounded by TIMEOUT_MS:
 * several keepalives fit in one timeout. */
int
tx_keepalive_for(int timeout_ms)
{
    int s = timeout_ms / 4000;

    return s < 1 ? 1 : s > 5 ? 5 : s;
}

/* A read that got no byte for TIMEOUT_MS. */
void
tx_timeout_error(struct x2k_error *err, int timeout_ms)
{
    x2k_error_set(err, X2K_ERR_TIMEOUT,
                  _("No data came from the Xen host for %1$d seconds (option --io-timeout)."),
                  timeout_ms / 1000);
}

/* ---- A local child running the streamer. ---- */

struct local_chan {
    struct tx_chan chan;
    pid_t pid;
    int timeout_ms;
    int out_fd;
    int err_fd;
    struct x2k_buf errtext;
    struct x2k_reporter *rep;
};

/* Keep what the child wrote to stderr (up to 64 KiB). */
static void
drain_stderr(struct local_chan *lc)
{
    char tmp[4096];
    ssize_t n;

    while (lc->err_fd >= 0) {
        n = read(lc->err_fd, tmp, sizeof tmp);
        if (n > 0) {
            if (lc->errtext.len < 65536)
                x2k_buf_append(&lc->errtext, tmp, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0) {
            close(lc->err_fd);
            lc->err_fd = -1;
        }
        break;
    }
}

/* Read the child's stdout, draining its stderr meanwhile; no byte for
 * the timeout is an error. */
static ssize_t
local_chan_read(struct tx_chan *c, void *buf, size_t n, struct x2k_error *err)
{
    struct local_chan *lc = (struct local_chan *)c;
    double start = x2k_now();

    for (;;) {
        struct pollfd p[2] = {
            { .fd = lc->out_fd, .events = POLLIN },
            { .fd = lc->err_fd, .events = POLLIN },
        };
        ssize_t r;

        if (x2k_reporter_is_cancelled(lc->rep)) {
            x2k_error_set(err, X2K_ERR_CANCELLED, _("The copy was cancelled."));
            return -1;
        }
        if (lc->timeout_ms > 0 &&
            (x2k_now() - start) * 1000 >= lc->timeout_ms) {
            tx_timeout_error(err, lc->timeout_ms);
            return -1;
        }
        if (poll(p, lc->err_fd >= 0 ? 2 : 1, 200) < 0) {
            if (errno == EINTR)
                continue;
            x2k_error_set_errno(err, X2K_ERR_IO, errno,
                                _("Cannot read from the disk streamer."));
            return -1;
        }
        if (lc->err_fd >= 0 && p[1].revents)
            drain_stderr(lc);
        if (!p[0].revents)
            continue;
        r = read(lc->out_fd, buf, n);
        if (r >= 0)
            return r;
        if (errno == EINTR || errno == EAGAIN)
            continue;
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot read from the disk streamer."));
        return -1;
    }
}

/* Reap the child: its exit status and stderr. */
static int
local_chan_close(struct tx_chan *c, bool abort, int *status, char **errtext,
                 struct x2k_error *err)
{
    struct local_chan *lc = (struct local_chan *)c;
    int wstatus = 0;

    if (abort)
        kill(lc->pid, SIGTERM);
    close(lc->out_fd);
    while (waitpid(lc->pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    if (lc->err_fd >= 0) {
        drain_stderr(lc);
        if (lc->err_fd >= 0)
            close(lc->err_fd);
    }
    if (status)
        *status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus)
                                     : 128 + WTERMSIG(wstatus);
    if (errtext)
        *errtext = x2k_buf_steal(&lc->errtext);
    else
        x2k_buf_clear(&lc->errtext);
    free(lc);
    return 0;
}

/* Spawn ARGV (FILE looked up in PATH) with stdout and stderr piped. */
struct tx_chan *
tx_spawn_chan(const char *file, char *const argv[], const char *path_env,
              int timeout_ms, struct x2k_reporter *rep, struct x2k_error *err)
{
    struct local_chan *lc;
    posix_spawn_file_actions_t fa;
    char **envp = environ;
    char **own_env = NULL;
    char *own_path = NULL;
    int out[2], errp[2], r;
    size_t i, n;

    if (pipe2(out, O_CLOEXEC) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot start the disk streamer."));
        return NULL;
    }
    if (pipe2(errp, O_CLOEXEC) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot start the disk streamer."));
        close(out[0]);
        close(out[1]);
        return NULL;
    }
    if (path_env) {
        for (n = 0; environ[n]; n++)
            ;
        own_env = x2k_xcalloc(n + 2, sizeof *own_env);
        for (i = n = 0; environ[i]; i++) {
            if (!x2k_str_has_prefix(environ[i], "PATH="))
                own_env[n++] = environ[i];
        }
        own_path = x2k_strdup_printf("PATH=%s", path_env);
        own_env[n++] = own_path;
        envp = own_env;
    }

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    lc = x2k_xcalloc(1, sizeof *lc);
    r = posix_spawnp(&lc->pid, file, &fa, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    free(own_env);
    free(own_path);
    close(out[1]);
    close(errp[1]);
    if (r != 0) {
        close(out[0]);
        close(errp[0]);
        free(lc);
        x2k_error_set_errno(err, X2K_ERR_IO, r,
                            _("Cannot start the disk streamer."));
        return NULL;
    }
    lc->out_fd = out[0];
    lc->err_fd = errp[0];
    /* Drained whenever poll says so: never block on it. */
    fcntl(lc->err_fd, F_SETFL, O_NONBLOCK);
    lc->rep = rep;
    lc->timeout_ms = timeout_ms;
    lc->chan.read = local_chan_read;
    lc->chan.close = local_chan_close;
    return &lc->chan;
}

/* The streamer asked for Q, run by a local /bin/sh. */
struct tx_chan *
tx_local_exec_chan(const struct tx_stream_req *q, struct x2k_reporter *rep,
                   struct x2k_error *err)
{
    char off[32], blk[2], ver[2], ka[16];
    char *argv[11];

    snprintf(off, sizeof off, "%llu", (unsigned long long)q->offset);
    snprintf(blk, sizeof blk, "%d", q->is_block ? 1 : 0);
    snprintf(ver, sizeof ver, "%d", q->verify ? 1 : 0);
    snprintf(ka, sizeof ka, "%d", tx_keepalive_for(q->timeout_ms));
    argv[0] = (char *)"/bin/sh";
    argv[1] = (char *)"-c";
    argv[2] = (char *)streamer_script;
    argv[3] = (char *)"x2k-streamer";
    argv[4] = (char *)q->mode;
    argv[5] = (char *)q->path;
    argv[6] = off;
    argv[7] = blk;
    argv[8] = ver;
    argv[9] = ka;
    argv[10] = NULL;
    return tx_spawn_chan("/bin/sh", argv, q->remote_path, q->timeout_ms, rep,
                         err);
}

/* ---- The stream reader: bytes from the channel, records from the
 * strict decoder (transfer-decode.c). ---- */

#define IN_CAP (TX_DEC_MAX_RECORD + 64 * 1024)  /* the largest record fits */

struct stream_reader {
    struct tx_reader r;
    struct tx_chan *chan;
    char *source;
    struct tx_dec dec;
    unsigned char *buf;         /* IN_CAP bytes */
    size_t start, end;          /* unread bytes are buf[start, end) */
    bool eof;
    bool done;                  /* the end record was returned */
};

/* Stop the streamer and close the channel; what it wrote to stderr
 * (caller frees; NULL if nothing). */
static char *
stream_abort(struct stream_reader *s)
{
    char *errtext = NULL;

    if (s->chan) {
        s->chan->close(s->chan, true, NULL, &errtext, NULL);
        s->chan = NULL;
    }
    return errtext;
}

/* ERR = CODE with the message FMT..., and as detail SAID, else the
 * streamer's stderr.  The channel is closed.  -1. */
static int X2K_PRINTF(5, 6)
stream_error(struct stream_reader *s, enum x2k_errcode code,
             const char *said, struct x2k_error *err, const char *fmt, ...)
{
    char *errtext = stream_abort(s);
    char *msg;
    va_list ap;

    va_start(ap, fmt);
    msg = x2k_strdup_vprintf(fmt, ap);
    va_end(ap);
    x2k_error_set(err, code, "%s", msg);
    free(msg);
    if (said && *said)
        x2k_error_set_detail(err, said);
    else if (errtext && *errtext)
        x2k_error_set_detail(err, errtext);
    free(errtext);
    return -1;
}

/* The stream ended early or said 'X': explain with the streamer's own
 * words (its stderr) when there are any. */
static int
stream_failed(struct stream_reader *s, const char *said,
              struct x2k_error *err)
{
    return stream_error(s, X2K_ERR_REMOTE, said, err,
                        _("Reading the disk '%1$s' on the Xen host failed."),
                        s->source);
}

/* The decoder rejected the stream: say why, and read no more of it. */
static int
stream_rejected(struct stream_reader *s, struct x2k_error *err)
{
    char *detail;

    /* Not one byte: the transport failed, not the streamer. */
    if (!s->dec.have_header && s->eof && s->end == 0)
        return stream_error(s, X2K_ERR_SSH, NULL, err,
                            _("The connection to the Xen host closed before the disk '%1$s' could be read."),
                            s->source);
    if (s->eof)
        return stream_failed(s, NULL, err);
    if (s->dec.version && s->dec.version != TX_DEC_VERSION) {
        stream_failed(s, NULL, NULL);
        x2k_error_set(err, X2K_ERR_REMOTE,
                      _("The disk streamer speaks protocol version %1$u; this program needs version %2$u."),
                      s->dec.version, (unsigned)TX_DEC_VERSION);
        return -1;
    }
    x2k_log(X2K_LOG_DEBUG, "streamer: %s rejected at byte %zu: %s",
            s->source, s->start, s->dec.why);
    detail = x2k_strdup_printf("x2k-streamer: %s", s->dec.why);
    stream_failed(s, detail, err);
    free(detail);
    return -1;
}

/* The next record of the decoder, reading the channel as it needs:
 * 1, 0 when the stream has ended where it may, -1 with ERR set (the
 * channel is then closed). */
static int
pull(struct stream_reader *s, struct tx_dec_rec *rec, struct x2k_error *err)
{
    size_t used;
    ssize_t n;

    for (;;) {
        switch (tx_dec_step(&s->dec, s->buf + s->start, s->end - s->start,
                            s->eof, rec, &used)) {
        case TX_DEC_RECORD:
            s->start += used;
            return 1;
        case TX_DEC_EOF:
            return 0;
        case TX_DEC_BAD:
            return stream_rejected(s, err);
        default:
            break;
        }
        /* USED bytes from START are needed (at most a whole record). */
        if (s->start > 0 && (s->start + used > IN_CAP || s->end == IN_CAP)) {
            memmove(s->buf, s->buf + s->start, s->end - s->start);
            s->end -= s->start;
            s->start = 0;
        }
        n = s->chan->read(s->chan, s->buf + s->end, IN_CAP - s->end, err);
        if (n < 0) {
            s->chan->close(s->chan, true, NULL, NULL, NULL);
            s->chan = NULL;
            return -1;
        }
        if (n == 0)
            s->eof = true;
        s->end += (size_t)n;
    }
}

/* The streamer's own error record, as the error. */
static int
stream_said(struct stream_reader *s, const struct tx_dec_rec *dr,
            struct x2k_error *err)
{
    char *msg = x2k_xstrndup(dr->text, dr->text_len);
    int k = stream_failed(s, msg, err);

    free(msg);
    return k;
}

/* The next record for the copy loop. */
static int
stream_next(struct tx_reader *r, struct tx_rec *rec, struct x2k_error *err)
{
    struct stream_reader *s = (struct stream_reader *)r;
    struct tx_dec_rec dr;
    int k;

    for (;;) {
        if (!s->chan)
            return stream_failed(s, NULL, err);
        k = pull(s, &dr, err);
        if (k < 0)
            return -1;
        if (k == 0)
            return stream_failed(s, "x2k-streamer: no end record", err);
        switch (dr.kind) {
        case TX_DEC_KEEPALIVE:
            continue;
        case TX_DEC_DATA:
        case TX_DEC_ZERO:
        case TX_DEC_RAW:
            rec->off = dr.off;
            rec->len = dr.len;
            rec->data = (const char *)dr.data;
            rec->kind = dr.kind == TX_DEC_ZERO ? TX_REC_ZERO
                        : dr.kind == TX_DEC_DATA ? TX_REC_DATA
                        : tx_is_zero(dr.data, dr.len) ? TX_REC_ZERO
                                                      : TX_REC_DATA;
            return 0;
        case TX_DEC_END:
            if (dr.hash) {
                r->hash_alg = x2k_xstrndup(dr.alg, dr.alg_len);
                r->hash = x2k_xstrndup(dr.hash, dr.hash_len);
            }
            s->done = true;
            rec->kind = TX_REC_END;
            rec->off = r->size;
            rec->len = 0;
            rec->data = NULL;
            return 0;
        case TX_DEC_FAILED:
            return stream_said(s, &dr, err);
        default:
            return stream_failed(s, "x2k-streamer: unexpected record", err);
        }
    }
}

/* Close the channel; the streamer's exit status decides. */
static int
stream_close(struct tx_reader *r, bool abort, struct x2k_error *err)
{
    struct stream_reader *s = (struct stream_reader *)r;
    char *errtext = NULL;
    int status = 0, ret = 0;

    if (s->chan && !abort && s->done) {
        /* Read to the end: nothing may follow the end record, and the
         * exit status is known only then. */
        struct tx_dec_rec dr;

        if (pull(s, &dr, err) != 0)
            return -1;
    }
    if (s->chan) {
        if (s->chan->close(s->chan, abort || !s->done, &status, &errtext,
                           abort ? NULL : err) < 0)
            ret = -1;
        s->chan = NULL;
        if (!abort && ret == 0 && status != 0) {
            x2k_error_set(err, X2K_ERR_REMOTE,
                          _("The disk streamer for '%1$s' exited with status %2$d."),
                          s->source, status);
            x2k_error_set_detail(err, errtext);
            ret = -1;
        }
        if (errtext && *errtext)
            x2k_log(X2K_LOG_DEBUG, "streamer stderr: %s", errtext);
    }
    free(errtext);
    return ret;
}

/* Release the channel and the buffer. */
static void
stream_free(struct tx_reader *r)
{
    struct stream_reader *s = (struct stream_reader *)r;

    if (s->chan)
        s->chan->close(s->chan, true, NULL, NULL, NULL);
    free(s->buf);
    free(s->source);
}

static const struct tx_reader_ops stream_ops = {
    .name = "stream",
    .next = stream_next,
    .close = stream_close,
    .free = stream_free,
};

/* A stream reader over CHAN in MODE, before its first record. */
static struct stream_reader *
stream_new(struct tx_chan *chan, const char *source, enum tx_dec_mode mode,
           uint64_t offset)
{
    struct stream_reader *s = x2k_xcalloc(1, sizeof *s);

    s->r.ops = &stream_ops;
    s->chan = chan;
    s->source = x2k_xstrdup(source);
    s->buf = x2k_xmalloc(IN_CAP);
    tx_dec_init(&s->dec, mode, offset);
    return s;
}

/* Read the streamer's header (or the dd fallback's line). */
struct tx_reader *
tx_stream_reader_new(struct tx_chan *chan, const char *source,
                     uint64_t offset, struct x2k_error *err)
{
    struct stream_reader *s = stream_new(chan, source, TX_DEC_COPY, offset);
    struct tx_dec_rec dr;
    int k;

    k = pull(s, &dr, err);
    if (k == 0)
        stream_failed(s, NULL, err);
    if (k <= 0)
        goto fail;
    if (dr.kind == TX_DEC_FAILED) {
        stream_said(s, &dr, err);
        goto fail;
    }
    s->r.size = s->dec.size;
    s->r.offset = s->dec.offset;
    s->r.mtime = s->dec.mtime;
    if (s->dec.raw) {
        s->r.dd_fallback = true;
        /* The job warns once per disk (tx_reader.dd_fallback). */
        x2k_log(X2K_LOG_DEBUG,
                "transfer: %s: no perl on the source host; copying with dd "
                "(zeros are sent, then skipped here)", source);
    }
    return &s->r;
fail:
    tx_reader_free(&s->r);
    return NULL;
}

/* Read the streamer's hash mode answer. */
int
tx_stream_hash(struct tx_chan *chan, const char *source, char **alg,
               char **hex, struct x2k_error *err)
{
    struct stream_reader *s = stream_new(chan, source, TX_DEC_HASH, 0);
    struct tx_dec_rec dr;
    int k, ret = -1;

    *alg = *hex = NULL;
    do
        k = pull(s, &dr, err);
    while (k > 0 && (dr.kind == TX_DEC_HEADER ||
                     dr.kind == TX_DEC_KEEPALIVE));
    if (k < 0)
        goto out;
    if (k > 0 && dr.kind == TX_DEC_FAILED) {
        stream_said(s, &dr, err);
        goto out;
    }
    if (k > 0 && dr.kind == TX_DEC_NOHASH) {
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("The Xen host can compute no checksum of '%1$s' (neither perl's Digest::MD5 nor md5sum is installed)."),
                      source);
        goto out;
    }
    if (k == 0 || !dr.hash) {
        stream_failed(s, NULL, NULL);
        x2k_error_set(err, X2K_ERR_REMOTE,
                      _("Computing the checksum of '%1$s' on the Xen host failed."),
                      source);
        goto out;
    }
    *alg = x2k_xstrndup(dr.alg, dr.alg_len);
    *hex = x2k_xstrndup(dr.hash, dr.hash_len);
    s->done = true;
    if (stream_close(&s->r, false, err) < 0) {
        free(*alg);
        free(*hex);
        *alg = *hex = NULL;
        goto out;
    }
    ret = 0;
out:
    tx_reader_free(&s->r);
    return ret;
}
