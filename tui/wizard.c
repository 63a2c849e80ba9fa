/* The wizard's main loop: the list of screens, the frame around them
 * (title with the step and a DEMO label, status line, htop-like key
 * bar), key dispatch through the binding table, dialogs, the help key,
 * quit with confirmation, resize, and the poll() on stdin, the signal
 * pipe and the worker event pipe.  Main (UI) thread only: the only
 * thread that calls curses.
 */
#include <config.h>

#include "tcurses.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "base/fsutil.h"
#include "base/i18n.h"
#include "base/log.h"
#include "source/demo.h"
#include "term.h"
#include "tui.h"
#include "wizard.h"

static const struct tui_screen *const screens[] = {
    &screen_welcome,
    &screen_ssh,
    &screen_uri,
    &screen_vm,
    &screen_disks,
    &screen_target,
    &screen_summary,
    &screen_run,
    &screen_done,
};
#define N_SCREENS X2K_N_ELEMENTS(screens)

static FILE *log_fp;

size_t
tui_wizard_index(const char *id)
{
    size_t i;

    for (i = 0; i < N_SCREENS; i++) {
        if (strcmp(screens[i]->id, id) == 0)
            return i;
    }
    return 0;
}

void
tui_wizard_goto(struct tui_ctx *ctx, size_t index)
{
    bool forward = index > ctx->cur;

    if (index >= N_SCREENS)
        return;
    if (screens[ctx->cur]->leave)
        screens[ctx->cur]->leave(ctx, forward);
    free(ctx->status);
    ctx->status = NULL;
    ctx->cur = index;
    if (screens[index]->enter)
        screens[index]->enter(ctx);
    ctx->dirty = true;
    x2k_log(X2K_LOG_DEBUG, "wizard: screen %s", screens[index]->id);
}

void
tui_set_status(struct tui_ctx *ctx, bool error, const char *fmt, ...)
{
    va_list ap;

    free(ctx->status);
    va_start(ap, fmt);
    ctx->status = x2k_strdup_vprintf(fmt, ap);
    va_end(ap);
    ctx->status_error = error;
    ctx->dirty = true;
}

/* The key bar: "F1 Help" pairs, the key in reverse video as htop. */
static void
draw_keybar(struct tui_ctx *ctx, bool typing)
{
    const struct tui_screen *s = screens[ctx->cur];
    const char *extra = s->hint ? s->hint(ctx) : NULL;
    struct { const char *key; const char *label; } items[8];
    size_t n = 0, i;
    int x = 0;

    items[n].key = typing ? "F1" : "F1/?";
    items[n++].label = _("Help");
    items[n].key = "Tab";
    items[n++].label = _("Field");
    items[n].key = "Enter";
    items[n++].label = ctx->cur + 1 < N_SCREENS ? _("Next") : _("Finish");
    /* On Done, Esc only asks to quit, as F10 does: no "Back". */
    if (ctx->cur + 1 < N_SCREENS) {
        items[n].key = "Esc";
        items[n++].label = _("Back");
    }
    items[n].key = typing ? "F10/^X" : "F10/q";
    items[n++].label = _("Quit");
    move(LINES - 1, 0);
    clrtoeol();
    for (i = 0; i < n && x < COLS; i++) {
        attron(tui_attr(TUI_C_KEY));
        x += tui_put(LINES - 1, x, COLS - x, items[i].key, false);
        attroff(tui_attr(TUI_C_KEY));
        x += tui_put(LINES - 1, x, COLS - x, " ", false);
        x += tui_put(LINES - 1, x, COLS - x, items[i].label, false);
        x += tui_put(LINES - 1, x, COLS - x, "  ", false);
    }
    if (extra && x < COLS)
        tui_put(LINES - 1, x + 1, COLS - x - 1, extra, false);
}

static void
draw_frame(struct tui_ctx *ctx)
{
    const struct tui_screen *s = screens[ctx->cur];
    char *title;

    attron(tui_attr(TUI_C_TITLE));
    mvhline(0, 0, ' ', COLS);
    /* TRANSLATORS: the title bar: step number, count, screen title. */
    title = x2k_strdup_printf(_(" xen2kvm-tui  %1$zu/%2$zu  %3$s "),
                              ctx->cur + 1, N_SCREENS, _(s->title));
    tui_put(0, 0, COLS - 8, title, false);
    free(title);
    attroff(tui_attr(TUI_C_TITLE));
    if (ctx->demo) {
        attron(tui_attr(TUI_C_DEMO) | A_BOLD);
        mvaddstr(0, COLS - 7, " DEMO ");
        attroff(tui_attr(TUI_C_DEMO) | A_BOLD);
    }
    if (ctx->status) {
        attron(ctx->status_error ? tui_attr(TUI_C_FAIL) : A_BOLD);
        tui_put(LINES - 2, 1, COLS - 2, ctx->status, false);
        attroff(ctx->status_error ? tui_attr(TUI_C_FAIL) : A_BOLD);
    }
}

