/* Terminal lifetime and signals (see term.h).  The handlers only write
 * a byte to a pipe, except for fatal signals, where restoring the tty
 * is worth the risk of calling endwin() from a handler.
 */
#include <config.h>

#include "tcurses.h"
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "term.h"

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t curses_active;
static int saved_stderr = -1;
static bool colors;

static void
queue_signal(int sig)
{
    unsigned char c = (unsigned char)sig;
    int saved = errno;

    if (sig_pipe[1] >= 0)
        (void)!write(sig_pipe[1], &c, 1);
    errno = saved;
}

static void
fatal_signal(int sig)
{
    if (curses_active)
        endwin();
    signal(sig, SIG_DFL);
    raise(sig);
}

void
tui_term_install_signals(void)
{
    static const int queued[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
    static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
    struct sigaction sa;
    size_t i;

    if (sig_pipe[0] >= 0)
        return;
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        sig_pipe[0] = sig_pipe[1] = -1;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = queue_signal;
    for (i = 0; i < sizeof queued / sizeof queued[0]; i++)
        sigaction(queued[i], &sa, NULL);
    sa.sa_handler = fatal_signal;
    sa.sa_flags = SA_RESETHAND;
    for (i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        sigaction(fatal[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int
tui_term_signal_fd(void)
{
    return sig_pipe[0];
}

int
tui_term_take_signal(void)
{
    unsigned char c;
    int sig = 0;

    while (sig_pipe[0] >= 0 && read(sig_pipe[0], &c, 1) == 1)
        sig = c;
    return sig;
}

bool
tui_term_start(int log_fd)
{
    const char *nc = getenv("NO_COLOR");

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return false;
    if (log_fd >= 0) {
        fflush(stderr);
        saved_stderr = dup(STDERR_FILENO);
        dup2(log_fd, STDERR_FILENO);
    }
    /* Line drawing as Unicode in UTF-8 locales: terminals and
     * multiplexers disagree on the VT100 alternate character set. */
    if (strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
        setenv("NCURSES_NO_UTF8_ACS", "1", 0);
    if (!newterm(NULL, stdout, stdin)) {
        tui_term_stop();
        return false;
    }
    curses_active = 1;
    atexit(tui_term_stop);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    colors = has_colors() && !(nc && *nc);
    if (colors) {
        start_color();
        use_default_colors();
    }
    return true;
}

void
tui_term_stop(void)
{
    if (curses_active) {
        curses_active = 0;
        curs_set(1);
        endwin();
    }
    if (saved_stderr >= 0) {
        fflush(stderr);
        dup2(saved_stderr, STDERR_FILENO);
        close(saved_stderr);
        saved_stderr = -1;
    }
}

bool
tui_term_has_colors(void)
{
    return colors;
}
