/* x2k_transfer_run(): copy a list of disks with up to N worker threads,
 * each with its own reader (and SSH session) and writer.  Owns the
 * per-disk flow: journal check and resume, the record loop with
 * progress, bandwidth limit and durable checkpoints, then verification
 * and the conversion to the output format (their own files).  The caller's thread only
 * starts the workers, forwards cancellation and joins them.
 */
#include <config.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/i18n.h"
#include "base/log.h"
#include "transfer/transfer-job.h"
#include "transfer/transfer-ssh.h"

#define DEFAULT_SYNC_INTERVAL 5.0

/* The modification time in nanoseconds. */
static int64_t
mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* Sleep S seconds. */
static void
sleep_s(double s)
{
    struct timespec ts = {
        .tv_sec = (time_t)s,
        .tv_nsec = (long)((s - (double)(time_t)s) * 1e9),
    };

    nanosleep(&ts, NULL);
}

/* Note in disk I's result the reader R that will copy it, and warn
 * when it is the dd fallback. */
static void
opened(struct tx_worker *w, size_t i, const struct tx_reader *r)
{
    struct tx_ctx *ctx = w->ctx;
    struct x2k_transfer_result *res = &ctx->results[i];

    res->reader = tx_reader_name(w);
    res->size = r->size;
    res->dd_fallback = r->dd_fallback;
    if (r->dd_fallback)
        x2k_report_warning_id(&ctx->rep, "dd-fallback",
                           _("The Xen host has no perl, so disk %1$s is copied with dd: all of it crosses the network, zeros included."),
                           tx_disk_label(&ctx->disks[i]));
}

/* Say in ERR (a read timeout) which disk stopped and what a re-run
 * does: resume from J's durable offset, or copy a volume again. */
static void
timed_out(struct tx_ctx *ctx, size_t i, const struct tx_journal *j,
          struct x2k_error *err)
{
    int secs = tx_io_timeout_ms(ctx) / 1000;
    const char *label = tx_disk_label(&ctx->disks[i]);

