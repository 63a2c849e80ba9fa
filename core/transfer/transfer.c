/* x2k_transfer_run(): copy a list of disks with up to N worker threads,
 * each with its own reader (and SSH session) and writer.  Owns the
 * per-disk flow: journal check and resume, the record loop with
 * progress, bandwidth limit and durable checkpoints, verification, the
 * qcow2 conversion.  The caller's thread only starts the workers,
 * forwards cancellation and joins them.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/log.h"
#include "transfer/transfer-internal.h"
#include "transfer/transfer-ssh.h"

extern char **environ;

#define DEFAULT_SYNC_INTERVAL 5.0

struct tx_ctx {
    const struct x2k_transfer_disk *disks;
    size_t n;
    const struct x2k_transfer_opts *opts;
    struct x2k_transfer_result *results;
    struct x2k_reporter *user;          /* may be NULL */
    struct x2k_reporter rep;            /* serialised; our cancel flag */
    pthread_mutex_t lock;
    atomic_size_t next;
    atomic_int running;
    uint64_t *done;                     /* per disk, under lock */
    uint64_t *total;
    struct x2k_rate overall;
};

struct tx_worker {
    struct tx_ctx *ctx;
    pthread_t tid;
    struct tx_ssh *ssh;                 /* this worker's session, lazily */
};

static void
serial_event(const struct x2k_event *ev, void *opaque)
{
    struct tx_ctx *ctx = opaque;

    pthread_mutex_lock(&ctx->lock);
    x2k_report(ctx->user, ev);
    pthread_mutex_unlock(&ctx->lock);
}

static bool
cancelled(struct tx_ctx *ctx)
{
    if (x2k_reporter_is_cancelled(ctx->user))
        x2k_reporter_cancel(&ctx->rep);
    return x2k_reporter_is_cancelled(&ctx->rep);
}

static const char *
disk_label(const struct x2k_transfer_disk *d)
{
    return d->name ? d->name : d->source;
}

/* A progress event for disk I (and the overall one), at most ~10/s. */
static void
progress(struct tx_ctx *ctx, size_t i, struct x2k_rate *rate, uint64_t done,
         uint64_t total, bool force, const char *phase)
{
    struct x2k_event ev = {
        .kind = X2K_EVENT_PROGRESS,
        .stage = X2K_STAGE_COPY,
        .disk = (int)i,
        .disk_name = disk_label(&ctx->disks[i]),
        .done = done,
        .total = total,
        .text = phase,
    };
    uint64_t sum_done = 0, sum_total = 0;
    size_t k;

    x2k_rate_update(rate, done);
    if (!x2k_rate_due(rate) && !force)
        return;
    ev.rate = rate->rate;
    ev.avg_rate = rate->avg_rate;
    ev.eta = x2k_rate_eta(rate, done, total);
    pthread_mutex_lock(&ctx->lock);
    x2k_report(ctx->user, &ev);
    if (!phase) {
        ctx->done[i] = done;
        ctx->total[i] = total;
    }
    for (k = 0; k < ctx->n; k++) {
        sum_done += ctx->done[k];
        sum_total += ctx->total[k];
    }
    x2k_rate_update(&ctx->overall, sum_done);
    if (ctx->n > 1 && (x2k_rate_due(&ctx->overall) || force)) {
        ev.disk = -1;
        ev.disk_name = NULL;
        ev.done = sum_done;
        ev.total = sum_total;
        ev.rate = ctx->overall.rate;
        ev.avg_rate = ctx->overall.avg_rate;
        ev.eta = x2k_rate_eta(&ctx->overall, sum_done, sum_total);
        ev.text = NULL;
        x2k_report(ctx->user, &ev);
    }
    pthread_mutex_unlock(&ctx->lock);
}

