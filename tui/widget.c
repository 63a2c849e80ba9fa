/* Widgets: text field (masked for passwords), checkbox, choice, list
 * with type-to-filter, button, scrollable pane, the form that moves
 * the focus between them, and a form with a pane that Tab reaches.
 * Widgets hold their own values, so leaving a screen and coming back
 * keeps them.  UI thread.
 */
#include <config.h>

#include "tcurses.h"
#include <ctype.h>
#include <strings.h>
#include <limits.h>
#include <wchar.h>
#include <wctype.h>

#include "base/i18n.h"
#include "base/secret.h"
#include "tui.h"

/* ---- Fields ------------------------------------------------------ */

void
tui_field_set(struct tui_widget *w, const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n >= sizeof w->text)
        n = sizeof w->text - 1;
    memcpy(w->text, s ? s : "", n);
    w->text[n] = '\0';
}

/* A masked field holding text holds a secret (base/secret.h): the
 * process is not dumpable until it is wiped. */
static void
field_secret(struct tui_widget *w)
{
    bool now = w->masked && w->text[0];

    if (now && !w->secret)
        x2k_secret_hold();
    else if (!now && w->secret)
        x2k_secret_release();
    w->secret = now;
}

void
tui_field_wipe(struct tui_widget *w)
{
    x2k_secure_zero(w->text, sizeof w->text);
    field_secret(w);
}

/* Remove the last UTF-8 character of S. */
static void
erase_last(char *s)
{
    size_t n = strlen(s);

    while (n > 0) {
        n--;
        if (((unsigned char)s[n] & 0xc0) != 0x80)
            break;
    }
    s[n] = '\0';
}

/* Append wide character WC to S (of size CAP) as UTF-8. */
static bool
append_wc(char *s, size_t cap, int wc)
{
    char mb[MB_LEN_MAX];
    mbstate_t st;
    size_t n = strlen(s), len;

    memset(&st, 0, sizeof st);
    len = wcrtomb(mb, (wchar_t)wc, &st);
    if (len == (size_t)-1 || n + len >= cap)
        return false;
    memcpy(s + n, mb, len);
    s[n + len] = '\0';
    return true;
}

static bool
is_text_char(int ch)
{
    return ch >= 0x20 && ch != 0x7f && iswprint((wint_t)ch);
}

/* ---- Lists ------------------------------------------------------- */

void
tui_list_clear(struct tui_widget *w)
{
    size_t i;

    for (i = 0; i < w->n_rows; i++) {
        free(w->rows[i]);
        if (w->keys)
            free(w->keys[i]);
    }
    free(w->rows);
    free(w->keys);
    w->rows = NULL;
    w->keys = NULL;
    w->n_rows = 0;
    w->sel = 0;
    w->top = 0;
}

void
tui_list_set_rows(struct tui_widget *w, char **rows, size_t n)
{
    tui_list_clear(w);
    w->rows = rows;
    w->n_rows = n;
}

void
tui_list_set_keys(struct tui_widget *w, char **keys)
{
    w->keys = keys;
}

bool
tui_list_visible(const struct tui_widget *w, size_t i)
{
    if (!w->filter[0])
        return true;
    return strcasestr(w->keys ? w->keys[i] : w->rows[i], w->filter) != NULL;
}

long
tui_list_selected(const struct tui_widget *w)
{
    if (w->sel < w->n_rows && tui_list_visible(w, w->sel))
        return (long)w->sel;
    return -1;
}

/* Move the selection to a visible row, DIR steps (+/-). */
static void
list_move(struct tui_widget *w, int dir, int steps)
{
    size_t i = w->sel;
    long last = -1;

    if (w->n_rows == 0)
        return;
    if (!tui_list_visible(w, i)) {
        /* Snap to the first visible row. */
        for (i = 0; i < w->n_rows && !tui_list_visible(w, i); i++)
            ;
        if (i < w->n_rows)
            w->sel = i;
        return;
    }
    while (steps > 0) {
        if (dir > 0 ? i + 1 >= w->n_rows : i == 0)
            break;
        i = dir > 0 ? i + 1 : i - 1;
        if (tui_list_visible(w, i)) {
            last = (long)i;
            steps--;
        }
    }
    if (last >= 0)
        w->sel = (size_t)last;
}

static void
list_fix_filter(struct tui_widget *w)
{
    size_t i;

    if (tui_list_selected(w) >= 0)
        return;
    for (i = 0; i < w->n_rows; i++) {
        if (tui_list_visible(w, i)) {
            w->sel = i;
            return;
        }
    }
}

