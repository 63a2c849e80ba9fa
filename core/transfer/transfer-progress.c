/* The events of a transfer job: the serialised reporter that every
 * worker reports through (the caller's callback never runs twice at
 * once), cancellation, and progress events per disk and overall.  Runs
 * on every worker thread, under the job's lock.
 */
#include <config.h>

#include <limits.h>

#include "transfer/transfer-job.h"

/* Hand EV to the caller's reporter, one event at a time. */
void
tx_serial_event(const struct x2k_event *ev, void *opaque)
{
    struct tx_ctx *ctx = opaque;

    pthread_mutex_lock(&ctx->lock);
    x2k_report(ctx->user, ev);
    pthread_mutex_unlock(&ctx->lock);
}

/* The bound of every read of the disk data, in milliseconds. */
int
tx_io_timeout_ms(const struct tx_ctx *ctx)
{
    int s = ctx->opts->io_timeout > 0 ? ctx->opts->io_timeout
                                      : X2K_DEFAULT_IO_TIMEOUT;

    return s > INT_MAX / 1000 ? INT_MAX : s * 1000;
}

/* Whether the job was cancelled; copies the caller's flag to ours. */
bool
tx_cancelled(struct tx_ctx *ctx)
{
    if (x2k_reporter_is_cancelled(ctx->user))
        x2k_reporter_cancel(&ctx->rep);
    return x2k_reporter_is_cancelled(&ctx->rep);
}

/* A progress event for disk I (and the overall one), at most ~10/s. */
void
tx_progress(struct tx_ctx *ctx, size_t i, struct x2k_rate *rate,
            uint64_t done, uint64_t total, bool force, const char *phase)
{
    struct x2k_event ev = {
        .kind = X2K_EVENT_PROGRESS,
        .stage = X2K_STAGE_COPY,
        .disk = (int)i,
        .disk_name = tx_disk_label(&ctx->disks[i]),
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
