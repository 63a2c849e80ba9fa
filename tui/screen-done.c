/* Done screen: the result, warnings, where the new domain and the log
 * are, the next commands (virsh start / console) and the replay command
 * again, in a pane that scrolls, and two buttons: "New migration"
 * (after asking: the finished run is never repeated by a stray key) and
 * "Quit".  Esc asks to quit; it never goes back into the Run screen.
 * UI thread.
 */
#include <config.h>

#include "tcurses.h"
#include <stdio.h>

#include "base/i18n.h"
#include "base/log.h"
#include "tui.h"

enum { B_NEW, B_QUIT };

static struct tui_widget b_new = { .kind = TUI_W_BUTTON, .id = B_NEW,
                                   .label = N_("New migration") };
static struct tui_widget b_quit = { .kind = TUI_W_BUTTON, .id = B_QUIT,
                                    .label = N_("Quit") };
static struct tui_widget *widgets[] = { &b_new, &b_quit };
/* Focus on "Quit"; PgUp/PgDn scroll the pane from the buttons. */
static struct tui_paned pf = {
    .form = { widgets, X2K_N_ELEMENTS(widgets), 1 },
    .pane_h = 10,
    .page_keys = true,
};

static void
rebuild(struct tui_ctx *ctx, int w)
{
    const struct x2k_plan *p = ctx->plan;
    const char *name = p->new_name ? p->new_name
        : p->vm_name ? p->vm_name : "?";
    const char *turi = p->target_uri ? p->target_uri
        : X2K_DEFAULT_TARGET_URI;
    char *cmd = x2k_plan_to_command(p);
    struct x2k_buf b = { 0 };
    char *text, **lines;
    size_t n, i;

    if (ctx->run_domain)
        name = ctx->run_domain;
    if (ctx->run_target)
        turi = ctx->run_target;
    if (ctx->run_rc == TUI_EXIT_OK && ctx->run_defined && ctx->run_boot) {
        x2k_buf_printf(&b, "%s\n", ctx->run_boot);
    } else if (ctx->run_rc == TUI_EXIT_OK && ctx->run_defined) {
        x2k_buf_printf(&b, _("The conversion succeeded: %1$s is defined "
                             "on %2$s (not started)."), name, turi);
        x2k_buf_puts(&b, "\n");
    } else if (ctx->run_rc == TUI_EXIT_OK) {
        const char *dir = p->output_dir ? p->output_dir : ".";

        x2k_buf_printf(&b, _("The conversion succeeded: the disks and the "
                             "domain XML of %1$s are in %2$s."), name, dir);
        x2k_buf_printf(&b, "\n%s\n", _("Next:"));
        x2k_buf_printf(&b, "  virsh -c %s define %s/%s.xml\n",
                       p->target_uri ? p->target_uri
                                     : X2K_DEFAULT_TARGET_URI, dir, name);
    } else if (ctx->run_rc == TUI_EXIT_CANCELLED) {
        x2k_buf_puts(&b, _("The conversion was cancelled. The copied data "
                           "is kept: running the same command again "
                           "resumes it."));
        x2k_buf_puts(&b, "\n");
    } else {
        if (ctx->run_boot)
            x2k_buf_printf(&b, "%s\n", ctx->run_boot);
        x2k_buf_printf(&b, _("The conversion did not finish: %1$s"),
                       ctx->run_error ? ctx->run_error : "?");
        x2k_buf_puts(&b, "\n");
    }
    if (ctx->n_run_copies) {
        x2k_buf_printf(&b, "%s\n", ctx->run_rc == TUI_EXIT_OK
                       ? _("Disks:") : _("Copies so far (resumable):"));
        for (i = 0; i < ctx->n_run_copies; i++)
            x2k_buf_printf(&b, "  %s\n", ctx->run_copies[i]);
    }
    if (ctx->run_rc == TUI_EXIT_OK && p->no_guest_fixes)
        x2k_buf_printf(&b, "%s\n", ctx->demo
                       ? _("Guest fixes: skipped (the demo's images hold "
                           "no operating system).")
                       : _("Guest fixes: skipped (--no-guest-fixes)."));
    if (ctx->run_rc == TUI_EXIT_OK && ctx->run_defined && ctx->demo) {
        x2k_buf_puts(&b, "\n");
        x2k_buf_puts(&b, _("DEMO: the target is libvirt's test driver, "
                           "which keeps the new domain only while this "
                           "program runs; the copied disks stay in the "
                           "pool's directory. On a real KVM host, next:"));
        x2k_buf_printf(&b, "\n  virsh start %s\n", name);
        x2k_buf_printf(&b, "  virsh console %s\n", name);
    } else if (ctx->run_rc == TUI_EXIT_OK && ctx->run_defined) {
        x2k_buf_printf(&b, "\n%s\n", _("Next:"));
        if (!ctx->run_started)
            x2k_buf_printf(&b, "  virsh -c %s start %s\n", turi, name);
        x2k_buf_printf(&b, "  virsh -c %s console %s\n", turi, name);
    }
    x2k_buf_puts(&b, "\n");
    x2k_buf_printf(&b, _("Warnings: %1$zu"), ctx->n_warnings);
    x2k_buf_puts(&b, "\n");
    for (i = 0; i < ctx->n_warnings; i++)
        x2k_buf_printf(&b, "  - %s\n", ctx->run_warnings[i]);
    x2k_buf_printf(&b, _("Log file: %1$s"), ctx->log_path);
    if (ctx->run_dir) {
        x2k_buf_puts(&b, "\n");
        /* TRANSLATORS: the directory with the run's log, original and
         * converted XML. */
        x2k_buf_printf(&b, _("Run directory: %1$s"), ctx->run_dir);
    }
    x2k_buf_printf(&b, "\n\n%s\n%s\n", _("Replay command:"), cmd);
    text = x2k_buf_steal(&b);
    lines = tui_wrap(text, w - 1, &n);
    tui_pane_clear(&pf.pane);
    for (i = 0; i < n; i++)
        tui_pane_add(&pf.pane, lines[i]);
    tui_lines_free(lines, n);
    free(text);
    free(cmd);
}

