/* --version's text (version.c).  Main thread. */
#ifndef TUI_VERSION_H
#define TUI_VERSION_H

/* The program's version line, then one line per library it runs with.
 * Caller frees. */
char *tui_version_text(void);

#endif /* TUI_VERSION_H */
