/* Run screen: the migration on a worker thread, shown live: the stages
 * with ticks, a bar per disk (percent, bytes, rate, ETA), an overall
 * bar and a log that wraps and scrolls (L shows all of it).  Esc cancels after confirmation; keys stay
 * answered while the copy runs because the engine only ever queues
 * events.  UI thread (the engine runs on its own thread).
 */
#include <config.h>

#include "tcurses.h"
#include <stdio.h>

#include "base/i18n.h"
#include "base/log.h"
#include "engine/engine.h"
#include "tui.h"

enum { T_JOB = 700 };
#define MAX_DISKS 8

enum st { ST_PENDING, ST_RUNNING, ST_OK, ST_FAILED, ST_SKIPPED };

struct disk_progress {
    char *name;
    uint64_t done, total;
    double rate, eta;
};

static struct x2k_engine *engine;  /* UI thread creates and frees */
static enum st stages[X2K_N_STAGES];
static struct disk_progress disks[MAX_DISKS];
static struct disk_progress overall;   /* disk -1 events, if any */
static size_t n_disks;
static struct tui_pane log_pane = { .follow = true };
static struct tui_pane raw_log;    /* the log's lines as they came */
static int log_w = 75;             /* the width LOG_PANE is wrapped to */
static bool started, finished, cancelling;
static int log_h = 5;

/* One line of the run's log: kept whole, shown wrapped. */
static void
log_add(const char *line)
{
    char **lines;
    size_t n, i;

    tui_pane_add(&raw_log, line);
    lines = tui_wrap(line, log_w, &n);
    for (i = 0; i < n; i++)
        tui_pane_add(&log_pane, lines[i]);
    tui_lines_free(lines, n);
}

/* Wrap the whole log again at width W (the terminal was resized). */
static void
log_rewrap(int w)
{
    bool follow = log_pane.follow;
    size_t i;

    log_w = w;
    tui_pane_clear(&log_pane);
    for (i = 0; i < raw_log.n; i++) {
        char **lines;
        size_t n, k;

        lines = tui_wrap(raw_log.lines[i], log_w, &n);
        for (k = 0; k < n; k++)
            tui_pane_add(&log_pane, lines[k]);
        tui_lines_free(lines, n);
    }
    log_pane.follow = follow;
}

/* The whole log in a scrollable dialog. */
static void
show_log(struct tui_ctx *ctx)
{
    struct x2k_buf b = { 0 };
    char *text;
    size_t i;

    for (i = 0; i < raw_log.n; i++)
        x2k_buf_printf(&b, "%s%s", i ? "\n" : "", raw_log.lines[i]);
    text = x2k_buf_steal(&b);
    tui_dialog_text(ctx, _("The run's log"), text ? text : "");
    free(text);
}

/* The engine's thread: events reach the UI through the queue. */
static int
job_task(void *opaque, void **result, struct x2k_error *err)
{
    (void)result;
    return x2k_engine_run(opaque, false, tui_queue_event_fn, NULL, err);
}

static void
run_enter(struct tui_ctx *ctx)
{
    size_t i;

    if (started && !finished)
        return;
    /* A new run (also after coming back from a finished one). */
    for (i = 0; i < X2K_N_STAGES; i++)
        stages[i] = ST_PENDING;
    for (i = 0; i < n_disks; i++)
        free(disks[i].name);
    n_disks = 0;
    memset(&overall, 0, sizeof overall);
    tui_pane_clear(&log_pane);
    tui_pane_clear(&raw_log);
    log_pane.follow = true;
    started = true;
    finished = false;
    cancelling = false;
    ctx->running = true;
    ctx->run_rc = -1;
    tui_lines_free(ctx->run_warnings, ctx->n_warnings);
    ctx->run_warnings = NULL;
    ctx->n_warnings = 0;
    free(ctx->run_error);
    ctx->run_error = NULL;
    x2k_engine_free(engine);
    engine = x2k_engine_new(ctx->plan);
    log_add(_("Starting the conversion..."));
    x2k_log(X2K_LOG_INFO, "wizard: run started");
    tui_task_start(T_JOB, job_task, engine);
}

