/* Done screen: the result, warnings, where the new domain and the log
 * are, the next commands (virsh start / console) and the replay command
 * again.  UI thread.
 */
#include <config.h>

#include "tcurses.h"
#include <stdio.h>

#include "base/i18n.h"
#include "tui.h"

static struct tui_pane pane;
static int pane_h = 10;

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
    tui_pane_clear(&pane);
    for (i = 0; i < n; i++)
        tui_pane_add(&pane, lines[i]);
    tui_lines_free(lines, n);
    free(text);
    free(cmd);
}

static void
done_enter(struct tui_ctx *ctx)
{
    rebuild(ctx, COLS - 4);
}

static void
done_draw(struct tui_ctx *ctx, int top, int rows)
{
    rebuild(ctx, COLS - 4);
    pane_h = rows - 2;
    tui_pane_draw(&pane, top, 2, pane_h, COLS - 4, false);
    tui_put(top + rows - 1, 2, COLS - 4,
            _("Press Enter to leave the wizard."), false);
}

static int
done_key(struct tui_ctx *ctx, int action, int ch)
{
    (void)ch;
    if (action == TUI_ACT_ENTER) {
        ctx->exit_code = ctx->run_rc < 0 ? TUI_EXIT_FAILED : ctx->run_rc;
        return TUI_HANDLED | TUI_QUIT;
    }
    return tui_pane_key(&pane, action, pane_h);
}

const struct tui_screen screen_done = {
    .id = "done",
    .title = N_("Done"),
    .enter = done_enter,
    .draw = done_draw,
    .key = done_key,
};
