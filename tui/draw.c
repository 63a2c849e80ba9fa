/* Drawing helpers for the wizard: colours (or their monochrome
 * stand-ins), text placed and wrapped by display columns, boxes,
 * progress bars and human-readable sizes.  Every string reaches curses
 * through here, without its control characters (x2k_text_printable):
 * names, paths and messages from the Xen host cannot drive the
 * terminal.  UI thread.
 */
#include <config.h>

#include "tcurses.h"
#include <stdio.h>
#include <wchar.h>

#include "base/i18n.h"
#include "base/text.h"
#include "term.h"
#include "tui.h"

void
tui_draw_init_colors(void)
{
    if (!tui_term_has_colors())
        return;
    init_pair(TUI_C_TITLE, COLOR_WHITE, COLOR_BLUE);
    init_pair(TUI_C_KEY, COLOR_BLACK, COLOR_CYAN);
    init_pair(TUI_C_FOCUS, COLOR_BLACK, COLOR_CYAN);
    init_pair(TUI_C_OK, COLOR_GREEN, -1);
    init_pair(TUI_C_WARN, COLOR_YELLOW, -1);
    init_pair(TUI_C_FAIL, COLOR_RED, -1);
    init_pair(TUI_C_DEMO, COLOR_BLACK, COLOR_YELLOW);
    init_pair(TUI_C_DIM, COLOR_BLUE, -1);
    init_pair(TUI_C_BAR, COLOR_BLACK, COLOR_GREEN);
}

int
tui_attr(enum tui_color c)
{
    if (c == TUI_C_NORMAL)
        return A_NORMAL;
    if (tui_term_has_colors())
        return (int)COLOR_PAIR(c) |
            (c == TUI_C_TITLE || c == TUI_C_FAIL ? A_BOLD : 0);
    switch (c) {
    case TUI_C_TITLE:
    case TUI_C_KEY:
    case TUI_C_FOCUS:
    case TUI_C_BAR:
        return A_REVERSE;
    case TUI_C_DEMO:
    case TUI_C_FAIL:
    case TUI_C_WARN:
        return A_BOLD;
    case TUI_C_DIM:
        return A_DIM;
    default:
        return A_NORMAL;
    }
}

int
tui_put(int y, int x, int w, const char *text, bool pad)
{
    X2K_AUTOFREE char *s = NULL;
    size_t fit, cols;

    if (w <= 0 || y < 0 || y >= LINES)
        return 0;
    s = x2k_text_printable(text, false);
    fit = x2k_mbs_fit(s, (size_t)w);
    mvaddnstr(y, x, s, (int)fit);
    {
        char *tmp = x2k_xstrndup(s, fit);

        cols = x2k_mbswidth(tmp);
        free(tmp);
    }
    if (pad) {
        int i;

        for (i = (int)cols; i < w; i++)
            addch(' ');
        return w;
    }
    return (int)cols;
}

void
tui_put_right(int y, int x, int w, const char *s)
{
    int cols = (int)x2k_mbswidth(s);

    if (cols > w)
        cols = w;
    tui_put(y, x + w - cols, cols, s, false);
}

/* Width of the UTF-8 character at S, and its length in bytes. */
static size_t
char_info(const char *s, int *w)
{
    mbstate_t st;
    wchar_t wc;
    size_t len;

    memset(&st, 0, sizeof st);
    len = mbrtowc(&wc, s, MB_CUR_MAX, &st);
    if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
        *w = 1;
        return 1;
    }
    *w = wcwidth(wc);
    if (*w < 0)
        *w = 1;
    return len;
}

