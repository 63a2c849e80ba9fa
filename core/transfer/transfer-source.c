/* A worker's side of the source disk: the reader the options ask for
 * (the streamer over SSH or a local shell, SFTP, a direct read), over
 * the worker's own SSH session made on first use; the fallback from
 * the OpenSSH client to libssh2; and the checksum of the source where
 * it lives, for --verify.  Runs on one transfer worker thread.
 */
#include <config.h>

#include <ctype.h>

#include "base/i18n.h"
#include "base/log.h"
#include "ssh/ssh.h"
#include "transfer/transfer-job.h"
#include "transfer/transfer-ssh.h"

/* The last line of TEXT that is not blank, trimmed (caller frees): the
 * one that explains, in a program's stderr. */
static char *
last_line(const char *text)
{
    const char *start, *end;

    if (!text)
        return x2k_xstrdup("?");
    end = text + strlen(text);
    while (end > text && isspace((unsigned char)end[-1]))
        end--;
    for (start = end; start > text && start[-1] != '\n'; start--)
        ;
    while (start < end && isspace((unsigned char)*start))
        start++;
    return start < end ? x2k_xstrndup(start, end - start) : x2k_xstrdup("?");
}

/* W's SSH session: one the caller logged in for it, else its own. */
static int
worker_ssh(struct tx_worker *w, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    const struct x2k_transfer_opts *o = ctx->opts;

    if (w->ssh)
        return 0;
    if (w->index < o->n_sessions)
        w->ssh = tx_ssh_adopt(o->ssh, o->sessions[w->index], o->transport,
                              &ctx->rep, err);
    else
        w->ssh = tx_ssh_connect(o->ssh, o->transport, &ctx->rep, err);
    return w->ssh ? 0 : -1;
}

/* Open the streamer's byte channel for MODE on this worker. */
static struct tx_chan *
open_chan(struct tx_worker *w, const struct x2k_transfer_disk *d,
          const char *mode, uint64_t offset, bool verify,
          struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    struct tx_stream_req q = {
        .mode = mode,
        .path = d->source,
        .offset = offset,
        .is_block = d->is_block,
        .verify = verify,
        .timeout_ms = tx_io_timeout_ms(ctx),
        .remote_path = ctx->opts->remote_path,
    };

    if (ctx->opts->ssh) {
        if (worker_ssh(w, err) < 0)
            return NULL;
        return tx_ssh_exec_chan(w->ssh, &q, err);
    }
    return tx_local_exec_chan(&q, &ctx->rep, err);
}

/* The reader the options ask for, AUTO resolved. */
static enum x2k_transfer_reader
reader_kind(const struct tx_ctx *ctx)
{
    enum x2k_transfer_reader k = ctx->opts->reader;

    if (k == X2K_READER_AUTO)
        k = ctx->opts->ssh ? X2K_READER_EXEC : X2K_READER_LOCAL;
    return k;
}

/* The name of the reader W uses now, for the result. */
const char *
tx_reader_name(const struct tx_worker *w)
{
    const struct tx_ctx *ctx = w->ctx;

    switch (reader_kind(ctx)) {
    case X2K_READER_EXEC:
        if (!ctx->opts->ssh)
            return "local-exec";
        return w->ssh && tx_ssh_uses_openssh(w->ssh) ? "openssh-exec"
                                                     : "ssh-exec";
    case X2K_READER_SFTP:
        return "sftp";
    default:
        return "local";
    }
}