/* ---- Enable / disable ------------------------------------------- */

void
tui_widget_disable(struct tui_widget *w, const char *reason)
{
    w->disabled = true;
    x2k_str_replace(&w->disabled_reason, reason);
}

void
tui_widget_enable(struct tui_widget *w)
{
    w->disabled = false;
    free(w->disabled_reason);
    w->disabled_reason = NULL;
}

/* ---- Drawing ----------------------------------------------------- */

static void
draw_field(const struct tui_widget *w, bool focus)
{
    const char *label = _(w->label);
    int lw = (int)x2k_mbswidth(label);
    int fx = w->x + lw + 1, fw = w->w - lw - 1;
    const char *shown = w->text;
    char *stars = NULL;
    int tw;

    tui_put(w->y, w->x, w->w, label, false);
    if (fw < 3)
        return;
    if (w->masked) {
        size_t n = 0;
        const char *p;

        for (p = w->text; *p; p++)
            n += ((unsigned char)*p & 0xc0) != 0x80;
        stars = x2k_xmalloc(n + 1);
        memset(stars, '*', n);
        stars[n] = '\0';
        shown = stars;
    }
    /* Keep the end (where the cursor is) visible while editing. */
    tw = (int)x2k_mbswidth(shown);
    while (focus && tw > fw - 1) {
        int cw;
        size_t len = x2k_mbs_fit(shown, 1);

        if (len == 0) {
            len = 1;
            while (((unsigned char)shown[len] & 0xc0) == 0x80)
                len++;
        }
        {
            char *tmp = x2k_xstrndup(shown, len);
            cw = (int)x2k_mbswidth(tmp);
            free(tmp);
        }
        shown += len;
        tw -= cw;
    }
    attron(focus ? tui_attr(TUI_C_FOCUS) : A_UNDERLINE);
    tui_put(w->y, fx, fw, shown, true);
    attroff(focus ? tui_attr(TUI_C_FOCUS) : A_UNDERLINE);
    if (focus) {
        move(w->y, fx + tw);
        curs_set(1);
    }
    free(stars);
}

static void
draw_list(const struct tui_widget *w, bool focus)
{
    size_t i, row = 0, vis_index = 0, sel_vis = 0, top;
    int y = w->y;
    int h = w->h;

    if (w->label && w->label[0]) {
        char *hdr;

        if (w->filterable && w->filter[0])
            hdr = x2k_strdup_printf(_("%1$s (filter: %2$s)"), _(w->label),
                                    w->filter);
        else
            hdr = x2k_xstrdup(_(w->label));
        attron(A_BOLD);
        tui_put(y, w->x, w->w, hdr, false);
        attroff(A_BOLD);
        free(hdr);
        y++;
        h--;
    }
    if (w->header && h > 1) {
        attron(A_UNDERLINE);
        mvhline(y, w->x, ' ', w->w);
        tui_put(y, w->x + 2, w->w - 2, w->header, false);
        attroff(A_UNDERLINE);
        y++;
        h--;
    }
    if (h <= 0)
        return;
    for (i = 0; i < w->n_rows; i++) {
        if (!tui_list_visible(w, i))
            continue;
        if (i == w->sel)
            sel_vis = vis_index;
        vis_index++;
    }
    top = w->top;
    if (sel_vis < top)
        top = sel_vis;
    if (sel_vis >= top + (size_t)h)
        top = sel_vis - (size_t)h + 1;
    ((struct tui_widget *)w)->top = top;
    vis_index = 0;
    for (i = 0; i < w->n_rows && row < (size_t)h; i++) {
        bool sel;

        if (!tui_list_visible(w, i))
            continue;
        if (vis_index++ < top)
            continue;
        sel = i == w->sel;
        if (sel)
            attron(focus ? tui_attr(TUI_C_FOCUS) : A_BOLD);
        tui_put(y + (int)row, w->x, 2, sel ? "> " : "  ", false);
        tui_put(y + (int)row, w->x + 2, w->w - 2, w->rows[i], true);
        if (sel)
            attroff(focus ? tui_attr(TUI_C_FOCUS) : A_BOLD);
        row++;
    }
    if (vis_index == 0 && w->n_rows > 0)
        tui_put(y, w->x + 2, w->w - 2, _("(nothing matches the filter)"),
                false);
}

