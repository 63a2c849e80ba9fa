/* What the two front ends share: exit codes (documented in the man
 * page) and their entry points.  Main thread only.
 */
#ifndef TUI_FRONTEND_H
#define TUI_FRONTEND_H

#include <stdio.h>

#include "plan/options.h"
#include "plan/plan.h"

enum tui_exit {
    TUI_EXIT_OK = 0,            /* done (or help/version printed) */
    TUI_EXIT_FAILED = 1,        /* the migration failed */
    TUI_EXIT_USAGE = 2,         /* bad options or plan */
    TUI_EXIT_PREFLIGHT = 3,     /* a preflight check failed */
    TUI_EXIT_CANCELLED = 4,     /* cancelled (Ctrl-C, Esc) */
};

/* Line mode; PLAN is validated here.  Returns an exit code. */
int tui_batch_main(struct x2k_plan *plan, const struct x2k_cli *cli);

/* Open the log file PATH (--log-file, or the wizard's default):
 * appended to, created 0600, never through a symlink; line-buffered.
 * NULL with errno set. */
FILE *tui_log_open(const char *path);

/* The ncursesw wizard, pre-filled from PLAN.  Returns an exit code. */
int tui_wizard_main(struct x2k_plan *plan, const struct x2k_cli *cli);

#endif /* TUI_FRONTEND_H */