static void
run_draw(struct tui_ctx *ctx, int top, int rows)
{
    int w = COLS - 4, y = top, col = 0, colw = w / 2;
    uint64_t all_done = 0, all_total = 0;
    bool verifying;
    size_t i;
    char a[32], b[32], c[32], d[32];

    /* Stages: four per row, with ticks. */
    for (i = 0; i < X2K_N_STAGES; i++) {
        static const char *const marks[] = { "[ ]", "[>]", "[x]", "[!]",
                                              "[-]" };
        char *s = x2k_strdup_printf("%s %s", marks[stages[i]],
                                    x2k_stage_label((enum x2k_stage)i));
        int attr = stages[i] == ST_OK ? tui_attr(TUI_C_OK)
            : stages[i] == ST_FAILED ? tui_attr(TUI_C_FAIL)
            : stages[i] == ST_RUNNING ? A_BOLD : A_NORMAL;

        attron(attr);
        tui_put(y, 2 + col * colw, colw - 1, s, false);
        attroff(attr);
        free(s);
        if (++col == 2) {
            col = 0;
            y++;
        }
    }
    if (col)
        y++;                    /* an odd number of stages */
    y++;
    for (i = 0; i < n_disks && y < top + rows - 6; i++) {
        struct disk_progress *p = &disks[i];
        double frac = p->total ? (double)p->done / (double)p->total : 0;
        char *label, *s;

        label = x2k_strdup_printf("%-5s", p->name ? p->name : "?");
        tui_put(y, 2, 6, label, false);
        s = x2k_strdup_printf("%3d%%", (int)(frac * 100));
        tui_draw_bar(y, 8, w - 6, frac, s);
        free(s);
        free(label);
        /* TRANSLATORS: bytes done / total, rate, time left. */
        s = x2k_strdup_printf(_("%1$s of %2$s, %3$s/s, %4$s left"),
                              x2k_format_bytes(p->done, a, sizeof a),
                              x2k_format_bytes(p->total, b, sizeof b),
                              x2k_format_bytes((uint64_t)p->rate, c, sizeof c),
                              tui_fmt_eta(p->eta, d, sizeof d));
        tui_put(y + 1, 8, w - 6, s, false);
        free(s);
        all_done += p->done;
        all_total += p->total;
        y += 2;
    }
    if (n_disks == 0) {
        tui_put(y, 2, w, _("No disk is being copied yet."), false);
        y += 2;
    }
    {
        double frac = all_total ? (double)all_done / (double)all_total : 0;
        size_t ok = 0;
        char *s;

        /* The engine's own overall figure wins over the sum. */
        if (overall.total) {
            all_done = overall.done;
            all_total = overall.total;
            frac = (double)all_done / (double)all_total;
        }
        for (i = 0; i < X2K_N_STAGES; i++)
            ok += stages[i] == ST_OK || stages[i] == ST_SKIPPED;
        if (!all_total)
            frac = (double)ok / X2K_N_STAGES;
        s = x2k_strdup_printf(_("Overall %1$d%%"), (int)(frac * 100));
        tui_put(y, 2, 8, "", false);
        tui_draw_bar(y, 2, w, frac, s);
        free(s);
        y += 2;
    }
    /* Every byte is across but the copy stage goes on: with --verify
     * the copies are being read back and checksummed. */
    verifying = ctx->plan->verify && stages[X2K_STAGE_COPY] == ST_RUNNING &&
                n_disks > 0;
    for (i = 0; verifying && i < n_disks; i++)
        verifying = disks[i].total && disks[i].done == disks[i].total;
    attron(A_BOLD);
    tui_put(y++, 2, w, finished ? (ctx->run_rc == 0
                                   ? _("Finished. Press Enter.")
                                   : _("Stopped. Press Enter for the "
                                       "result."))
            : cancelling ? _("Cancelling...")
            : verifying ? _("Verifying the copies (checksums); Esc "
                            "cancels:")
            : _("Log (Esc cancels):"), false);
    attroff(A_BOLD);
    log_h = top + rows - y;
    if (w - 1 != log_w)
        log_rewrap(w - 1);
    tui_pane_draw(&log_pane, y, 2, log_h, w, false);
}

static void
cancel_answer(struct tui_ctx *ctx, bool yes)
{
    if (yes && !finished) {
        cancelling = true;
        x2k_engine_cancel(engine);
        log_add(_("Cancelling at the next safe point..."));
        ctx->dirty = true;
    }
}

bool
tui_run_cancel(struct tui_ctx *ctx)
{
    if (!ctx->running || !engine || finished)
        return false;
    cancel_answer(ctx, true);
    return true;
}

static int
run_key(struct tui_ctx *ctx, int action, int ch)
{
    if (action == TUI_ACT_NONE && (ch == 'l' || ch == 'L')) {
        show_log(ctx);
        return TUI_HANDLED | TUI_REDRAW;
    }
    if (!finished) {
        if (action == TUI_ACT_BACK) {
            tui_dialog_confirm(ctx, _("Cancel the conversion?"),
                               _("The copied data is kept; running the "
                                 "same migration again resumes it."),
                               cancel_answer);
            return TUI_HANDLED | TUI_REDRAW;
        }
        if (action == TUI_ACT_ENTER)
            return TUI_HANDLED;
        return tui_pane_key(&log_pane, action, log_h);
    }
    /* Finished: Esc too goes on to the result, never back towards a
     * new run. */
    if (action == TUI_ACT_ENTER || action == TUI_ACT_BACK)
        return TUI_HANDLED | TUI_NEXT;
    return tui_pane_key(&log_pane, action, log_h);
}