void
tui_widget_draw(const struct tui_widget *w, bool focus)
{
    char *s = NULL;

    if (w->disabled)
        attron(tui_attr(TUI_C_DIM));
    switch (w->kind) {
    case TUI_W_FIELD:
        draw_field(w, focus);
        break;
    case TUI_W_CHECK:
        s = x2k_strdup_printf("[%s] %s", w->on ? "x" : " ", _(w->label));
        if (focus)
            attron(tui_attr(TUI_C_FOCUS));
        tui_put(w->y, w->x, w->w, s, false);
        if (focus)
            attroff(tui_attr(TUI_C_FOCUS));
        break;
    case TUI_W_CHOICE: {
        const char *label = _(w->label);
        int lw = (int)x2k_mbswidth(label);

        tui_put(w->y, w->x, w->w, label, false);
        s = x2k_strdup_printf("< %s >", w->n_options
                              ? _(w->options[w->sel]) : "");
        if (focus)
            attron(tui_attr(TUI_C_FOCUS));
        tui_put(w->y, w->x + lw + 1, w->w - lw - 1, s, false);
        if (focus)
            attroff(tui_attr(TUI_C_FOCUS));
        break;
    }
    case TUI_W_LIST:
        draw_list(w, focus);
        break;
    case TUI_W_BUTTON:
        s = x2k_strdup_printf("[ %s ]", _(w->label));
        if (focus)
            attron(tui_attr(TUI_C_FOCUS));
        tui_put(w->y, w->x, w->w, s, false);
        if (focus)
            attroff(tui_attr(TUI_C_FOCUS));
        break;
    }
    if (w->disabled) {
        attroff(tui_attr(TUI_C_DIM));
        if (w->disabled_reason && w->kind != TUI_W_LIST) {
            int used = (int)x2k_mbswidth(s ? s : _(w->label)) + 1;

            if (w->kind == TUI_W_CHOICE)
                used += (int)x2k_mbswidth(_(w->label)) + 1;
            attron(tui_attr(TUI_C_DIM));
            tui_put(w->y, w->x + used, w->w - used, w->disabled_reason,
                    false);
            attroff(tui_attr(TUI_C_DIM));
        }
    }
    free(s);
}

void
tui_form_draw(const struct tui_form *f)
{
    size_t i;

    curs_set(0);
    for (i = 0; i < f->n; i++) {
        if (i != f->focus)
            tui_widget_draw(f->w[i], false);
    }
    /* The focused one last, so the cursor ends up in it. */
    if (f->focus < f->n)
        tui_widget_draw(f->w[f->focus], true);
}

bool
tui_form_typing(const struct tui_form *f)
{
    const struct tui_widget *w;

    if (f->focus >= f->n)
        return false;
    w = f->w[f->focus];
    return (w->kind == TUI_W_FIELD && !w->disabled) ||
        (w->kind == TUI_W_LIST && w->filterable);
}

/* Move the focus by DIR to the next enabled widget. */
static void
form_move(struct tui_form *f, int dir)
{
    size_t i, idx = f->focus;

    for (i = 0; i < f->n; i++) {
        idx = (idx + f->n + (size_t)(dir > 0 ? 1 : f->n - 1)) % f->n;
        if (!f->w[idx]->disabled || f->w[idx]->kind == TUI_W_LIST)
            break;
    }
    f->focus = idx;
}