/* Whether the current screen has a text field focused. */
static bool typing_now;

/* Whether the current screen has the Back / Next row. */
static bool
s_nav(const struct tui_ctx *ctx)
{
    return screens[ctx->cur]->nav;
}

static void
draw(struct tui_ctx *ctx)
{
    erase();
    curs_set(0);
    ctx->tick = false;
    if (COLS < 80 || LINES < 24) {
        /* TRANSLATORS: keep it short: the terminal may be tiny. */
        tui_put_wrapped(0, 0, COLS, LINES,
                        _("Please enlarge the terminal to at least 80x24."));
        refresh();
        return;
    }
    draw_frame(ctx);
    draw_keybar(ctx, typing_now);
    /* The screen draws last so its cursor placement wins. */
    screens[ctx->cur]->draw(ctx, 2, LINES - 4 - (s_nav(ctx) ? 1 : 0));
    if (ctx->dlg.kind != TUI_DLG_NONE)
        tui_dialog_draw(ctx);
    refresh();
}

/* The exit status of quitting now: a finished run's own (1 when the
 * migration failed), cancelled while one runs, else 0. */
static int
quit_status(const struct tui_ctx *ctx)
{
    if (ctx->running)
        return TUI_EXIT_CANCELLED;
    return ctx->run_rc >= 0 ? ctx->run_rc : TUI_EXIT_OK;
}

static void
quit_answer(struct tui_ctx *ctx, bool yes)
{
    if (yes) {
        ctx->quit = true;
        ctx->exit_code = quit_status(ctx);
    }
}

void
tui_wizard_ask_quit(struct tui_ctx *ctx)
{
    tui_dialog_confirm(ctx, _("Quit"),
                       ctx->running
                       ? _("A conversion is running. Quit and cancel it? "
                           "The copied data is kept and a new run "
                           "resumes it.")
                       : _("Quit xen2kvm-tui? Your choices are not "
                           "saved unless you saved the command."),
                       quit_answer);
}

/* SIGTERM, SIGHUP or SIGQUIT: a run is cancelled as Esc does, and the
 * wizard quits once it has stopped (its children stopped, the copy
 * kept); without a run, at once.  Ctrl-C asks during a run.  A second
 * signal quits at once. */
static void
handle_signal(struct tui_ctx *ctx, int sig)
{
    if (sig == SIGINT && ctx->running && !ctx->stop_signal) {
        tui_wizard_ask_quit(ctx);
        return;
    }
    x2k_log(X2K_LOG_INFO, "wizard: signal %d%s", sig,
            ctx->running ? ": cancelling the run" : "");
    if (sig != SIGINT && !ctx->stop_signal && tui_run_cancel(ctx)) {
        ctx->stop_signal = sig;
        ctx->stop_deadline = x2k_now() + 60;
        return;
    }
    ctx->exit_code = sig == SIGINT ? TUI_EXIT_CANCELLED : 128 + sig;
    ctx->quit = true;
}

static void
apply(struct tui_ctx *ctx, int flags)
{
    if (flags & TUI_REDRAW)
        ctx->dirty = true;
    if (flags & TUI_QUIT)
        ctx->quit = true;
    else if ((flags & TUI_NEXT) && ctx->cur + 1 < N_SCREENS)
        tui_wizard_goto(ctx, ctx->cur + 1);
    else if (flags & TUI_BACK) {
        if (ctx->cur > 0)
            tui_wizard_goto(ctx, ctx->cur - 1);
        else
            tui_wizard_ask_quit(ctx);
    }
}