/* Open the streamer's byte channel for MODE on this worker. */
static struct tx_chan *
open_chan(struct tx_worker *w, const struct x2k_transfer_disk *d,
          const char *mode, uint64_t offset, bool verify,
          struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;

    if (ctx->opts->ssh) {
        if (!w->ssh &&
            !(w->ssh = tx_ssh_connect(ctx->opts->ssh, ctx->opts->transport,
                                      &ctx->rep, err)))
            return NULL;
        return tx_ssh_exec_chan(w->ssh, mode, d->source, offset, d->is_block,
                                verify, ctx->opts->remote_path, err);
    }
    return tx_local_exec_chan(mode, d->source, offset, d->is_block, verify,
                              ctx->opts->remote_path, &ctx->rep, err);
}

static enum x2k_transfer_reader
reader_kind(const struct tx_ctx *ctx)
{
    enum x2k_transfer_reader k = ctx->opts->reader;

    if (k == X2K_READER_AUTO)
        k = ctx->opts->ssh ? X2K_READER_EXEC : X2K_READER_LOCAL;
    return k;
}

static const char *
reader_name(const struct tx_worker *w)
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

static struct tx_reader *
open_reader(struct tx_worker *w, const struct x2k_transfer_disk *d,
            uint64_t offset, bool verify, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    struct tx_chan *chan;

    switch (reader_kind(ctx)) {
    case X2K_READER_EXEC: {
        struct x2k_error e = X2K_ERROR_INIT;
        struct tx_reader *r;
        bool openssh;

        chan = open_chan(w, d, "copy", offset, verify, err);
        if (!chan)
            return NULL;
        openssh = w->ssh && tx_ssh_uses_openssh(w->ssh);
        r = tx_stream_reader_new(chan, d->source, &ctx->rep,
                                 openssh ? &e : err);
        if (r || !openssh)
            return r;
        /* The OpenSSH client could not log in the way libssh2 did (a
         * host key it does not know, no agent...): use libssh2. */
        if (e.code != X2K_ERR_SSH ||
            ctx->opts->transport == X2K_TRANSPORT_OPENSSH) {
            x2k_error_move(err, &e);
            return NULL;
        }
        x2k_log(X2K_LOG_WARN, "transfer: the OpenSSH client failed (%s%s%s); "
                "using libssh2", e.msg ? e.msg : "?",
                e.detail ? ": " : "", e.detail ? e.detail : "");
        x2k_error_clear(&e);
        tx_ssh_disable_openssh(w->ssh);
        chan = open_chan(w, d, "copy", offset, verify, err);
        return chan ? tx_stream_reader_new(chan, d->source, &ctx->rep, err)
                    : NULL;
    }
    case X2K_READER_SFTP:
        if (!ctx->opts->ssh) {
            x2k_error_set(err, X2K_ERR_INVALID,
                          _("Reading disks over SFTP needs an SSH connection."));
            return NULL;
        }
        if (!w->ssh &&
            !(w->ssh = tx_ssh_connect(ctx->opts->ssh, ctx->opts->transport,
                                      &ctx->rep, err)))
            return NULL;
        /* The checksum must come from the Xen host itself: verify_output
         * runs the streamer's hash mode there. */
        return tx_sftp_reader_new(w->ssh, d->source, d->is_block, offset,
                                  false, &ctx->rep, err);
    default:
        return tx_local_reader_new(d->source, d->is_block, offset, verify,
                                   &ctx->rep, err);
    }
}

