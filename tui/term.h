/* The terminal: curses start/stop, and signals.  Whatever happens
 * (normal exit, error, SIGINT/SIGTERM/SIGHUP, a fatal signal) the
 * terminal is restored.  While curses runs, fd 2 goes to the log file
 * so nothing scribbles over the screen.  Main (UI) thread only, except
 * the signal handlers.
 */
#ifndef TUI_TERM_H
#define TUI_TERM_H

#include <stdbool.h>

/* Install handlers: SIGINT, SIGTERM and SIGHUP are queued on a pipe
 * (see tui_term_signal_fd); fatal signals restore the terminal and
 * re-raise.  Idempotent. */
void tui_term_install_signals(void);

/* Read end of the signal pipe, for poll(). */
int tui_term_signal_fd(void);

/* Drain the pipe; return the last signal received, or 0. */
int tui_term_take_signal(void);

/* initscr and friends; stderr goes to LOG_FD if >= 0.  Colours only
 * when the terminal has them and NO_COLOR is unset.  Returns false
 * when there is no usable terminal. */
bool tui_term_start(int log_fd);

/* Restore the terminal and stderr.  Idempotent; safe in atexit. */
void tui_term_stop(void);

bool tui_term_has_colors(void);

#endif /* TUI_TERM_H */
