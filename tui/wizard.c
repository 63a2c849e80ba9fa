/* The wizard's main loop.  Until the screens land this shows what the
 * wizard will do and how to use batch mode, and proves the terminal
 * contract: restored on quit, Ctrl-C, SIGTERM and fatal signals.
 * Main (UI) thread only.
 */
#include <config.h>

#include "tcurses.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "help.h"
#include "i18n.h"
#include "term.h"
#include "wizard.h"

/* Draw UTF-8 TEXT at (Y, X) wrapped to WIDTH columns; returns the next
 * row. */
static int
draw_wrapped(int y, int x, int width, const char *text)
{
    const char *p = text;

    while (*p && y < LINES - 2) {
        size_t fit = x2k_mbs_fit(p, (size_t)width), cut = fit;

        if (p[fit] && fit > 0) {
            /* Break at the last space that fits, if any. */
            size_t i;

            for (i = fit; i > 0 && p[i] != ' '; i--)
                ;
            if (i > 0)
                cut = i;
        }
        mvaddnstr(y++, x, p, (int)cut);
        p += cut;
        while (*p == ' ')
            p++;
    }
    return y;
}

static void
draw(void)
{
    const struct x2k_help *h = x2k_help_find("screen-welcome");
    const char *para;
    int y = 2;
    size_t i;

    erase();
    if (COLS < 80 || LINES < 24) {
        mvaddstr(0, 0, _("Please enlarge the terminal to at least 80x24."));
        refresh();
        return;
    }
    box(stdscr, 0, 0);
    mvaddstr(0, 2, " xen2kvm-tui ");
    for (i = 0; h && (para = x2k_help_para(h, i)); i++)
        y = draw_wrapped(y, 2, COLS - 4, para) + 1;
    y = draw_wrapped(y, 2, COLS - 4,
                     _("The interactive screens are not part of this build "
                       "yet. Batch mode works: see 'xen2kvm-tui --help'."));
    mvaddstr(LINES - 1, 2, _("q Quit"));
    refresh();
}

int
tui_wizard_main(struct x2k_plan *plan, const struct x2k_cli *cli)
{
    struct pollfd fds[2];
    int sig, rc = TUI_EXIT_OK;
    bool done = false;

    tui_term_install_signals();
    if (!tui_term_start(-1)) {
        fprintf(stderr,
                _("xen2kvm: error: the wizard needs a terminal; use --batch "
                  "to run without one\n"));
        return TUI_EXIT_USAGE;
    }
    draw();
    fds[0].fd = STDIN_FILENO;
    fds[0].events = POLLIN;
    fds[1].fd = tui_term_signal_fd();
    fds[1].events = POLLIN;
    nodelay(stdscr, TRUE);
    while (!done) {
        int ch;

        /* SIGWINCH interrupts poll(); getch() then reports KEY_RESIZE,
         * so drain the keyboard whatever woke us. */
        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            break;
        if (fds[1].revents & POLLIN) {
            sig = tui_term_take_signal();
            if (sig) {
                /* Ctrl-C is the user cancelling; SIGTERM/SIGHUP end the
                 * program the conventional way. */
                rc = sig == SIGINT ? TUI_EXIT_CANCELLED : 128 + sig;
                done = true;
            }
        }
        while (!done && (ch = getch()) != ERR) {
            if (ch == 'q' || ch == 'Q' || ch == KEY_F(10) || ch == 27)
                done = true;
            else if (ch == KEY_RESIZE)
                draw();
        }
    }
    tui_term_stop();
    return rc;
}