/* The source's checksum with the algorithm the source side can do. */
static int
source_hash(struct tx_worker *w, const struct x2k_transfer_disk *d,
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
        return tx_stream_hash(chan, d->source, &ctx->rep, alg, hex, err);
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

static int64_t
mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static void
sleep_s(double s)
{
    struct timespec ts = {
        .tv_sec = (time_t)s,
        .tv_nsec = (long)((s - (double)(time_t)s) * 1e9),
    };

    nanosleep(&ts, NULL);
}

/* Compare the source's checksum with the output's. */
static int
verify_output(struct tx_worker *w, size_t i, struct tx_reader *r,
              const char *path, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    const struct x2k_transfer_disk *d = &ctx->disks[i];
    struct x2k_transfer_result *res = &ctx->results[i];
    char *alg = NULL, *hex = NULL;

    if (r && r->hash_alg) {
        alg = x2k_steal(&r->hash_alg);
        hex = x2k_steal(&r->hash);
    } else if (source_hash(w, d, &alg, &hex, err) < 0) {
        return -1;
    }
    res->checksum_alg = alg;
    res->source_checksum = hex;
    if (x2k_transfer_hash_file(path, alg, &res->dest_checksum, &ctx->rep,
                               err) < 0)
        return -1;
    if (!x2k_str_equal(res->source_checksum, res->dest_checksum)) {
        res->partial_kept = true;
        x2k_error_set(err, X2K_ERR_VERIFY,
                      _("The copy of disk %1$s does not match its source: %2$s checksum %3$s on the Xen host, %4$s in '%5$s'. The output is kept for inspection."),
                      disk_label(d), alg, res->source_checksum,
                      res->dest_checksum, path);
        return -1;
    }
    res->verified = true;
    x2k_report_log(&ctx->rep, "disk %s verified (%s %s)", disk_label(d), alg,
                   hex);
    return 0;
}

/* qemu-img convert RAW to qcow2 at DEST, its progress folded into the
 * disk's progress events (phase "convert"). */
static int
convert_qcow2(struct tx_worker *w, size_t i, const char *raw,
              const char *dest, uint64_t size, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    X2K_AUTOFREE char *part = x2k_strdup_printf("%s.x2k-part", dest);
    X2K_AUTOFREE char *dir = x2k_xstrdup(dest);
    bool prealloc = ctx->opts->allocation == X2K_ALLOC_PREALLOCATED;
    char *argv[] = {
        (char *)"qemu-img", (char *)"convert", (char *)"-p", (char *)"-f",
        (char *)"raw", (char *)"-O", (char *)"qcow2", (char *)"-o",
        (char *)(prealloc ? "preallocation=falloc" : "preallocation=off"),
        (char *)raw, part, NULL,
    };
    posix_spawn_file_actions_t fa;
    struct x2k_rate rate;
    struct statvfs sv;
    struct stat st;
    char buf[512];
    char *slash;
    pid_t pid;
    int pfd[2], wstatus = 0, r;
    uint64_t need;

    /* Space: the qcow2 holds at most the raw file's data (all of SIZE
     * if preallocated) while the raw still exists. */
    slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    need = prealloc ? size : 0;
    if (!prealloc && stat(raw, &st) == 0)
        need = (uint64_t)st.st_blocks * 512;
    need += need / 64 + 1024 * 1024;     /* qcow2 metadata */
    if (statvfs(slash ? dir : ".", &sv) == 0 &&
        (uint64_t)sv.f_bavail * sv.f_frsize < need) {
        uint64_t avail = (uint64_t)sv.f_bavail * sv.f_frsize;

        x2k_error_set(err, X2K_ERR_NOSPACE,
                      _("No space left for '%1$s': converting to qcow2 needs %2$llu more bytes (%3$.1f MiB)."),
                      dest, (unsigned long long)(need - avail),
                      (double)(need - avail) / 1048576.0);
        return -1;
    }

    if (pipe2(pfd, O_CLOEXEC) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot run qemu-img."));
        return -1;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
    posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    r = posix_spawnp(&pid, "qemu-img", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pfd[1]);
    if (r != 0) {
        close(pfd[0]);
        x2k_error_set_errno(err, X2K_ERR_UNSUPPORTED, r,
                            _("Cannot run qemu-img (install qemu-utils)."));
        return -1;
    }
    x2k_rate_start(&rate, 0);
    for (;;) {
        struct pollfd p = { .fd = pfd[0], .events = POLLIN };
        ssize_t n;
        char *pc;

        if (cancelled(ctx)) {
            kill(pid, SIGTERM);
            break;
        }
        if (poll(&p, 1, 200) <= 0)
            continue;
        n = read(pfd[0], buf, sizeof buf - 1);
        if (n <= 0)
            break;
        buf[n] = '\0';
        /* "    (12.34/100%)\r" */
        pc = strrchr(buf, '(');
        if (pc) {
            double pct = strtod(pc + 1, NULL);

            progress(ctx, i, &rate, (uint64_t)(pct / 100.0 * (double)size),
                     size, false, "convert");
        }
    }
    close(pfd[0]);
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    if (cancelled(ctx)) {
        unlink(part);
        x2k_error_set(err, X2K_ERR_CANCELLED, _("The copy was cancelled."));
        return -1;
    }
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        unlink(part);
        x2k_error_set(err, X2K_ERR_IO,
                      _("qemu-img could not convert '%1$s' to qcow2."), raw);
        return -1;
    }
    progress(ctx, i, &rate, size, size, true, "convert");
    if (rename(part, dest) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot write '%1$s'."), dest);
        return -1;
    }
    unlink(raw);
    return 0;
}

/* The record loop: copy R into W, checkpointing into J at JPATH (NULL:
 * no journal).  *DONE is the last offset covered. */
static int
pump(struct tx_worker *w, size_t i, struct tx_reader *r, struct tx_writer *wr,
     struct tx_journal *j, const char *jpath, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    struct x2k_transfer_result *res = &ctx->results[i];
    double interval = ctx->opts->sync_interval > 0 ? ctx->opts->sync_interval
                                                   : DEFAULT_SYNC_INTERVAL;
    uint64_t bw = ctx->opts->bwlimit;
    uint64_t done = r->offset;
    struct x2k_rate rate;
    struct tx_rec rec;
    double t0 = x2k_now(), last_sync = t0;
    int s;

    x2k_rate_start(&rate, done);
    progress(ctx, i, &rate, done, r->size, true, NULL);
    for (;;) {
        if (cancelled(ctx)) {
            x2k_error_set(err, X2K_ERR_CANCELLED, _("The copy was cancelled."));
            goto fail;
        }
        if (r->ops->next(r, &rec, err) < 0)
            goto fail;
        if (rec.kind == TX_REC_END)
            break;
        if (rec.kind == TX_REC_DATA) {
            if (wr->ops->write(wr, rec.data, rec.len, rec.off, err) < 0)
                goto fail;
            res->data_bytes += rec.len;
        } else if (wr->ops->zero(wr, rec.off, rec.len, err) < 0) {
            goto fail;
        }
        done = rec.off + rec.len;
        res->bytes_copied = done - r->offset;
        progress(ctx, i, &rate, done, r->size, false, NULL);

        while (bw && !cancelled(ctx)) {
            double ahead = (double)res->data_bytes / (double)bw -
                           (x2k_now() - t0);

            if (ahead <= 0)
                break;
            sleep_s(ahead > 0.1 ? 0.1 : ahead);
        }
        if (jpath && x2k_now() - last_sync >= interval) {
            uint64_t durable = done - done % TX_BLOCK;

            s = wr->ops->sync(wr, durable, err);
            if (s < 0)
                goto fail;
            if (s == 0) {
                j->done = durable;
                if (tx_journal_save(jpath, j, err) < 0)
                    goto fail;
            }
            last_sync = x2k_now();
        }
    }
    if (wr->ops->finish(wr, r->size, err) < 0)
        goto fail;
    res->bytes_copied = r->size - r->offset;
    progress(ctx, i, &rate, r->size, r->size, true, NULL);
    return 0;

fail:
    /* Keep what is durable for the next run. */
    if (jpath && done > j->done) {
        uint64_t durable = done - done % TX_BLOCK;

        if (wr->ops->sync(wr, durable, NULL) == 0) {
            j->done = durable;
            tx_journal_save(jpath, j, NULL);
        }
    }
    return -1;
}

/* The path of the disk's volume, or NULL. */
static char *
volume_local_path(const struct x2k_transfer_disk *d)
{
    virStoragePoolPtr pool = virStoragePoolLookupByName(d->conn, d->pool);
    virStorageVolPtr vol = pool ? virStorageVolLookupByName(pool, d->volume)
                                : NULL;
    char *path = vol ? virStorageVolGetPath(vol) : NULL;

    if (vol)
        virStorageVolFree(vol);
    if (pool)
        virStoragePoolFree(pool);
    return path;
}

/* Copy into a libvirt volume: no journal (an upload cannot be made
 * durable midway), so a re-run starts again. */
static int
copy_to_volume(struct tx_worker *w, size_t i, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    const struct x2k_transfer_disk *d = &ctx->disks[i];
    struct x2k_transfer_result *res = &ctx->results[i];
    struct tx_writer *wr = NULL;
    struct tx_reader *r;
    int ret = -1;

    r = open_reader(w, d, 0, ctx->opts->verify, err);
    if (!r)
        return -1;
    res->reader = reader_name(w);
    res->size = r->size;
    res->dd_fallback = r->dd_fallback;
    wr = tx_volume_writer_new(d->conn, d->pool, d->volume, r->size,
                              ctx->opts->allocation == X2K_ALLOC_PREALLOCATED,
                              err);
    if (!wr)
        goto out;
    if (pump(w, i, r, wr, NULL, NULL, err) < 0)
        goto out;
    if (r->ops->close(r, false, err) < 0)
        goto out;
    if (ctx->opts->verify) {
        /* A dir/fs/netfs pool's volume is a file here: hash it. */
        X2K_AUTOFREE char *path = volume_local_path(d);

        if (path && access(path, R_OK) == 0) {
            if (verify_output(w, i, r, path, err) < 0)
                goto out;
        } else {
            x2k_report_warning(&ctx->rep,
                               _("Disk %1$s was uploaded to a storage volume, whose contents cannot be read back here: it was not verified."),
                               disk_label(d));
        }
    }
    ret = 0;
out:
    if (wr)
        wr->ops->close(wr, ret < 0);
    if (ret < 0)
        r->ops->close(r, true, NULL);
    tx_reader_free(r);
    return ret;
}

/* Is the finished output of an earlier run still this source's copy? */
static bool
finished_still_valid(struct tx_worker *w, size_t i, const struct tx_journal *j,
                     const char *dest)
{
    const struct x2k_transfer_disk *d = &w->ctx->disks[i];
    struct x2k_error e = X2K_ERROR_INIT;
    struct tx_reader *r;
    struct stat st;
    bool same;

    if (stat(dest, &st) < 0 || (uint64_t)st.st_size != j->out_size ||
        mtime_ns(&st) != j->out_mtime_ns)
        return false;
    /* Open the source at its end: the header tells its size and mtime
     * without reading anything. */
    r = open_reader(w, d, j->size, false, &e);
    if (!r) {
        x2k_error_clear(&e);
        return false;
    }
    same = r->size == j->size && r->mtime == j->mtime;
    r->ops->close(r, true, NULL);
    tx_reader_free(r);
    return same;
}

static int
copy_disk(struct tx_worker *w, size_t i, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    const struct x2k_transfer_disk *d = &ctx->disks[i];
    struct x2k_transfer_result *res = &ctx->results[i];
    bool qcow2 = ctx->opts->format == X2K_FORMAT_QCOW2;
    bool prealloc = ctx->opts->allocation == X2K_ALLOC_PREALLOCATED;
    const char *fmt = x2k_format_name(ctx->opts->format);
    X2K_AUTOFREE char *jpath = NULL;
    X2K_AUTOFREE char *raw = NULL;
    struct tx_journal j = { 0 };
    struct tx_writer *wr = NULL;
    struct tx_reader *r = NULL;
    uint64_t offset = 0;
    bool have_j;
    struct stat st;
    int ret = -1;

    res->reader = reader_name(w);
    if (d->pool)
        return copy_to_volume(w, i, err);
    if (!d->dest_path) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("Disk %1$s has no destination."), disk_label(d));
        return -1;
    }
    jpath = x2k_transfer_journal_path(d->dest_path);
    raw = qcow2 ? x2k_strdup_printf("%s.x2k-raw", d->dest_path)
                : x2k_xstrdup(d->dest_path);

    have_j = tx_journal_load(jpath, &j) == 0 &&
             x2k_str_equal(j.source, d->source) &&
             x2k_str_equal(j.format, fmt);
    if (have_j && j.state == TX_JOURNAL_COMPLETE) {
        if (finished_still_valid(w, i, &j, d->dest_path)) {
            res->size = j.size;
            res->already_done = true;
            res->resumed_from = j.size;
            x2k_report_log(&ctx->rep, "disk %s: already copied to %s",
                           disk_label(d), d->dest_path);
            if (ctx->opts->verify && !qcow2)
                ret = verify_output(w, i, NULL, d->dest_path, err);
            else
                ret = 0;
            if (ret < 0 && err->code == X2K_ERR_VERIFY) {
                j.state = TX_JOURNAL_VERIFY_FAILED;
                tx_journal_save(jpath, &j, NULL);
            }
            goto out;
        }
        x2k_report_log(&ctx->rep,
                       "disk %s: the source or %s changed since the last run; "
                       "copying again", disk_label(d), d->dest_path);
    } else if (have_j && (j.state == TX_JOURNAL_COPYING ||
                          j.state == TX_JOURNAL_COPIED) &&
               stat(raw, &st) == 0 && (uint64_t)st.st_size >= j.done) {
        offset = j.state == TX_JOURNAL_COPIED ? j.size : j.done;
    }

    r = open_reader(w, d, offset, ctx->opts->verify, err);
    if (!r)
        goto out;
    if (offset && (r->size != j.size || r->mtime != j.mtime)) {
        x2k_report_log(&ctx->rep,
                       "disk %s: the source changed since the interrupted run; "
                       "copying from the start", disk_label(d));
        r->ops->close(r, true, NULL);
        tx_reader_free(r);
        offset = 0;
        r = open_reader(w, d, 0, ctx->opts->verify, err);
        if (!r)
            goto out;
    }
    res->reader = reader_name(w);
    res->size = r->size;
    res->resumed_from = r->offset;
    res->dd_fallback = r->dd_fallback;
    if (r->offset)
        x2k_report_log(&ctx->rep, "disk %s: resuming at byte %llu of %llu",
                       disk_label(d), (unsigned long long)r->offset,
                       (unsigned long long)r->size);

    tx_journal_clear(&j);
    j.source = x2k_xstrdup(d->source);
    j.format = x2k_xstrdup(fmt);
    j.size = r->size;
    j.mtime = r->mtime;
    j.done = r->offset;
    j.state = TX_JOURNAL_COPYING;
    wr = tx_file_writer_new(raw, r->offset, r->size, prealloc && !qcow2, err);
    if (!wr)
        goto out;
    res->partial_kept = true;
    if (tx_journal_save(jpath, &j, err) < 0)
        goto out;
    if (pump(w, i, r, wr, &j, jpath, err) < 0)
        goto out;
    j.done = r->size;
    j.state = TX_JOURNAL_COPIED;
    if (tx_journal_save(jpath, &j, err) < 0)
        goto out;
    wr->ops->close(wr, false);
    wr = NULL;
    if (r->ops->close(r, false, err) < 0)
        goto out;

    if (ctx->opts->verify && verify_output(w, i, r, raw, err) < 0) {
        if (err->code == X2K_ERR_VERIFY) {
            j.state = TX_JOURNAL_VERIFY_FAILED;
            tx_journal_save(jpath, &j, NULL);
        }
        goto out;
    }
    if (qcow2 && convert_qcow2(w, i, raw, d->dest_path, r->size, err) < 0)
        goto out;
    if (stat(d->dest_path, &st) < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("Cannot open '%1$s'."), d->dest_path);
        goto out;
    }
    j.state = TX_JOURNAL_COMPLETE;
    j.out_size = st.st_size;
    j.out_mtime_ns = mtime_ns(&st);
    x2k_str_replace(&j.alg, res->checksum_alg);
    x2k_str_replace(&j.checksum, res->source_checksum);
    if (tx_journal_save(jpath, &j, err) < 0)
        goto out;
    res->partial_kept = false;
    ret = 0;

