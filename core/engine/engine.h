/* Run a migration plan as stages: connect -> inspect -> preflight ->
 * copy -> convert -> fix guest -> define -> boot check -> report.
 * Every stage emits STAGE_BEGIN/STAGE_END events (a stage with nothing
 * to do ends with X2K_STAGE_SKIPPED); cancellation (any thread) is honoured
 * between and inside stages.  x2k_engine_run blocks: the wizard calls
 * it on a worker thread, batch mode from main().  Both front ends use
 * it unchanged.
 */
#ifndef X2K_ENGINE_H
#define X2K_ENGINE_H

#include "base/error.h"
#include "base/event.h"
#include "plan/plan.h"

struct x2k_engine;

/* PLAN is copied. */
struct x2k_engine *x2k_engine_new(const struct x2k_plan *plan)
    X2K_NONNULL(1);
void x2k_engine_free(struct x2k_engine *eng);

/* A password typed into the wizard (copied; wiped on free).  Batch
 * mode reads --password-file instead. */
void x2k_engine_set_password(struct x2k_engine *eng, const char *password)
    X2K_NONNULL(1);

/* Run every stage; ONLY_PREFLIGHT stops after the preflight stage
 * (--check).  0 on success; -1 with ERR set (X2K_ERR_CANCELLED when
 * cancelled, X2K_ERR_PREFLIGHT when a check failed). */
int x2k_engine_run(struct x2k_engine *eng, bool only_preflight,
                   x2k_event_fn fn, void *opaque, struct x2k_error *err)
    X2K_NONNULL(1);

/* Stop at the next safe point.  Any thread, also a signal handler. */
/* The preflight checks of x2k_preflight_run plus the destination checks
 * (run-lock, output-dir, dest-not-source, dest-exists), as the run makes
 * them but read-only: no run directory, no lock kept.  For --check and
 * the wizard's Summary.  Never NULL; free with x2k_preflight_free. */
struct x2k_preflight;
struct x2k_preflight *x2k_engine_check(struct x2k_engine *eng,
                                       x2k_event_fn fn, void *opaque)
    X2K_NONNULL(1);

void x2k_engine_cancel(struct x2k_engine *eng) X2K_NONNULL(1);

/* What a finished run produced (borrowed from ENG until it is freed;
 * fields are NULL/0 when the run stopped before them). */
struct x2k_engine_result {
    const char *domain;             /* the new domain's name */
    const char *target;             /* target URI, or the output dir */
    const char *run_dir;
    const char *const *disks;       /* copies: paths or POOL/VOLUME */
    size_t n_disks;
    size_t n_warnings;              /* warning events of the run */
    bool defined;                   /* defined on the target */
    bool started;
    const char *boot_check;         /* "passed", "failed" or "skipped" */
    double boot_seconds;            /* to the prompt, or the time waited */
};
void x2k_engine_get_result(const struct x2k_engine *eng,
                           struct x2k_engine_result *res) X2K_NONNULL(1, 2);

/* The run directory (NULL before the run created it).  Borrowed. */
const char *x2k_engine_run_dir(const struct x2k_engine *eng)
    X2K_NONNULL(1);

#endif /* X2K_ENGINE_H */
