/* The one place that includes curses: the wide-character ncursesw
 * header chosen by configure. */
#ifndef TUI_TCURSES_H
#define TUI_TCURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#ifdef HAVE_NCURSESW_CURSES_H
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

#endif /* TUI_TCURSES_H */
