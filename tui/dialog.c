/* Modal dialogs drawn over the current screen: a message (OK), a
 * confirmation (Yes/No) and the help viewer (F1).  At most one is open;
 * the main loop gives it every key first.  UI thread.
 */
#include <config.h>

#include "tcurses.h"

#include "base/i18n.h"
#include "help.h"
#include "tui.h"

static void
dialog_open(struct tui_ctx *ctx, enum tui_dialog_kind kind,
            const char *title, const char *text, tui_dialog_fn fn)
{
    tui_dialog_close(ctx);
    ctx->dlg.kind = kind;
    ctx->dlg.title = x2k_xstrdup(title);
    ctx->dlg.text = x2k_xstrdup(text);
    ctx->dlg.fn = fn;
    ctx->dlg.yes = false;
    ctx->dlg.scroll = 0;
    ctx->dirty = true;
}

void
tui_dialog_message(struct tui_ctx *ctx, const char *title,
                   const char *text)
{
    dialog_open(ctx, TUI_DLG_MESSAGE, title, text, NULL);
}

void
tui_dialog_confirm(struct tui_ctx *ctx, const char *title,
                   const char *text, tui_dialog_fn fn)
{
    dialog_open(ctx, TUI_DLG_CONFIRM, title, text, fn);
}

void
tui_dialog_help(struct tui_ctx *ctx, const char *help_id)
{
    const struct x2k_help *h = x2k_help_find(help_id);
    struct x2k_buf b = { 0 };
    const char *para;
    size_t i;

    if (!h) {
        tui_dialog_message(ctx, _("Help"), _("There is no help for this "
                                             "screen."));
        return;
    }
    for (i = 0; (para = x2k_help_para(h, i)); i++) {
        if (i > 0)
            x2k_buf_puts(&b, "\n\n");
        x2k_buf_puts(&b, para);
    }
    {
        char *text = x2k_buf_steal(&b);
        char *title = x2k_strdup_printf(_("Help: %1$s"),
                                        x2k_help_title(h));

        dialog_open(ctx, TUI_DLG_HELP, title, text, NULL);
        free(title);
        free(text);
    }
}

void
tui_dialog_text(struct tui_ctx *ctx, const char *title, const char *text)
{
    dialog_open(ctx, TUI_DLG_HELP, title, text, NULL);
}

void
tui_dialog_close(struct tui_ctx *ctx)
{
    free(ctx->dlg.title);
    free(ctx->dlg.text);
    memset(&ctx->dlg, 0, sizeof ctx->dlg);
    ctx->dirty = true;
}

/* The dialog's geometry for the current terminal. */
static void
geometry(struct tui_ctx *ctx, int *y, int *x, int *h, int *w,
         char ***lines, size_t *n)
{
    int maxh = LINES - 4;

    *w = COLS - 8 > 72 ? 72 : COLS - 8;
    *lines = tui_wrap(ctx->dlg.text, *w - 4, n);
    *h = (int)*n + 4;
    if (*h > maxh)
        *h = maxh;
    *y = (LINES - *h) / 2;
    *x = (COLS - *w) / 2;
}