int
tui_form_key(struct tui_form *f, int action, int ch, int *pressed)
{
    struct tui_widget *w;

    *pressed = -1;
    if (f->n == 0)
        return 0;
    w = f->w[f->focus];
    switch (action) {
    case TUI_ACT_NEXT_FIELD:
        form_move(f, 1);
        return TUI_HANDLED | TUI_REDRAW;
    case TUI_ACT_PREV_FIELD:
        form_move(f, -1);
        return TUI_HANDLED | TUI_REDRAW;
    default:
        break;
    }
    if (w->disabled && w->kind != TUI_W_LIST) {
        if (action == TUI_ACT_UP || action == TUI_ACT_DOWN) {
            form_move(f, action == TUI_ACT_DOWN ? 1 : -1);
            return TUI_HANDLED | TUI_REDRAW;
        }
        return 0;
    }
    switch (w->kind) {
    case TUI_W_FIELD:
        if (action == TUI_ACT_NONE && is_text_char(ch)) {
            append_wc(w->text, sizeof w->text, ch);
            field_secret(w);
            return TUI_HANDLED | TUI_REDRAW;
        }
        if (action == TUI_ACT_ERASE) {
            erase_last(w->text);
            field_secret(w);
            return TUI_HANDLED | TUI_REDRAW;
        }
        if (action == TUI_ACT_KILL) {
            tui_field_wipe(w);
            return TUI_HANDLED | TUI_REDRAW;
        }
        break;
    case TUI_W_CHECK:
        if (action == TUI_ACT_TOGGLE) {
            w->on = !w->on;
            return TUI_HANDLED | TUI_REDRAW;
        }
        break;
    case TUI_W_CHOICE:
        if (w->n_options && (action == TUI_ACT_TOGGLE ||
                             action == TUI_ACT_RIGHT)) {
            w->sel = (w->sel + 1) % w->n_options;
            return TUI_HANDLED | TUI_REDRAW;
        }
        if (w->n_options && action == TUI_ACT_LEFT) {
            w->sel = (w->sel + w->n_options - 1) % w->n_options;
            return TUI_HANDLED | TUI_REDRAW;
        }
        break;
    case TUI_W_LIST:
        switch (action) {
        case TUI_ACT_UP:
            list_move(w, -1, 1);
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_DOWN:
            list_move(w, 1, 1);
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_PAGE_UP:
            list_move(w, -1, w->h > 2 ? w->h - 2 : 1);
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_PAGE_DOWN:
            list_move(w, 1, w->h > 2 ? w->h - 2 : 1);
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_HOME:
            list_move(w, -1, (int)w->n_rows);
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_END:
            list_move(w, 1, (int)w->n_rows);
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_ERASE:
            if (w->filterable && w->filter[0]) {
                erase_last(w->filter);
                list_fix_filter(w);
                return TUI_HANDLED | TUI_REDRAW;
            }
            break;
        case TUI_ACT_KILL:
            w->filter[0] = '\0';
            return TUI_HANDLED | TUI_REDRAW;
        case TUI_ACT_NONE:
            if (w->filterable && is_text_char(ch)) {
                append_wc(w->filter, sizeof w->filter, ch);
                list_fix_filter(w);
                return TUI_HANDLED | TUI_REDRAW;
            }
            break;
        default:
            break;
        }
        break;
    case TUI_W_BUTTON:
        if (action == TUI_ACT_ENTER || action == TUI_ACT_TOGGLE) {
            *pressed = w->id;
            return TUI_HANDLED | TUI_REDRAW;
        }
        break;
    }
    if (action == TUI_ACT_UP || action == TUI_ACT_DOWN) {
        form_move(f, action == TUI_ACT_DOWN ? 1 : -1);
        return TUI_HANDLED | TUI_REDRAW;
    }
    return 0;
}

/* ---- Back / Next ------------------------------------------------- */

static const char *const nav_labels[] = { N_("< Back"), N_("Next >") };

void
tui_nav_place(struct tui_widget *back, struct tui_widget *next)
{
    int y = LINES - 3, x;

    back->label = nav_labels[0];
    back->w = (int)x2k_mbswidth(_(back->label)) + 4;
    x = COLS - 2 - back->w;
    if (next) {
        next->label = nav_labels[1];
        next->w = (int)x2k_mbswidth(_(next->label)) + 4;
        x -= next->w + 2;
        next->y = y;
        next->x = x + back->w + 2;
    }
    back->y = y;
    back->x = x;
}

int
tui_nav_key(struct tui_form *f, int *action)
{
    const struct tui_widget *w;

    if (f->focus >= f->n)
        return 0;
    w = f->w[f->focus];
    if (w->kind != TUI_W_BUTTON || w->disabled ||
        (*action != TUI_ACT_ENTER && *action != TUI_ACT_TOGGLE))
        return 0;
    if (w->id == TUI_NAV_BACK) {
        /* Coming back to this screen, Enter goes on again: the focus
         * moves to Next (or, without one, to the button before). */
        if (f->focus + 1 < f->n &&
            f->w[f->focus + 1]->id == TUI_NAV_NEXT)
            f->focus++;
        else if (f->focus > 0)
            f->focus--;
        return TUI_HANDLED | TUI_BACK;
    }
    if (w->id == TUI_NAV_NEXT)
        *action = TUI_ACT_ENTER;
    return 0;
}

bool
tui_nav_next_focused(const struct tui_form *f)
{
    return f->focus < f->n && f->w[f->focus]->kind == TUI_W_BUTTON &&
        f->w[f->focus]->id == TUI_NAV_NEXT;
}

/* ---- Panes ------------------------------------------------------- */

void
tui_pane_add(struct tui_pane *p, const char *line)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->lines = x2k_xreallocarray(p->lines, p->cap, sizeof *p->lines);
    }
    p->lines[p->n++] = x2k_xstrdup(line);
}

