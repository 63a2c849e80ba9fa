/* Welcome screen: what will happen, the steps, where the log goes, and
 * in --demo what the demo host is.  UI thread.
 */
#include <config.h>

#include "tcurses.h"

#include "base/i18n.h"
#include "help.h"
#include "tui.h"

static void
welcome_draw(struct tui_ctx *ctx, int top, int rows)
{
    const struct x2k_help *h = x2k_help_find("screen-welcome");
    int y = top, w = COLS - 4, bottom = top + rows;
    char *s;

    /* The first two help paragraphs say what happens and the steps. */
    y += tui_put_wrapped(y, 2, w, bottom - y, x2k_help_para(h, 0)) + 1;
    y += tui_put_wrapped(y, 2, w, bottom - y, x2k_help_para(h, 1)) + 1;
    if (ctx->demo) {
        attron(A_BOLD);
        y += tui_put_wrapped(y, 2, w, bottom - y,
                             _("This is the demo: the Xen host is a fake "
                               "one bundled with the program (libvirt's "
                               "test driver), so nothing real is touched."))
            + 1;
        attroff(A_BOLD);
    }
    s = x2k_strdup_printf(_("Log file: %1$s"), ctx->log_path);
    y += tui_put_wrapped(y, 2, w, bottom - y, s) + 1;
    free(s);
    tui_put_wrapped(y, 2, w, bottom - y,
                    _("Press Enter to begin, F1 or ? for help on any "
                      "screen."));
}

static int
welcome_key(struct tui_ctx *ctx, int action, int ch)
{
    (void)ctx;
    (void)ch;
    if (action == TUI_ACT_ENTER)
        return TUI_HANDLED | TUI_NEXT;
    return 0;
}

static void
welcome_enter(struct tui_ctx *ctx)
{
    (void)ctx;
}

const struct tui_screen screen_welcome = {
    .id = "welcome",
    .title = N_("Welcome"),
    .enter = welcome_enter,
    .draw = welcome_draw,
    .key = welcome_key,
};
