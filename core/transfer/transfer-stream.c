/* The x2k-streamer: its embedded script, the command that runs it, a
 * local /bin/sh channel for it, and the decoder of its framed records
 * (protocol version 1, see transfer-streamer.sh) or of its dd
 * fallback.  Runs on one transfer worker thread per disk.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/log.h"
#include "base/shquote.h"
#include "transfer/transfer-internal.h"

#define MIN(a, b) ((a) < (b) ? (a) : (b))

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
                              const char *remote_path)
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
    x2k_buf_printf(&b, " %llu %d %d", (unsigned long long)offset,
                   is_block ? 1 : 0, verify ? 1 : 0);
    return x2k_buf_steal(&b);
}

/* ---- A local child running the streamer. ---- */

struct local_chan {
    struct tx_chan chan;
    pid_t pid;
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

/* Read the child's stdout, draining its stderr meanwhile. */
static ssize_t
local_chan_read(struct tx_chan *c, void *buf, size_t n, struct x2k_error *err)
{
    struct local_chan *lc = (struct local_chan *)c;

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
              struct x2k_reporter *rep, struct x2k_error *err)
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
    lc->chan.read = local_chan_read;
    lc->chan.close = local_chan_close;
    return &lc->chan;
}

/* The streamer in MODE run by a local /bin/sh. */
struct tx_chan *
tx_local_exec_chan(const char *mode, const char *path, uint64_t offset,
                   bool is_block, bool verify, const char *path_env,
                   struct x2k_reporter *rep, struct x2k_error *err)
{
    char off[32], blk[2], ver[2];
    char *argv[10];

    snprintf(off, sizeof off, "%llu", (unsigned long long)offset);
    snprintf(blk, sizeof blk, "%d", is_block ? 1 : 0);
    snprintf(ver, sizeof ver, "%d", verify ? 1 : 0);
    argv[0] = (char *)"/bin/sh";
    argv[1] = (char *)"-c";
    argv[2] = (char *)streamer_script;
    argv[3] = (char *)"x2k-streamer";
    argv[4] = (char *)mode;
    argv[5] = (char *)path;
    argv[6] = off;
    argv[7] = blk;
    argv[8] = ver;
    argv[9] = NULL;
    return tx_spawn_chan("/bin/sh", argv, path_env, rep, err);
}

/* ---- The decoder. ---- */

#define IN_CAP (TX_BLOCK + 64 * 1024)   /* the largest record fits */

struct stream_reader {
    struct tx_reader r;
    struct tx_chan *chan;
    char *source;
    struct x2k_reporter *rep;
    char *buf;                  /* IN_CAP bytes */
    size_t start, end;          /* unread bytes are buf[start, end) */
    bool eof;
    bool raw;                   /* dd fallback: raw bytes follow */
    uint64_t raw_pos;           /* next offset in raw mode */
    bool done;
};

/* A big-endian 64-bit number. */
static uint64_t
get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

/* A big-endian 32-bit number. */
static uint32_t
get_u32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

/* Make at least N bytes available; 0 if EOF came first. */
static int
need(struct stream_reader *s, size_t n, struct x2k_error *err)
{
    ssize_t r;

    while (s->end - s->start < n) {
        if (s->eof)
            return 0;
        if (s->start > 0 && (s->start + n > IN_CAP || s->end == IN_CAP)) {
            memmove(s->buf, s->buf + s->start, s->end - s->start);
            s->end -= s->start;
            s->start = 0;
        }
        r = s->chan->read(s->chan, s->buf + s->end, IN_CAP - s->end, err);
        if (r < 0)
            return -1;
        if (r == 0)
            s->eof = true;
        s->end += r;
    }
    return 1;
}

/* The stream ended early or said 'X': explain with the streamer's own
 * words (its stderr) when there are any. */
static int
stream_failed(struct stream_reader *s, const char *said,
              struct x2k_error *err)
{
    char *errtext = NULL;
    int status = -1;

    if (s->chan) {
        s->chan->close(s->chan, true, &status, &errtext, NULL);
        s->chan = NULL;
    }
    x2k_error_set(err, X2K_ERR_REMOTE,
                  _("Reading the disk '%1$s' on the Xen host failed."),
                  s->source);
    if (said && *said)
        x2k_error_set_detail(err, said);
    else if (errtext && *errtext)
        x2k_error_set_detail(err, errtext);
    free(errtext);
    return -1;
}