/* Open disk D's reader on W, falling back from OpenSSH to libssh2. */
struct tx_reader *
tx_open_reader(struct tx_worker *w, const struct x2k_transfer_disk *d,
               uint64_t offset, bool verify, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    struct tx_chan *chan;

    switch (reader_kind(ctx)) {
    case X2K_READER_EXEC: {
        struct x2k_error e = X2K_ERROR_INIT;
        struct tx_reader *r;
        bool openssh;
        char *why;

        chan = open_chan(w, d, "copy", offset, verify, err);
        if (!chan)
            return NULL;
        openssh = w->ssh && tx_ssh_uses_openssh(w->ssh);
        r = tx_stream_reader_new(chan, d->source, offset,
                                 openssh ? &e : err);
        if (r || !openssh)
            return r;
        /* The OpenSSH client refused the host key: that is final, never
         * a reason to try another client. */
        if (e.code == X2K_ERR_SSH && x2k_ssh_is_hostkey_failure(e.detail)) {
            why = last_line(e.detail);
            x2k_error_clear(&e);
            x2k_error_set(err, X2K_ERR_SSH_HOSTKEY,
                          _("The OpenSSH client refused the host key of %1$s while opening disk %2$s (%3$s). The copy stops here, since a host key failure never falls back to libssh2: check the host's key with its administrator, and its entry in the known_hosts file."),
                          ctx->opts->ssh->host, tx_disk_label(d), why);
            free(why);
            return NULL;
        }
        /* The OpenSSH client could not log in the way libssh2 did (no
         * agent...): use libssh2, when it can talk to the host. */
        if (e.code != X2K_ERR_SSH ||
            ctx->opts->transport == X2K_TRANSPORT_OPENSSH ||
            !tx_ssh_disable_openssh(w->ssh)) {
            x2k_error_move(err, &e);
            return NULL;
        }
        x2k_log(X2K_LOG_DEBUG,
                "transfer: the OpenSSH client failed (%s%s%s); using libssh2",
                e.msg ? e.msg : "?",
                e.detail ? ": " : "", e.detail ? e.detail : "");
        why = last_line(e.detail && *e.detail ? e.detail : e.msg);
        x2k_report_warning_id(&ctx->rep, "openssh-fallback",
                           _("The OpenSSH client failed, so disk %1$s is copied through libssh2, which is slower: %2$s"),
                           tx_disk_label(d), why);
        free(why);
        x2k_error_clear(&e);
        chan = open_chan(w, d, "copy", offset, verify, err);
        return chan ? tx_stream_reader_new(chan, d->source, offset, err)
                    : NULL;
    }
    case X2K_READER_SFTP:
        if (!ctx->opts->ssh) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("Reading disks over SFTP needs an SSH connection."));
            return NULL;
        }
        if (worker_ssh(w, err) < 0)
            return NULL;
        return tx_sftp_reader_new(w->ssh, d->source, d->is_block, offset,
                                  tx_io_timeout_ms(ctx), &ctx->rep, err);
    default:
        return tx_local_reader_new(d->source, d->is_block, offset, verify,
                                   &ctx->rep, err);
    }
}

/* The source's checksum with the algorithm the source side can do. */
int
tx_source_hash(struct tx_worker *w, const struct x2k_transfer_disk *d,
               char **alg, char **hex, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    struct tx_chan *chan;
    struct tx_reader *r;
    struct tx_rec rec;
    int ret = -1;

    if (reader_kind(ctx) == X2K_READER_EXEC ||
        (reader_kind(ctx) == X2K_READER_SFTP)) {
        /* SFTP cannot hash remotely; the exec channel of the same
         * session can. */
        chan = open_chan(w, d, "hash", 0, true, err);
        if (!chan)
            return -1;
        return tx_stream_hash(chan, d->source, alg, hex, err);
    }
    r = tx_local_reader_new(d->source, d->is_block, UINT64_MAX, true,
                            &ctx->rep, err);
    if (!r)
        return -1;
    do {
        if (r->ops->next(r, &rec, err) < 0)
            goto out;
    } while (rec.kind != TX_REC_END);
    *alg = x2k_steal(&r->hash_alg);
    *hex = x2k_steal(&r->hash);
    ret = 0;
out:
    r->ops->close(r, true, NULL);
    tx_reader_free(r);
    return ret;
}