/* One key from wget_wch(). */
static void
handle_key(struct tui_ctx *ctx, int ch, bool is_code)
{
    const struct tui_screen *s = screens[ctx->cur];
    int action = tui_keys_action(ch, is_code, typing_now);
    int flags;

    if (action == TUI_ACT_RESIZE) {
        ctx->dirty = true;
        return;
    }
    if (COLS < 80 || LINES < 24) {
        /* Only quitting makes sense on a tiny terminal. */
        if (action == TUI_ACT_QUIT)
            ctx->quit = true;
        return;
    }
    if (ctx->dlg.kind != TUI_DLG_NONE) {
        apply(ctx, tui_dialog_key(ctx, action, ch));
        return;
    }
    flags = s->key(ctx, action, is_code ? -1 : ch);
    if (flags & TUI_HANDLED) {
        apply(ctx, flags);
        return;
    }
    switch (action) {
    case TUI_ACT_HELP: {
        char *id = x2k_strdup_printf("screen-%s", s->id);

        tui_dialog_help(ctx, id);
        free(id);
        break;
    }
    case TUI_ACT_QUIT:
        tui_wizard_ask_quit(ctx);
        break;
    case TUI_ACT_BACK:
        apply(ctx, TUI_BACK);
        break;
    case TUI_ACT_ENTER:
        apply(ctx, TUI_NEXT);
        break;
    default:
        break;
    }
}

/* Messages from worker threads go to the screen that started them
 * (task ids are screen index * 100 + n) or, for engine events, to the
 * Run screen. */
static void
handle_messages(struct tui_ctx *ctx)
{
    struct tui_msg *msg;

    while ((msg = tui_queue_pop())) {
        size_t idx = msg->kind == TUI_MSG_TASK_DONE
            ? (size_t)msg->task / 100 : tui_wizard_index("run");

        if (idx < N_SCREENS && screens[idx]->event)
            apply(ctx, screens[idx]->event(ctx, msg));
        tui_msg_free(msg);
    }
}

static void
log_sink(enum x2k_log_level level, const char *line, void *opaque)
{
    (void)opaque;
    if (log_fp) {
        fprintf(log_fp, "%s: %s\n", x2k_log_level_name(level), line);
        fflush(log_fp);
    }
}

/* Open the log file: --log-file, else the cache directory. */
static int
open_log(struct tui_ctx *ctx)
{
    const char *given = ctx->cli->log_file;
    char *dir = NULL;
    int fd;

    if (given && *given) {
        ctx->log_path = x2k_xstrdup(given);
    } else {
        dir = x2k_cache_dir();
        /* Parents first: ~/.cache may not exist yet.  A failure shows
         * when the log file is opened. */
        (void)x2k_mkdir_p(dir, 0700, NULL);
        ctx->log_path = x2k_strdup_printf("%s/wizard.log", dir);
        free(dir);
    }
    log_fp = tui_log_open(ctx->log_path);
    if (!log_fp)
        return -1;
    /* A second descriptor: it becomes fd 2 while curses runs. */
    fd = dup(fileno(log_fp));
    x2k_log_set_sink(log_sink, NULL,
                     ctx->cli->verbose ? X2K_LOG_DEBUG : X2K_LOG_INFO);
    return fd;
}

/* With everything given on the command line, start at the Summary. */
static size_t
first_screen(const struct x2k_plan *plan)
{
    struct x2k_error err = X2K_ERROR_INIT;
    size_t start = 0;

    if (plan->vm_name && (plan->uri || plan->demo) &&
        x2k_plan_validate(plan, &err) == 0)
        start = tui_wizard_index("summary");
    x2k_error_clear(&err);
    return start;
}

bool
tui_screen_typing(struct tui_ctx *ctx)
{
    const struct tui_screen *s = screens[ctx->cur];

    if (ctx->dlg.kind != TUI_DLG_NONE)
        return false;
    return s->typing ? s->typing(ctx) : false;
}

char *
tui_source_uri(const struct tui_ctx *ctx)
{
    return x2k_plan_source_uri(ctx->plan);
}

