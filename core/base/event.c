/* Event delivery, cancellation flag, rate/ETA bookkeeping.  Runs on
 * whichever thread reports; the callback decides how to hand the event
 * to its UI thread.
 */
#include <config.h>

#include "base/event.h"
#include "base/i18n.h"

void
x2k_reporter_init(struct x2k_reporter *r, x2k_event_fn fn, void *opaque)
{
    r->fn = fn;
    r->opaque = opaque;
    atomic_init(&r->cancelled, false);
}

void
x2k_report(struct x2k_reporter *r, const struct x2k_event *ev)
{
    if (r && r->fn)
        r->fn(ev, r->opaque);
}

void
x2k_report_stage(struct x2k_reporter *r, enum x2k_stage stage, bool begin,
                 int status)
{
    struct x2k_event ev = {
        .kind = begin ? X2K_EVENT_STAGE_BEGIN : X2K_EVENT_STAGE_END,
        .stage = stage,
        .status = status,
        .disk = -1,
        .eta = -1,
    };

    x2k_report(r, &ev);
}

void
x2k_report_stage_end(struct x2k_reporter *r, enum x2k_stage stage,
                     int status, double seconds)
{
    struct x2k_event ev = {
        .kind = X2K_EVENT_STAGE_END,
        .stage = stage,
        .status = status,
        .disk = -1,
        .eta = -1,
        .seconds = seconds,
    };

    x2k_report(r, &ev);
}

static void
report_text(struct x2k_reporter *r, enum x2k_event_kind kind, const char *id,
            const char *fmt, va_list ap)
{
    struct x2k_event ev = { .kind = kind, .disk = -1, .eta = -1, .id = id };
    char *text;

    if (!r || !r->fn)
        return;
    text = x2k_strdup_vprintf(fmt, ap);
    ev.text = text;
    r->fn(&ev, r->opaque);
    free(text);
}

void
x2k_report_log(struct x2k_reporter *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report_text(r, X2K_EVENT_LOG, NULL, fmt, ap);
    va_end(ap);
}

void
x2k_report_warning_id(struct x2k_reporter *r, const char *id,
                      const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    report_text(r, X2K_EVENT_WARNING, id, fmt, ap);
    va_end(ap);
}

void
x2k_reporter_cancel(struct x2k_reporter *r)
{
    atomic_store(&r->cancelled, true);
}

bool
x2k_reporter_is_cancelled(const struct x2k_reporter *r)
{
    return r && atomic_load(&((struct x2k_reporter *)r)->cancelled);
}

const char *
x2k_stage_id(enum x2k_stage stage)
{
    static const char *const ids[] = {
        "connect", "inspect", "preflight", "copy",
        "convert", "fix-guest", "define", "boot-check", "report",
    };

    return (size_t)stage < X2K_N_ELEMENTS(ids) ? ids[stage] : "?";
}

const char *
x2k_stage_label(enum x2k_stage stage)
{
    static const char *const labels[] = {
        N_("Connect to the Xen host"),
        N_("Inspect the guest"),
        N_("Preflight checks"),
        N_("Copy disks"),
        N_("Convert the domain XML"),
        N_("Fix the guest OS"),
        N_("Define the KVM domain"),
        N_("Check that it boots"),
        N_("Write the report"),
    };

    return (size_t)stage < X2K_N_ELEMENTS(labels) ? _(labels[stage]) : "?";
}

void
x2k_rate_start(struct x2k_rate *r, uint64_t already_done)
{
    double now = x2k_now();

    r->start = r->win_time = now;
    r->last_emit = 0;
    r->win_bytes = r->base = already_done;
    r->rate = r->avg_rate = 0;
}

void
x2k_rate_update(struct x2k_rate *r, uint64_t done)
{
    double now = x2k_now();
    double span = now - r->win_time;

    if (now > r->start)
        r->avg_rate = (double)(done - r->base) / (now - r->start);
    /* A one-second window, smoothed, gives a "current" rate that
     * neither jitters nor lags too much. */
    if (span >= 1.0) {
        double cur = (double)(done - r->win_bytes) / span;

        r->rate = r->rate > 0 ? 0.5 * r->rate + 0.5 * cur : cur;
        r->win_time = now;
        r->win_bytes = done;
    } else if (r->rate == 0 && span > 0.2) {
        r->rate = (double)(done - r->win_bytes) / span;
    }
}

bool
x2k_rate_due(struct x2k_rate *r)
{
    double now = x2k_now();

    if (now - r->last_emit < 0.1)
        return false;
    r->last_emit = now;
    return true;
}

double
x2k_rate_eta(const struct x2k_rate *r, uint64_t done, uint64_t total)
{
    double rate = r->rate > 0 ? r->rate : r->avg_rate;

    if (total == 0 || done >= total)
        return done >= total && total ? 0 : -1;
    if (rate <= 0)
        return -1;
    return (double)(total - done) / rate;
}
