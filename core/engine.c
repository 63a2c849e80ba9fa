/* The stage runner (see engine.h).  Runs on the caller's thread (the
 * wizard's worker, or batch mode's main thread); only x2k_engine_cancel
 * may be called from another thread.  Each stage is one function over
 * the shared `struct x2k_engine' state; a stage whose module is not in
 * this build says so instead of pretending.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "i18n.h"
#include "log.h"
#include "options.h"
#include "preflight.h"
#include "rundir.h"

struct x2k_engine {
    struct x2k_plan plan;
    char *password;
    struct x2k_reporter reporter;
    x2k_event_fn user_fn;
    void *user_opaque;
    char *run_dir;
    int log_fd;
    enum x2k_stage stage;
};

typedef int (*stage_fn)(struct x2k_engine *eng, struct x2k_error *err);

static int
stage_missing(struct x2k_engine *eng, struct x2k_error *err)
{
    x2k_error_set(err, X2K_ERR_UNSUPPORTED,
                  _("the stage '%1$s' is not part of this build yet"),
                  x2k_stage_label(eng->stage));
    return -1;
}

/* Run the preflight checks (core/preflight); a failed check stops the
 * run before anything is copied. */
static int
stage_preflight(struct x2k_engine *eng, struct x2k_error *err)
{
    struct x2k_preflight_opts o = { 0 };
    struct x2k_preflight *p;
    const struct x2k_check *failed = NULL;
    size_t i;

    o.password = eng->password;
    o.reporter = &eng->reporter;
    p = x2k_preflight_run(&eng->plan, &o);
    for (i = 0; i < p->n_checks; i++) {
        const struct x2k_check *c = &p->checks[i];

        if (c->status == X2K_CHECK_FAIL || c->status == X2K_CHECK_WARN)
            x2k_report_warning(&eng->reporter, "%s: %s", c->id, c->message);
        else
            x2k_report_log(&eng->reporter, "check %s: %s: %s", c->id,
                           x2k_check_status_name(c->status), c->message);
        if (c->status == X2K_CHECK_FAIL && !failed)
            failed = c;
    }
    if (failed)
        x2k_error_set(err, X2K_ERR_PREFLIGHT,
                      _("The preflight check '%1$s' failed: %2$s"),
                      failed->id, failed->message);
    x2k_preflight_free(p);
    return failed ? -1 : 0;
}

/* Keep the plan and the replay command beside the results. */
static int
stage_report(struct x2k_engine *eng, struct x2k_error *err)
{
    char *dump = x2k_plan_dump(&eng->plan);
    char *cmd = x2k_plan_to_command(&eng->plan);
    char *script = x2k_strdup_printf("#!/bin/sh\n# Replays this "
                                     "migration.\nexec %s \"$@\"\n",
                                     cmd);
    int rc = -1;

    if (x2k_rundir_write(eng->run_dir, "plan.txt", dump, strlen(dump),
                         err) < 0 ||
        x2k_rundir_write(eng->run_dir, "replay.sh", script, strlen(script),
                         err) < 0)
        goto out;
    x2k_report_log(&eng->reporter, "run directory: %s", eng->run_dir);
    rc = 0;
out:
    free(dump);
    free(cmd);
    free(script);
    return rc;
}

static const stage_fn stage_fns[X2K_N_STAGES] = {
    [X2K_STAGE_CONNECT] = stage_missing,
    [X2K_STAGE_INSPECT] = stage_missing,
    [X2K_STAGE_PREFLIGHT] = stage_preflight,
    [X2K_STAGE_COPY] = stage_missing,
    [X2K_STAGE_CONVERT] = stage_missing,
    [X2K_STAGE_FIX_GUEST] = stage_missing,
    [X2K_STAGE_DEFINE] = stage_missing,
    [X2K_STAGE_REPORT] = stage_report,
};