static void
done_enter(struct tui_ctx *ctx)
{
    pf.form.focus = 1;
    pf.pane_focus = false;
    pf.pane.top = 0;
    rebuild(ctx, COLS - 4);
}

static void
done_draw(struct tui_ctx *ctx, int top, int rows)
{
    int x = 2;
    char *more;

    rebuild(ctx, COLS - 4);
    b_new.y = b_quit.y = top + rows - 1;
    b_new.x = x;
    b_new.w = (int)x2k_mbswidth(_(b_new.label)) + 4;
    b_quit.x = b_new.x + b_new.w + 2;
    b_quit.w = (int)x2k_mbswidth(_(b_quit.label)) + 4;
    tui_paned_draw(&pf, top, 2, rows - 2, COLS - 4);
    /* Say that the pane holds more than fits (the replay command is
     * often below). */
    if (pf.pane.n > (size_t)pf.pane_h) {
        more = x2k_strdup_printf(_("Lines %1$zu-%2$zu of %3$zu: "
                                   "PgUp/PgDn scroll"),
                                 pf.pane.top + 1,
                                 pf.pane.top + (size_t)pf.pane_h,
                                 pf.pane.n);
        x = b_quit.x + b_quit.w + 3;
        attron(tui_attr(TUI_C_DIM));
        tui_put(top + rows - 1, x, COLS - x - 2, more, false);
        attroff(tui_attr(TUI_C_DIM));
        free(more);
    }
}

/* "New migration", confirmed: back to the guest list with the same
 * source; the Summary and the Run screen start afresh. */
static void
new_answer(struct tui_ctx *ctx, bool yes)
{
    if (!yes)
        return;
    x2k_log(X2K_LOG_INFO, "wizard: new migration");
    ctx->run_rc = -1;
    tui_wizard_goto(ctx, tui_wizard_index("vm"));
}

static int
done_key(struct tui_ctx *ctx, int action, int ch)
{
    int pressed, flags;

    if (action == TUI_ACT_BACK) {
        tui_wizard_ask_quit(ctx);
        return TUI_HANDLED | TUI_REDRAW;
    }
    flags = tui_paned_key(&pf, action);
    if (flags)
        return flags;
    if (pf.pane_focus)
        return 0;
    /* Up/Down scroll the text; Left/Right move between the buttons. */
    if (action == TUI_ACT_UP || action == TUI_ACT_DOWN ||
        action == TUI_ACT_HOME || action == TUI_ACT_END)
        return tui_pane_key(&pf.pane, action, pf.pane_h);
    if (action == TUI_ACT_LEFT || action == TUI_ACT_RIGHT) {
        pf.form.focus = action == TUI_ACT_LEFT ? 0 : 1;
        return TUI_HANDLED | TUI_REDRAW;
    }
    flags = tui_form_key(&pf.form, action, ch, &pressed);
    if (pressed == B_QUIT) {
        ctx->exit_code = ctx->run_rc < 0 ? TUI_EXIT_FAILED : ctx->run_rc;
        return TUI_HANDLED | TUI_QUIT;
    }
    if (pressed == B_NEW) {
        tui_dialog_confirm(ctx, _("New migration"),
                           _("Start over with another guest (or this one "
                             "again)? The finished run is kept as it is: "
                             "its disks, its log and its run directory."),
                           new_answer);
        return TUI_HANDLED | TUI_REDRAW;
    }
    return flags;
}

const struct tui_screen screen_done = {
    .id = "done",
    .title = N_("Done"),
    .enter = done_enter,
    .draw = done_draw,
    .key = done_key,
};
