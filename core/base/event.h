/* Events from core to the front ends, and cancellation.  A job owns a
 * struct x2k_reporter; modules report through it and poll it for
 * cancellation.  Callbacks may run on any engine thread, at the same
 * time (transfer workers report progress and warnings from their own
 * threads), so every front end's callback must be thread-safe; they must
 * not block; data in an event is borrowed for the call only.  Warnings
 * go through events only, so they always reach the run's report and
 * its warning count; x2k_log is for debug and trace text.
 */
#ifndef X2K_EVENT_H
#define X2K_EVENT_H

#include <stdatomic.h>
#include <stdint.h>

#include "base/util.h"

enum x2k_stage {
    X2K_STAGE_CONNECT,
    X2K_STAGE_INSPECT,
    X2K_STAGE_PREFLIGHT,
    X2K_STAGE_COPY,
    X2K_STAGE_CONVERT,
    X2K_STAGE_FIX_GUEST,
    X2K_STAGE_DEFINE,
    X2K_STAGE_BOOT_CHECK,       /* start it, watch its serial console */
    X2K_STAGE_REPORT,
    X2K_N_STAGES,
};

enum x2k_event_kind {
    X2K_EVENT_STAGE_BEGIN,      /* stage */
    X2K_EVENT_STAGE_END,        /* stage, status (0 ok, -1 failed,
                                 * X2K_STAGE_SKIPPED: not run) */
    X2K_EVENT_PROGRESS,         /* disk (-1 = overall), done/total... */
    X2K_EVENT_LOG,              /* text: one line */
    X2K_EVENT_WARNING,          /* text: one translated sentence; id */
    X2K_EVENT_CONSOLE,          /* text: one line of the new domain's
                                 * serial console, without control
                                 * characters (the boot check) */
};

/* STAGE_END status of a stage that had nothing to do (the boot check
 * without --boot-check, the guest fixes with --no-guest-fixes). */
#define X2K_STAGE_SKIPPED 1

struct x2k_event {
    enum x2k_event_kind kind;
    enum x2k_stage stage;
    int status;
    int disk;                   /* index into the plan's disks, -1 overall */
    const char *disk_name;      /* borrowed; target dev, or NULL */
    uint64_t done;
    uint64_t total;             /* 0 if unknown */
    double rate;                /* bytes/s, recent window; 0 if unknown */
    double avg_rate;            /* bytes/s since the disk started */
    double eta;                 /* seconds left; < 0 if unknown */
    const char *text;           /* borrowed */
    double seconds;             /* stage end: how long the stage took */
    const char *id;             /* warnings: stable, untranslated id
                                 * ("pci-passthrough"); NULL from callers
                                 * that give none.  Borrowed */
};

/* Called on any engine thread, possibly concurrently; must not block. */
typedef void (*x2k_event_fn)(const struct x2k_event *ev, void *opaque);

struct x2k_reporter {
    x2k_event_fn fn;            /* may be NULL */
    void *opaque;
    atomic_bool cancelled;
};

void x2k_reporter_init(struct x2k_reporter *r, x2k_event_fn fn,
                       void *opaque);

/* Deliver EV (no-op when R or its fn is NULL). */
void x2k_report(struct x2k_reporter *r, const struct x2k_event *ev);

void x2k_report_stage(struct x2k_reporter *r, enum x2k_stage stage,
                      bool begin, int status);
/* The end of STAGE with its STATUS and duration in SECONDS. */
void x2k_report_stage_end(struct x2k_reporter *r, enum x2k_stage stage,
                          int status, double seconds);
void x2k_report_log(struct x2k_reporter *r, const char *fmt, ...)
    X2K_PRINTF(2, 3);
/* A warning with the stable id ID (lowercase words and '-', the same
 * for every run and language) and a translated sentence.  Every warning
 * should have one: it is what the report and --machine-readable readers
 * key on; there is no warning without one. */
void x2k_report_warning_id(struct x2k_reporter *r, const char *id,
                           const char *fmt, ...) X2K_PRINTF(3, 4);

/* Ask the job to stop at the next safe point.  Any thread, also a
 * signal handler. */
void x2k_reporter_cancel(struct x2k_reporter *r);
bool x2k_reporter_is_cancelled(const struct x2k_reporter *r);

/* Untranslated stable id ("copy") and translated label. */
const char *x2k_stage_id(enum x2k_stage stage);
const char *x2k_stage_label(enum x2k_stage stage);

/* Rate and ETA bookkeeping for one disk: feed cumulative byte counts;
 * x2k_rate_due() says whether a progress event is due (<= 10/s). */
struct x2k_rate {
    double start;               /* x2k_now() at first sample */
    double last_emit;
    double win_time;            /* start of the recent window */
    uint64_t win_bytes;
    uint64_t base;              /* bytes already done when started (resume) */
    double rate;
    double avg_rate;
};
void x2k_rate_start(struct x2k_rate *r, uint64_t already_done);
void x2k_rate_update(struct x2k_rate *r, uint64_t done);
bool x2k_rate_due(struct x2k_rate *r);
double x2k_rate_eta(const struct x2k_rate *r, uint64_t done, uint64_t total);

#endif /* X2K_EVENT_H */