out:
    if (wr)
        wr->ops->close(wr, true);
    if (r) {
        if (ret < 0)
            r->ops->close(r, true, NULL);
        tx_reader_free(r);
    }
    tx_journal_clear(&j);
    return ret;
}

static void *
worker_main(void *opaque)
{
    struct tx_worker *w = opaque;
    struct tx_ctx *ctx = w->ctx;
    size_t i;

    while ((i = atomic_fetch_add(&ctx->next, 1)) < ctx->n) {
        struct x2k_transfer_result *res = &ctx->results[i];

        if (cancelled(ctx)) {
            x2k_error_set(&res->error, X2K_ERR_CANCELLED,
                          _("The copy was cancelled."));
            continue;
        }
        if (copy_disk(w, i, &res->error) < 0) {
            char *msg = x2k_error_format(&res->error);

            x2k_log(X2K_LOG_INFO, "transfer: disk %s: %s",
                    disk_label(&ctx->disks[i]), msg);
            free(msg);
        }
    }
    tx_ssh_free(w->ssh);
    w->ssh = NULL;
    atomic_fetch_sub(&ctx->running, 1);
    return NULL;
}

int
x2k_transfer_run(const struct x2k_transfer_disk *disks, size_t n,
                 const struct x2k_transfer_opts *opts,
                 struct x2k_transfer_result *results, struct x2k_error *err)
{
    struct tx_ctx ctx = { 0 };
    struct tx_worker *workers;
    size_t nw, i;
    int ret = 0;