/* Decode the next record (a raw block in the dd fallback). */
static int
stream_next(struct tx_reader *r, struct tx_rec *rec, struct x2k_error *err)
{
    struct stream_reader *s = (struct stream_reader *)r;
    const unsigned char *p;
    int k;

    if (s->raw) {
        size_t want;

        if (s->raw_pos >= r->size) {
            s->done = true;
            rec->kind = TX_REC_END;
            rec->off = r->size;
            rec->len = 0;
            return 0;
        }
        want = r->size - s->raw_pos < TX_BLOCK ? r->size - s->raw_pos
                                               : TX_BLOCK;
        k = need(s, want, err);
        if (k < 0)
            return -1;
        if (k == 0)
            return stream_failed(s, "x2k-streamer: short read from dd", err);
        rec->off = s->raw_pos;
        rec->len = want;
        rec->data = s->buf + s->start;
        rec->kind = tx_is_zero(rec->data, want) ? TX_REC_ZERO : TX_REC_DATA;
        s->start += want;
        s->raw_pos += want;
        return 0;
    }

    if ((k = need(s, 1, err)) <= 0)
        return k < 0 ? -1 : stream_failed(s, NULL, err);
    p = (const unsigned char *)s->buf + s->start;
    switch (p[0]) {
    case 'D':
        if ((k = need(s, 13, err)) <= 0)
            return k < 0 ? -1 : stream_failed(s, NULL, err);
        p = (const unsigned char *)s->buf + s->start;
        rec->kind = TX_REC_DATA;
        rec->off = get_u64(p + 1);
        rec->len = get_u32(p + 9);
        if (rec->len > TX_BLOCK || rec->off + rec->len > r->size)
            return stream_failed(s, "x2k-streamer: bad data record", err);
        if ((k = need(s, 13 + rec->len, err)) <= 0)
            return k < 0 ? -1 : stream_failed(s, NULL, err);
        rec->data = s->buf + s->start + 13;
        s->start += 13 + rec->len;
        return 0;
    case 'Z':
        if ((k = need(s, 17, err)) <= 0)
            return k < 0 ? -1 : stream_failed(s, NULL, err);
        p = (const unsigned char *)s->buf + s->start;
        rec->kind = TX_REC_ZERO;
        rec->off = get_u64(p + 1);
        rec->len = get_u64(p + 9);
        rec->data = NULL;
        if (rec->off + rec->len > r->size || rec->off + rec->len < rec->off)
            return stream_failed(s, "x2k-streamer: bad zero record", err);
        s->start += 17;
        return 0;
    case 'E': {
        size_t alen, hlen;

        if ((k = need(s, 10, err)) <= 0)
            return k < 0 ? -1 : stream_failed(s, NULL, err);
        p = (const unsigned char *)s->buf + s->start;
        alen = p[9];
        if ((k = need(s, 10 + alen + 1, err)) <= 0)
            return k < 0 ? -1 : stream_failed(s, NULL, err);
        p = (const unsigned char *)s->buf + s->start;
        hlen = p[10 + alen];
        if ((k = need(s, 11 + alen + hlen, err)) <= 0)
            return k < 0 ? -1 : stream_failed(s, NULL, err);
        p = (const unsigned char *)s->buf + s->start;
        if (alen && hlen) {
            r->hash_alg = x2k_xstrndup((const char *)p + 10, alen);
            r->hash = x2k_xstrndup((const char *)p + 11 + alen, hlen);
        }
        s->start += 11 + alen + hlen;
        rec->kind = TX_REC_END;
        rec->off = r->size;
        rec->len = 0;
        s->done = true;
        return 0;
    }
    case 'X': {
        char *msg;

        if ((k = need(s, 5, err)) <= 0)
            return k < 0 ? -1 : stream_failed(s, NULL, err);
        p = (const unsigned char *)s->buf + s->start;
        k = need(s, 5 + (get_u32(p + 1) & 0xffff), err);
        if (k < 0)
            return -1;
        p = (const unsigned char *)s->buf + s->start;
        msg = x2k_xstrndup((const char *)p + 5,
                           MIN(get_u32(p + 1) & 0xffff,
                               s->end - s->start - 5));
        k = stream_failed(s, msg, err);
        free(msg);
        return k;
    }
    default:
        x2k_log(X2K_LOG_DEBUG, "streamer: bad record byte 0x%02x at %zu",
                p[0], s->start);
        return stream_failed(s, "x2k-streamer: bad record", err);
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
        /* Read to the end so that the exit status is known. */
        char tmp[4096];
        ssize_t n;

        do
            n = s->chan->read(s->chan, tmp, sizeof tmp, NULL);
        while (n > 0);
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

/* Read the streamer's header (or the dd fallback's line). */
struct tx_reader *
tx_stream_reader_new(struct tx_chan *chan, const char *source,
                     struct x2k_reporter *rep, struct x2k_error *err)
{
    struct stream_reader *s = x2k_xcalloc(1, sizeof *s);
    const unsigned char *p;
    int k;

    s->r.ops = &stream_ops;
    s->chan = chan;
    s->source = x2k_xstrdup(source);
    s->rep = rep;
    s->buf = x2k_xmalloc(IN_CAP);

    if ((k = need(s, 4, err)) <= 0)
        goto fail;
    p = (const unsigned char *)s->buf;
    if (memcmp(p, "X2KS", 4) == 0) {
        if ((k = need(s, 36, err)) <= 0)
            goto fail;
        p = (const unsigned char *)s->buf;
        if (get_u32(p + 4) != 1) {
            x2k_error_set(err, X2K_ERR_REMOTE,
                          _("The disk streamer speaks protocol version %1$u; this program needs version 1."),
                          get_u32(p + 4));
            goto fail_close;
        }
        s->r.size = get_u64(p + 8);
        s->r.offset = get_u64(p + 16);
        s->r.mtime = get_u64(p + 24);
        s->start = 36;
        return &s->r;
    }
    if (memcmp(p, "X2KR", 4) == 0 || memcmp(p, "X2KE", 4) == 0) {
        char line[128];
        unsigned long long size, off;
        size_t i;

        for (i = 0;; i++) {
            if ((k = need(s, i + 1, err)) <= 0)
                goto fail;
            if (s->buf[i] == '\n' || i >= sizeof line - 1)
                break;
        }
        memcpy(line, s->buf, i);
        line[i] = '\0';
        if (x2k_str_has_prefix(line, "X2KERR ")) {
            stream_failed(s, line + 7, err);
            goto fail_free;
        }
        if (sscanf(line, "X2KRAW1 %llu %llu", &size, &off) != 2) {
            stream_failed(s, line, err);
            goto fail_free;
        }
        s->r.size = size;
        s->r.offset = s->raw_pos = off > size ? size : off;
        s->r.dd_fallback = true;
        s->raw = true;
        s->start = i + 1;
        /* The job warns once per disk (tx_reader.dd_fallback). */
        x2k_log(X2K_LOG_DEBUG,
                "transfer: %s: no perl on the source host; copying with dd "
                "(zeros are sent, then skipped here)", source);
        return &s->r;
    }
    if (p[0] == 'X') {
        stream_next(&s->r, &(struct tx_rec){ 0 }, err);
        goto fail_free;
    }
    stream_failed(s, NULL, err);
    goto fail_free;

fail:
    if (k == 0 && s->end == 0) {
        /* Not one byte: the transport failed, not the streamer. */
        char *errtext = NULL;

        s->chan->close(s->chan, true, NULL, &errtext, NULL);
        s->chan = NULL;
        x2k_error_set(err, X2K_ERR_SSH,
                      _("The connection to the Xen host closed before the disk '%1$s' could be read."),
                      source);
        if (errtext && *errtext)
            x2k_error_set_detail(err, errtext);
        free(errtext);
        goto fail_free;
    }
    if (k == 0) {
        stream_failed(s, NULL, err);
        goto fail_free;
    }
fail_close:
    if (s->chan)
        s->chan->close(s->chan, true, NULL, NULL, NULL);
    s->chan = NULL;
fail_free:
    tx_reader_free(&s->r);
    return NULL;
}

/* Read the streamer's hash mode answer. */
int
tx_stream_hash(struct tx_chan *chan, const char *source,
               struct x2k_reporter *rep, char **alg, char **hex,
               struct x2k_error *err)
{
    struct x2k_buf out = { 0 };
    char tmp[4096];
    char *errtext = NULL;
    int status = 0;
    ssize_t n;
    int ret = -1;

    *alg = *hex = NULL;
    while ((n = chan->read(chan, tmp, sizeof tmp, err)) > 0) {
        if (out.len < 65536)
            x2k_buf_append(&out, tmp, n);
    }
    if (n < 0) {
        chan->close(chan, true, NULL, NULL, NULL);
        goto out;
    }
    chan->close(chan, false, &status, &errtext, NULL);
    if (out.len >= 4 && memcmp(out.data, "X2KS", 4) == 0 && out.len > 36 &&
        out.data[36] == 'E' && out.len >= 47) {
        const unsigned char *p = (const unsigned char *)out.data + 36;
        size_t alen = p[9], hlen;

        if (out.len >= 36 + 11 + alen) {
            hlen = p[10 + alen];
            if (alen && hlen && out.len >= 36 + 11 + alen + hlen) {
                *alg = x2k_xstrndup((const char *)p + 10, alen);
                *hex = x2k_xstrndup((const char *)p + 11 + alen, hlen);
                ret = 0;
                goto out;
            }
        }
    } else if (out.len >= 39 && memcmp(out.data, "X2KMD5 ", 7) == 0) {
        *alg = x2k_xstrdup("md5");
        *hex = x2k_xstrndup(out.data + 7, 32);
        ret = 0;
        goto out;
    } else if (out.len >= 9 && memcmp(out.data, "X2KNOHASH", 9) == 0) {
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("The Xen host can compute no checksum of '%1$s' (neither perl's Digest::MD5 nor md5sum is installed)."),
                      source);
        goto out;
    }
    x2k_error_set(err, X2K_ERR_REMOTE,
                  _("Computing the checksum of '%1$s' on the Xen host failed."),
                  source);
    if (errtext && *errtext)
        x2k_error_set_detail(err, errtext);
out:
    free(errtext);
    x2k_buf_clear(&out);
    return ret;
}