char **
tui_wrap(const char *text, int w, size_t *n)
{
    X2K_AUTOFREE char *s = x2k_text_printable(text, true);
    char **lines = NULL;
    size_t count = 0;
    const char *p = s;

    if (w < 1)
        w = 1;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t linelen = nl ? (size_t)(nl - p) : strlen(p);
        const char *end = p + linelen;

        do {
            const char *q = p, *brk = NULL;
            int used = 0;

            while (q < end) {
                int cw;
                size_t len = char_info(q, &cw);

                if (used + cw > w)
                    break;
                if (*q == ' ')
                    brk = q;
                else if (cw == 2)
                    brk = q + len;      /* may break after CJK */
                used += cw;
                q += len;
            }
            /* Break at the last space or after CJK, unless the text
             * that did not fit starts with a space. */
            if (q < end && *q != ' ' && brk && brk > p)
                q = brk;
            if (q == p && q < end) {
                int cw;
                q += char_info(q, &cw);
            }
            lines = x2k_xreallocarray(lines, count + 1, sizeof *lines);
            lines[count++] = x2k_xstrndup(p, (size_t)(q - p));
            p = q;
            while (p < end && *p == ' ')
                p++;
        } while (p < end);
        p = nl ? nl + 1 : end;
    }
    *n = count;
    return lines;
}

void
tui_lines_free(char **lines, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

int
tui_put_wrapped(int y, int x, int w, int maxrows, const char *s)
{
    size_t n, i;
    char **lines = tui_wrap(s, w, &n);

    for (i = 0; i < n && (int)i < maxrows; i++)
        tui_put(y + (int)i, x, w, lines[i], false);
    tui_lines_free(lines, n);
    return (int)(i);
}

void
tui_draw_hline(int y, int x, int w)
{
    mvhline(y, x, ACS_HLINE, w);
}

void
tui_draw_box(int y, int x, int h, int w)
{
    int i;

    for (i = 0; i < h; i++)
        mvhline(y + i, x, ' ', w);
    mvaddch(y, x, ACS_ULCORNER);
    mvhline(y, x + 1, ACS_HLINE, w - 2);
    mvaddch(y, x + w - 1, ACS_URCORNER);
    mvvline(y + 1, x, ACS_VLINE, h - 2);
    mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
    mvaddch(y + h - 1, x, ACS_LLCORNER);
    mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
    mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
}

void
tui_draw_bar(int y, int x, int w, double frac, const char *label)
{
    X2K_AUTOFREE char *text = NULL;
    int inner = w - 2, fill, tw, tx, i;
    size_t fit;

    if (inner < 1)
        return;
    text = x2k_text_printable(label, false);
    if (frac < 0)
        frac = 0;
    if (frac > 1)
        frac = 1;
    fill = (int)(frac * inner + 0.5);
    tw = (int)x2k_mbswidth(text);
    if (tw > inner)
        tw = inner;
    tx = (inner - tw) / 2;
    fit = x2k_mbs_fit(text, (size_t)inner);
    mvaddch(y, x, '[');
    /* Filled part in reverse video (works in monochrome), with '#'
     * where the text does not cover it, so captures show progress. */
    for (i = 0; i < inner; i++) {
        bool filled = i < fill;

        if (i == tx && tw > 0) {
            attron(filled ? tui_attr(TUI_C_BAR) : A_NORMAL);
            mvaddnstr(y, x + 1 + i, text, (int)fit);
            attroff(filled ? tui_attr(TUI_C_BAR) : A_NORMAL);
            /* The rest of the text's cells keep their fill state
             * approximately: fine for a label. */
            i += tw - 1;
            continue;
        }
        if (filled) {
            attron(tui_attr(TUI_C_BAR));
            mvaddch(y, x + 1 + i, '#');
            attroff(tui_attr(TUI_C_BAR));
        } else {
            mvaddch(y, x + 1 + i, '.');
        }
    }
    mvaddch(y, x + w - 1, ']');
}

const char *
tui_fmt_eta(double secs, char *buf, size_t len)
{
    long s;

    if (secs < 0) {
        snprintf(buf, len, "--:--");
        return buf;
    }
    s = (long)(secs + 0.5);
    if (s >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, len, "%02ld:%02ld", s / 60, s % 60);
    return buf;
}