    memset(results, 0, n * sizeof *results);
    if (n == 0)
        return 0;
    ctx.disks = disks;
    ctx.n = n;
    ctx.opts = opts;
    ctx.results = results;
    ctx.user = opts->reporter;
    x2k_reporter_init(&ctx.rep, serial_event, &ctx);
    pthread_mutex_init(&ctx.lock, NULL);
    ctx.done = x2k_xcalloc(n, sizeof *ctx.done);
    ctx.total = x2k_xcalloc(n, sizeof *ctx.total);
    for (i = 0; i < n; i++)
        ctx.total[i] = disks[i].size;
    x2k_rate_start(&ctx.overall, 0);

    nw = opts->parallel > 0 ? (size_t)opts->parallel : 1;
    if (nw > n)
        nw = n;
    workers = x2k_xcalloc(nw, sizeof *workers);
    atomic_store(&ctx.running, (int)nw);
    for (i = 0; i < nw; i++) {
        workers[i].ctx = &ctx;
        if (pthread_create(&workers[i].tid, NULL, worker_main,
                           &workers[i]) != 0)
            abort();
    }
    /* Forward cancellation to the workers; they honour it within 1 s. */
    while (atomic_load(&ctx.running) > 0) {
        if (x2k_reporter_is_cancelled(ctx.user))
            x2k_reporter_cancel(&ctx.rep);
        sleep_s(0.05);
    }
    for (i = 0; i < nw; i++)
        pthread_join(workers[i].tid, NULL);
    free(workers);

    for (i = 0; i < n; i++) {
        if (x2k_error_is_set(&results[i].error)) {
            if (ret == 0) {
                x2k_error_set(err, results[i].error.code, "%s",
                              results[i].error.msg);
                if (err)
                    err->errnum = results[i].error.errnum;
                x2k_error_set_detail(err, results[i].error.detail);
            }
            ret = -1;
        }
    }
    free(ctx.done);
    free(ctx.total);
    pthread_mutex_destroy(&ctx.lock);
    return ret;
}

void
x2k_transfer_result_clear(struct x2k_transfer_result *res)
{
    if (!res)
        return;
    free(res->checksum_alg);
    free(res->source_checksum);
    free(res->dest_checksum);
    x2k_error_clear(&res->error);
    memset(res, 0, sizeof *res);
}