static struct disk_progress *
disk_for(const struct x2k_event *ev)
{
    if (ev->disk < 0 || ev->disk >= MAX_DISKS)
        return NULL;
    while (n_disks <= (size_t)ev->disk) {
        memset(&disks[n_disks], 0, sizeof disks[n_disks]);
        disks[n_disks].eta = -1;
        n_disks++;
    }
    if (ev->disk_name && !disks[ev->disk].name)
        disks[ev->disk].name = x2k_xstrdup(ev->disk_name);
    return &disks[ev->disk];
}

static int
run_event(struct tui_ctx *ctx, const struct tui_msg *msg)
{
    const struct x2k_event *ev = &msg->ev;
    struct disk_progress *p;
    char *s;

    if (msg->kind == TUI_MSG_TASK_DONE) {
        struct x2k_engine_result res;
        size_t i;

        finished = true;
        ctx->running = false;
        x2k_str_replace(&ctx->run_dir, x2k_engine_run_dir(engine));
        /* What the Done screen reports (the engine's own account). */
        x2k_engine_get_result(engine, &res);
        x2k_str_replace(&ctx->run_domain, res.domain);
        x2k_str_replace(&ctx->run_target, res.target);
        ctx->run_defined = res.defined;
        ctx->run_started = res.started;
        free(ctx->run_boot);
        ctx->run_boot = tui_boot_result_text(&res);
        tui_lines_free(ctx->run_copies, ctx->n_run_copies);
        ctx->run_copies = x2k_xcalloc(res.n_disks + 1,
                                      sizeof *ctx->run_copies);
        for (i = 0; i < res.n_disks; i++)
            ctx->run_copies[i] = x2k_xstrdup(res.disks[i]);
        ctx->n_run_copies = res.n_disks;
        if (msg->rc == 0) {
            ctx->run_rc = TUI_EXIT_OK;
        } else {
            ctx->run_rc = msg->err.code == X2K_ERR_CANCELLED
                ? TUI_EXIT_CANCELLED
                : msg->err.code == X2K_ERR_PREFLIGHT ? TUI_EXIT_PREFLIGHT
                : TUI_EXIT_FAILED;
            x2k_str_replace(&ctx->run_error, msg->err.msg);
            s = x2k_strdup_printf(_("Error: %1$s"),
                                  msg->err.msg ? msg->err.msg : "?");
            log_add(s);
            free(s);
            if (ctx->run_rc != TUI_EXIT_CANCELLED)
                tui_dialog_message(ctx, _("The conversion failed"),
                                   msg->err.msg ? msg->err.msg : "?");
        }
        x2k_log(X2K_LOG_INFO, "wizard: run ended with %d", ctx->run_rc);
        return TUI_REDRAW;
    }
    switch (ev->kind) {
    case X2K_EVENT_STAGE_BEGIN:
        if (ev->stage < X2K_N_STAGES)
            stages[ev->stage] = ST_RUNNING;
        log_add(x2k_stage_label(ev->stage));
        break;
    case X2K_EVENT_STAGE_END:
        if (ev->stage < X2K_N_STAGES)
            stages[ev->stage] = ev->status == 0 ? ST_OK
                                : ev->status == X2K_STAGE_SKIPPED
                                    ? ST_SKIPPED
                                    : ST_FAILED;
        break;
    case X2K_EVENT_PROGRESS:
        if (ev->disk < 0) {
            overall.done = ev->done;
            overall.total = ev->total;
            break;
        }
        p = disk_for(ev);
        if (p) {
            p->done = ev->done;
            p->total = ev->total;
            p->rate = ev->rate;
            p->eta = ev->eta;
        }
        break;
    case X2K_EVENT_LOG:
        if (ev->text)
            log_add(ev->text);
        break;
    case X2K_EVENT_CONSOLE:
        /* The boot check: the console, live, in the log pane. */
        s = x2k_strdup_printf(_("console: %1$s"), ev->text ? ev->text : "");
        log_add(s);
        free(s);
        break;
    case X2K_EVENT_WARNING:
        ctx->run_warnings = x2k_xreallocarray(ctx->run_warnings,
                                              ctx->n_warnings + 2,
                                              sizeof *ctx->run_warnings);
        ctx->run_warnings[ctx->n_warnings++] =
            x2k_xstrdup(ev->text ? ev->text : "");
        ctx->run_warnings[ctx->n_warnings] = NULL;
        s = x2k_strdup_printf(_("Warning: %1$s"), ev->text ? ev->text : "");
        log_add(s);
        free(s);
        break;
    }
    return TUI_REDRAW;
}

/* Quitting the wizard while the engine runs cancels it. */
static void
run_leave(struct tui_ctx *ctx, bool forward)
{
    (void)forward;
    if (engine && !finished && ctx->quit)
        x2k_engine_cancel(engine);
}

static const char *
run_hint(struct tui_ctx *ctx)
{
    (void)ctx;
    /* TRANSLATORS: the key bar: L opens the whole log. */
    return _("L whole log");
}

const struct tui_screen screen_run = {
    .id = "run",
    .title = N_("Conversion"),
    .enter = run_enter,
    .draw = run_draw,
    .key = run_key,
    .leave = run_leave,
    .event = run_event,
    .hint = run_hint,
};