    x2k_error_clear(err);
    if (j)
        x2k_error_set(err, X2K_ERR_TIMEOUT,
                      _("No data came from the Xen host for %1$d seconds while copying disk %2$s (option --io-timeout). The copy stopped and is resumable: what was copied is kept, and running the same command again resumes it at byte %3$llu."),
                      secs, label, (unsigned long long)j->done);
    else
        x2k_error_set(err, X2K_ERR_TIMEOUT,
                      _("No data came from the Xen host for %1$d seconds while copying disk %2$s (option --io-timeout). The copy stopped; running the same command again copies the disk again."),
                      secs, label);
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
    tx_progress(ctx, i, &rate, done, r->size, true, NULL);
    for (;;) {
        if (tx_cancelled(ctx)) {
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
        tx_progress(ctx, i, &rate, done, r->size, false, NULL);

        while (bw && !tx_cancelled(ctx)) {
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
    tx_progress(ctx, i, &rate, r->size, r->size, true, NULL);
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
    if (err && err->code == X2K_ERR_TIMEOUT)
        timed_out(ctx, i, jpath ? j : NULL, err);
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
    struct tx_writer *wr = NULL;
    struct tx_reader *r;
    int ret = -1;

    if (x2k_str_equal(d->format, "qcow2")) {
        /* A volume takes raw data at guest offsets, not a qcow2 file:
         * the caller converts into a local file first. */
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("Disk %1$s is a qcow2 image: it is converted into a "
                        "local file, never uploaded into a volume as it is."),
                      tx_disk_label(d));
        return -1;
    }
    r = tx_open_reader(w, d, 0, ctx->opts->verify, err);
    if (!r)
        return -1;
    opened(w, i, r);
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
            if (tx_verify_output(w, i, r, path, err) < 0)
                goto out;
        } else {
            x2k_report_warning_id(&ctx->rep, "not-verified",
                               _("Disk %1$s was uploaded to a storage volume, whose contents cannot be read back here: it was not verified."),
                               tx_disk_label(d));
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

    /* A partition shares its file with the other partitions, which
     * change its mtime: its journal and the source's tell alone. */
    if (!d->dest_offset &&
        (stat(dest, &st) < 0 || (uint64_t)st.st_size != j->out_size ||
         mtime_ns(&st) != j->out_mtime_ns))
        return false;
    /* Open the source at its end: the header tells its size and mtime
     * without reading anything. */
    r = tx_open_reader(w, d, j->size, false, &e);
    if (!r) {
        x2k_error_clear(&e);
        return false;
    }
    same = r->size == j->size && r->mtime == j->mtime;
    r->ops->close(r, true, NULL);
    tx_reader_free(r);
    /* A block device's mtime says nothing of its content: its copy is
     * "already done" only when the two sides' checksums agree. */
    if (same && d->is_block && j->state == TX_JOURNAL_COMPLETE &&
        !w->ctx->opts->verify) {
        same = tx_verify_output(w, i, NULL, dest, &e) == 0;
        x2k_error_clear(&e);
    }
    return same;
}

/* Copy disk I into its output file, resuming when the journal allows. */
static int
copy_disk(struct tx_worker *w, size_t i, struct x2k_error *err)
{
    struct tx_ctx *ctx = w->ctx;
    const struct x2k_transfer_disk *d = &ctx->disks[i];
    struct x2k_transfer_result *res = &ctx->results[i];
    bool src_qcow2 = x2k_str_equal(d->format, "qcow2");
    /* The copy is raw at guest offsets, or the qcow2 file it is; either
     * way it ends in --format. */
    bool convert = (ctx->opts->format == X2K_FORMAT_QCOW2 &&
                    !d->dest_offset) || src_qcow2;
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

    res->reader = tx_reader_name(w);
    if (d->pool)
        return copy_to_volume(w, i, err);
    if (!d->dest_path) {
        x2k_error_set(err, X2K_ERR_INVALID,
                      _("Disk %1$s has no destination."),
                      tx_disk_label(d));
        return -1;
    }
    if (d->dest_offset && src_qcow2) {
        x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                      _("Disk %1$s is a qcow2 file: only raw volumes can be streamed into a partition of an assembled disk. Use --layout=keep."),
                      tx_disk_label(d));
        return -1;
    }
    /* An assembled disk's partitions each have their own journal. */
    jpath = d->dest_offset
                ? x2k_transfer_part_journal_path(d->dest_path, d->dest_offset)
                : x2k_transfer_journal_path(d->dest_path);
    raw = src_qcow2 ? x2k_strdup_printf("%s.x2k-src", d->dest_path)
          : convert ? x2k_strdup_printf("%s.x2k-raw", d->dest_path)
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
                           tx_disk_label(d), d->dest_path);
            if (ctx->opts->verify && !convert)
                ret = tx_verify_output(w, i, NULL, d->dest_path, err);
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
                       "copying again", tx_disk_label(d), d->dest_path);
    } else if (have_j && (j.state == TX_JOURNAL_COPYING ||
                          j.state == TX_JOURNAL_COPIED) &&
               stat(raw, &st) == 0 && (uint64_t)st.st_size >= j.done) {
        offset = j.state == TX_JOURNAL_COPIED ? j.size : j.done;
        /* A block device's size and mtime do not tell whether what was
         * copied is still its content: copy it again from the start. */
        if (d->is_block && offset) {
            x2k_report_log(&ctx->rep, "disk %s: a block device is resumed "
                           "only by content; copying from the start",
                           tx_disk_label(d));
            offset = 0;
        }
    }

    r = tx_open_reader(w, d, offset, ctx->opts->verify, err);
    if (!r)
        goto out;
    if (offset && (r->size != j.size || r->mtime != j.mtime)) {
        x2k_report_log(&ctx->rep,
                       "disk %s: the source changed since the interrupted run; "
                       "copying from the start", tx_disk_label(d));
        r->ops->close(r, true, NULL);
        tx_reader_free(r);
        offset = 0;
        r = tx_open_reader(w, d, 0, ctx->opts->verify, err);
        if (!r)
            goto out;
    }
    opened(w, i, r);
    res->resumed_from = r->offset;
    if (r->offset)
        x2k_report_log(&ctx->rep, "disk %s: resuming at byte %llu of %llu",
                       tx_disk_label(d), (unsigned long long)r->offset,
                       (unsigned long long)r->size);

    tx_journal_clear(&j);
    j.source = x2k_xstrdup(d->source);
    j.format = x2k_xstrdup(fmt);
    j.size = r->size;
    j.mtime = r->mtime;
    j.done = r->offset;
    j.state = TX_JOURNAL_COPYING;
    wr = d->dest_offset
             ? tx_part_writer_new(raw, d->dest_offset, r->offset, r->size, err)
             : tx_file_writer_new(raw, r->offset, r->size,
                                  prealloc && !convert, &ctx->rep, err);
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

    if (ctx->opts->verify && tx_verify_output(w, i, r, raw, err) < 0) {
        if (err->code == X2K_ERR_VERIFY) {
            j.state = TX_JOURNAL_VERIFY_FAILED;
            tx_journal_save(jpath, &j, NULL);
        }
        goto out;
    }
    if (convert && tx_convert_image(w, i, raw, src_qcow2 ? "qcow2" : "raw",
                                    d->dest_path, fmt, r->size, err) < 0)
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

/* A worker thread: copy the next disk until none is left. */
static void *
worker_main(void *opaque)
{
    struct tx_worker *w = opaque;
    struct tx_ctx *ctx = w->ctx;
    size_t i;

    while ((i = atomic_fetch_add(&ctx->next, 1)) < ctx->n) {
        struct x2k_transfer_result *res = &ctx->results[i];

        if (tx_cancelled(ctx)) {
            x2k_error_set(&res->error, X2K_ERR_CANCELLED,
                          _("The copy was cancelled."));
            continue;
        }
        if (copy_disk(w, i, &res->error) < 0) {
            char *msg = x2k_error_format(&res->error);

            x2k_log(X2K_LOG_INFO, "transfer: disk %s: %s",
                    tx_disk_label(&ctx->disks[i]), msg);
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
    int ret = 0, rc = 0;

    memset(results, 0, n * sizeof *results);
    if (n == 0)
        return 0;
    ctx.disks = disks;
    ctx.n = n;
    ctx.opts = opts;
    ctx.results = results;
    ctx.user = opts->reporter;
    x2k_reporter_init(&ctx.rep, tx_serial_event, &ctx);
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
        workers[i].index = i;
        rc = pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]);
        if (rc != 0)
            break;
    }
    if (i < nw) {
        /* The workers that did start take every disk between them. */
        x2k_log(X2K_LOG_DEBUG, "transfer: %zu of %zu worker threads: %s",
                i, nw, strerror(rc));
        atomic_fetch_sub(&ctx.running, (int)(nw - i));
        nw = i;
    }
    if (nw == 0) {
        for (i = 0; i < n; i++)
            x2k_error_set_errno(&results[i].error, X2K_ERR_IO, rc,
                                _("Cannot start a thread to copy the disks."));
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