void
tui_dialog_draw(struct tui_ctx *ctx)
{
    int y, x, h, w, i, rows, bx;
    char **lines;
    size_t n;
    char *buttons = NULL;

    if (ctx->dlg.kind == TUI_DLG_NONE)
        return;
    curs_set(0);
    geometry(ctx, &y, &x, &h, &w, &lines, &n);
    rows = h - 4;
    if (ctx->dlg.scroll > (int)n - rows)
        ctx->dlg.scroll = (int)n - rows > 0 ? (int)n - rows : 0;
    attron(A_BOLD);
    tui_draw_box(y, x, h, w);
    attroff(A_BOLD);
    {
        char *t = x2k_strdup_printf(" %s ", ctx->dlg.title);

        attron(A_BOLD);
        tui_put(y, x + 2, w - 4, t, false);
        attroff(A_BOLD);
        free(t);
    }
    for (i = 0; i < rows && ctx->dlg.scroll + i < (int)n; i++)
        tui_put(y + 1 + i, x + 2, w - 4, lines[ctx->dlg.scroll + i], false);
    if ((int)n > rows) {
        char *more = x2k_strdup_printf(_("-- %1$d/%2$d, arrows scroll --"),
                                       ctx->dlg.scroll + rows, (int)n);
        tui_put_right(y + h - 2, x + 2, w - 4, more);
        free(more);
    }
    tui_lines_free(lines, n);

    /* Buttons on the last inner row. */
    if (ctx->dlg.kind == TUI_DLG_CONFIRM) {
        char *yes = x2k_strdup_printf("[ %s ]", _("Yes"));
        char *no = x2k_strdup_printf("[ %s ]", _("No"));
        int yw = (int)x2k_mbswidth(yes), nw = (int)x2k_mbswidth(no);

        bx = x + (w - yw - nw - 4) / 2;
        if (ctx->dlg.yes)
            attron(tui_attr(TUI_C_FOCUS));
        tui_put(y + h - 2, bx, yw, yes, false);
        if (ctx->dlg.yes)
            attroff(tui_attr(TUI_C_FOCUS));
        if (!ctx->dlg.yes)
            attron(tui_attr(TUI_C_FOCUS));
        tui_put(y + h - 2, bx + yw + 4, nw, no, false);
        if (!ctx->dlg.yes)
            attroff(tui_attr(TUI_C_FOCUS));
        free(yes);
        free(no);
    } else {
        buttons = x2k_strdup_printf("[ %s ]", _("OK"));
        attron(tui_attr(TUI_C_FOCUS));
        tui_put(y + h - 2, x + (w - (int)x2k_mbswidth(buttons)) / 2,
                w - 4, buttons, false);
        attroff(tui_attr(TUI_C_FOCUS));
        free(buttons);
    }
}

int
tui_dialog_key(struct tui_ctx *ctx, int action, int ch)
{
    tui_dialog_fn fn = ctx->dlg.fn;
    bool yes;

    switch (ctx->dlg.kind) {
    case TUI_DLG_NONE:
        return 0;
    case TUI_DLG_CONFIRM:
        if (action == TUI_ACT_LEFT || action == TUI_ACT_RIGHT ||
            action == TUI_ACT_NEXT_FIELD || action == TUI_ACT_PREV_FIELD) {
            ctx->dlg.yes = !ctx->dlg.yes;
            return TUI_HANDLED | TUI_REDRAW;
        }
        /* y/n answer directly, in any language's keyboard layout. */
        if (ch == 'y' || ch == 'Y' || ch == 'n' || ch == 'N' ||
            action == TUI_ACT_ENTER || action == TUI_ACT_BACK) {
            if (ch == 'y' || ch == 'Y')
                yes = true;
            else if (ch == 'n' || ch == 'N' || action == TUI_ACT_BACK)
                yes = false;
            else
                yes = ctx->dlg.yes;
            tui_dialog_close(ctx);
            if (fn)
                fn(ctx, yes);
            return TUI_HANDLED | TUI_REDRAW;
        }
        return TUI_HANDLED;
    case TUI_DLG_HELP:
        switch (action) {
        case TUI_ACT_UP:
            if (ctx->dlg.scroll > 0)
                ctx->dlg.scroll--;
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_DOWN:
            ctx->dlg.scroll++;
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_PAGE_DOWN:
            ctx->dlg.scroll += 5;
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_PAGE_UP:
            ctx->dlg.scroll = ctx->dlg.scroll > 5 ? ctx->dlg.scroll - 5 : 0;
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_HOME:
            ctx->dlg.scroll = 0;
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_END:
            /* Clamped to the last page when drawn. */
            ctx->dlg.scroll = 1 << 20;
            return TUI_HANDLED | TUI_REDRAW;
        default:
            break;
        }
        /* fall through */
    case TUI_DLG_MESSAGE:
        if (action == TUI_ACT_ENTER || action == TUI_ACT_BACK ||
            action == TUI_ACT_HELP || action == TUI_ACT_TOGGLE ||
            action == TUI_ACT_QUIT) {
            tui_dialog_close(ctx);
            return TUI_HANDLED | TUI_REDRAW;
        }
        return TUI_HANDLED;
    }
    return 0;
}