/* Every event also goes, as a line, into the run directory's log. */
static void
tee_event(const struct x2k_event *ev, void *opaque)
{
    struct x2k_engine *eng = opaque;

    if (eng->log_fd >= 0 &&
        (ev->kind == X2K_EVENT_LOG || ev->kind == X2K_EVENT_WARNING ||
         ev->kind == X2K_EVENT_STAGE_BEGIN ||
         ev->kind == X2K_EVENT_STAGE_END)) {
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        char *line;

        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        if (ev->kind == X2K_EVENT_STAGE_BEGIN ||
            ev->kind == X2K_EVENT_STAGE_END)
            line = x2k_strdup_printf("%s stage %s %s%s\n", stamp,
                                     x2k_stage_id(ev->stage),
                                     ev->kind == X2K_EVENT_STAGE_BEGIN
                                         ? "begin"
                                         : "end",
                                     ev->kind == X2K_EVENT_STAGE_END &&
                                             ev->status
                                         ? " (failed)"
                                         : "");
        else
            line = x2k_strdup_printf("%s %s %s\n", stamp,
                                     ev->kind == X2K_EVENT_WARNING
                                         ? "warning"
                                         : "info",
                                     ev->text ? ev->text : "");
        (void)!write(eng->log_fd, line, strlen(line));
        free(line);
    }
    if (eng->user_fn)
        eng->user_fn(ev, eng->user_opaque);
}

struct x2k_engine *
x2k_engine_new(const struct x2k_plan *plan)
{
    struct x2k_engine *eng = x2k_xcalloc(1, sizeof *eng);

    x2k_plan_init(&eng->plan);
    x2k_plan_copy(&eng->plan, plan);
    x2k_reporter_init(&eng->reporter, tee_event, eng);
    eng->log_fd = -1;
    return eng;
}

void
x2k_engine_free(struct x2k_engine *eng)
{
    if (!eng)
        return;
    x2k_plan_clear(&eng->plan);
    free(eng->plan.target_uri);
    free(eng->plan.pool);
    x2k_secure_free(eng->password);
    free(eng->run_dir);
    if (eng->log_fd >= 0)
        close(eng->log_fd);
    free(eng);
}

void
x2k_engine_set_password(struct x2k_engine *eng, const char *password)
{
    x2k_secure_free(eng->password);
    eng->password = x2k_xstrdup(password);
}

void
x2k_engine_cancel(struct x2k_engine *eng)
{
    x2k_reporter_cancel(&eng->reporter);
}

const char *
x2k_engine_run_dir(const struct x2k_engine *eng)
{
    return eng->run_dir;
}

static int
open_run_dir(struct x2k_engine *eng, struct x2k_error *err)
{
    const char *name = eng->plan.vm_name ? eng->plan.vm_name : "guest";
    char *log;

    eng->run_dir = x2k_rundir_create(&eng->plan, name, err);
    if (!eng->run_dir)
        return -1;
    log = x2k_strdup_printf("%s/log", eng->run_dir);
    eng->log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (eng->log_fd < 0) {
        x2k_error_set_errno(err, X2K_ERR_IO, errno,
                            _("cannot create the log '%1$s'"), log);
        free(log);
        return -1;
    }
    free(log);
    return 0;
}

int
x2k_engine_run(struct x2k_engine *eng, bool only_preflight, x2k_event_fn fn,
               void *opaque, struct x2k_error *err)
{
    struct x2k_error local = X2K_ERROR_INIT;
    int s, rc = 0;

    eng->user_fn = fn;
    eng->user_opaque = opaque;
    if (x2k_plan_validate(&eng->plan, &local) < 0 ||
        open_run_dir(eng, &local) < 0) {
        rc = -1;
        goto out;
    }
    for (s = 0; s < X2K_N_STAGES && rc == 0; s++) {
        if (only_preflight && s > X2K_STAGE_PREFLIGHT)
            break;
        if (x2k_reporter_is_cancelled(&eng->reporter)) {
            x2k_error_set(&local, X2K_ERR_CANCELLED,
                          _("cancelled before the stage '%1$s'"),
                          x2k_stage_label((enum x2k_stage)s));
            rc = -1;
            break;
        }
        eng->stage = (enum x2k_stage)s;
        x2k_report_stage(&eng->reporter, eng->stage, true, 0);
        rc = stage_fns[s](eng, &local);
        if (rc < 0 && !x2k_error_is_set(&local))
            x2k_error_set(&local, X2K_ERR_INTERNAL,
                          "stage %s failed without an error",
                          x2k_stage_id(eng->stage));
        x2k_report_stage(&eng->reporter, eng->stage, false, rc);
    }
    if (rc < 0 && eng->log_fd >= 0) {
        char *text = x2k_error_format(&local);
        char *line = x2k_strdup_printf("error %s\n", text);

        (void)!write(eng->log_fd, line, strlen(line));
        free(text);
        free(line);
    }
out:
    if (rc < 0) {
        if (err)
            x2k_error_move(err, &local);
        else
            x2k_error_clear(&local);
    }
    return rc;
}