int
tui_wizard_main(struct x2k_plan *plan, const struct x2k_cli *cli)
{
    struct tui_ctx ctx;
    struct pollfd fds[3];
    int log_fd;
    size_t i;

    memset(&ctx, 0, sizeof ctx);
    ctx.plan = plan;
    ctx.cli = cli;
    ctx.demo = plan->demo;
    ctx.exit_code = TUI_EXIT_OK;
    ctx.run_rc = -1;
    tui_term_install_signals();
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) ||
        !tui_queue_init()) {
        fprintf(stderr,
                _("xen2kvm: error: the wizard needs a terminal; use --batch "
                  "to run without one\n"));
        return TUI_EXIT_USAGE;
    }
    log_fd = open_log(&ctx);
    /* Without a log file, library messages still must not reach the
     * screen. */
    if (log_fd < 0)
        log_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (!tui_term_start(log_fd)) {
        fprintf(stderr,
                _("xen2kvm: error: the wizard needs a terminal; use --batch "
                  "to run without one\n"));
        return TUI_EXIT_USAGE;
    }
    tui_draw_init_colors();
    x2k_log(X2K_LOG_INFO, "wizard started%s", ctx.demo ? " (demo)" : "");
    if (ctx.demo) {
        struct x2k_error err = X2K_ERROR_INIT;

        /* The demo's disk images, created once in the cache (a few
         * seconds the first time: say so). */
        erase();
        tui_put(LINES / 2, 2, COLS - 4,
                _("Preparing the demo's disk images..."), false);
        refresh();
        if (x2k_demo_prepare(&err) < 0) {
            x2k_log(X2K_LOG_ERROR, "demo: %s", err.msg);
            tui_set_status(&ctx, true, "%s", err.msg);
        }
        x2k_error_clear(&err);
        /* The demo's target: libvirt's test driver with a dir pool in
         * the cache (a real define), unless a target was given.  Its
         * images hold no OS, so there is nothing for the guest fixes;
         * the copies are verified (checksums) to show that step too. */
        if (plan->output == X2K_OUTPUT_LIBVIRT &&
            x2k_str_equal(plan->target_uri, X2K_DEFAULT_TARGET_URI) &&
            x2k_str_equal(plan->pool, X2K_DEFAULT_POOL)) {
            free(plan->target_uri);
            plan->target_uri = x2k_demo_target_uri();
            plan->no_guest_fixes = true;
            plan->verify = true;
        }
    }
    ctx.cur = first_screen(plan);
    screens[ctx.cur]->enter(&ctx);
    typing_now = tui_screen_typing(&ctx);
    draw(&ctx);

    fds[0].fd = STDIN_FILENO;
    fds[0].events = POLLIN;
    fds[1].fd = tui_term_signal_fd();
    fds[1].events = POLLIN;
    fds[2].fd = tui_queue_fd();
    fds[2].events = POLLIN;
    nodelay(stdscr, TRUE);
    while (!ctx.quit) {
        wint_t wc;
        int r;

        /* SIGWINCH interrupts poll(); wget_wch() then reports
         * KEY_RESIZE, so drain the keyboard whatever woke us. */
        r = poll(fds, 3, ctx.dirty ? 0 : ctx.tick ? 100 : 1000);
        if (r < 0 && errno != EINTR)
            break;
        if (r == 0 && ctx.tick)
            ctx.dirty = true;
        /* The terminal hung up: stop polling it (SIGHUP follows). */
        if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))
            fds[0].fd = -1;
        if (fds[1].revents & POLLIN) {
            int sig = tui_term_take_signal();

            if (sig)
                handle_signal(&ctx, sig);
        }
        if (fds[2].revents & POLLIN)
            handle_messages(&ctx);
        /* A signal's cancel has stopped the run (or taken too long). */
        if (ctx.stop_signal && !ctx.quit &&
            (!ctx.running || x2k_now() >= ctx.stop_deadline)) {
            ctx.exit_code = 128 + ctx.stop_signal;
            ctx.quit = true;
        }
        while (!ctx.quit && (r = wget_wch(stdscr, &wc)) != ERR) {
            handle_key(&ctx, (int)wc, r == KEY_CODE_YES);
            typing_now = tui_screen_typing(&ctx);
        }
        if (ctx.dirty && !ctx.quit) {
            ctx.dirty = false;
            typing_now = tui_screen_typing(&ctx);
            draw(&ctx);
        }
    }
    if (screens[ctx.cur]->leave)
        screens[ctx.cur]->leave(&ctx, false);
    tui_term_stop();
    tui_dialog_close(&ctx);
    free(ctx.status);
    free(ctx.run_error);
    free(ctx.run_dir);
    free(ctx.run_domain);
    free(ctx.run_boot);
    free(ctx.run_target);
    tui_lines_free(ctx.run_copies, ctx.n_run_copies);
    tui_lines_free(ctx.run_warnings, ctx.n_warnings);
    tui_vms_free(ctx.vms, ctx.n_vms);
    x2k_log(X2K_LOG_INFO, "wizard ended with %d", ctx.exit_code);
    x2k_log_set_sink(NULL, NULL, X2K_LOG_ERROR);
    if (log_fp)
        fclose(log_fp);
    if (log_fd >= 0)
        close(log_fd);
    free(ctx.log_path);
    /* A task may still wait on the network (a libvirt or SSH
     * connection).  Give it a moment; then leave without running the
     * libraries' exit handlers under its feet. */
    for (i = 0; i < 20 && tui_task_active() > 0; i++)
        usleep(50 * 1000);
    if (tui_task_active() > 0) {
        fflush(NULL);
        _exit(ctx.exit_code);
    }
    return ctx.exit_code;
}