void
tui_pane_clear(struct tui_pane *p)
{
    size_t i;

    for (i = 0; i < p->n; i++)
        free(p->lines[i]);
    free(p->lines);
    p->lines = NULL;
    p->n = p->cap = 0;
    p->top = 0;
}

void
tui_pane_set_text(struct tui_pane *p, const char *text)
{
    const char *s = text;

    tui_pane_clear(p);
    while (s && *s) {
        const char *nl = strchr(s, '\n');
        char *line = x2k_xstrndup(s, nl ? (size_t)(nl - s) : strlen(s));
        char *t;

        for (t = line; *t; t++) {
            if (*t == '\t')
                *t = ' ';
        }
        tui_pane_add(p, line);
        free(line);
        s = nl ? nl + 1 : NULL;
    }
}

void
tui_pane_draw(struct tui_pane *p, int y, int x, int h, int w, bool focus)
{
    size_t i;

    if (h <= 0)
        return;
    if (p->follow && p->n > (size_t)h)
        p->top = p->n - (size_t)h;
    if (p->top + (size_t)h > p->n)
        p->top = p->n > (size_t)h ? p->n - (size_t)h : 0;
    for (i = 0; i < (size_t)h; i++) {
        size_t li = p->top + i;

        mvhline(y + (int)i, x, ' ', w);
        if (li < p->n)
            tui_put(y + (int)i, x, w - 1, p->lines[li], false);
    }
    /* A scroll marker when there is more than fits. */
    if (p->n > (size_t)h) {
        int pos = (int)((double)p->top / (double)(p->n - (size_t)h) *
                        (h - 1));

        attron(focus ? tui_attr(TUI_C_FOCUS) : A_REVERSE);
        mvaddch(y + pos, x + w - 1, ' ');
        attroff(focus ? tui_attr(TUI_C_FOCUS) : A_REVERSE);
    }
}

int
tui_pane_key(struct tui_pane *p, int action, int h)
{
    size_t max = p->n > (size_t)h ? p->n - (size_t)h : 0;
    size_t page = h > 1 ? (size_t)h - 1 : 1;

    switch (action) {
    case TUI_ACT_UP:
        if (p->top > 0)
            p->top--;
        break;
    case TUI_ACT_DOWN:
        if (p->top < max)
            p->top++;
        break;
    case TUI_ACT_PAGE_UP:
        p->top = p->top > page ? p->top - page : 0;
        break;
    case TUI_ACT_PAGE_DOWN:
        p->top = p->top + page < max ? p->top + page : max;
        break;
    case TUI_ACT_HOME:
        p->top = 0;
        break;
    case TUI_ACT_END:
        p->top = max;
        break;
    default:
        return 0;
    }
    p->follow = p->top == max;
    return TUI_HANDLED | TUI_REDRAW;
}

/* ---- A form with a pane ------------------------------------------ */

void
tui_paned_draw(struct tui_paned *p, int y, int x, int h, int w)
{
    size_t focus = p->form.focus;

    p->pane_h = h;
    tui_pane_draw(&p->pane, y, x, h, w, p->pane_focus);
    if (p->pane_focus)
        p->form.focus = p->form.n;      /* no widget drawn focused */
    tui_form_draw(&p->form);
    p->form.focus = focus;
}

int
tui_paned_key(struct tui_paned *p, int action)
{
    struct tui_form *f = &p->form;

    if (p->pane_focus) {
        if (action == TUI_ACT_NEXT_FIELD || action == TUI_ACT_PREV_FIELD) {
            p->pane_focus = false;
            f->focus = action == TUI_ACT_NEXT_FIELD ? 0 : f->n - 1;
            return TUI_HANDLED | TUI_REDRAW;
        }
        return tui_pane_key(&p->pane, action, p->pane_h);
    }
    if ((action == TUI_ACT_NEXT_FIELD && f->focus == f->n - 1) ||
        (action == TUI_ACT_PREV_FIELD && f->focus == 0)) {
        p->pane_focus = true;
        return TUI_HANDLED | TUI_REDRAW;
    }
    if (p->page_keys &&
        (action == TUI_ACT_PAGE_UP || action == TUI_ACT_PAGE_DOWN))
        return tui_pane_key(&p->pane, action, p->pane_h);
    return 0;
}

bool
tui_paned_typing(const struct tui_paned *p)
{
    return !p->pane_focus && tui_form_typing(&p->form);
}
